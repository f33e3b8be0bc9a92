public import PlimsollCore
public import PlimsollStore

extension LogReplayer {
    /// Replays a whole store's log from genesis, block by block, and returns the final replayer.
    /// - Throws: `ReplayError` naming the first block and entry that fail.
    public static func replay(_ store: SQLiteStore) throws -> LogReplayer {
        let latest = try store.latestHeight()
        guard let genesisBlock = try store.block(at: 0), let genesisEntry = try store.entries(inBlock: 0).first else {
            throw ReplayError(height: 0, leafIndex: nil, message: "no genesis block")
        }
        var replayer = try LogReplayer(genesisBlock: genesisBlock, genesisEntry: genesisEntry.entry)
        var height: Height = 1
        while height <= latest {
            let blocks = try store.blocks(from: height, limit: 256)
            guard blocks.first?.header.height == height else {
                throw ReplayError(height: height, leafIndex: nil, message: "block \(height) is missing")
            }
            for block in blocks {
                try replayer.apply(block: block, entries: try store.entries(inBlock: block.header.height).map(\.entry))
                height = block.header.height + 1
            }
        }
        return replayer
    }
}
