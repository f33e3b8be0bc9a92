public import PlimsollCrypto

extension Genesis {
    /// Parses canonical genesis bytes, refusing trailing bytes and unknown versions.
    /// - Throws: `CoreError` with code `MALFORMED` or `BAD_NAME`.
    public init(canonicalBytes bytes: [UInt8]) throws(CoreError) {
        var reader = ByteReader(bytes)
        let version = try reader.u16()
        guard Self.versions.contains(version) else { throw CoreError(.malformed, "unknown genesis version \(version)") }
        let nameLength = Int(try reader.u8())
        guard let name = String(validating: try reader.raw(nameLength), as: UTF8.self) else {
            throw CoreError(.badName, "registry name is not UTF-8")
        }
        let keyBytes = try reader.raw(32)
        let key: XOnlyPublicKey
        do { key = try XOnlyPublicKey(bytes: keyBytes) } catch {
            throw CoreError(.malformed, "registrar key: \(error.message)")
        }
        let created = try reader.u64()
        let maxValidity = try reader.u64()
        var sequencer: XOnlyPublicKey?
        if version >= 2 {
            let sequencerBytes = try reader.raw(32)
            do { sequencer = try XOnlyPublicKey(bytes: sequencerBytes) } catch {
                throw CoreError(.malformed, "sequencer key: \(error.message)")
            }
        }
        try reader.expectEnd()
        try self.init(
            name: name, registrarKey: key, sequencerKey: sequencer, createdAtMs: created,
            maxValiditySeconds: maxValidity)
    }
}
