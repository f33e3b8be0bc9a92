import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollStore

struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Ownership history of a key, a party or a vessel (newest holdings changes first, registrar events oldest first)."
    )

    @OptionGroup var options: RegistryOptions
    @Option(help: "Key, 64 hex.") var key: KeyArgument?
    @Option(help: "Party id.") var party: PartyArgument?
    @Option(help: "Vessel.", transform: AssetArgument.parse) var vessel: AssetArgument?
    @Option(
        help: "Only holdings changes below this height (paging).",
        transform: { try Edge.whole($0, "--before", Edge.heights) })
    var before: UInt64?

    func validate() throws {
        guard [key != nil, party != nil, vessel != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --key, --party, --vessel")
        }
    }

    struct EventView: Encodable {
        let leaf_index: UInt64, height: UInt64, kind: String, summary: String
    }

    struct ChangeView: Encodable {
        let at_ms: UInt64, field: String, from: String, to: String
    }

    struct View: Encodable {
        let height: UInt64
        let holdings: [HoldingChange]
        let events: [EventView]
        /// A vessel's name and flag changes, or a party's amended particulars, oldest first.
        let changes: [ChangeView]
    }

    func run() async throws {
        let store = try ReadOnly.store(options)
        let height = try store.latestHeight()
        let holdings: [HoldingChange]
        let events: [StoredEntry]
        var changes: [ChangeView] = []
        if let key {
            holdings = try store.keyHistory(key.key, beforeHeight: before)
            events = []
        } else if let party {
            guard let record = try store.party(party.id) else { throw CLIError("no party \(party.id)") }
            changes = record.history.map { ChangeView(at_ms: $0.atMs, field: $0.field, from: $0.from, to: $0.to) }
            holdings = try store.partyHoldingHistory(party.id, beforeHeight: before)
            events = try store.partyEvents(party.id)
        } else {
            let asset = vessel!.asset
            guard let record = try store.vessel(asset) else { throw CLIError("\(asset) is not registered") }
            let vessel = record.vessel
            changes =
                (vessel.nameHistory.map { ChangeView(at_ms: $0.atMs, field: "name", from: $0.from, to: $0.to) }
                + vessel.flagHistory.map { ChangeView(at_ms: $0.atMs, field: "flag", from: $0.from, to: $0.to) })
                .sorted { $0.at_ms < $1.at_ms }
            holdings = []
            events = try store.vesselEvents(asset)
        }
        let eventViews = events.map {
            EventView(leaf_index: $0.leafIndex, height: $0.height, kind: $0.entry.kindName, summary: $0.entry.summary)
        }
        var lines = ["history at height \(height)"]
        lines += changes.map { "  change \(Self.date($0.at_ms)) \($0.field): \($0.from) → \($0.to)" }
        lines += eventViews.map { "  event  height \($0.height) #\($0.leaf_index) \($0.kind): \($0.summary)" }
        lines += holdings.map {
            "  holding height \($0.height) #\($0.leafIndex) \($0.asset) \($0.key.hex.prefix(16))… now \($0.units) units"
        }
        Output.emit(
            options.json, View(height: height, holdings: holdings, events: eventViews, changes: changes),
            text: lines.joined(separator: "\n"))
    }
}

extension History {
    static func date(_ ms: UInt64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}

struct SynopsisCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synopsis",
        abstract:
            "A vessel's continuous synopsis record: every name, flag, owner, manager, operator, charterer, mortgage and status, with the heights and dates they held."
    )

    @OptionGroup var options: RegistryOptions
    @Option(help: "Vessel.", transform: AssetArgument.parse) var vessel: AssetArgument

    func run() async throws {
        let store = try ReadOnly.store(options)
        guard let synopsis = try store.synopsis(of: vessel.asset) else {
            throw CLIError("\(vessel.asset) is not registered", code: "UNKNOWN_ASSET")
        }
        var lines = ["continuous synopsis record of \(vessel.asset)"]
        for (title, periods) in [
            ("name", synopsis.names), ("flag", synopsis.flags), ("registered owner", synopsis.owners),
            ("manager (ISM company unless named apart)", synopsis.managers), ("ISM company", synopsis.ismCompanies),
            ("classification society", synopsis.classSocieties), ("operator", synopsis.operators),
            ("bareboat charterer", synopsis.charterers), ("mortgages", synopsis.mortgages), ("status", synopsis.status),
        ] {
            lines.append("  \(title):" + (periods.isEmpty ? " none" : ""))
            for period in periods {
                let until = period.toHeight.map { "height \($0) (\(History.date(period.toMs ?? 0)))" } ?? "now"
                lines.append(
                    "    \(period.value)  from height \(period.fromHeight) (\(History.date(period.fromMs))) until \(until)"
                )
            }
        }
        Output.emit(options.json, synopsis, text: lines.joined(separator: "\n"))
    }
}

struct Owners: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Beneficial owners of a vessel: the natural persons behind each holder, with effective shares along all paths."
    )

    @OptionGroup var options: RegistryOptions
    @Option(help: "Vessel.", transform: AssetArgument.parse) var vessel: AssetArgument
    @OptionGroup var when: HeightOrTime

    func run() async throws {
        let store = try ReadOnly.store(options)
        let height = try when.resolve(store)
        let report = try Reports.owners(store, vessel.asset, at: height)
        Output.emit(options.json, report.view, text: report.lines.joined(separator: "\n"))
    }
}
