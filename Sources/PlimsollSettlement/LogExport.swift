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
    ///
    /// Every block is replayed as it is written (hash chain, header signature, entries root,
    /// log root, state digest), so a damaged store is refused, naming the block, instead of
    /// being exported as truth. Entry signatures are not re-verified here: each entry's bytes,
    /// signature included, are under the signed entries root, so a changed byte fails that
    /// check; `plimsoll verify` re-verifies every signature of the file it is given.
    /// - Throws: `ReplayError` for the first block that does not verify, `LogFileError` or I/O errors.
    public static func write(_ store: SQLiteStore, to url: URL) throws -> Summary {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        FileManager.default.createFile(atPath: temporary.path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: temporary.path) else {
            throw LogFileError(offset: 0, message: "cannot write \(url.path)")
        }
        var checksum = SHA256Hasher()
        func emit(_ bytes: [UInt8]) throws {
            checksum.update(bytes)
            try handle.write(contentsOf: bytes)
        }
        do {
            try emit(LogFileFormat.preamble(chainID: store.genesis.chainID))
            let replayer = try LogReplayer.replay(store, trustEntrySignatures: true) { block, entries, _, _ in
                try emit(LogFileFormat.block(block, entries: entries.map(\.bytes)))
            }
            let tip = replayer.lastHeader
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
