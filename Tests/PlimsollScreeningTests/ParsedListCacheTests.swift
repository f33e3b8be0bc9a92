import Foundation
import PlimsollCrypto
import PlimsollScreening
import Testing

/// The parsed-list cache: used only for the same content hash and parser version, rebuilt when
/// stale or damaged, never needed for correctness.
struct ParsedListCacheTests {
    static func registry() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: AdoptedLists.listsFolder(folder), withIntermediateDirectories: true)
        return folder
    }

    @Test func aSecondLoadReadsTheCacheInsteadOfParsing() throws {
        let registry = try Self.registry()
        let hash = Hashing.sha256(Array("sample".utf8))
        let sample = try OFACParser.parse(folder: SanctionsData.root.appendingPathComponent("ofac_sdn_sample"))
        var parses = 0
        let first = try ParsedListCache.entities(registry, hash) {
            parses += 1
            return sample
        }
        let second = try ParsedListCache.entities(registry, hash) {
            parses += 1
            return sample
        }
        #expect(parses == 1)
        #expect(first == sample && second == sample)
        // Another content hash does not read this version's cache.
        _ = try ParsedListCache.entities(registry, Hashing.sha256(Array("other".utf8))) {
            parses += 1
            return []
        }
        #expect(parses == 2)
    }

    @Test func aDamagedCacheIsParsedAgainAndRewritten() throws {
        let registry = try Self.registry()
        let hash = Hashing.sha256(Array("sample".utf8))
        try Data("{not json".utf8).write(to: ParsedListCache.file(registry, hash))
        var parses = 0
        let entities = try ParsedListCache.entities(registry, hash) {
            parses += 1
            return [ListEntity(source: "ofac", reference: "1", kind: .person, names: ["TEST, Person"])]
        }
        #expect(parses == 1 && entities.count == 1)
        let again = try ParsedListCache.entities(registry, hash) {
            parses += 1
            return []
        }
        #expect(parses == 1 && again.count == 1)
    }
}
