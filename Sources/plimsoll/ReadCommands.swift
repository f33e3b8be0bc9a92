import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollHTTP
import PlimsollStore

struct Balance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Current balances of a key.")

    @OptionGroup var options: RegistryOptions
    @Option(help: "Key, 64 hex.") var key: KeyArgument

    func run() async throws {
        let store = try ReadOnly.store(options)
        let rows = try store.balances(of: key.key)
        struct Line: Encodable {
            let asset: String
            let units: UInt64
        }
        let lines = rows.map { Line(asset: $0.asset.text, units: $0.units) }
        Output.emit(
            options.json, lines,
            text: lines.isEmpty ? "no units" : lines.map { "\($0.asset) \($0.units)" }.joined(separator: "\n"))
    }
}

struct CapTable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cap-table", abstract: "Holders of a vessel, now or at a height.")

    @OptionGroup var options: RegistryOptions
    @Option(help: "Vessel, e.g. IMO9176187.", transform: AssetArgument.parse) var vessel: AssetArgument
    @OptionGroup var when: HeightOrTime

    func run() async throws {
        let store = try ReadOnly.store(options)
        let at = try when.resolve(store)
        let report = try Reports.capTable(store, vessel.asset, at: at)
        Output.emit(options.json, report.view, text: report.lines.joined(separator: "\n"))
    }
}

struct Log: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Blocks and their entries.")

    @OptionGroup var options: RegistryOptions
    @Option(help: "First height.", transform: { try Edge.whole($0, "--from", Edge.heights) }) var from: UInt64 = 0
    @Option(help: "Most blocks to print.") var limit: Int = 50

    func validate() throws {
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be 1 ... 1000") }
    }

    func run() async throws {
        let store = try ReadOnly.store(options)
        var views: [BlockView] = []
        for signed in try store.blocks(from: from, limit: limit) {
            let entries = try store.entries(inBlock: signed.header.height)
            views.append(BlockView(signed, entries: entries))
        }
        Output.emit(options.json, views, text: views.map(\.text).joined(separator: "\n"))
    }
}

/// A block as `log` and `demo` print it: DESIGN.md's block JSON plus the entries.
struct BlockView: Encodable {
    struct EntryView: Encodable {
        let leaf_index: UInt64
        let kind: String
        let id: String
        let summary: String
    }

    let block: BlockJSON
    let entries: [EntryView]

    init(_ signed: SignedBlockHeader, entries: [StoredEntry]) {
        block = BlockJSON(signed)
        self.entries = entries.map {
            EntryView(leaf_index: $0.leafIndex, kind: $0.entry.kindName, id: $0.entry.id.hex, summary: $0.entry.summary)
        }
    }

    var header: String { block.header }
    var signature: String { block.signature }

    func encode(to encoder: any Encoder) throws {
        try block.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(entries, forKey: .entries)
    }

    private enum Keys: String, CodingKey { case entries }

    var text: String {
        var lines = [
            "block \(block.height) hash \(block.hash.prefix(16))… prev \(block.prev_hash.prefix(16))… time \(block.timestamp_ms) entries \(block.entry_count) log_size \(block.log_size)"
        ]
        for entry in entries { lines.append("  #\(entry.leaf_index) \(entry.kind) \(entry.summary)") }
        return lines.joined(separator: "\n")
    }
}

/// Read commands open the store without the writer lock or the registrar key.
enum ReadOnly {
    static func store(_ options: RegistryOptions) throws -> SQLiteStore {
        let url = options.registryURL.appendingPathComponent(SQLiteStore.fileName)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CLIError("no registry in \(options.registryURL.path) (run plimsoll init, or pass --registry)")
        }
        return try SQLiteStore.open(at: url)
    }
}

/// `--height H` or `--at ISO8601`: the block a historical answer is true at.
struct HeightOrTime: ParsableArguments {
    @Option(help: "Block height (default: latest).", transform: { try Edge.whole($0, "--height", Edge.heights) })
    var height: UInt64?
    @Option(help: "A time, ISO 8601 (e.g. 2026-12-01T12:00:00Z): the last block at or before it.") var at: String?

    func validate() throws {
        if height != nil && at != nil { throw ValidationError("give --height or --at, not both") }
        if let at, Self.parse(at) == nil { throw ValidationError("--at must be ISO 8601, e.g. 2026-12-01T12:00:00Z") }
    }

    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    func resolve(_ store: SQLiteStore) throws -> UInt64 {
        let latest = try store.latestHeight()
        if let height {
            guard height <= latest else { throw CLIError("height \(height) is above the latest block \(latest)") }
            return height
        }
        if let at, let date = Self.parse(at) {
            guard let height = try store.height(atTimeMs: UInt64(max(0, date.timeIntervalSince1970 * 1000))) else {
                throw CLIError("\(at) is before the registry's genesis")
            }
            return height
        }
        return latest
    }
}
