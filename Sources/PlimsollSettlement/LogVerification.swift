public import Foundation
public import PlimsollCore
public import PlimsollCrypto

/// What `plimsoll verify` proved about an exported log.
public struct VerifiedLog: Sendable {
    public let chainID: Hash32
    public let registryName: String
    /// The registrar key of the genesis record (what a regulator pins).
    public let registrarKey: XOnlyPublicKey
    /// The keys in force at the end of the log, after every rotation the replay followed.
    public let registrarKeyInForce: XOnlyPublicKey
    public let sequencerKey: XOnlyPublicKey
    /// Each rotation: its height, its role and the new key.
    public let rotations: [(height: Height, role: String, key: XOnlyPublicKey)]
    public let height: Height
    public let logSize: UInt64
    public let logRoot: Hash32
    public let stateDigest: Hash32
    /// The holders of every vessel, recomputed by the replay: asset -> (key, units), largest first.
    public let capTables: [(asset: AssetID, holders: [(key: KeyRef, units: UInt64)])]
}

/// Offline verification of an exported log with nothing but the file (and, optionally, the
/// registrar's public key and the chain_id the regulator expects).
///
/// Checks the preamble, every header signature, the hash chain, each block's entries root, the
/// log root, every entry signature (in parallel, on all cores, a few blocks ahead of the replay),
/// a full replay recomputing the state digest at each block, and the trailer.
public enum LogVerification {
    /// Blocks whose signatures are being checked while an earlier one replays. One was not
    /// enough to keep both cores busy (187 % of 200 %): the cores waited at each block's last
    /// chunk while the replay parsed the next.
    static let verifiedAheadBlocks = 3

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public static func verify(
        _ url: URL, expectedRegistrarKey: XOnlyPublicKey? = nil, expectedChainID: Hash32? = nil
    ) async throws(Failure) -> VerifiedLog {
        do {
            return try await run(url, expectedRegistrarKey, expectedChainID)
        } catch let error as Failure {
            throw error
        } catch let error as ReplayError {
            throw Failure(description: "verification failed at \(error)")
        } catch {
            throw Failure(description: "verification failed: \(error)")
        }
    }

    private static func run(
        _ url: URL, _ expectedKey: XOnlyPublicKey?, _ expectedChain: Hash32?
    ) async throws -> VerifiedLog {
        let reader = try LogFileReader(url: url)
        let chainID = try reader.readPreamble()
        if let expectedChain, expectedChain != chainID {
            throw Failure(
                description: "the file is from another registry: chain_id \(chainID.hex), expected \(expectedChain.hex)"
            )
        }
        guard case .block(let genesisHeader, let genesisEntries) = try reader.next(), genesisEntries.count == 1 else {
            throw Failure(description: "block 0 must hold exactly the genesis entry")
        }
        let genesisEntry = try Entry(bytes: genesisEntries[0])
        guard case .genesis(let genesis) = genesisEntry else {
            throw Failure(description: "block 0 entry 0 is not a genesis record")
        }
        guard genesis.chainID == chainID else {
            throw Failure(
                description: "the preamble's chain_id \(chainID.hex) is not the genesis record's \(genesis.chainID.hex)"
            )
        }
        if let expectedKey, expectedKey != genesis.registrarKey {
            throw Failure(
                description: "the log is signed by registrar \(genesis.registrarKey.hex), not \(expectedKey.hex)")
        }
        let keys = XOnlyKeyCache()
        var replayer = try LogReplayer(genesisBlock: genesisHeader, genesisEntry: genesisEntry)
        var ahead: [(header: SignedBlockHeader, entries: [Entry], verification: Task<[Bool]?, Never>)] = []
        // A failure leaves the blocks read ahead of it unreplayed: their checks stop rather than
        // hold the cores (and their entries) until they finish for nothing.
        defer { for block in ahead { block.verification.cancel() } }
        var rotations: [(height: Height, role: String, key: XOnlyPublicKey)] = []
        /// Replays the oldest block read ahead, once its signatures are checked.
        func replayOldest() async throws {
            let (header, entries, verification) = ahead.removeFirst()
            guard let verified = await verification.value else {
                throw Failure(description: "verification stopped at block \(header.header.height): cancelled")
            }
            try replayer.apply(block: header, entries: entries, verifiedSignatures: verified)
            for entry in entries {
                guard case .registrar(let registrar) = entry else { continue }
                switch registrar.action {
                case .rotateRegistrarKey(let r): rotations.append((header.header.height, "registrar", r.newKey))
                case .rotateSequencerKey(let r): rotations.append((header.header.height, "sequencer", r.newKey))
                default: break
                }
            }
        }
        while true {
            // A record that cannot be read is reported only after every block before it is
            // replayed: the first failure in the file is the one a regulator is told.
            let record: LogFileRecord
            do { record = try reader.next() } catch {
                while !ahead.isEmpty { try await replayOldest() }
                throw error
            }
            // Blocks are parsed and their signatures start verifying on all cores up to
            // `verifiedAheadBlocks` before they are replayed, so replay overlaps verification and
            // the cores always hold a further block to check (bounded: a few blocks of entries).
            var parseFailure: Failure?
            if case .block(let header, let raw) = record {
                var entries: [Entry] = []
                entries.reserveCapacity(raw.count)
                for (offset, bytes) in raw.enumerated() {
                    do { entries.append(try Entry(bytes: bytes, keys: keys)) } catch {
                        parseFailure = Failure(
                            description:
                                "verification failed at block \(header.header.height) entry \(offset) of the block: entry does not parse: \(error)"
                        )
                        break
                    }
                }
                if parseFailure == nil {
                    let batch = entries
                    let verification = Task.detached {
                        await Verifier.verifyUnlessCancelled(batch, chainID: genesis.chainID)
                    }
                    ahead.append((header, entries, verification))
                }
            }
            let isBlock: Bool = if case .block = record { true } else { false }
            let keep = isBlock && parseFailure == nil ? Self.verifiedAheadBlocks : 0
            while ahead.count > keep { try await replayOldest() }
            if let parseFailure { throw parseFailure }  // Reported only after every earlier block passed.
            switch record {
            case .block:
                continue
            case .trailer(let blockCount, let logSize, let logRoot, let checksum, let computed):
                let last = replayer.lastHeader
                guard blockCount == last.height + 1, logSize == last.logSize, logRoot == last.logRoot else {
                    throw Failure(description: "the trailer does not match the last block \(last.height)")
                }
                guard checksum == computed else {
                    throw Failure(description: "the file checksum does not match its contents")
                }
                let state = replayer.ledger.state
                let capTables = state.vessels.keys.sorted().map { asset in
                    (
                        asset,
                        (state.balances[asset] ?? [:]).sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map {
                            ($0.key, $0.value)
                        }
                    )
                }
                return VerifiedLog(
                    chainID: chainID, registryName: genesis.name, registrarKey: genesis.registrarKey,
                    registrarKeyInForce: state.registrarKey, sequencerKey: state.sequencerKey, rotations: rotations,
                    height: last.height,
                    logSize: last.logSize, logRoot: last.logRoot, stateDigest: last.stateDigest, capTables: capTables
                )
            }
        }
    }
}
