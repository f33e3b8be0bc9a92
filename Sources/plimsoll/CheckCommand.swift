import ArgumentParser
import Foundation
import PlimsollSettlement
import PlimsollStore

/// `plimsoll check [--full]`: whether the stored registry still holds the truth, naming the
/// table and row of anything damaged. Reads only, so it runs while `serve` does.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Check the stored registry: pages and tip (quick), or a replay of the whole log against every derived table (--full)."
    )

    @OptionGroup var options: RegistryOptions
    @Flag(help: "Replay the log from genesis and compare every derived table, history included.") var full = false

    func run() async throws {
        let store = try ReadOnly.store(options)
        let started = Date()
        let problems = full ? StoreCheck.full(store) : StoreCheck.quick(store)
        struct View: Encodable {
            let mode: String, ok: Bool, seconds: Double, problems: [Problem]
            struct Problem: Encodable { let table: String, row: String?, message: String }
        }
        let view = View(
            mode: full ? "full" : "quick", ok: problems.isEmpty, seconds: Date().timeIntervalSince(started),
            problems: problems.map { .init(table: $0.table, row: $0.row, message: $0.message) }
        )
        let height = (try? store.latestHeight()) ?? 0
        Output.emit(
            options.json, view,
            text: problems.isEmpty
                ? "ok: \(view.mode) check of height \(height) found nothing wrong"
                : problems.map { "damaged: \($0)" }.joined(separator: "\n")
        )
        if !problems.isEmpty { throw ExitCode(2) }
    }
}
