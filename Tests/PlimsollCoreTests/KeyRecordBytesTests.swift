import PlimsollCore
import PlimsollCrypto
import PlimsollTesting
import Testing

/// A key record's canonical bytes (the state commitment's value for it, Docs/log-format.md) read
/// back to the same record, and nothing else reads as one: no short record, no trailing bytes.
struct KeyRecordBytesTests {
    static func record(seed: UInt64) -> KeyRecord {
        var rng = SplitMix64(seed: seed)
        var record = KeyRecord(key: SigningKey.generate(using: &rng).publicKey, party: PartyID(rng.next() % 1_000 + 1))
        record.lastNonce = rng.next()
        record.frozen = rng.next() % 2 == 0
        record.frozenAssets = (0..<Int(rng.next() % 3)).map { IMOs.make(100_000 + $0) }
        record.frozenUnits = (0..<Int(rng.next() % 3)).map {
            KeyRecord.FrozenUnits(asset: IMOs.make(200_000 + $0), units: rng.next() % 10_000)
        }
        return record
    }

    @Test(arguments: SplitMix64.seeds([1, 2, 3, 0xBEEF]))
    func aRecordReadsBackFromItsBytes(seed: UInt64) throws {
        let record = Self.record(seed: seed)
        let bytes = record.recordBytes
        #expect(try KeyRecord(recordBytes: bytes) == record)
        #expect(throws: CoreError.self) { try KeyRecord(recordBytes: bytes + [0]) }
        for cut in [0, 31, 32, 40, 48, bytes.count - 1] {
            #expect(throws: CoreError.self) { try KeyRecord(recordBytes: Array(bytes.prefix(cut))) }
        }
        var badFlag = bytes
        badFlag[48] = 2  // frozen is a boolean: 0 or 1.
        #expect(throws: CoreError.self) { try KeyRecord(recordBytes: badFlag) }
    }
}

/// The key record's bytes written out by hand (Docs/log-format.md), so the format the state
/// commitment hashes cannot change through the shared writer and reader alone.
struct KeyRecordKnownAnswerTests {
    @Test func aKeyRecordIsTheBytesTheDocsGive() throws {
        let key = try XOnlyPublicKey(hex: "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
        var record = KeyRecord(key: key, party: PartyID(7))
        record.lastNonce = 3
        record.frozenAssets = [try AssetID("IMO9074729")]
        record.frozenUnits = [KeyRecord.FrozenUnits(asset: try AssetID("IMO9176187"), units: 10)]
        let expected =
            "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"  // key
            + "0000000000000007" + "0000000000000003" + "00"  // party, last nonce, not frozen whole
            + "0001" + "000a" + "494d4f39303734373239"  // frozen vessels: IMO9074729
            + "0001" + "000a" + "494d4f39313736313837" + "000000000000000a"  // 10 units of IMO9176187
        #expect(Hex.encode(record.recordBytes) == expected)
        #expect(Hex.encode(record.storageBytes) == String(expected.dropFirst(64)))
        #expect(try KeyRecord(recordBytes: try Hex.decode(expected)) == record)
    }
}
