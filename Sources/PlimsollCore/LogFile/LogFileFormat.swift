public import PlimsollCrypto

/// The exported log format, version 1 (Docs/log-format.md describes it byte by byte).
///
/// ```
/// file    = preamble block* trailer
/// preamble= "PLIMSOLL-LOG\n" (13 bytes) || version u16 || chain_id 32
/// block   = 0x42 || header 222 || signature 64 || entry_count u32 || (len u32 || entry bytes)*
/// trailer = 0x45 || block_count u64 || log_size u64 || log_root 32 || sha256 32
/// ```
/// `sha256` covers every byte before it, so a cut or padded file never passes as complete.
public enum LogFileFormat {
    public static let magic: [UInt8] = Array("PLIMSOLL-LOG\n".utf8)
    public static let version: UInt16 = 1
    public static let blockTag: UInt8 = 0x42
    public static let trailerTag: UInt8 = 0x45
    /// Largest entry accepted when reading (registrar entries are far smaller).
    public static let entryBytesMax = 1 << 20

    public static func preamble(chainID: Hash32) -> [UInt8] {
        var w = ByteWriter(capacity: 47)
        w.raw(magic)
        w.u16(version)
        w.hash(chainID)
        return w.bytes
    }

    /// A block record. It writes the entries it is given; the exporter checks they match the
    /// header's count, and a verifier must not assume they do.
    public static func block(_ signed: SignedBlockHeader, entries: [[UInt8]]) -> [UInt8] {
        var w = ByteWriter(capacity: 1 + BlockHeader.byteCount + 68 + entries.reduce(0) { $0 + 4 + $1.count })
        w.u8(blockTag)
        w.raw(signed.header.canonicalBytes)
        w.raw(signed.signature.bytes)
        w.u32(UInt32(entries.count))
        for entry in entries {
            w.u32(UInt32(entry.count))
            w.raw(entry)
        }
        return w.bytes
    }

    public static func trailerBody(blockCount: UInt64, logSize: UInt64, logRoot: Hash32) -> [UInt8] {
        var w = ByteWriter(capacity: 49)
        w.u8(trailerTag)
        w.u64(blockCount)
        w.u64(logSize)
        w.hash(logRoot)
        return w.bytes
    }
}
