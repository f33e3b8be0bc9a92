public import Foundation

/// OFAC SDN CSV files (sdn.csv, alt.csv, add.csv, sdn_comments.csv; the consolidated list uses
/// the same columns under cons_*.csv).
public enum OFACParser {
    /// Parses the files of one OFAC list folder.
    /// - Throws: `ListParseError` naming the file and line that broke.
    public static func parse(folder: URL, source: String = "ofac") throws(ListParseError) -> [ListEntity] {
        let prefix =
            FileManager.default.fileExists(atPath: folder.appendingPathComponent("sdn.csv").path) ? "sdn" : "cons_prim"
        let altName = prefix == "sdn" ? "alt.csv" : "cons_alt.csv"
        let addName = prefix == "sdn" ? "add.csv" : "cons_add.csv"
        let commentsName = prefix == "sdn" ? "sdn_comments.csv" : "cons_comments.csv"
        let primary = try records(folder, "\(prefix).csv", required: true)
        guard !primary.isEmpty else {
            throw ListParseError(
                file: "\(prefix).csv", location: "file",
                message: "incomplete: holds no records (empty or truncated file)")
        }
        let alternates = try records(folder, altName, required: false)
        let addresses = try records(folder, addName, required: false)
        let comments = try records(folder, commentsName, required: false)
        var aliases: [String: [String]] = [:]
        for (line, fields) in alternates {
            guard fields.count >= 4 else {
                throw ListParseError(
                    file: altName, location: "line \(line)", message: "expected 5 fields, got \(fields.count)")
            }
            if let name = value(fields[3]) { aliases[value(fields[0]) ?? "", default: []].append(name) }
        }
        var countries: [String: [String]] = [:]
        for (line, fields) in addresses {
            guard fields.count >= 5 else {
                throw ListParseError(
                    file: addName, location: "line \(line)", message: "expected 6 fields, got \(fields.count)")
            }
            if let country = value(fields[4]) { countries[value(fields[0]) ?? "", default: []].append(country) }
        }
        var extraRemarks: [String: String] = [:]
        for (_, fields) in comments where fields.count >= 2 {
            extraRemarks[value(fields[0]) ?? "", default: ""] += fields[1]
        }
        var entities: [ListEntity] = []
        entities.reserveCapacity(primary.count)
        for (line, fields) in primary {
            guard fields.count == 12 else {
                throw ListParseError(
                    file: "\(prefix).csv", location: "line \(line)", message: "expected 12 fields, got \(fields.count)")
            }
            guard let number = value(fields[0]), Int(number) != nil, let name = value(fields[1]) else {
                throw ListParseError(
                    file: "\(prefix).csv", location: "line \(line)", message: "missing ent_num or name")
            }
            let kind: ListEntity.Kind =
                switch value(fields[2])?.lowercased() {
                case "individual": .person
                case "vessel": .vessel
                case "aircraft": .aircraft
                default: .organization
                }
            let remarks = (value(fields[11]) ?? "") + (extraRemarks[number] ?? "")
            let weakAliases = remarks.components(separatedBy: "a.k.a. '").dropFirst().compactMap {
                $0.components(separatedBy: "'").first
            }
            var flags = countries[number] ?? []
            if let flag = value(fields[9]) { flags.append(flag) }
            // Every date of birth the entry gives, the alternatives too ("DOB 08 Nov 1951; alt. DOB
            // 08 Nov 1961"): a party born on any of them agrees.
            let dates = remarks.components(separatedBy: ";").compactMap { part -> String? in
                let trimmed = part.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("DOB ") { return String(trimmed.dropFirst(4)) }
                if trimmed.hasPrefix("alt. DOB ") { return String(trimmed.dropFirst(9)) }
                return nil
            }
            let parts = remarks.components(separatedBy: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            for part in parts {
                for prefix in ["nationality ", "citizen ", "POB ", "alt. POB ", "Nationality of Registration "]
                where part.hasPrefix(prefix) {
                    flags.append(String(part.dropFirst(prefix.count)).trimmingCharacters(in: .punctuationCharacters))
                }
            }
            let identifiers = parts.compactMap(Self.identifier)
            entities.append(
                ListEntity(
                    source: source, reference: number, kind: kind,
                    names: [name] + (aliases[number] ?? []) + weakAliases,
                    programmes: (value(fields[3]) ?? "").components(separatedBy: "] [").map {
                        $0.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                    }.filter { !$0.isEmpty },
                    countries: Array(Set(flags)).sorted(), dates: dates, imoNumbers: IMOText.numbers(in: remarks),
                    identifiers: identifiers
                )
            )
        }
        return entities
    }

    /// Remarks that give a document or registration number, as OFAC writes them.
    static let identifierPrefixes = [
        "Passport", "alt. Passport", "National ID No.", "alt. National ID No.", "Registration Number",
        "Registration ID", "Tax ID No.", "Identification Number", "Cedula No.", "NIT #", "D-U-N-S Number",
        "Company Number", "UK Company Number", "Business Registration Document #", "Business Number",
        "Commercial Registry Number", "Chamber of Commerce Number", "Personal ID Card", "RFC", "C.U.R.P. #", "SSN",
        "Trade License No.", "Legal Entity Number", "Certificate of Incorporation Number",
        "Unified Social Credit Code (USCC)", "Enterprise Number", "Government Gazette Number",
        "Registration Certificate Number", "Public Registration Number", "Residency Number", "Driver's License No.",
        "Identification Card", "Travel Document Number", "Diplomatic Passport",
    ].sorted { $0.count > $1.count }

    /// The number of a remark like "Passport 563120630 (Russia) expires 2024", nil for others.
    static func identifier(_ remark: String) -> String? {
        guard let prefix = identifierPrefixes.first(where: { remark.hasPrefix($0 + " ") }) else { return nil }
        let rest = remark.dropFirst(prefix.count + 1).split(separator: " ").first.map(String.init) ?? ""
        let key = ListEntity.identifierKey(rest)
        return key.count >= 4 && key.contains(where: \.isNumber) ? key : nil
    }

    /// "-0-" (with or without its trailing space) is OFAC's null.
    static func value(_ field: String) -> String? {
        let trimmed = field.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty || trimmed == "-0-" ? nil : trimmed
    }

    private static func records(
        _ folder: URL, _ name: String, required: Bool
    ) throws(ListParseError) -> [(line: Int, fields: [String])] {
        let url = folder.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            if required { throw ListParseError(file: name, location: "file", message: "missing in \(folder.path)") }
            return []
        }
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
            throw ListParseError(file: name, location: "file", message: "not text")
        }
        do { return try CSVReader.records(text) } catch {
            throw ListParseError(file: name, location: "line \(error.line)", message: error.message)
        }
    }
}
