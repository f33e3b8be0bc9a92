public import PlimsollCrypto

/// A block header in DESIGN.md's canonical bytes (integers big-endian, 222 bytes):
/// `version u16 || chain_id 32 || height u64 || prev_hash 32 || timestamp_ms u64 || entry_count u32 ||
/// entries_root 32 || log_size u64 || log_root 32 || state_digest 32 || lists_digest 32`.
///
/// Version 1's `state_digest` is `LedgerState.digest`, a hash over the whole state; version 2's is
/// the root of `StateCommitment`, updated per changed record and proving one record. Blocks are
/// written as version 2; version 1 blocks of an older log still verify (Docs/log-format.md).
public struct BlockHeader: Hashable, Sendable {
    /// The version new blocks are written with.
    public static let currentVersion: UInt16 = 2
    public static let versions: ClosedRange<UInt16> = 1...2
    public static let byteCount = 2 + 32 + 8 + 32 + 8 + 4 + 32 + 8 + 32 + 32 + 32

    public let version: UInt16
    public let chainID: Hash32
    public let height: Height
    public let prevHash: Hash32
    public let timestampMs: TimestampMs
    public let entryCount: UInt32
    public let entriesRoot: Hash32
    public let logSize: UInt64
    public let logRoot: Hash32
    public let stateDigest: Hash32
    public let listsDigest: Hash32

    public init(
        version: UInt16 = BlockHeader.currentVersion, chainID: Hash32, height: Height, prevHash: Hash32,
        timestampMs: TimestampMs,
        entryCount: UInt32, entriesRoot: Hash32, logSize: UInt64, logRoot: Hash32, stateDigest: Hash32,
        listsDigest: Hash32
    ) {
        precondition(Self.versions.contains(version))
        self.version = version
        self.chainID = chainID
        self.height = height
        self.prevHash = prevHash
        self.timestampMs = timestampMs
        self.entryCount = entryCount
        self.entriesRoot = entriesRoot
        self.logSize = logSize
        self.logRoot = logRoot
        self.stateDigest = stateDigest
        self.listsDigest = listsDigest
    }

    public var canonicalBytes: [UInt8] {
        var w = ByteWriter(capacity: Self.byteCount)
        w.u16(version)
        w.hash(chainID)
        w.u64(height)
        w.hash(prevHash)
        w.u64(timestampMs)
        w.u32(entryCount)
        w.hash(entriesRoot)
        w.u64(logSize)
        w.hash(logRoot)
        w.hash(stateDigest)
        w.hash(listsDigest)
        assert(w.bytes.count == Self.byteCount)
        return w.bytes
    }

    /// Parses canonical header bytes.
    /// - Throws: `CoreError` `MALFORMED` for a wrong length or an unknown version.
    public init(canonicalBytes bytes: [UInt8]) throws(CoreError) {
        guard bytes.count == Self.byteCount else {
            throw CoreError(.malformed, "a block header is \(Self.byteCount) bytes, got \(bytes.count)")
        }
        var r = ByteReader(bytes)
        let version = try r.u16()
        guard Self.versions.contains(version) else {
            throw CoreError(.malformed, "unknown block header version \(version)")
        }
        self.init(
            version: version, chainID: try r.hash(), height: try r.u64(), prevHash: try r.hash(),
            timestampMs: try r.u64(),
            entryCount: try r.u32(), entriesRoot: try r.hash(), logSize: try r.u64(), logRoot: try r.hash(),
            stateDigest: try r.hash(), listsDigest: try r.hash()
        )
    }

    /// `block_hash = TaggedHash("plimsoll/block/v1", header)`.
    public var hash: Hash32 { Hashing.tagged(Tags.block, canonicalBytes) }
}

/// A header with the sequencer's BIP-340 signature over its hash (the sequencer key in force after
/// the block; the registrar's key in a registry whose genesis names no sequencer): the
/// regulator's signed tree head.
public struct SignedBlockHeader: Hashable, Sendable {
    public let header: BlockHeader
    public let signature: SchnorrSignature

    public init(header: BlockHeader, signature: SchnorrSignature) {
        self.header = header
        self.signature = signature
    }

    public init(signing header: BlockHeader, with key: SigningKey) {
        self.init(header: header, signature: key.sign(hash: header.hash))
    }

    public func signatureValid(signer: XOnlyPublicKey) -> Bool {
        signer.verify(signature: signature, hash: header.hash)
    }
}
