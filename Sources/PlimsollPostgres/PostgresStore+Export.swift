public import Foundation
import Logging
import NIOCore
import PlimsollCore
public import PlimsollCrypto
public import PlimsollStore
import PostgresNIO

extension PostgresStore {
    /// Blocks read per query while exporting: memory stays bounded by a page of blocks and the
    /// entries of one block.
    static let exportBlocksPerPage: Int64 = 256

    /// Writes the whole log, as the database holds it, in the export format `plimsoll verify`
    /// checks offline (Docs/log-format.md), through a temporary file renamed at the end. Unlike
    /// the SQLite store's export, it does not replay the log while writing: the regulator's
    /// verifier does that, on the file (signatures, hash chain, Merkle roots, a full replay).
    /// - Returns: blocks and entries written, and the log root of the last block.
    /// - Throws: `StoreError` `STORE_IO` when the database or the file fails, `STORE_CORRUPT`
    ///   when a block's entries are missing.
    public func exportLog(to url: URL) async throws(StoreError) -> (blocks: UInt64, logSize: UInt64, logRoot: Hash32) {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporary.path)
        else { throw StoreError(.io, "cannot write \(url.path)") }
        let (chainID, configuration, logger) = (genesis.chainID, configuration, logger)
        do {
            let summary = try await Connections.connection(configuration, logger: logger) { connection in
                var checksum = SHA256Hasher()
                func emit(_ bytes: [UInt8]) throws {
                    checksum.update(bytes)
                    try handle.write(contentsOf: bytes)
                }
                try emit(LogFileFormat.preamble(chainID: chainID))
                var next: Int64 = 0
                var last: BlockHeader?
                while true {
                    let page = try await Self.blocks(from: next, connection, logger)
                    if page.isEmpty { break }
                    for signed in page {
                        let header = signed.header
                        let entries = try await Self.entries(of: header, connection, logger)
                        try emit(LogFileFormat.block(signed, entries: entries))
                        last = header
                    }
                    next += Int64(page.count)
                }
                guard let last else { throw StoreError(.corrupt, "the database holds no block") }
                try emit(
                    LogFileFormat.trailerBody(blockCount: last.height + 1, logSize: last.logSize, logRoot: last.logRoot)
                )
                try handle.write(contentsOf: checksum.finalize().bytes)
                return (last.height + 1, last.logSize, last.logRoot)
            }
            try handle.synchronize()
            try handle.close()
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
            try FileManager.default.moveItem(at: temporary, to: url)
            return summary
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            if let refusal = Connections.storeError(error) { throw refusal }
            throw StoreError(.io, "cannot export the log to \(url.path): \(error)")
        }
    }

    static func blocks(
        from height: Int64, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> [SignedBlockHeader] {
        var page: [SignedBlockHeader] = []
        let rows = try await connection.query(
            """
            SELECT height, header, signature FROM blocks WHERE height >= \(height) ORDER BY height
            LIMIT \(exportBlocksPerPage)
            """, logger: logger)
        for try await (stored, header, signature) in rows.decode((Int64, ByteBuffer, ByteBuffer).self) {
            let decoded = try BlockHeader(canonicalBytes: Array(buffer: header))
            guard decoded.height == UInt64(stored), stored == height + Int64(page.count) else {
                throw StoreError(.corrupt, "block row \(stored) is out of place or holds header \(decoded.height)")
            }
            page.append(
                SignedBlockHeader(header: decoded, signature: try SchnorrSignature(bytes: Array(buffer: signature))))
        }
        return page
    }

    /// A block's entries, by their leaf range (the primary key): the `entry_count` leaves below
    /// its `log_size`.
    private static func entries(
        of header: BlockHeader, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> [[UInt8]] {
        let end = try PostgresWriter.int(header.logSize)
        let start = end - Int64(header.entryCount)
        var entries: [[UInt8]] = []
        let rows = try await connection.query(
            "SELECT leaf_index, bytes FROM entries WHERE leaf_index >= \(start) AND leaf_index < \(end) ORDER BY leaf_index",
            logger: logger)
        for try await (leaf, bytes) in rows.decode((Int64, ByteBuffer).self) {
            guard leaf == start + Int64(entries.count) else {
                throw StoreError(.corrupt, "block \(header.height) is missing leaf \(start + Int64(entries.count))")
            }
            entries.append(Array(buffer: bytes))
        }
        guard entries.count == Int(header.entryCount) else {
            throw StoreError(
                .corrupt, "block \(header.height) holds \(entries.count) of its \(header.entryCount) entries")
        }
        return entries
    }
}
