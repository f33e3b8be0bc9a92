public import Foundation
public import PlimsollCore
public import PlimsollCrypto
public import PlimsollStore

/// Writes a store's whole log as an export file, block by block (streaming, bounded memory).
public enum LogExport {
    public struct Summary: Sendable {
        public let blocks: UInt64
        public let logSize: UInt64
        public let logRoot: Hash32
    }

    /// Writes to `url` through a temporary file renamed at the end, so a failed export never
    /// leaves a file that looks complete.
    public static func write(_ store: SQLiteStore, to url: URL) throws -> Summary {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        FileManager.default.createFile(atPath: temporary.path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: temporary.path) else { throw LogFileError(offset: 0, message: "cannot write \(url.path)") }
        var checksum = SHA256Hasher()
        func emit(_ bytes: [UInt8]) throws {
            checksum.update(bytes)
            try handle.write(contentsOf: bytes)
        }
        do {
            try emit(LogFileFormat.preamble(chainID: store.genesis.chainID))
            let latest = try store.latestHeight()
            var last: BlockHeader?
            var height: Height = 0
            while height <= latest {
                let blocks = try store.blocks(from: height, limit: 64)
                guard blocks.first?.header.height == height else { throw LogFileError(offset: 0, message: "block \(height) is missing from the store") }
                for block in blocks {
                    let entries = try store.entries(inBlock: block.header.height).map(\.entry.bytes)
                    precondition(entries.count == Int(block.header.entryCount), "store holds a block whose entries do not match its header")
                    try emit(LogFileFormat.block(block, entries: entries))
                    last = block.header
                    height = block.header.height + 1
                }
            }
            let tip = last!
            try emit(LogFileFormat.trailerBody(blockCount: tip.height + 1, logSize: tip.logSize, logRoot: tip.logRoot))
            try handle.write(contentsOf: checksum.finalize().bytes)
            try handle.synchronize()
            try handle.close()
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
            try FileManager.default.moveItem(at: temporary, to: url)
            return Summary(blocks: tip.height + 1, logSize: tip.logSize, logRoot: tip.logRoot)
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
