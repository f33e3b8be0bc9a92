import Foundation
public import PlimsollCore
public import PlimsollCrypto

/// Signature checks of a batch, spread over every core before the single-threaded apply.
public enum Verifier {
    /// Whether each entry's signature verifies, in input order.
    /// Registrar entries are checked when they apply (`Ledger`), against the keys in force there.
    ///
    /// The batch is cut into up to eight chunks a core, not one: the cooperative pool has one
    /// thread a core, and a thread that shares its core with the apply or the writer would
    /// otherwise finish its one chunk last while the others idle.
    public static func verify(_ entries: [Entry], chainID: Hash32) async -> [Bool] {
        let ranges = chunks(count: entries.count, workersMax: System.cores * 8)
        if ranges.count == 1 { return entries.map { check($0, chainID) } }
        return await withTaskGroup(of: (Int, [Bool]).self) { group in
            for (worker, range) in ranges.enumerated() {
                let slice = Array(entries[range])
                group.addTask { (worker, slice.map { check($0, chainID) }) }
            }
            var parts = [[Bool]](repeating: [], count: ranges.count)
            for await (worker, results) in group { parts[worker] = results }
            return parts.flatMap { $0 }
        }
    }

    /// `0..<count` cut into at most `workersMax` consecutive, non-empty ranges of at least 64
    /// (a smaller one is not worth a task), in order; one range for a small or empty batch.
    public static func chunks(count: Int, workersMax: Int) -> [Range<Int>] {
        precondition(count >= 0 && workersMax >= 1)
        let wanted = max(1, min(workersMax, count / 64))
        let size = max(1, (count + wanted - 1) / wanted)
        let ranges = stride(from: 0, to: max(count, 1), by: size).map { $0..<min(count, $0 + size) }
        assert(ranges.count <= workersMax && ranges.last?.upperBound == count)
        return ranges
    }

    static func check(_ entry: Entry, _ chainID: Hash32) -> Bool {
        switch entry {
        case .genesis, .registrar: true
        case .transfer(let signed): signed.transfer.chainID == chainID && signed.signatureValid
        }
    }
}

enum System {
    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
}
