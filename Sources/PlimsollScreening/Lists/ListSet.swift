public import Foundation
public import PlimsollCrypto

/// A list version: what was loaded, from where, identified by the SHA-256 of its content.
public struct ListVersion: Sendable, Codable, Equatable {
    public let source: String
    public let format: String
    public let contentHash: Hash32
    public let entityCount: Int
}

/// Loads list files in any supported format, recognised by shape: a folder with `sdn.csv` or
/// `cons_prim.csv` is OFAC, an `.xml` file the UN consolidated list, a `.json`/`.jsonl` file
/// OpenSanctions FollowTheMoney entities.
public enum ListLoader {
    /// Bytes of one list file at most (DESIGN.md: list files are bounded).
    public static let fileBytesMax = 64 << 20

    public static func load(_ url: URL) throws(ListParseError) -> (ListVersion, [ListEntity]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ListParseError(file: url.lastPathComponent, location: "file", message: "not found")
        }
        let files = files(url)
        let format: String
        let entities: [ListEntity]
        if isDirectory.boolValue {
            format = "ofac-csv"
            let consolidated = files.contains { $0.lastPathComponent == "cons_prim.csv" }
            entities = try OFACParser.parse(folder: url, source: consolidated ? "ofac-cons" : "ofac")
        } else if url.pathExtension.lowercased() == "xml" {
            format = "un-xml"
            entities = try UNParser.parse(file: url)
        } else {
            format = "ftm-jsonl"
            entities = try FTMParser.parse(file: url)
        }
        let source = entities.first?.source ?? format
        return (
            ListVersion(
                source: source, format: format, contentHash: try contentHash(files), entityCount: entities.count),
            entities
        )
    }

    /// The files whose bytes make a list's content hash: the CSV files of an OFAC folder (sorted
    /// by name), or the one file.
    public static func files(_ url: URL) -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue
        else { return [url] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { $0.hasSuffix(".csv") }.sorted().map { url.appendingPathComponent($0) }
    }

    /// SHA-256 over each file's name, a zero byte and its bytes, in order: the content hash of a
    /// list version, computed without parsing it.
    public static func contentHash(_ files: [URL]) throws(ListParseError) -> Hash32 {
        var hasher = SHA256Hasher()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file.path), data.count <= fileBytesMax else {
                throw ListParseError(
                    file: file.lastPathComponent, location: "file", message: "unreadable or over \(fileBytesMax) bytes")
            }
            hasher.update(Array(file.lastPathComponent.utf8) + [0])
            hasher.update(Array(data))
        }
        return hasher.finalize()
    }

    /// The lists digest of a set of versions (block headers carry it): SHA-256 over the sorted
    /// content hashes; 32 zero bytes for none.
    public static func digest(_ hashes: [Hash32]) -> Hash32 {
        guard !hashes.isEmpty else { return .zero }
        return Hashing.sha256(hashes.sorted().flatMap(\.bytes))
    }
}
