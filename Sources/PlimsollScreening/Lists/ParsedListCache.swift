public import Foundation
public import PlimsollCrypto

/// The parsed entities of an adopted list version, kept beside it
/// (`lists/<content hash>.entities.json`), so a CLI command does not parse the XML and CSV files
/// again on every call.
///
/// The cache is derived data: it is used only when it names the same content hash and parser
/// version, after the stored files were hashed again; otherwise (missing, stale, unreadable) the
/// files are parsed and the cache written anew, atomically. A cache that cannot be written
/// changes nothing but speed.
public enum ParsedListCache {
    /// Raised whenever a parser changes what it reads from a list, so older caches are not used.
    public static let parserVersion = 3

    struct Cached: Codable {
        let parserVersion: Int
        let contentHash: String
        let entities: [ListEntity]
    }

    public static func file(_ registry: URL, _ contentHash: Hash32) -> URL {
        AdoptedLists.listsFolder(registry).appendingPathComponent("\(contentHash.hex).entities.json")
    }

    /// The cached entities of this version, or `parse()`'s (then cached).
    public static func entities(
        _ registry: URL, _ contentHash: Hash32, parse: () throws -> [ListEntity]
    ) throws -> [ListEntity] {
        let url = file(registry, contentHash)
        if let data = FileManager.default.contents(atPath: url.path),
            let cached = try? JSONDecoder().decode(Cached.self, from: data),
            cached.parserVersion == parserVersion, cached.contentHash == contentHash.hex
        {
            return cached.entities
        }
        let entities = try parse()
        if let data = try? JSONEncoder().encode(
            Cached(parserVersion: parserVersion, contentHash: contentHash.hex, entities: entities))
        {
            try? data.write(to: url, options: .atomic)
        }
        return entities
    }
}
