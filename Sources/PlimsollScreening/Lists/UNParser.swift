public import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The UN Security Council consolidated list (XML).
public enum UNParser {
    /// - Throws: `ListParseError` naming the line and column where the XML broke, or the entry
    ///   that lacks a reference number or a name.
    public static func parse(file url: URL) throws(ListParseError) -> [ListEntity] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ListParseError(file: url.lastPathComponent, location: "file", message: "cannot read")
        }
        return try parse(data: data, name: url.lastPathComponent)
    }

    public static func parse(data: Data, name: String) throws(ListParseError) -> [ListEntity] {
        let delegate = Delegate()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse(), delegate.failure == nil else {
            if let failure = delegate.failure {
                throw ListParseError(file: name, location: failure.0, message: failure.1)
            }
            throw ListParseError(
                file: name, location: "line \(parser.lineNumber) column \(parser.columnNumber)",
                message: "malformed XML: \(parser.parserError.map { "\($0)" } ?? "unknown error")"
            )
        }
        guard delegate.sawRoot else {
            throw ListParseError(file: name, location: "root", message: "not a CONSOLIDATED_LIST document")
        }
        // A file cut short can still parse as far as it goes: only a closed root is a whole list.
        guard delegate.closedRoot else {
            throw ListParseError(
                file: name, location: "line \(parser.lineNumber)",
                message:
                    "incomplete: CONSOLIDATED_LIST is never closed (file truncated?); \(delegate.entities.count) entries read"
            )
        }
        guard !delegate.entities.isEmpty else {
            throw ListParseError(
                file: name, location: "root", message: "incomplete: the list holds no INDIVIDUAL or ENTITY")
        }
        return delegate.entities
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        var entities: [ListEntity] = []
        var failure: (String, String)?
        var sawRoot = false
        var closedRoot = false
        private var path: [String] = []
        private var text = ""
        private var fields: [String: [String]] = [:]
        private var kind: ListEntity.Kind = .person

        func parser(
            _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if element == "CONSOLIDATED_LIST" { sawRoot = true }
            if element == "INDIVIDUAL" || element == "ENTITY" {
                fields = [:]
                kind = element == "INDIVIDUAL" ? .person : .organization
            }
            path.append(element)
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if element == "CONSOLIDATED_LIST" && path.count == 1 { closedRoot = true }
            path.removeLast()
            let parent = path.last ?? ""
            if !value.isEmpty {
                let key =
                    element == "VALUE" || element == "ALIAS_NAME" || element == "COUNTRY"
                    ? "\(parent)/\(element)" : element
                fields[key, default: []].append(value)
            }
            text = ""
            guard element == "INDIVIDUAL" || element == "ENTITY" else { return }
            let nameParts = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"].compactMap { fields[$0]?.first }
            guard let reference = fields["REFERENCE_NUMBER"]?.first, !nameParts.isEmpty else {
                if failure == nil {
                    failure = ("line \(parser.lineNumber)", "\(element) without REFERENCE_NUMBER or name")
                }
                parser.abortParsing()
                return
            }
            let aliasText = (fields["INDIVIDUAL_ALIAS/ALIAS_NAME"] ?? []) + (fields["ENTITY_ALIAS/ALIAS_NAME"] ?? [])
            let aliases = aliasText.flatMap { $0.components(separatedBy: ";") }.map {
                $0.components(separatedBy: "(original script").first!.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
            let comments = (fields["COMMENTS1"] ?? []).joined(separator: " ")
            entities.append(
                ListEntity(
                    source: "un", reference: reference, kind: kind,
                    names: [nameParts.joined(separator: " ")] + aliases + (fields["NAME_ORIGINAL_SCRIPT"] ?? []),
                    programmes: fields["UN_LIST_TYPE"] ?? [],
                    countries: (fields["NATIONALITY/VALUE"] ?? []) + (fields["INDIVIDUAL_ADDRESS/COUNTRY"] ?? [])
                        + (fields["ENTITY_ADDRESS/COUNTRY"] ?? [])
                        + (fields["INDIVIDUAL_PLACE_OF_BIRTH/COUNTRY"] ?? []),
                    // Every date form the entry gives: exact dates, years (circa when the list says
                    // approximately), and ranges.
                    dates: (fields["DATE"] ?? [])
                        + (fields["YEAR"] ?? []).map {
                            (fields["TYPE_OF_DATE"] ?? []).contains("APPROXIMATELY") ? "circa \($0)" : $0
                        }
                        + zip(fields["FROM_YEAR"] ?? [], fields["TO_YEAR"] ?? []).map { "\($0) to \($1)" },
                    imoNumbers: IMOText.numbers(in: comments),
                    identifiers: (fields["NUMBER"] ?? []).map(ListEntity.identifierKey).filter { $0.count >= 4 }
                )
            )
        }
    }
}
