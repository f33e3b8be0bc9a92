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

/// Registrar actions signed on the registrar's machine and settled by the running server
/// (issue 16, item 1): they settle in order; a replay, a stale sequence, another key and bytes
/// that are no registrar entry are refused with their codes, and nothing is queued.
struct RegistrarRouteTests {
    static func body(_ entries: [RegistrarEntry]) -> ByteBuffer {
        let hex = entries.map { "\"\(Hex.encode(Entry.registrar($0).bytes))\"" }.joined(separator: ",")
        return ByteBuffer(string: #"{"entries":[\#(hex)]}"#)
    }

    static func results(_ response: TestResponse) -> [[String: Any]] {
        (response.json["results"] as? [[String: Any]]) ?? []
    }

    @Test func signedActionsSettleInOrderAndEachOnlyOnce() async throws {
        let f = try await HTTPFixture()
        try await f.app.test(.router) { client in
            let before = try await client.execute(uri: "/v1/registrar/sequence", method: .get)
            #expect(before.json["chain_id"] as? String == f.chainID.hex)
            let last = UInt64(try #require(before.json["sequence"] as? Int))
            // Freeze Alice, then unfreeze her: one request, in this order.
            let freeze = RegistrarEntry.signed(
                .freeze(.party(f.aliceParty, asset: nil), reason: "order 7/2026"), sequence: last + 1,
                chainID: f.chainID, by: f.registrar)
            let unfreeze = RegistrarEntry.signed(
                .unfreeze(.party(f.aliceParty, asset: nil), reason: "order lifted"), sequence: last + 2,
                chainID: f.chainID, by: f.registrar)
            let posted = try await client.execute(
                uri: "/v1/registrar/actions", method: .post, headers: HTTPFixture.json,
                body: Self.body([freeze, unfreeze]))
            #expect(posted.status == .ok, "\(posted.text)")
            #expect(Self.results(posted).map { $0["status"] as? String } == ["settled", "settled"])
            let after = try await client.execute(uri: "/v1/registrar/sequence", method: .get)
            #expect(after.json["sequence"] as? Int == Int(last + 2))

            // The same signed action again: a replay.
            let replay = try await client.execute(
                uri: "/v1/registrar/actions", method: .post, headers: HTTPFixture.json, body: Self.body([freeze]))
            #expect(Self.results(replay).first?["status"] as? String == "rejected")
            #expect(Self.results(replay).first?["code"] as? String == "SEQUENCE_REUSED")
            // A new action signed with a sequence already taken: stale.
            let stale = RegistrarEntry.signed(
                .freeze(.party(f.bobParty, asset: nil), reason: "stale"), sequence: last + 1, chainID: f.chainID,
                by: f.registrar)
            let staleAnswer = try await client.execute(
                uri: "/v1/registrar/actions", method: .post, headers: HTTPFixture.json, body: Self.body([stale]))
            #expect(Self.results(staleAnswer).first?["code"] as? String == "SEQUENCE_REUSED")
            // Signed by another key, with a fresh sequence: refused before it takes the sequence.
            var rng = SplitMix64(seed: 16)
            let foreign = RegistrarEntry.signed(
                .freeze(.party(f.bobParty, asset: nil), reason: "forged"), sequence: last + 3, chainID: f.chainID,
                by: SigningKey.generate(using: &rng))
            let forged = try await client.execute(
                uri: "/v1/registrar/actions", method: .post, headers: HTTPFixture.json, body: Self.body([foreign]))
            #expect(Self.results(forged).first?["code"] as? String == "BAD_REGISTRAR_SIGNATURE")
            let unchanged = try await client.execute(uri: "/v1/registrar/sequence", method: .get)
            #expect(unchanged.json["sequence"] as? Int == Int(last + 2))
            #expect(await f.settlement.state.parties[f.bobParty]?.frozen == false)
        }
    }

    @Test func aRefusedActionIsNeverTakenAgainEvenAfterARestart() async throws {
        let f = try await HTTPFixture()
        let sequence = await f.settlement.registrarSequence
        // Refused by the ledger (no party 999): the refusal does not take the sequence.
        let refused = RegistrarEntry.signed(
            .freeze(.party(PartyID(999), asset: nil), reason: "no such party"), sequence: sequence + 1,
            chainID: f.chainID, by: f.registrar)
        try await f.app.test(.router) { client in
            let first = try await client.execute(
                uri: "/v1/registrar/actions", method: .post, headers: HTTPFixture.json, body: Self.body([refused]))
            #expect(Self.results(first).first?["status"] as? String == "rejected", "\(first.text)")
        }
        // A restart: settlement starts again from the store, whose registrar sequence did not move.
        let restarted = try Settlement(
            store: f.store, registrarKey: f.registrar, config: SettlementConfig(), clock: Settlement.wallClockMs)
        #expect(await restarted.registrarSequence == sequence)
        let api = RegistryAPI(settlement: restarted, store: f.store, folder: f.folder)
        try await Application(router: api.router()).test(.router) { client in
            let replay = try await client.execute(
                uri: "/v1/registrar/actions", method: .post, headers: HTTPFixture.json, body: Self.body([refused]))
            #expect(Self.results(replay).first?["code"] as? String == "SEQUENCE_REUSED", "\(replay.text)")
            #expect((Self.results(replay).first?["detail"] as? String)?.contains("refused before") == true)
        }
    }

    @Test func aBatchThatChangesScreeningIsFollowedByARescreenInSettlement() async throws {
        let f = try await HTTPFixture()
        // The serving edge's plan (here: freeze Bob), made by settlement after the batch.
        let bob = f.bobParty
        await f.settlement.setRescreen { state, _ in
            state.parties[bob]?.frozen == true
                ? Settlement.RescreenActions(actions: [], recorded: [], frozen: [])
                : Settlement.RescreenActions(
                    actions: [.freeze(.party(bob, asset: nil), reason: "screening: listed")], recorded: [],
                    frozen: ["party \(bob)"])
        }
        try await f.app.test(.router) { client in
            // A freeze alone changes nothing screening finds: no re-screen.
            var sequence = await f.settlement.registrarSequence
            let freeze = RegistrarEntry.signed(
                .freeze(.party(f.aliceParty, asset: nil), reason: "order"), sequence: sequence + 1, chainID: f.chainID,
                by: f.registrar)
            let plain = try await client.execute(
                uri: "/v1/registrar/actions", method: .post, headers: HTTPFixture.json, body: Self.body([freeze]))
            #expect(plain.json["rescreen"] == nil, "\(plain.text)")
            #expect(await f.settlement.state.parties[bob]?.frozen == false)
            // A new party can change it: the re-screen runs and settles before the answer.
            sequence = await f.settlement.registrarSequence
            let party = RegistrarEntry.signed(
                .registerParty(
                    PartyRegistration(kind: .person, name: "Nina Berg", country: try Country("NO"))),
                sequence: sequence + 1, chainID: f.chainID, by: f.registrar)
            let posted = try await client.execute(
                uri: "/v1/registrar/actions", method: .post, headers: HTTPFixture.json, body: Self.body([party]))
            let rescreen = try #require(posted.json["rescreen"] as? [String: Any], "\(posted.text)")
            #expect(rescreen["actions"] as? Int == 1)
            #expect(rescreen["frozen"] as? [String] == ["party \(bob)"])
            #expect(rescreen["recorded"] as? [String] == [])
            #expect((rescreen["refused"] as? [String])?.isEmpty == true)
            #expect(await f.settlement.state.parties[bob]?.frozen == true)
        }
    }

    /// Issue 16, item 2: the decisions and freezes of one re-screen land in one block, while the
    /// holders' transfers keep settling in the blocks around it.
    @Test func aRescreenLandsInOneBlockWhileTransfersSettleAroundIt() async throws {
        let f = try await HTTPFixture()
        await f.settlement.setRescreen { state, _ in
            let listed = state.parties.values.filter { $0.party.name.hasPrefix("Listed ") && !$0.frozen }.map(
                \.party.id
            )
            .sorted()
            return Settlement.RescreenActions(
                actions: listed.map { .freeze(.party($0, asset: nil), reason: "screening: listed") }, recorded: [],
                frozen: listed.map { "party \($0)" })
        }
        let heightBefore = try f.store.latestHeight()
        try await f.app.test(.router) { client in
            let holders = Task {
                var statuses: [String] = []
                for nonce in 1...40 {
                    let answer = try await client.execute(
                        uri: "/v1/transfers", method: .post, headers: HTTPFixture.json,
                        body: ByteBuffer(string: f.transferJSON(f.alice, to: f.bob, amount: 1, nonce: UInt64(nonce))))
                    statuses.append(answer.json["status"] as? String ?? answer.text)
                }
                return statuses
            }
            let sequence = await f.settlement.registrarSequence
            let parties = (0..<12).map { index in
                RegistrarEntry.signed(
                    .registerParty(
                        PartyRegistration(kind: .person, name: "Listed \(index)", country: try! Country("NO"))),
                    sequence: sequence + 1 + UInt64(index), chainID: f.chainID, by: f.registrar)
            }
            let posted = try await client.execute(
                uri: "/v1/registrar/actions", method: .post, headers: HTTPFixture.json, body: Self.body(parties))
            let rescreen = try #require(posted.json["rescreen"] as? [String: Any], "\(posted.text)")
            #expect((rescreen["frozen"] as? [String])?.count == 12)
            #expect(try await holders.value == Array(repeating: "settled", count: 40), "no holder request failed")
        }
        var freezeHeights: Set<UInt64> = []
        var transferHeights: Set<UInt64> = []
        for height in (heightBefore + 1)...(try f.store.latestHeight()) {
            for stored in try f.store.entries(inBlock: height) {
                switch stored.entry {
                case .registrar(let entry):
                    if case .freeze = entry.action { freezeHeights.insert(height) }
                case .transfer: transferHeights.insert(height)
                default: break
                }
            }
        }
        #expect(freezeHeights.count == 1, "one re-screen, one block: \(freezeHeights.sorted())")
        #expect(transferHeights.count > 1, "transfers settled in blocks around it: \(transferHeights.sorted())")
    }

    @Test func aFreezeSentToTheServerStopsTheNextTransfer() async throws {
        let f = try await HTTPFixture()
        try await f.app.test(.router) { client in
            let first = try await client.execute(
                uri: "/v1/transfers", method: .post, headers: HTTPFixture.json,
                body: ByteBuffer(string: f.transferJSON(f.alice, to: f.bob, amount: 1, nonce: 1)))
            #expect(first.json["status"] as? String == "settled")
            let sequence = await f.settlement.registrarSequence
            let freeze = RegistrarEntry.signed(
                .freeze(.party(f.aliceParty, asset: nil), reason: "listed today"), sequence: sequence + 1,
                chainID: f.chainID, by: f.registrar)
            let posted = try await client.execute(
                uri: "/v1/registrar/actions", method: .post, headers: HTTPFixture.json, body: Self.body([freeze]))
            #expect(Self.results(posted).first?["status"] as? String == "settled")
            let next = try await client.execute(
                uri: "/v1/transfers", method: .post, headers: HTTPFixture.json,
                body: ByteBuffer(string: f.transferJSON(f.alice, to: f.bob, amount: 1, nonce: 2)))
            #expect(next.status == .unprocessableContent)
            #expect(next.json["code"] as? String == "FROZEN")
        }
    }

    @Test func bytesThatAreNoRegistrarEntryAreMalformed() async throws {
        let f = try await HTTPFixture()
        try await f.app.test(.router) { client in
            for body in [
                #"{"entries":["zz"]}"#, #"{"entries":[]}"#, #"{"entries":"00"}"#, #"{"entries":["00"],"more":1}"#,
                #"{"entries":["\#(Hex.encode(Array(f.transferJSON(f.alice, to: f.bob, nonce: 1).utf8)))"]}"#,
            ] {
                let answer = try await client.execute(
                    uri: "/v1/registrar/actions", method: .post, headers: HTTPFixture.json,
                    body: ByteBuffer(string: body))
                #expect(answer.status == .badRequest, "\(body): \(answer.text)")
                #expect(answer.json["code"] as? String == "MALFORMED")
            }
        }
    }
}
