import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollTesting

/// `plimsoll-bench state-tree`: the state commitment's per-block update on trees of several
/// sizes, against the raw rate of the tagged hash that every inner node costs (one core, measured
/// right before and right after each figure; their mean is the baseline).
///
/// A block changes `--changes` records picked at random among the tree's keys, as a block of
/// about half as many transfers changes its senders' key records and holdings. The ratio of the
/// largest tree's rate to the smallest's is what the registry-size target of issue 13 asks of
/// the whole block (within 10 %); the tree's share of it is its depth, log2 of its size.
struct StateTreeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state-tree", abstract: "State commitment updates per block, by tree size.")

    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(
        help: "Tree sizes in records, comma-separated.",
        transform: { text in
            try text.split(separator: ",").map {
                guard let n = Int($0), n > 0 else { throw ValidationError("bad size \($0)") }
                return n
            }
        }
    ) var leaves: [Int] = [20_000, 2_000_000]
    @Option(help: "Records changed per block.") var changes = 13_000
    @Option(help: "Blocks timed per size.") var blocks = 12

    func run() throws {
        guard changes > 0, blocks > 0, leaves.allSatisfy({ $0 >= changes }) else {
            throw ValidationError("every size must be at least --changes, and --blocks positive")
        }
        var figures: [Figure] = []
        var ratios: [(size: Int, ratio: Double)] = []
        for size in leaves.sorted() {
            var rng = SplitMix64(seed: UInt64(size))
            let keys = (0..<size).map { _ in try! Hash32(bytes: rng.bytes(32)) }
            var tree = StateTree()
            tree.update(keys.map { ($0, Hashing.sha256(Array($0.bytes.prefix(8)))) })
            let picks: [[(key: Hash32, valueHash: Hash32?)]] = (0..<blocks).map { block in
                var chosen = Set<Int>()
                while chosen.count < changes { chosen.insert(Int(rng.next() % UInt64(size))) }
                return chosen.map { (keys[$0], Hashing.sha256([UInt8(truncatingIfNeeded: block), 1])) }
            }
            let before = Self.taggedHashRate()
            let seconds = Measure.seconds { for block in picks { tree.update(block) } }
            // The same blocks again, each time keeping the tree before it aside (as a reader of
            // an older head would): every changed branch is then copied, not changed in place.
            var kept: [StateTree] = []
            let keptSeconds = Measure.seconds {
                for block in picks {
                    kept.append(tree)
                    tree.update(block)
                }
            }
            precondition(kept.count == blocks)
            let after = Self.taggedHashRate()
            let perChange = seconds * 1e6 / Double(blocks * changes)
            let rate = 1e6 / perChange
            let ratio = rate / ((before + after) / 2)
            ratios.append((size, ratio))
            figures += [
                Figure(name: "tagged_hash_before@\(size)", value: before, unit: "hashes/s"),
                Figure(
                    name: "changes_per_second@\(size)", value: rate, unit: "changes/s", ratio: ratio,
                    baseline: "tagged hash of two hashes, 1 core (mean before/after)"),
                Figure(name: "microseconds_per_change@\(size)", value: perChange, unit: "us"),
                Figure(
                    name: "microseconds_per_change_older_kept@\(size)",
                    value: keptSeconds * 1e6 / Double(blocks * changes), unit: "us"),
                Figure(name: "tagged_hash_after@\(size)", value: after, unit: "hashes/s"),
            ]
            precondition(tree.root != .zero)
        }
        if let figure = Figure.sizes("tree", ratios, baseline: "rate ratio, each against its own hash baseline") {
            figures.append(figure)
        }
        Report.print("state-tree (\(changes) changes a block, \(blocks) blocks)", figures, json: json)
    }

    /// Tagged hashes of two hashes per second on one core: one inner node of the tree.
    static func taggedHashRate() -> Double {
        var node = Hash32.zero
        return Measure.rate(count: 200_000) { _ in node = Hashing.tagged(Tags.stateNode, node, node) }
    }
}
