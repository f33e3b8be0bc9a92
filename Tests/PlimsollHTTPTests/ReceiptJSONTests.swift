import Foundation
import PlimsollCrypto
import PlimsollSettlement
import PlimsollTesting
import Testing

@testable import PlimsollHTTP

/// A settled receipt's body is written by hand (`RegistryAPI.settledBody`); it must be byte for
/// byte what the encoder gives for the same receipt, for any values.
@Suite struct ReceiptJSONTests {
    @Test func handWrittenSettledReceiptEqualsTheEncodersBytes() throws {
        var rng = SplitMix64(seed: 77)
        let edges: [UInt64] = [0, 1, 9, 10, 99, UInt64(Int64.max), UInt64.max]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for trial in 0..<500 {
            func value() -> UInt64 {
                trial < 50 ? edges[Int(rng.next() % UInt64(edges.count))] : rng.next() >> (rng.next() % 64)
            }
            let receipt = Receipt(
                id: Hash32(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next()), height: value(),
                leafIndex: value(), logSize: value())
            let expected = String(decoding: try encoder.encode(RegistryAPI.receipt(receipt)), as: UTF8.self)
            #expect(RegistryAPI.settledBody(receipt) == expected, "trial \(trial)")
        }
    }
}
