public import Foundation
public import PlimsollCore
public import PlimsollCrypto

/// Why an exported log file could not be read; names the byte offset where it broke.
public struct LogFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let offset: UInt64
    public let message: String
    public var description: String { "\(message) (at byte \(offset))" }
}

/// One record of an exported log.
public enum LogFileRecord: Sendable {
    case block(SignedBlockHeader, entries: [[UInt8]])
    case trailer(blockCount: UInt64, logSize: UInt64, logRoot: Hash32, checksum: Hash32, computed: Hash32)
}

/// Reads an exported log as a stream with a bounded buffer, so memory does not grow with the
/// file (DESIGN.md budget: verify RSS independent of log size).
public final class LogFileReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    public private(set) var offset: UInt64 = 0
    private var checksum = SHA256Hasher()
    private static let chunkBytes = 1 << 20

    public init(url: URL) throws(LogFileError) {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw LogFileError(offset: 0, message: "cannot open \(url.path)")
        }
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// Reads the preamble: the magic, a known version and the chain_id.
    public func readPreamble() throws(LogFileError) -> Hash32 {
        let magic = try read(LogFileFormat.magic.count, "preamble")
        guard magic == LogFileFormat.magic else { throw fail("not a Plimsoll log export (bad magic)") }
        let version = try u16("version")
        guard version == LogFileFormat.version else {
            throw fail("unknown log format version \(version); this verifier reads version \(LogFileFormat.version)")
        }
        return Hash32(checkedBytes: try read(32, "chain_id"))
    }

    /// The next block or the trailer.
    public func next() throws(LogFileError) -> LogFileRecord {
        let tag = try read(1, "record tag")[0]
        switch tag {
        case LogFileFormat.blockTag:
            let headerBytes = try read(BlockHeader.byteCount, "block header")
            let header: BlockHeader
            do { header = try BlockHeader(canonicalBytes: headerBytes) } catch {
                throw fail("block header does not parse: \(error.message)")
            }
            let signature = SchnorrSignature(checkedBytes: try read(64, "header signature"))
            let count = Int(try u32("entry count"))
            guard count <= Limits.blockEntriesMax + 1 else {
                throw fail("block \(header.height) claims \(count) entries")
            }
            var entries: [[UInt8]] = []
            entries.reserveCapacity(count)
            for _ in 0..<count {
                let length = Int(try u32("entry length"))
                guard length > 0, length <= LogFileFormat.entryBytesMax else {
                    throw fail("entry length \(length) out of range")
                }
                entries.append(try read(length, "entry"))
            }
            return .block(SignedBlockHeader(header: header, signature: signature), entries: entries)
        case LogFileFormat.trailerTag:
            let blockCount = try u64("trailer")
            let logSize = try u64("trailer")
            let logRoot = Hash32(checkedBytes: try read(32, "trailer"))
            let computed = checksum.finalize()
            let stored = Hash32(checkedBytes: try read(32, "trailer checksum"))
            guard try atEnd() else { throw fail("bytes after the trailer") }
            return .trailer(
                blockCount: blockCount, logSize: logSize, logRoot: logRoot, checksum: stored, computed: computed)
        default:
            throw fail("unknown record tag 0x\(String(tag, radix: 16))")
        }
    }

    private func fail(_ message: String) -> LogFileError { LogFileError(offset: offset, message: message) }

    private func u16(_ what: String) throws(LogFileError) -> UInt16 { UInt16(try integer(2, what)) }
    private func u32(_ what: String) throws(LogFileError) -> UInt32 { UInt32(try integer(4, what)) }
    private func u64(_ what: String) throws(LogFileError) -> UInt64 { try integer(8, what) }

    private func integer(_ width: Int, _ what: String) throws(LogFileError) -> UInt64 {
        try read(width, what).reduce(0) { $0 << 8 | UInt64($1) }
    }

    private func atEnd() throws(LogFileError) -> Bool {
        if position < buffer.count { return false }
        try fill()
        return position >= buffer.count
    }

    private func fill() throws(LogFileError) {
        let data: Data?
        do { data = try handle.read(upToCount: Self.chunkBytes) } catch { throw fail("read error: \(error)") }
        buffer = Array(buffer[position...]) + Array(data ?? Data())
        position = 0
    }

    private func read(_ count: Int, _ what: String) throws(LogFileError) -> [UInt8] {
        while buffer.count - position < count {
            let had = buffer.count - position
            try fill()
            if buffer.count - position == had { throw fail("truncated file: the \(what) is cut short") }
        }
        let bytes = Array(buffer[position..<(position + count)])
        position += count
        offset += UInt64(count)
        checksum.update(bytes)
        return bytes
    }
}
