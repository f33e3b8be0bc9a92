public import Foundation

/// The evaluation set on disk: one JSON object per line, keys sorted, so that a rebuild from
/// the same lists and seed is byte-identical.
public enum EvalSetFile {
    public static func encode(_ queries: [EvalQuery]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        for query in queries {
            data.append(try encoder.encode(query))
            data.append(0x0A)
        }
        return data
    }

    public static func write(_ queries: [EvalQuery], to url: URL) throws {
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encode(queries).write(to: url)
    }

    public static func read(_ url: URL) throws -> [EvalQuery] {
        let data = try Data(contentsOf: url)
        let decoder = JSONDecoder()
        return try data.split(separator: 0x0A).map { try decoder.decode(EvalQuery.self, from: Data($0)) }
    }
}
