public import Foundation
public import Logging
public import PlimsollCore
public import PlimsollCrypto
public import PlimsollSettlement
public import PlimsollStore
import Synchronization

/// A node's own copy of a registry whose log lives in PostgreSQL: an ordinary SQLite registry
/// (`registry.sqlite` in the node's folder) that follows the shared log block by block, so every
/// read route, the explorer and the read-only CLI commands answer from it unchanged (issue 17).
///
/// Each block read from the database is replayed before it is kept: hash chain, entries root,
/// log root, state commitment, and the sequencer's signature over the header are checked, as
/// `plimsoll verify` checks an export. Entry signatures are not verified again: the sequencer
/// settled only entries whose signatures it verified, and the entries root binds their bytes.
/// A block that does not replay stops the mirror (it answers from the last good block and
/// says so in its log) rather than serve a forked or damaged history.
///
/// It follows the primary, or a streaming replica (`--read-database`), which takes the read
/// load off the primary: a node then reads its history from the replica once, not per request.
public final class LogMirror: Sendable {
    /// What the read routes answer from: one consistent block.
    public struct View: Sendable {
        public let state: LedgerState
        public let header: SignedBlockHeader
        public let commitment: StateCommitment?
    }

    private struct Replica {
        var replayer: LogReplayer
        var header: SignedBlockHeader
        /// False from a block that did not replay (the replayer may hold part of it) until the
        /// replica is read back from the file: no proof is made from it meanwhile.
        var usable = true

        var view: View { View(state: replayer.ledger.state, header: header, commitment: replayer.commitment) }
    }

    /// What the kept block holds that requests read often, copied out when it is kept, so they
    /// neither wait for a block's replay nor hold the state.
    public struct Kept: Sendable {
        public let header: SignedBlockHeader
        public let lists: [ListAdoption]
        public let registrarSequence: UInt64

        init(_ header: SignedBlockHeader, _ state: LedgerState) {
            self.header = header
            lists = state.counters.lists
            registrarSequence = state.counters.registrarSequence
        }
    }

    public let store: SQLiteStore
    let reader: PostgresLogReader
    let logger: Logger
    /// The replayed state, at the block `header` names: one block ahead of the file while that
    /// block is written to it. Changed in place: a copy kept for readers across a block would
    /// make every block copy each table it touches whole (the keys, a vessel's holders), a cost
    /// that grows with the registry (issue 13). Readers take what they need under the lock.
    private let replica: Mutex<Replica>
    /// The last block kept in the file: what reads name (`Plimsoll-Height`) and wait for.
    private let keptBlock: Mutex<Kept>
    private let rejectionsSeen = Mutex<Int64>(0)
    /// The highest block a request on this node waits for (`waitFor`): an idle mirror reads again
    /// at once when it is above what it holds.
    private let wanted = Mutex<(height: Height, until: ContinuousClock.Instant)>((0, .now))
    private let broken = Mutex<String?>(nil)
    /// A write of the file failed: the replica is read back from it first.
    private let stale = Mutex(false)

    private init(
        store: SQLiteStore, reader: PostgresLogReader, replayer: sending LogReplayer, header: SignedBlockHeader,
        logger: Logger
    ) {
        self.store = store
        self.reader = reader
        self.logger = logger
        keptBlock = Mutex(Kept(header, replayer.ledger.state))
        replica = Mutex(Replica(replayer: replayer, header: header))
    }

    /// Opens the mirror at `url`, or makes it from the database's genesis and block 0 when the
    /// file is not there yet (a new node).
    /// - Throws: `StoreError` `STORE_CORRUPT` when the file mirrors another registry (another
    ///   genesis) or its tip is not the database's block of that height (a fork: the file was
    ///   made from another database), `STORE_LOCKED` when another process has it open to write,
    ///   `STORE_IO`/`STORE_MISSING` from the database.
    ///
    /// `expected` is the registry's genesis as the primary holds it, given when `reader` reads a
    /// streaming replica: the replica may not have replayed the registry's creation yet (a
    /// registry made moments ago, a replica just attached), and is waited for as a block is below.
    public static func open(
        at url: URL, reader: PostgresLogReader, expected: Genesis? = nil, patience: Duration = .seconds(30),
        logger: Logger = Logger(label: "plimsoll.mirror")
    ) async throws(StoreError) -> LogMirror {
        let genesis = try await Self.genesis(of: reader, expected: expected, patience: patience)
        if !FileManager.default.fileExists(atPath: url.path) {
            guard let first = try await reader.blocks(from: 0).first, first.header.header.height == 0,
                first.entries.count == 1, first.entries[0] == .genesis(genesis)
            else { throw StoreError(.corrupt, table: "blocks", "block 0 is not the genesis block") }
            var frontier = MerkleFrontier()
            frontier.append(leafHash: first.entries[0].leafHash)
            let block = CommittedBlock(header: first.header, entries: first.entries, frontier: frontier, rejected: [])
            do {
                _ = try LogReplayer(genesisBlock: first.header, genesisEntry: first.entries[0])
            } catch {
                throw StoreError(.corrupt, table: "blocks", "block 0 does not verify: \(error.description)")
            }
            _ = try SQLiteStore.create(
                at: url, genesis: genesis, genesisBlock: block, state: LedgerState(genesis: genesis))
        }
        // The one-writer lock of the folder, held for the mirror's life: no CLI settles into it.
        let store = try SQLiteStore.openWriter(at: url)
        guard store.genesis == genesis else {
            throw StoreError(
                .corrupt, "\(url.path) mirrors another registry (chain \(store.genesis.chainID.hex.prefix(16))…)")
        }
        let (state, tip) = try store.loadLedger()
        // The file's tip must be the database's block of that height, or the file is another log.
        // A database without that block yet (a replica behind the file) is waited for a while.
        let height = tip.header.header.height
        var stored = try await reader.blocks(from: height).first
        let patience = ContinuousClock.now + .seconds(30)
        while stored == nil, ContinuousClock.now < patience {
            try? await Task.sleep(for: .milliseconds(500))
            stored = try await reader.blocks(from: height).first
        }
        guard let stored else {
            throw StoreError(
                .missing,
                "the database has no block \(height) yet, which \(url.path) holds (a replica behind this node, or a database restored from an older backup: start the node with a fresh folder)"
            )
        }
        guard stored.header == tip.header else {
            throw StoreError(
                .corrupt, "\(url.path) holds a block \(height) the database does not (a mirror of another database)")
        }
        return LogMirror(
            store: store, reader: reader, replayer: LogReplayer(state: state, tip: tip), header: tip.header,
            logger: logger)
    }

    /// The genesis `reader` holds: at once without `expected`; with it, waited for while the
    /// read database cannot show it yet (up to `patience`), and refused when it shows another.
    static func genesis(
        of reader: PostgresLogReader, expected: Genesis?, patience: Duration
    ) async throws(StoreError) -> Genesis {
        guard let expected else { return try await reader.genesis() }
        let deadline = ContinuousClock.now + patience
        while true {
            do throws(StoreError) {
                let genesis = try await reader.genesis()
                guard genesis == expected else {
                    throw StoreError(.corrupt, "the read database holds another registry than the database")
                }
                return genesis
            } catch {
                guard error.code != .corrupt, ContinuousClock.now < deadline else { throw error }
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    /// The replayed block with its state: the file's last block, or the one after it while that
    /// one is written (verified, and durable in the database). Held past the next block, it costs
    /// that block a copy of what it changes: a reader of a few records takes them under the lock.
    public var current: View { replica.withLock { $0.view } }
    /// The registry's chain, which never changes.
    public var chainID: Hash32 { store.genesis.chainID }
    /// The last block kept in the file, which the read routes answer from.
    public var kept: Kept { keptBlock.withLock { $0 } }
    public var keptHeader: SignedBlockHeader { kept.header }
    public var height: Height { keptHeader.header.height }
    /// Why the mirror stopped following, when a block did not replay.
    public var failure: String? { broken.withLock { $0 } }

    /// Takes what the database committed since the last call: blocks (replayed, then written
    /// to the file in one transaction each) and audited rejections. Returns the blocks taken.
    /// - Throws: `StoreError` when the database or the file fails (nothing half written: the
    ///   next call continues from the last block kept), `ReplayError` when a block does not
    ///   replay (the mirror stops for good).
    @discardableResult
    public func step() async throws -> Int {
        if let failure { throw StoreError(.corrupt, table: "blocks", failure) }
        if stale.withLock({ $0 }) { try reload() }
        var taken = 0
        while true {
            let next = height + 1
            let page = try await reader.blocks(from: next)
            if page.isEmpty { break }
            for (signed, entries) in page {
                try await take(signed, entries)
                taken += 1
            }
            if page.count < PostgresLogReader.blocksPerRead { break }
        }
        let seen = rejectionsSeen.withLock { $0 }
        let rejections = try await reader.rejections(after: seen)
        if let last = rejections.last {
            // Grouped by decision time, as the audit table keeps them.
            var index = 0
            while index < rejections.count {
                let at = rejections[index].decidedAtMs
                var group: [CommittedBlock.Rejected] = []
                while index < rejections.count, rejections[index].decidedAtMs == at {
                    group.append(rejections[index].rejected)
                    index += 1
                }
                try await store.recordRejections(group, decidedAtMs: at)
            }
            rejectionsSeen.withLock { $0 = last.seq }
        }
        return taken
    }

    private func take(_ signed: SignedBlockHeader, _ entries: [Entry]) async throws {
        let block: CommittedBlock
        let changes: StateChanges
        let next: Kept
        do {
            (block, changes, next) = try replica.withLock { replica throws(ReplayError) in
                do throws(ReplayError) {
                    let changed = try replica.replayer.apply(
                        block: signed, entries: entries,
                        verifiedSignatures: Array(repeating: true, count: entries.count))
                    replica.header = signed
                    let state = replica.replayer.ledger.state
                    return (
                        CommittedBlock(
                            header: signed, entries: entries, frontier: replica.replayer.frontier, rejected: []),
                        StateChanges(dirty: changed, state: state), Kept(signed, state)
                    )
                } catch {
                    replica.usable = false
                    throw error
                }
            }
        } catch {
            let message = "block \(signed.header.height) from the database does not replay: \(error)"
            broken.withLock { $0 = message }
            logger.critical("the mirror stops: \(message)")
            // The replayer may hold part of the block: read back from the file's last block (off
            // the lock), so reads keep answering from the last good one.
            try? reload()
            throw error
        }
        do { try await store.commit(block, changes: changes) } catch {
            // Not kept (or kept despite the error): the replica goes back to the file's tip
            // before the next block is taken, whenever the file can be read again.
            stale.withLock { $0 = true }
            try? reload()
            throw error
        }
        keptBlock.withLock { $0 = next }
    }

    /// The replica and the kept block from the file's own tip.
    private func reload() throws {
        let (state, tip) = try store.loadLedger()
        replica.withLock { $0 = Replica(replayer: LogReplayer(state: state, tip: tip), header: tip.header) }
        keptBlock.withLock { $0 = Kept(tip.header, state) }
        stale.withLock { $0 = false }
    }

    /// Follows the database until the task is cancelled. While blocks come, it reads again at
    /// once; idle, it waits a little longer each time, up to `idleMax` (what a read may lag an
    /// idle registry), unless a request here waits for a block (`waitFor`). Errors are logged and
    /// tried again a second later; a block that does not replay ends it.
    public func run(idleMin: Duration = .milliseconds(5), idleMax: Duration = .milliseconds(50)) async {
        var idle = idleMin
        while !Task.isCancelled {
            do {
                if try await step() > 0 {
                    idle = idleMin
                    continue
                }
                // At least a short pause between reads, even while a request waits (a replica
                // that lags must not be asked in a tight loop).
                let until = ContinuousClock.now + idle
                repeat {
                    try await Task.sleep(for: .milliseconds(2))
                } while ContinuousClock.now < until && !isWanted
                idle = min(idle * 2, idleMax)
            } catch is CancellationError {
                return
            } catch is ReplayError {
                return
            } catch {
                if failure != nil { return }
                logger.warning("the mirror cannot follow the database yet: \(error)")
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Waits until the mirror holds `height` (a holder who got a receipt from this node then
    /// reads the transfer here), at most `timeout`. Returns whether it does.
    public func waitFor(height target: Height, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        // Wanted until the waiter gives up: a replica that stopped is not asked at once forever.
        wanted.withLock { $0 = (max($0.height, target), max($0.until, deadline)) }
        while height < target {
            guard ContinuousClock.now < deadline, failure == nil else { return false }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return true
    }

    /// A request waits for a block the mirror does not hold yet.
    private var isWanted: Bool {
        let (target, until) = wanted.withLock { $0 }
        return target > height && ContinuousClock.now < until
    }

    /// The proof of a holding against the replayed block (nil before the first version 2 header),
    /// which may be one block past the file: `ClusterNode` waits for the file to keep it.
    public func holdingProof(asset: AssetID, key: KeyRef) -> HoldingProof? {
        proof { HoldingProof(state: $0, commitment: $1, header: $2, asset: asset, key: key) }
    }

    /// The proof of a key's record against the replayed block, as `holdingProof`.
    public func keyProof(key: KeyRef) -> KeyProof? {
        proof { KeyProof(state: $0, commitment: $1, header: $2, key: key) }
    }

    /// A proof `make` takes from the replayed state, its commitment and header, under the lock;
    /// nil before the first version 2 header or while the replica is not usable.
    private func proof<Proof>(_ make: (LedgerState, StateCommitment, SignedBlockHeader) -> Proof) -> Proof? {
        replica.withLock { replica in
            guard replica.usable, replica.header.header.version >= 2, let commitment = replica.replayer.commitment
            else { return nil }
            return make(replica.replayer.ledger.state, commitment, replica.header)
        }
    }
}
