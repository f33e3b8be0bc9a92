import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import Testing

/// Export -> verify round trips, and a tamper matrix: each alteration of the file is caught
/// with the message that names it.
struct LogExportTests {
    /// A registry with holders, transfers, freezes and a forced transfer, exported once.
    final class Exported {
        let registry: TempRegistry
        let file: URL
        let blocks: [(SignedBlockHeader, [[UInt8]])]
        let chainID: Hash32
        let live: LedgerState

        init(seed: UInt64, transfers: Int) async throws {
            registry = try TempRegistry(seed: seed)
            let settlement = try registry.settlement()
            let keys = try await Setup.holders(settlement, count: 5, seed: seed)
            chainID = await settlement.state.chainID
            var rng = SplitMix64(seed: seed)
            var nonces = [UInt64](repeating: 0, count: keys.count)
            for wave in 0..<max(1, transfers / 100) {
                var entries: [Entry] = []
                for _ in 0..<100 {
                    let from = Int(rng.next() % 5)
                    let to = (from + 1 + Int(rng.next() % 4)) % 5
                    nonces[from] += 1
                    entries.append(
                        .transfer(
                            Transfer(
                                chainID: chainID, asset: IMOs.a, from: keys[from].publicKey, to: keys[to].publicKey,
                                amount: 1 + rng.next() % 3, nonce: nonces[from],
                                expiresAt: UInt64(Date().timeIntervalSince1970) + 600
                            ).signed(by: keys[from])))
                }
                await withTaskGroup(of: Void.self) { group in
                    for entry in entries { group.addTask { _ = try? await settlement.submit(entry) } }
                }
                if wave % 3 == 1 {
                    _ = try await settlement.submitRegistrar(
                        .freeze(.keyUnits(keys[0].publicKey, asset: IMOs.a, units: 1), reason: "lien"))
                    _ = try await settlement.submitRegistrar(
                        .forcedTransferOrder(
                            IMOs.a, from: keys[1].publicKey, to: keys[2].publicKey, units: 1, order: "ORD-\(wave)",
                            licence: wave % 2 == 0 ? "LIC-\(wave)" : nil))
                    // A 0x0a forced transfer replays from old logs but is refused at intake.
                    let legacy = try await settlement.submitRegistrar(
                        .forcedTransfer(
                            IMOs.a, from: keys[1].publicKey, to: keys[2].publicKey, units: 1, order: "ORD-\(wave)"))
                    guard case .rejected(_, let refusal) = legacy, refusal.code == .malformed else {
                        throw SetupError("a new 0x0a forced transfer must be refused at intake: \(legacy)")
                    }
                }
            }
            live = await settlement.state
            file = registry.folder.appendingPathComponent("log.plimsoll")
            _ = try LogExport.write(try SQLiteStore.open(at: registry.url), to: file)
            let reader = try LogFileReader(url: file)
            _ = try reader.readPreamble()
            var blocks: [(SignedBlockHeader, [[UInt8]])] = []
            while case .block(let header, let entries) = try reader.next() { blocks.append((header, entries)) }
            self.blocks = blocks
        }

        /// Writes a file from (possibly altered) blocks, with a correct trailer and checksum.
        func write(
            _ blocks: [(SignedBlockHeader, [[UInt8]])], version: UInt16 = LogFileFormat.version, chain: Hash32? = nil
        ) throws -> URL {
            var bytes = LogFileFormat.preamble(chainID: chain ?? chainID)
            if version != LogFileFormat.version {
                bytes[13] = UInt8(version >> 8)
                bytes[14] = UInt8(version & 0xff)
            }
            for (header, entries) in blocks { bytes += LogFileFormat.block(header, entries: entries) }
            let last = blocks.last!.0.header
            bytes += LogFileFormat.trailerBody(
                blockCount: UInt64(blocks.count), logSize: last.logSize, logRoot: last.logRoot)
            bytes += Hashing.sha256(bytes).bytes
            let url = registry.folder.appendingPathComponent("tampered-\(UUID().uuidString)")
            try Data(bytes).write(to: url)
            return url
        }
    }

    @Test(.tags(.slow), .timeLimit(.minutes(10))) func roundTripOfThousandsOfOperations() async throws {
        let exported = try await Exported(seed: 21, transfers: 3000)
        let report = try await LogVerification.verify(exported.file)
        #expect(
            report.stateDigest == StateCommitment(state: exported.live).root,
            "version 2 headers carry the state commitment")
        #expect(report.logSize == UInt64(exported.blocks.reduce(0) { $0 + $1.1.count }))
        #expect(report.logSize > 2000, "thousands of operations settled")
        let table = try #require(report.capTables.first { $0.asset == IMOs.a })
        #expect(table.holders.reduce(0) { $0 + $1.units } + exported.live.vessels[IMOs.a]!.unissued == 64)
        for holder in table.holders { #expect(exported.live.balance(IMOs.a, holder.key) == holder.units) }
    }

    static let cases = [
        "flip a byte", "drop an entry", "reorder entries", "duplicate an entry", "swap blocks", "truncate",
        "forge a header signature", "unknown version", "another registry", "wrong registrar key",
        "flip a byte, then cut the end", "flip a byte, then break a later entry",
    ]

    @Test(arguments: cases)
    func tamperIsCaught(what: String) async throws {
        let exported = try await Exported(seed: 33, transfers: 400)
        var blocks = exported.blocks
        let target = blocks.indices.last { blocks[$0].1.count >= 3 }!
        let height = blocks[target].0.header.height
        var url: URL
        var expectedRegistrar: XOnlyPublicKey?
        var expectedChain: Hash32?
        let expected: String
        switch what {
        case "flip a byte":
            var entry = blocks[target].1[1]
            entry[entry.count - 5] ^= 0x40
            blocks[target].1[1] = entry
            url = try exported.write(blocks)
            expected =
                "block \(height) entry \(blocks[target].0.header.logSize - UInt64(blocks[target].1.count) + 1): entry does not apply: BAD"
        case "drop an entry":
            blocks[target].1.remove(at: 1)
            url = try exported.write(blocks.map { ($0.0, $0.1) }, version: 1)
            expected = "block \(height): header counts"
        case "reorder entries":
            blocks[target].1.swapAt(0, 2)
            url = try exported.write(blocks)
            expected = "block \(height)"
        case "duplicate an entry":
            blocks[target].1.append(blocks[target].1[0])
            url = try exported.write(blocks)
            expected = "block \(height): header counts"
        case "swap blocks":
            blocks.swapAt(target, target - 1)
            url = try exported.write(blocks)
            expected = "block \(blocks[target - 1].0.header.height): expected height \(height - 1)"
        case "flip a byte, then cut the end":
            // Two faults: the first in the file is the one reported, although the cut end is read
            // (blocks are read ahead of their replay) before the flipped block is replayed.
            var entry = blocks[target].1[1]
            entry[entry.count - 5] ^= 0x40
            blocks[target].1[1] = entry
            // The cut is read while the flipped block still waits to replay (blocks are read up
            // to three ahead), so the order of the two reports is what is tested.
            #expect(blocks.count - 1 - target < 3, "the flipped block is among the last three")
            let bytes = try Data(contentsOf: try exported.write(blocks))
            url = exported.registry.folder.appendingPathComponent("flipped-and-cut")
            try bytes.dropLast(10).write(to: url)
            expected =
                "block \(height) entry \(blocks[target].0.header.logSize - UInt64(blocks[target].1.count) + 1): entry does not apply: BAD"
        case "flip a byte, then break a later entry":
            // An entry of the next block that does not parse is found before the flipped block
            // replays (blocks are read up to three ahead); the flipped block, first in the file,
            // is the one named.
            let earlier = blocks.indices.dropFirst().dropLast().last { blocks[$0].1.count >= 2 }!
            var entry = blocks[earlier].1[1]
            entry[entry.count - 5] ^= 0x40
            blocks[earlier].1[1] = entry
            blocks[earlier + 1].1[0][0] = 0xFF  // No entry kind is 0xFF.
            url = try exported.write(blocks)
            expected =
                "block \(blocks[earlier].0.header.height) entry \(blocks[earlier].0.header.logSize - UInt64(blocks[earlier].1.count) + 1): entry does not apply: BAD"
        case "truncate":
            let bytes = try Data(contentsOf: exported.file)
            url = exported.registry.folder.appendingPathComponent("truncated")
            try bytes.prefix(bytes.count * 2 / 3).write(to: url)
            expected = "truncated file"
        case "forge a header signature":
            var rng = SplitMix64(seed: 99)
            let forger = SigningKey.generate(using: &rng)
            blocks[target].0 = SignedBlockHeader(signing: blocks[target].0.header, with: forger)
            url = try exported.write(blocks)
            expected = "block \(height): header signature is not the sequencer key's"
        case "unknown version":
            url = try exported.write(blocks, version: 7)
            expected = "unknown log format version 7"
        case "another registry":
            url = exported.file
            expectedChain = Hashing.sha256([1, 2, 3])
            expected = "the file is from another registry"
        default:
            url = exported.file
            var rng = SplitMix64(seed: 98)
            expectedRegistrar = SigningKey.generate(using: &rng).publicKey
            expected = "the log is signed by registrar"
        }
        do {
            _ = try await LogVerification.verify(
                url, expectedRegistrarKey: expectedRegistrar, expectedChainID: expectedChain)
            Issue.record("\(what): verified")
        } catch {
            #expect(error.description.contains(expected), "\(what): \(error.description)")
        }
        // The unaltered file still verifies.
        _ = try await LogVerification.verify(exported.file)
    }

    /// Seeded fuzzing of the verifier: random cuts and byte flips anywhere in the file are
    /// refused with an error, never a crash, never a pass (the checksum covers every byte).
    @Test(arguments: SplitMix64.seeds([77]))
    func randomCorruptionIsAlwaysRefused(seed: UInt64) async throws {
        let exported = try await Exported(seed: seed, transfers: 200)
        let original = [UInt8](try Data(contentsOf: exported.file))
        var rng = SplitMix64(seed: seed)
        for round in 0..<150 {
            var bytes = original
            switch rng.next() % 3 {
            case 0: bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
            case 1: bytes[Int(rng.next() % UInt64(bytes.count))] ^= UInt8(1 << (rng.next() % 8))
            default:
                let at = Int(rng.next() % UInt64(bytes.count))
                bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
            }
            let url = exported.registry.folder.appendingPathComponent("fuzz-\(round)")
            try Data(bytes).write(to: url)
            do {
                _ = try await LogVerification.verify(url)
                Issue.record("seed \(seed) round \(round): a corrupted file verified")
            } catch {
                #expect(!error.description.isEmpty)
            }
            try? FileManager.default.removeItem(at: url)
        }
    }
}

struct SetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
