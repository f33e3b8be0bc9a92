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
        let workers = max(1, min(System.cores * 8, entries.count / 64))
        if workers == 1 { return entries.map { check($0, chainID) } }
        let chunk = (entries.count + workers - 1) / workers
        return await withTaskGroup(of: (Int, [Bool]).self) { group in
            for worker in 0..<workers {
                let range = (worker * chunk)..<min(entries.count, (worker + 1) * chunk)
                let slice = Array(entries[range])
                group.addTask { (worker, slice.map { check($0, chainID) }) }
            }
            var parts = [[Bool]](repeating: [], count: workers)
            for await (worker, results) in group { parts[worker] = results }
            return parts.flatMap { $0 }
        }
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
