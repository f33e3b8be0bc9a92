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
import PlimsollTesting
import Testing

/// `GET /v1/keys/{key}/proof`: the holder (or a regulator) gets a proof of the key's record (its
/// party, last nonce and freezes) that verifies offline against the signed header; a record
/// edited to hide a freeze or to claim another nonce does not verify, nor does a record claimed
/// for a key no party bound; only the holder and regulators may ask.
struct KeyProofTests {
    @Test func aKeyRecordWithItsFreezesProvesAgainstTheSignedHeader() async throws {
        let f = try await HTTPFixture()
        let frozen = try await f.settlement.submitRegistrar(
            .freeze(.keyUnits(f.alice.publicKey, asset: IMOs.a, units: 5), reason: "court order"))
        guard case .settled = frozen else {
            Issue.record("the freeze did not settle: \(frozen)")
            return
        }
        let target = "/v1/keys/\(f.alice.publicKey.hex)/proof"
        try await f.app.test(.router) { client in
            let answer = try await client.execute(
                uri: target, method: .get, headers: f.holderHeaders(f.alice, target: target))
            #expect(answer.status == .ok, "\(answer.text)")
            let document = try JSONDecoder().decode(KeyProofJSON.self, from: Data(answer.body.readableBytesView))
            #expect(document.type == "key" && document.bound)
            #expect(document.party == f.aliceParty.raw)
            #expect(document.frozen == false && document.frozen_vessels == [])
            #expect(document.frozen_units == [KeyProofJSON.FrozenUnitsJSON(vessel: IMOs.a.text, units: 5)])
            let proof = try document.parsed()
            try proof.verify(signer: f.registrar.publicKey, chainID: f.chainID)
            let record = try #require(proof.record)
            #expect(record == (await f.settlement.state).keys[f.alice.publicKey])
            #expect(
                proof.header.header.stateDigest
                    == (try f.store.block(at: try f.store.latestHeight()))?.header.stateDigest)

            // The record with the freeze lifted, or another nonce, or claimed absent: refused.
            var unfrozen = record
            unfrozen.frozenUnits = []
            var replayed = record
            replayed.lastNonce += 1
            for edited in [unfrozen, replayed] {
                let forged = KeyProof(header: proof.header, key: proof.key, record: edited, proof: proof.proof)
                #expect(throws: CoreError.self) { try forged.verify(signer: f.registrar.publicKey, chainID: f.chainID) }
            }
            let hidden = KeyProof(header: proof.header, key: proof.key, record: nil, proof: proof.proof)
            #expect(throws: CoreError.self) { try hidden.verify(signer: f.registrar.publicKey, chainID: f.chainID) }
            #expect(throws: CoreError.self) { try proof.verify(signer: f.alice.publicKey, chainID: f.chainID) }
            #expect(throws: CoreError.self) { try proof.verify(signer: f.registrar.publicKey, chainID: .zero) }

            // A document whose fields say other than its record is refused before any hash.
            var fields = try #require(
                try JSONSerialization.jsonObject(with: Data(answer.body.readableBytesView)) as? [String: Any])
            fields["frozen_units"] = []
            let edited = try JSONDecoder().decode(
                KeyProofJSON.self, from: try JSONSerialization.data(withJSONObject: fields))
            #expect(throws: (any Error).self) { try edited.parsed() }

            // A key no party bound: the proof shows no record, and none can be claimed for it.
            var rng = SplitMix64(seed: 99)
            let stranger = SigningKey.generate(using: &rng).publicKey
            let strangerTarget = "/v1/keys/\(stranger.hex)/proof"
            let none = try await client.execute(
                uri: strangerTarget, method: .get, headers: [.authorization: "Bearer \(f.regulatorToken)"])
            #expect(none.status == .ok, "\(none.text)")
            let absentDocument = try JSONDecoder().decode(KeyProofJSON.self, from: Data(none.body.readableBytesView))
            #expect(!absentDocument.bound && absentDocument.record == nil && absentDocument.party == nil)
            let absent = try absentDocument.parsed()
            #expect(absent.record == nil && absent.proof.terminal != .found)
            try absent.verify(signer: f.registrar.publicKey, chainID: f.chainID)
            let claimed = KeyProof(
                header: absent.header, key: stranger, record: KeyRecord(key: stranger, party: f.aliceParty),
                proof: absent.proof)
            #expect(throws: CoreError.self) { try claimed.verify(signer: f.registrar.publicKey, chainID: f.chainID) }

            #expect(try await client.execute(uri: target, method: .get).status == .unauthorized)
            #expect(
                try await client.execute(uri: target, method: .get, headers: f.holderHeaders(f.bob, target: target))
                    .status == .forbidden)
            let malformed = try await client.execute(
                uri: "/v1/keys/zz/proof", method: .get, headers: [.authorization: "Bearer \(f.regulatorToken)"])
            #expect(malformed.status == .badRequest)
        }
    }
}
