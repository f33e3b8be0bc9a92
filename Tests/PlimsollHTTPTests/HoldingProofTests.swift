import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PlimsollCore
import PlimsollCrypto
import PlimsollHTTP
import PlimsollSettlement
import PlimsollStore
import Testing

/// `GET /v1/keys/{key}/holdings/{imo}/proof`: the holder (or a regulator) gets a proof of its
/// holding that verifies offline against the signed header; another unit count, another key or
/// another header does not verify; only the holder and regulators may ask.
struct HoldingProofTests {
    @Test func aHoldingProvesAgainstTheSignedHeader() async throws {
        let f = try await HTTPFixture()
        let target = "/v1/keys/\(f.alice.publicKey.hex)/holdings/IMO9176187/proof"
        try await f.app.test(.router) { client in
            let answer = try await client.execute(
                uri: target, method: .get, headers: f.holderHeaders(f.alice, target: target))
            #expect(answer.status == .ok, "\(answer.text)")
            let document = try JSONDecoder().decode(HoldingProofJSON.self, from: Data(answer.body.readableBytesView))
            #expect(document.units == 40)
            let proof = try document.parsed()
            try proof.verify(signer: f.registrar.publicKey, chainID: f.chainID)
            #expect(
                proof.header.header.stateDigest
                    == (try f.store.block(at: try f.store.latestHeight()))?.header.stateDigest)
            // Another unit count, another registry, another signer: refused.
            let inflated = HoldingProof(
                header: proof.header, asset: proof.asset, key: proof.key, units: 41, proof: proof.proof)
            #expect(throws: CoreError.self) {
                try inflated.verify(signer: f.registrar.publicKey, chainID: f.chainID)
            }
            #expect(throws: CoreError.self) { try proof.verify(signer: f.alice.publicKey, chainID: f.chainID) }
            #expect(throws: CoreError.self) { try proof.verify(signer: f.registrar.publicKey, chainID: .zero) }
            let stolen = HoldingProof(
                header: proof.header, asset: proof.asset, key: f.bob.publicKey, units: 40, proof: proof.proof)
            #expect(throws: CoreError.self) {
                try stolen.verify(signer: f.registrar.publicKey, chainID: f.chainID)
            }

            // Bob holds none: his proof shows the record absent, and no units can be claimed.
            let bobTarget = "/v1/keys/\(f.bob.publicKey.hex)/holdings/IMO9176187/proof"
            let none = try await client.execute(
                uri: bobTarget, method: .get, headers: [.authorization: "Bearer \(f.regulatorToken)"])
            let empty = try JSONDecoder().decode(HoldingProofJSON.self, from: Data(none.body.readableBytesView))
                .parsed()
            #expect(empty.units == 0 && empty.proof.terminal != .found)
            try empty.verify(signer: f.registrar.publicKey, chainID: f.chainID)
            let claimed = HoldingProof(
                header: empty.header, asset: empty.asset, key: empty.key, units: 1, proof: empty.proof)
            #expect(throws: CoreError.self) {
                try claimed.verify(signer: f.registrar.publicKey, chainID: f.chainID)
            }

            #expect(try await client.execute(uri: target, method: .get).status == .unauthorized)
            #expect(
                try await client.execute(uri: target, method: .get, headers: f.holderHeaders(f.bob, target: target))
                    .status == .forbidden)
            let unknown = try await client.execute(
                uri: "/v1/keys/\(f.alice.publicKey.hex)/holdings/IMO9074729/proof", method: .get,
                headers: [.authorization: "Bearer \(f.regulatorToken)"])
            #expect(unknown.status == .notFound)
        }
    }
}
