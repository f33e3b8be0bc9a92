public import PlimsollCore
public import PlimsollStore

extension LogReplayer {
    /// Replays a whole store's log from genesis, block by block, and returns the final replayer.
    ///
    /// The one walk over a stored log: `LogReplayer.replay` for tests and tools, `StoreCheck.full`
    /// (which compares the derived tables in `eachBlock`) and `LogExport` (which writes each block
    /// in `eachBlock`, once it has verified).
    /// - Parameters:
    ///   - trustEntrySignatures: skip re-verifying each entry's signature; a changed byte still
    ///     fails the signed entries root (what `export` relies on).
    ///   - eachBlock: called after each block, genesis included, has replayed and verified, with
    ///     its entries and what it changed.
    /// - Throws: `ReplayError` naming the first block (and entry) that fails; a block whose
    ///   headers or entries do not decode fails with "headers do not decode" or "entries do not
    ///   decode"; errors thrown by `eachBlock`.
    @discardableResult
    public static func replay(
        _ store: SQLiteStore, trustEntrySignatures: Bool = false,
        eachBlock: (_ block: SignedBlockHeader, _ entries: [Entry], _ changed: DirtySet, _ replayer: LogReplayer) throws
            -> Void = { _, _, _, _ in }
    ) throws -> LogReplayer {
        let latest = try store.latestHeight()
        func entries(_ height: Height) throws(ReplayError) -> [Entry] {
            do { return try store.entries(inBlock: height).map(\.entry) } catch {
                throw ReplayError(height: height, leafIndex: nil, message: "entries do not decode: \(error)")
            }
        }
        let genesisBlock: SignedBlockHeader?
        do { genesisBlock = try store.block(at: 0) } catch {
            throw ReplayError(height: 0, leafIndex: nil, message: "headers do not decode: \(error)")
        }
        guard let genesisBlock else { throw ReplayError(height: 0, leafIndex: nil, message: "no genesis block") }
        let genesisEntries = try entries(0)
        guard let genesisEntry = genesisEntries.first, genesisEntries.count == 1 else {
            throw ReplayError(height: 0, leafIndex: nil, message: "block 0 must hold exactly the genesis entry")
        }
        var replayer = try LogReplayer(genesisBlock: genesisBlock, genesisEntry: genesisEntry)
        try eachBlock(genesisBlock, genesisEntries, DirtySet(), replayer)
        var height: Height = 1
        while height <= latest {
            let blocks: [SignedBlockHeader]
            do { blocks = try store.blocks(from: height, limit: 256) } catch {
                throw ReplayError(height: height, leafIndex: nil, message: "headers do not decode: \(error)")
            }
            guard blocks.first?.header.height == height else {
                throw ReplayError(height: height, leafIndex: nil, message: "block \(height) is missing")
            }
            for block in blocks {
                let stored = try entries(block.header.height)
                let trusted = trustEntrySignatures ? Array(repeating: true, count: stored.count) : nil
                let changed = try replayer.apply(block: block, entries: stored, verifiedSignatures: trusted)
                try eachBlock(block, stored, changed, replayer)
                height = block.header.height + 1
            }
        }
        return replayer
    }
}
