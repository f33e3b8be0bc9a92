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

    struct View: Encodable {
        let height: UInt64
        let holdings: [HoldingChange]
        let events: [EventView]
    }

    func run() async throws {
        let store = try ReadOnly.store(options)
        let height = try store.latestHeight()
        let holdings: [HoldingChange]
        let events: [StoredEntry]
        if let key {
            holdings = try store.keyHistory(key.key, beforeHeight: before)
            events = []
        } else if let party {
            guard try store.party(party.id) != nil else { throw CLIError("no party \(party.id)") }
            holdings = try store.partyHoldingHistory(party.id, beforeHeight: before)
            events = try store.partyEvents(party.id)
        } else {
            let asset = vessel!.asset
            guard try store.vessel(asset) != nil else { throw CLIError("\(asset) is not registered") }
            holdings = []
            events = try store.vesselEvents(asset)
        }
        let eventViews = events.map {
            EventView(leaf_index: $0.leafIndex, height: $0.height, kind: $0.entry.kindName, summary: $0.entry.summary)
        }
        var lines = ["history at height \(height)"]
        lines += eventViews.map { "  event  height \($0.height) #\($0.leaf_index) \($0.kind): \($0.summary)" }
        lines += holdings.map {
            "  holding height \($0.height) #\($0.leafIndex) \($0.asset) \($0.key.hex.prefix(16))… now \($0.units) units"
        }
        Output.emit(
            options.json, View(height: height, holdings: holdings, events: eventViews),
            text: lines.joined(separator: "\n"))
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
