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
    ///
    /// Settlement's checks never stop half way: a verdict it waits for is always whole.
    public static func verify(_ entries: [Entry], chainID: Hash32) async -> [Bool] {
        await run(entries, chainID, stopWhenCancelled: false)!
    }

    /// The same, for a reader that may stop waiting (`plimsoll verify` found a bad block further
    /// back, and the blocks read ahead of it no longer matter): once the calling task is
    /// cancelled, no further signature is checked, and the answer is nil, never a verdict, so an
    /// entry left unchecked can be taken for neither valid nor forged.
    public static func verifyUnlessCancelled(_ entries: [Entry], chainID: Hash32) async -> [Bool]? {
        await run(entries, chainID, stopWhenCancelled: true)
    }

    private static func run(_ entries: [Entry], _ chainID: Hash32, stopWhenCancelled: Bool) async -> [Bool]? {
        let ranges = chunks(count: entries.count, workersMax: System.cores * 8)
        if ranges.count == 1 { return check(entries[...], chainID, stopWhenCancelled) }
        return await withTaskGroup(of: (Int, [Bool]?).self) { group in
            for (worker, range) in ranges.enumerated() {
                let slice = entries[range]
                group.addTask { (worker, check(slice, chainID, stopWhenCancelled)) }
            }
            var parts = [[Bool]](repeating: [], count: ranges.count)
            var stopped = false
            for await (worker, results) in group {
                if let results { parts[worker] = results } else { stopped = true }
            }
            return stopped ? nil : parts.flatMap { $0 }
        }
    }

    /// A chunk's verdicts, or nil when it stopped for cancellation (looked at every 16 entries:
    /// a check costs tens of microseconds, the look a few nanoseconds).
    private static func check(_ entries: ArraySlice<Entry>, _ chainID: Hash32, _ stopWhenCancelled: Bool) -> [Bool]? {
        var verdicts: [Bool] = []
        verdicts.reserveCapacity(entries.count)
        for (offset, entry) in entries.enumerated() {
            if stopWhenCancelled, offset % 16 == 0, Task.isCancelled { return nil }
            verdicts.append(check(entry, chainID))
        }
        return verdicts
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
