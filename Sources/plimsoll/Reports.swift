import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollStore

/// The regulator's answers as text and JSON, shared by `cap-table`, `owners` and the demo so the
/// demo prints exactly what a regulator would see.
enum Reports {
    struct CapTableView: Encodable {
        let vessel: String
        let height: UInt64
        let holders: [Holding]
    }

    static func capTable(
        _ store: SQLiteStore, _ asset: AssetID, at height: Height
    ) throws -> (view: CapTableView, lines: [String]) {
        let holdings = try store.capTable(asset, at: height)
        var lines = ["cap table of \(asset) at height \(height)"]
        for holding in holdings {
            let name = try holding.party.flatMap { try store.party($0)?.party.name } ?? ""
            lines.append(
                "  \(holding.key.hex)  party \(holding.party.map(String.init(describing:)) ?? "-")  \(holding.units) units  \(name)"
            )
        }
        return (CapTableView(vessel: asset.text, height: height, holders: holdings), lines)
    }

    struct OwnersView: Encodable {
        let vessel: String, height: UInt64, timestamp_ms: UInt64
        let owners: [BeneficialOwnership.Owner], undeclared: [BeneficialOwnership.Gap], cycles: [[PartyID]],
            truncated: Bool
    }

    /// Beneficial owners behind every holder at a height, along all declared paths.
    static func owners(
        _ store: SQLiteStore, _ asset: AssetID, at height: Height
    ) throws -> (view: OwnersView, lines: [String]) {
        guard let block = try store.block(at: height) else { throw CLIError("no block \(height)") }
        guard let report = try store.beneficialOwners(of: asset, at: height) else {
            throw CLIError("\(asset) is not registered")
        }
        var lines = ["beneficial owners of \(asset) at height \(height)"]
        for owner in report.owners {
            lines.append(String(format: "  %6.2f%%  party %@ %@", owner.share * 100, "\(owner.party)", owner.name))
            for path in owner.paths { lines.append("           via " + path.map { "\($0)" }.joined(separator: " → ")) }
        }
        for gap in report.undeclared {
            lines.append(
                String(format: "  %6.2f%%  undeclared above party %@ %@", gap.share * 100, "\(gap.party)", gap.name))
        }
        if !report.cycles.isEmpty {
            lines.append(
                "  cycles: " + report.cycles.map { $0.map { "\($0)" }.joined(separator: "→") }.joined(separator: ", "))
        }
        let view = OwnersView(
            vessel: asset.text, height: height, timestamp_ms: block.header.timestampMs, owners: report.owners,
            undeclared: report.undeclared, cycles: report.cycles, truncated: report.truncated
        )
        return (view, lines)
    }
}
