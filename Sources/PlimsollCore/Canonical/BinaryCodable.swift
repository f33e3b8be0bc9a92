public import PlimsollCrypto

/// Values with one canonical binary form: what is signed, hashed into the state digest and
/// written to the exported log. Decoding is strict: bounded lengths, no trailing bytes.
public protocol BinaryCodable {
    func encode(to writer: inout ByteWriter)
    init(from reader: inout ByteReader) throws(CoreError)
}

extension ByteWriter {
    public mutating func text(_ value: String) {
        let bytes = Array(value.utf8)
        precondition(bytes.count <= Int(UInt16.max))
        u16(UInt16(bytes.count))
        raw(bytes)
    }

    public mutating func optional<T>(_ value: T?, _ write: (inout ByteWriter, T) -> Void) {
        if let value {
            u8(1)
            write(&self, value)
        } else {
            u8(0)
        }
    }

    public mutating func list<T>(_ values: [T], _ write: (inout ByteWriter, T) -> Void) {
        precondition(values.count <= Int(UInt16.max))
        u16(UInt16(values.count))
        for value in values { write(&self, value) }
    }

    public mutating func hash(_ value: Hash32) { raw(value.bytes) }
    public mutating func key(_ value: KeyRef) { raw(value.bytes) }
    public mutating func asset(_ value: AssetID) { text(value.text) }
    public mutating func party(_ value: PartyID) { u64(value.raw) }
    public mutating func bool(_ value: Bool) { u8(value ? 1 : 0) }
}

extension ByteReader {
    public mutating func text(max: Int = Limits.textBytesMax) throws(CoreError) -> String {
        let count = Int(try u16())
        guard count <= max else { throw CoreError(.malformed, "text of \(count) bytes exceeds \(max)") }
        guard let value = String(validating: try raw(count), as: UTF8.self) else {
            throw CoreError(.malformed, "text at offset \(offset) is not UTF-8")
        }
        return value
    }

    public mutating func optional<T>(_ read: (inout ByteReader) throws(CoreError) -> T) throws(CoreError) -> T? {
        switch try u8() {
        case 0: return nil
        case 1: return try read(&self)
        case let flag: throw CoreError(.malformed, "optional flag \(flag) at offset \(offset)")
        }
    }

    public mutating func list<T>(max: Int, _ read: (inout ByteReader) throws(CoreError) -> T) throws(CoreError) -> [T] {
        let count = Int(try u16())
        guard count <= max else { throw CoreError(.malformed, "list of \(count) exceeds \(max)") }
        var out: [T] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try read(&self)) }
        return out
    }

    public mutating func hash() throws(CoreError) -> Hash32 {
        let bytes = try raw(32)
        return try! Hash32(bytes: bytes)  // 32 bytes by construction.
    }

    public mutating func key() throws(CoreError) -> KeyRef {
        let bytes = try raw(32)
        do { return try keys?.key(bytes) ?? XOnlyPublicKey(bytes: bytes) } catch {
            throw CoreError(.malformed, "not a valid x-only key at offset \(offset - 32)")
        }
    }

    public mutating func asset() throws(CoreError) -> AssetID {
        let text = try text(max: 10)
        return try AssetID(text)
    }

    public mutating func party() throws(CoreError) -> PartyID { PartyID(try u64()) }

    public mutating func bool() throws(CoreError) -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        case let flag: throw CoreError(.malformed, "boolean \(flag) at offset \(offset)")
        }
    }

    public mutating func country() throws(CoreError) -> Country {
        let code = try text(max: 2)
        do { return try Country(code) } catch { throw CoreError(.malformed, error.message) }
    }

    public mutating func enumeration<E: RawRepresentable & CaseIterable>(_: E.Type) throws(CoreError) -> E
    where E.RawValue == String {
        let index = Int(try u8())
        let cases = Array(E.allCases)
        guard index < cases.count else { throw CoreError(.malformed, "unknown \(E.self) \(index)") }
        return cases[index]
    }
}

extension ByteWriter {
    public mutating func enumeration<E: RawRepresentable & CaseIterable & Equatable>(_ value: E)
    where E.RawValue == String {
        u8(UInt8(Array(E.allCases).firstIndex(of: value)!))
    }
}
