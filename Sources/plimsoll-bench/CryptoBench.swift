import ArgumentParser
import PlimsollCore
import PlimsollCrypto

/// `plimsoll-bench crypto`: the physical baselines later benchmarks are measured against.
struct CryptoBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crypto",
        abstract: "Schnorr sign/verify on 1 and all cores, SHA-256 throughput, Merkle appends."
    )

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Option(help: "Signatures per run.")
    var signatures = 20_000

    func run() {
        var rng = SystemRandomNumberGenerator()
        let keys = (0..<64).map { _ in SigningKey.generate(using: &rng) }
        let messages = (0..<signatures).map { index in Hashing.sha256(Array("message \(index)".utf8)) }
        let signed = messages.enumerated().map { index, message in keys[index % 64].sign(hash: message) }
        let count = signatures
        let signOne = Measure.rate(count: count) { index in _ = keys[index % 64].sign(hash: messages[index]) }
        let signAll = Measure.parallelRate(count: count) { index in _ = keys[index % 64].sign(hash: messages[index]) }
        let verifyOne = Measure.rate(count: count) { index in
            precondition(keys[index % 64].publicKey.verify(signature: signed[index], hash: messages[index]))
        }
        let verifyAll = Measure.parallelRate(count: count) { index in
            precondition(keys[index % 64].publicKey.verify(signature: signed[index], hash: messages[index]))
        }
        let block = [UInt8](repeating: 0xab, count: 1 << 20)
        let leaves = (0..<1024).map { Merkle.leafHash([UInt8(truncatingIfNeeded: $0)]) }
        let shaMBs = Measure.rate(count: 256) { _ in _ = Hashing.sha256(block) }
        // Short messages, where a hash's fixed cost (its state, its call) shows: what apply and the
        // state commitment hash most.
        let short = (0..<1024).map { [UInt8](repeating: UInt8(truncatingIfNeeded: $0), count: 100) }
        let shortRate = Measure.rate(count: 1_000_000) { index in _ = Hashing.sha256(short[index & 1023]) }
        let tag = TaggedHashTag("plimsoll/bench/two")
        let taggedRate = Measure.rate(count: 1_000_000) { index in
            _ = Hashing.tagged(tag, leaves[index & 1023], leaves[(index + 1) & 1023])
        }
        let leafCount = 1_000_000
        let frontierRate =
            Measure.rate(count: 1, runs: 3) { _ in
                var frontier = MerkleFrontier()
                for index in 0..<leafCount { frontier.append(leafHash: leaves[index & 1023]) }
                precondition(frontier.size == UInt64(leafCount))
            } * Double(leafCount)
        let treeRate =
            Measure.rate(count: 1, runs: 3) { _ in
                var tree = MerkleTree()
                for index in 0..<leafCount { tree.append(leafHash: leaves[index & 1023]) }
                precondition(tree.size == UInt64(leafCount))
            } * Double(leafCount)
        let figures = [
            Figure(name: "schnorr_sign_1core", value: signOne, unit: "ops/s"),
            Figure(
                name: "schnorr_sign_allcores", value: signAll, unit: "ops/s", ratio: signAll / signOne,
                baseline: "1 core"),
            Figure(name: "schnorr_verify_1core", value: verifyOne, unit: "ops/s"),
            Figure(
                name: "schnorr_verify_allcores", value: verifyAll, unit: "ops/s", ratio: verifyAll / verifyOne,
                baseline: "1 core"),
            Figure(name: "sha256_1core", value: shaMBs, unit: "MiB/s"),
            Figure(name: "sha256_100_bytes_1core", value: shortRate, unit: "hashes/s"),
            Figure(name: "tagged_hash_of_two_hashes_1core", value: taggedRate, unit: "hashes/s"),
            Figure(
                name: "merkle_frontier_append", value: frontierRate, unit: "appends/s",
                ratio: frontierRate / verifyAll, baseline: "verify all cores"),
            Figure(
                name: "merkle_tree_append", value: treeRate, unit: "appends/s",
                ratio: treeRate / verifyAll, baseline: "verify all cores"),
        ]
        Report.print("crypto", figures, json: json)
    }
}
