import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PlimsollCore
import PlimsollCrypto
import PlimsollHTTP
import PlimsollSettlement
import PlimsollTesting
import Testing

@testable import PlimsollStore

/// Faults found on the transfer path, each pinned: what a submitter hears when a block cannot be
/// made durable, a batch against a nearly full intake, the order of a batch, rejections that make
/// no block, what a submitter may read of a refusal, and what anonymous input may store.
struct TransferPathFaultTests {
    static func regulator(_ f: HTTPFixture) -> HTTPFields { [.authorization: "Bearer \(f.regulatorToken)"] }

    /// Bob's party is blocked by screening with evidence naming a listed person and a path.
    static let evidence = "owned 60% via 3←7 by un:KPi.005 HAN YU-RO (score 0.97)"

    @Test func refusalsNeverShowEvidenceToTheSubmitter() async throws {
        let f = try await HTTPFixture()
        _ = try await f.settlement.submitRegistrar(.recordScreening(f.bobParty, .block, evidence: Self.evidence))
        try await f.app.test(.router) { client in
            let single = try await client.execute(
                uri: "/v1/transfers", method: .post, headers: HTTPFixture.json,
                body: ByteBuffer(string: f.transferJSON(f.alice, to: f.bob, nonce: 1)))
            #expect(single.status == .unprocessableContent)
            let code = try #require(single.json["code"] as? String)
            #expect(["FROZEN", "SANCTIONS_HIT"].contains(code), "\(single.text)")
            let batch = try await client.execute(
                uri: "/v1/transfers/batch", method: .post, headers: HTTPFixture.json,
                body: ByteBuffer(string: #"{"transfers":[\#(f.transferJSON(f.alice, to: f.bob, nonce: 2))]}"#))
            let later = try await client.execute(
                uri: "/v1/transfers?wait=false", method: .post, headers: HTTPFixture.json,
                body: ByteBuffer(string: f.transferJSON(f.alice, to: f.bob, nonce: 3)))
            let id = try #require(later.json["id"] as? String)
            var status = try await client.execute(uri: "/v1/transfers/\(id)", method: .get)
            for _ in 0..<200 where status.json["status"] as? String == "pending" {
                try await Task.sleep(nanoseconds: 10_000_000)
                status = try await client.execute(uri: "/v1/transfers/\(id)", method: .get)
            }
            for answer in [single, batch, status] {
                for secret in ["HAN YU-RO", "KPi.005", "60%", "3←7", "un:"] {
                    #expect(!answer.text.contains(secret), "a submitter's answer holds \(secret): \(answer.text)")
                }
            }
            #expect(
                status.json["status"] as? String == "rejected", "a wait=false rejection is found by id: \(status.text)")
            #expect(status.json["code"] as? String == code)
            let audit = try await client.execute(uri: "/v1/transfers/\(id)", method: .get, headers: Self.regulator(f))
            #expect(
                (audit.json["evidence"] as? String)?.contains("HAN YU-RO") == true,
                "the regulator reads the evidence: \(audit.text)")
        }
    }

    /// Anyone can send a settled or refused transfer's bytes again; the audit keeps one row.
    @Test func replayingTheSameBytesAddsNoAuditRow() async throws {
        let f = try await HTTPFixture()
        let overdraw = f.transferJSON(f.alice, to: f.bob, amount: 1_000, nonce: 1)
        try await f.app.test(.router) { client in
            var id = ""
            for _ in 0..<5 {
                let answer = try await client.execute(
                    uri: "/v1/transfers", method: .post, headers: HTTPFixture.json, body: ByteBuffer(string: overdraw))
                #expect(answer.json["code"] as? String == "INSUFFICIENT_UNITS")
                id = answer.json["id"] as? String ?? ""
            }
            #expect(try f.store.rejections(of: try Hash32(hex: id)).count == 1, "five sends, one audit row")
        }
    }

    @Test func forgedTransfersAreCountedNotStored() async throws {
        let f = try await HTTPFixture()
        var rng = SplitMix64(seed: 77)
        let stranger = SigningKey.generate(using: &rng)
        let before = try f.store.integrityCheck()
        #expect(before == "ok")
        let forged = f.transferJSON(f.alice, to: f.bob, nonce: 1).replacingOccurrences(
            of: #""signature":"[0-9a-f]{128}""#, with: #""signature":"\#(String(repeating: "ab", count: 64))""#,
            options: .regularExpression
        )
        #expect(forged.contains(String(repeating: "ab", count: 64)))
        try await f.app.test(.router) { client in
            // A valid transfer in the same batch makes a block; the forged and the unbound do not enter the audit.
            let body =
                #"{"transfers":[\#(forged),\#(f.transferJSON(stranger, to: f.bob, nonce: 1)),\#(f.transferJSON(f.alice, to: f.bob, nonce: 1))]}"#
            let answer = try await client.execute(
                uri: "/v1/transfers/batch", method: .post, headers: HTTPFixture.json, body: ByteBuffer(string: body))
            let results = try #require(answer.json["results"] as? [[String: Any]])
            #expect(
                results.map { $0["code"] as? String ?? $0["status"] as! String } == [
                    "BAD_SIGNATURE", "UNKNOWN_KEY", "settled",
                ], "\(answer.text)")
            for result in results.prefix(2) {
                let id = try Hash32(hex: result["id"] as! String)
                #expect(try f.store.rejections(of: id).isEmpty, "an unattributable rejection leaves no row")
            }
        }
        #expect(await f.settlement.stats.unattributedRejections == 2)
    }

    @Test func aBlockThatCannotBeMadeDurableIsRetryableAndReadinessSaysSo() async throws {
        let f = try await HTTPFixture()
        try await f.app.test(.router) { client in
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            try await f.store.failWritesForTesting(true)
            let single = try await client.execute(
                uri: "/v1/transfers", method: .post, headers: HTTPFixture.json,
                body: ByteBuffer(string: f.transferJSON(f.alice, to: f.bob, nonce: 1)))
            #expect(single.status == .serviceUnavailable, "\(single.text)")
            #expect(single.json["code"] as? String == "NOT_SETTLED")
            // Every write fails, the probe after the failed commit too: the block's fate is open.
            let open = "whether it landed is open until the registry writes again"
            #expect((single.json["detail"] as? String)?.contains(open) == true, "\(single.text)")
            let batch = try await client.execute(
                uri: "/v1/transfers/batch", method: .post, headers: HTTPFixture.json,
                body: ByteBuffer(string: #"{"transfers":[\#(f.transferJSON(f.alice, to: f.bob, nonce: 1))]}"#))
            let result = try #require((batch.json["results"] as? [[String: Any]])?.first)
            #expect(result["status"] as? String == "not_settled", "distinct from a final rejection: \(batch.text)")
            #expect(result["code"] as? String == "NOT_SETTLED")
            #expect((result["detail"] as? String)?.contains(open) == true, "\(batch.text)")
            // The probes show apart from the commits they follow, and so do the open answers.
            let stats = await f.settlement.stats
            #expect(stats.probes == 2 && stats.openFailures == 2, "\(stats)")
            let scrape = try await client.execute(uri: "/metrics", method: .get).text
            #expect(scrape.contains("plimsoll_settle_phase_seconds_count{phase=\"probe\"}"))
            #expect(MetricsTests.sample(scrape, "plimsoll_commits_open_total") >= 2, "the open answers are counted")
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.json["code"] as? String == "NOT_READY")
            // The disk has room again: the same signed transfer settles, readiness recovers.
            try await f.store.failWritesForTesting(false)
            #expect(
                try await client.execute(uri: "/readyz", method: .get).status == .ok,
                "readiness recovers by a probe, before any block")
            let retry = try await client.execute(
                uri: "/v1/transfers", method: .post, headers: HTTPFixture.json,
                body: ByteBuffer(string: f.transferJSON(f.alice, to: f.bob, nonce: 1)))
            #expect(retry.status == .ok, "\(retry.text)")
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
        }
    }

    @Test func aBatchIsAdmittedWhollyOrNotAtAll() async throws {
        let f = try await HTTPFixture()
        var config = SettlementConfig()
        config.intakeEntriesMax = 3
        let small = try Settlement(
            store: f.store, registrarKey: f.registrar, config: config, clock: Settlement.wallClockMs)
        let api = RegistryAPI(settlement: small, store: f.store, folder: f.folder)
        let items = (1...5).map { f.transferJSON(f.alice, to: f.bob, nonce: UInt64($0)) }
        try await Application(router: api.router()).test(.router) { client in
            let answer = try await client.execute(
                uri: "/v1/transfers/batch", method: .post, headers: HTTPFixture.json,
                body: ByteBuffer(string: #"{"transfers":[\#(items.joined(separator: ","))]}"#))
            #expect(answer.status == .serviceUnavailable, "\(answer.text)")
            #expect(answer.json["code"] as? String == "INTAKE_FULL")
            #expect(answer.headers[.retryAfter] != nil)
        }
        await small.waitUntilIdle()
        #expect(await small.state.keys[f.alice.publicKey]?.lastNonce == 0, "nothing of the refused batch settled")
    }

    /// Transfers from different keys apply in arrival order, and a batch arrives in request
    /// order: Alice's 40 units reach Bob before Bob passes them on, every time.
    @Test func aBatchKeepsRequestOrder() async throws {
        let f = try await HTTPFixture()
        try await f.app.test(.router) { client in
            for round in 0..<6 {
                let (first, second) = (f.alice, f.bob)
                let nonce = UInt64(round + 1)
                let body =
                    #"{"transfers":[\#(f.transferJSON(first, to: second, amount: 40, nonce: nonce)),\#(f.transferJSON(second, to: first, amount: 40, nonce: nonce))]}"#
                let answer = try await client.execute(
                    uri: "/v1/transfers/batch", method: .post, headers: HTTPFixture.json, body: ByteBuffer(string: body)
                )
                let statuses = (answer.json["results"] as? [[String: Any]])?.map { $0["status"] as? String ?? "" }
                #expect(statuses == ["settled", "settled"], "round \(round): \(answer.text)")
            }
        }
    }

    /// What a clean shutdown waits for: intake empty and the block in flight committed.
    @Test func waitingUntilIdleCoversTheBlockBeingCommitted() async throws {
        let f = try await HTTPFixture()
        var ids: [Hash32] = []
        for nonce in 1...20 {
            let transfer = Transfer(
                chainID: f.chainID, asset: IMOs.a, from: f.alice.publicKey, to: f.bob.publicKey, amount: 1,
                nonce: UInt64(nonce),
                expiresAt: UInt64(Date().timeIntervalSince1970) + 600
            )
            let entry = Entry.transfer(
                SignedTransfer(transfer: transfer, signature: f.alice.sign(hash: transfer.message)))
            try await f.settlement.submitWithoutWaiting(entry)
            ids.append(entry.id)
        }
        await f.settlement.waitUntilIdle()
        for id in ids { #expect(try f.store.entry(id: id) != nil, "settled before idle") }
    }
}

/// Protocol details: RFC 6901 pointers for members whose names hold `/` or `~`, and auth
/// schemes compared without case (RFC 9110 section 11.1).
struct ProtocolDetailTests {
    @Test func unknownMemberPointersAreEscaped() async throws {
        let f = try await HTTPFixture()
        let good = f.transferJSON(f.alice, to: f.bob, nonce: 1)
        let extra = String(good.dropLast()) + #","a/b~c":1}"#
        try await f.app.test(.router) { client in
            let single = try await client.execute(
                uri: "/v1/transfers", method: .post, headers: HTTPFixture.json, body: ByteBuffer(string: extra))
            #expect(single.json["pointer"] as? String == "/a~1b~0c", "\(single.text)")
            let envelope = try await client.execute(
                uri: "/v1/transfers/batch", method: .post, headers: HTTPFixture.json,
                body: ByteBuffer(string: #"{"transfers":[\#(good)],"x~/y":1}"#))
            #expect(envelope.json["pointer"] as? String == "/x~0~1y", "\(envelope.text)")
            let item = try await client.execute(
                uri: "/v1/transfers/batch", method: .post, headers: HTTPFixture.json,
                body: ByteBuffer(string: #"{"transfers":[\#(good),\#(extra)]}"#))
            #expect(item.json["pointer"] as? String == "/transfers/1/a~1b~0c", "\(item.text)")
        }
    }

    @Test(arguments: ["Bearer", "bearer", "BEARER", "bEaReR"])
    func theAuthSchemeIsCaseInsensitive(scheme: String) async throws {
        let f = try await HTTPFixture()
        try await f.app.test(.router) { client in
            let answer = try await client.execute(
                uri: "/v1/parties/1", method: .get, headers: [.authorization: "\(scheme) \(f.regulatorToken)"])
            #expect(answer.status == .ok, "\(scheme): \(answer.text)")
            let wrong = try await client.execute(
                uri: "/v1/parties/1", method: .get, headers: [.authorization: "\(scheme) nope"])
            #expect(wrong.status == .unauthorized)
        }
    }
}

/// Every refusal a submitter can meet carries a detail that depends on its code alone: the same
/// text whatever the parties, paths or lists behind it.
struct NeutralRefusalTests {
    static let secret = "un:KPi.005 HAN YU-RO via 3←7 60%"

    @Test(arguments: ["FROZEN", "SANCTIONS_HIT", "COUNTRY_BLOCKED", "KYC_EXPIRED"])
    func theDetailNamesNoOneWhateverTheCode(expected: String) async throws {
        let f = try await HTTPFixture()
        switch expected {
        case "FROZEN":
            _ = try await f.settlement.submitRegistrar(.freeze(.party(f.bobParty, asset: nil), reason: Self.secret))
        case "SANCTIONS_HIT":
            _ = try await f.settlement.submitRegistrar(.recordScreening(f.bobParty, .block, evidence: Self.secret))
        case "COUNTRY_BLOCKED":
            _ = try await f.settlement.submitRegistrar(
                .setRules(
                    ComplianceRules(
                        maxHoldersPerVessel: 64, excludedCountries: [try Country("NO")], minimumHolding: 0,
                        kycRequired: true)))
        default:
            // A fourth party whose KYC claim expired at once, with a bound key.
            var rng = SplitMix64(seed: 9)
            let carol = SigningKey.generate(using: &rng)
            _ = try await f.settlement.submitRegistrar(
                .registerParty(
                    PartyRegistration(
                        kind: .person, name: "Carol Example", country: try Country("SE"),
                        kycClaims: [Party.KYCClaim(issuer: "registrar", expiresAtMs: 1)])))
            _ = try await f.settlement.submitRegistrar(.bindKey(carol.publicKey, to: PartyID(4)))
            try await f.app.test(.router) { client in
                let answer = try await client.execute(
                    uri: "/v1/transfers", method: .post, headers: HTTPFixture.json,
                    body: ByteBuffer(string: f.transferJSON(f.alice, to: carol, nonce: 1)))
                #expect(answer.json["code"] as? String == expected, "\(answer.text)")
                #expect(!answer.text.contains("Carol") && !answer.text.contains("party 4"), "\(answer.text)")
            }
            return
        }
        try await f.app.test(.router) { client in
            let answer = try await client.execute(
                uri: "/v1/transfers", method: .post, headers: HTTPFixture.json,
                body: ByteBuffer(string: f.transferJSON(f.alice, to: f.bob, nonce: 1)))
            #expect(answer.status == .unprocessableContent)
            #expect(answer.json["code"] as? String == expected, "\(answer.text)")
            for fragment in ["HAN", "KPi", "3←7", "60%", "Bob", "party 3", "NO"] {
                #expect(
                    !(answer.json["detail"] as? String ?? "").contains(fragment),
                    "\(expected) detail holds \(fragment): \(answer.text)")
            }
        }
    }
}
