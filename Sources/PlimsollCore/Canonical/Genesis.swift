public import PlimsollCrypto

/// The genesis record of a registry; its tagged hash is the registry's `chain_id`.
///
/// Canonical bytes (integers big-endian):
/// `version u16 || len(name) u8 || name UTF-8 || registrar_key 32 || created_at_ms u64 ||
/// max_validity_s u64`, and in version 2 `|| sequencer_key 32`: the key that signs block headers,
/// so the registrar's key can stay offline. A version 1 genesis has no sequencer key: its
/// registrar key signs the headers (Docs/log-format.md, "Keys"). Every signed message commits to `chain_id`, so nothing signed for one
/// registry replays on another.
public struct Genesis: Hashable, Sendable {
    /// Version 1 (no sequencer key) and 2 (with one).
    public static let versions: ClosedRange<UInt16> = 1...2
    public static let nameBytesMax = 128
    /// DESIGN.md: default maximum validity of a transfer, 7 days.
    public static let defaultMaxValiditySeconds: UInt64 = 604_800

    public let name: String
    public let version: UInt16
    public let registrarKey: XOnlyPublicKey
    /// The key that signs block headers from genesis on: the registrar key in a version 1 genesis.
    public let sequencerKey: XOnlyPublicKey
    public let createdAtMs: UInt64
    public let maxValiditySeconds: UInt64

    /// - Throws: `BAD_NAME` for an empty name, one over `nameBytesMax` UTF-8 bytes, or one with
    ///   control characters; `MALFORMED` for a zero maximum validity.
    public init(
        name: String, registrarKey: XOnlyPublicKey, sequencerKey: XOnlyPublicKey? = nil, createdAtMs: UInt64,
        maxValiditySeconds: UInt64 = Genesis.defaultMaxValiditySeconds
    ) throws(CoreError) {
        let utf8 = Array(name.utf8)
        guard !utf8.isEmpty, utf8.count <= Self.nameBytesMax else {
            throw CoreError(.badName, "registry name must be 1 to \(Self.nameBytesMax) UTF-8 bytes")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw CoreError(.badName, "registry name contains a control character")
        }
        guard (1...Limits.maxValiditySecondsMax).contains(maxValiditySeconds) else {
            throw CoreError(.malformed, "max validity must be 1 to \(Limits.maxValiditySecondsMax) seconds")
        }
        self.name = name
        version = sequencerKey == nil ? 1 : 2
        self.registrarKey = registrarKey
        self.sequencerKey = sequencerKey ?? registrarKey
        self.createdAtMs = createdAtMs
        self.maxValiditySeconds = maxValiditySeconds
    }

    public var canonicalBytes: [UInt8] {
        let nameBytes = Array(name.utf8)
        var writer = ByteWriter(capacity: 2 + 1 + nameBytes.count + 32 + 16 + 32)
        writer.u16(version)
        writer.u8(UInt8(nameBytes.count))
        writer.raw(nameBytes)
        writer.raw(registrarKey.bytes)
        writer.u64(createdAtMs)
        writer.u64(maxValiditySeconds)
        if version >= 2 { writer.raw(sequencerKey.bytes) }
        return writer.bytes
    }

    public var chainID: Hash32 { Hashing.tagged(Tags.genesis, canonicalBytes) }
}
