public import Foundation

/// OpenSanctions FollowTheMoney entities, one JSON object per line.
public enum FTMParser {
    /// - Throws: `ListParseError` naming the line that is not a valid entity.
    public static func parse(file url: URL) throws(ListParseError) -> [ListEntity] {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8)
        else {
            throw ListParseError(file: url.lastPathComponent, location: "file", message: "cannot read as UTF-8")
        }
        var entities: [ListEntity] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any],
                let id = object["id"] as? String, let schema = object["schema"] as? String
            else {
                throw ListParseError(
                    file: url.lastPathComponent, location: "line \(offset + 1)", message: "not a FollowTheMoney entity")
            }
            let properties = object["properties"] as? [String: Any] ?? [:]
            func strings(_ key: String) -> [String] { properties[key] as? [String] ?? [] }
            let kind: ListEntity.Kind
            switch schema {
            case "Person": kind = .person
            case "Vessel": kind = .vessel
            case "Airplane": kind = .aircraft
            case "Organization", "Company", "LegalEntity", "PublicBody": kind = .organization
            default: continue  // Addresses, sanctions records and other schemata are not screenable parties.
            }
            let names = strings("name") + strings("alias") + strings("previousName") + strings("weakAlias")
            guard !names.isEmpty else { continue }
            entities.append(
                ListEntity(
                    source: "opensanctions", reference: id, kind: kind, names: names,
                    programmes: strings("program") + strings("topics"),
                    countries: strings("country") + strings("nationality") + strings("flag"),
                    dates: strings("birthDate") + strings("incorporationDate"),
                    imoNumbers: strings("imoNumber").compactMap(IMOText.normalize)
                )
            )
        }
        guard !entities.isEmpty else {
            throw ListParseError(
                file: url.lastPathComponent, location: "file", message: "incomplete: holds no screenable entity")
        }
        return entities
    }
}
