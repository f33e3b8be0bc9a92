public import Foundation
public import PlimsollCore
import PlimsollCrypto

/// The adopted list versions of a registry folder (`lists/<content hash>/<file or folder>`) and
/// its rules file (`rules.yaml`): one loader for the CLI and the HTTP API.
public enum AdoptedLists {
    public static func listsFolder(_ registry: URL) -> URL { registry.appendingPathComponent("lists") }
    public static func rulesFile(_ registry: URL) -> URL { registry.appendingPathComponent("rules.yaml") }

    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    public static func rules(_ registry: URL) throws -> ScreeningRules {
        guard let data = FileManager.default.contents(atPath: rulesFile(registry).path) else { return .default }
        return try ScreeningRules.parse(yaml: String(decoding: data, as: UTF8.self))
    }

    /// A screener over the list versions in force in `state`, or nil when none is adopted.
    /// - Throws: `Missing` when an adopted list's files are gone or no longer hash to its content hash.
    public static func screener(_ registry: URL, state: LedgerState) throws -> Screener? {
        try screener(registry, lists: state.counters.lists)
    }

    /// The same over the list versions given (a reader that holds only the lists in force).
    public static func screener(_ registry: URL, lists: [ListAdoption]) throws -> Screener? {
        guard !lists.isEmpty else { return nil }
        var entities: [ListEntity] = []
        for adoption in lists {
            let folder = listsFolder(registry).appendingPathComponent(adoption.contentHash.hex)
            guard let name = try? FileManager.default.contentsOfDirectory(atPath: folder.path).first else {
                throw Missing(
                    description:
                        "adopted list \(adoption.source) \(adoption.contentHash.hex) is missing from \(folder.path)")
            }
            let stored = folder.appendingPathComponent(name)
            guard try ListLoader.contentHash(ListLoader.files(stored)) == adoption.contentHash else {
                throw Missing(description: "stored list \(adoption.source) does not match its adopted content hash")
            }
            entities += try ParsedListCache.entities(registry, adoption.contentHash) {
                try ListLoader.load(stored).1
            }
        }
        return Screener(
            index: MatchIndex(entities: entities), rules: try rules(registry),
            listsDigest: LedgerState.listsDigest(lists.map(\.contentHash)))
    }
}
