import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollScreening
import PlimsollSettlement
import PlimsollStore

/// The story `plimsoll demo` tells (Docs/walkthrough.md tells the same one with the CLI and HTTP):
/// a vessel in 64 units; an investor whose ownership runs through two shells to a UN-listed
/// person is refused with the evidence path; a clean buyer settles; a list update names the
/// ship manager and the vessel freezes; the regulator reads the cap table, the beneficial owners
/// and verifies the exported log offline.
final class DemoScenario {
    private let registry: OpenRegistry
    private let lists: DemoData
    private let narrator: Narrator
    /// The screener over the lists in force, rebuilt when a list version is adopted. The CLI
    /// rebuilds it from the registry folder on every registrar command; the demo keeps it.
    private var screener: Screener?
    private let asset = try! AssetID("IMO9176187")  // A valid check digit (DESIGN.md's example).
    private let now = Settlement.wallClockMs()

    init(registry: OpenRegistry, lists: DemoData, narrator: Narrator) {
        self.registry = registry
        self.lists = lists
        self.narrator = narrator
    }

    func run() async throws {
        try await adoptLists(
            "The registrar adopts the sanctions lists in force: the UN Security Council consolidated list and OFAC's SDN list (its 2019 edition)",
            [lists.un, lists.ofac2019]
        )
        let (oceanic, manager) = try await registerVessel()
        let (kestrel, kestrelKey) = try await investorThroughShells()
        try await investorIsRefused(kestrel, seller: oceanic.key, buyer: kestrelKey)
        let (fjord, heightBeforeSale) = try await cleanBuyerSettles(seller: oceanic.key)
        try capTables(before: heightBeforeSale)
        try await mortgageOverUnits(owner: oceanic, buyer: fjord)
        try await listUpdateFreezesTheVessel(manager: manager, seller: oceanic.key, buyer: fjord)
        try regulatorView()
        try await exportAndVerify()
        try await lastSignedHeader()
    }

    // MARK: The story

    private func registerVessel() async throws -> (owner: (party: PartyID, key: SigningKey), manager: PartyID) {
        narrator.step(
            "The registrar registers the owner, its beneficial owner and the ship manager, then \(asset) in 64 units")
        narrator.command("plimsoll party add --kind organization --name \"Oceanic Bulk Carriers S.A.\" --country PA")
        let oceanic = try await party(.organization, "Oceanic Bulk Carriers S.A.", "PA")
        let elena = try await party(.person, "Elena Marquez", "PA")
        try await own(elena, owns: 10_000, of: oceanic)
        let manager = try await party(
            .organization, "Jui Zong Ship Management Co., Ltd.", "TW", role: "ship manager / ISM company")
        // Every organization must resolve to natural persons (the opacity rule), the manager too.
        let managerOwner = try await party(.person, "Lin Mei-Hua", "TW")
        try await own(managerOwner, owns: 10_000, of: manager)
        narrator.command(
            "plimsoll vessel register --imo 9176187 --name \"Plimsoll Star\" --flag PA --units 64 --owner 1 --manager 3"
        )
        let vessel = VesselRegistration(
            asset: asset, name: "Plimsoll Star", flag: try Country("PA"), type: "bulk carrier", grossTonnage: 40_000,
            roles: Vessel.Roles(owner: oceanic, manager: manager), units: 64
        )
        try await registrar(
            .registerVessel(vessel),
            "\(asset) \"Plimsoll Star\", bulk carrier, flag PA, 64 units, owner party \(oceanic), manager party \(manager)"
        )
        let decision = try requireScreener().screen(
            vessel: asset, state: try await registry.state, at: Settlement.wallClockMs())
        narrator.say("screening of \(asset): \(decision.status.rawValue)")
        guard decision.status == .clear else {
            throw CLIError("the vessel should screen clear before the list update: \(decision.summary)")
        }
        let key = try await newKey(for: oceanic, "Oceanic")
        narrator.command("plimsoll issue --vessel \(asset) --to \(key.publicKey.hex.prefix(16))… --units 64")
        try await registrar(.issue(asset, to: key.publicKey, units: 64), "issued 64 units of \(asset) to Oceanic's key")
        return ((oceanic, key), manager)
    }

    private func investorThroughShells() async throws -> (PartyID, SigningKey) {
        narrator.step(
            "An investor asks to buy. Its declared ownership runs through two shell companies to a natural person")
        let kestrel = try await party(.organization, "Kestrel Maritime Holdings Ltd", "HK")
        let harbour = try await party(.organization, "Harbour Light Trading Ltd", "SC")
        let anchor = try await party(.organization, "Blue Anchor Ventures Inc.", "MH")
        let person = try await party(.person, "Han Yu Ro", "CN")
        narrator.command(
            "plimsoll own declare --owner \(harbour) --owned \(kestrel) --share-bps 10000 --evidence-file register-extract.pdf"
        )
        try await own(harbour, owns: 10_000, of: kestrel)
        try await own(anchor, owns: 10_000, of: harbour)
        try await own(person, owns: 6_000, of: anchor)
        let key = try await newKey(for: kestrel, "Kestrel")
        let state = try await registry.state
        guard state.parties[kestrel]?.screening == .block, state.parties[kestrel]?.frozen == true else {
            throw CLIError("the investor should be blocked and frozen by screening")
        }
        return (kestrel, key)
    }

    private func investorIsRefused(_ kestrel: PartyID, seller: SigningKey, buyer: SigningKey) async throws {
        narrator.step("Oceanic signs a sale of 16 units to Kestrel; the registry refuses it and says why")
        narrator.command("plimsoll transfer --key oceanic.key --to <kestrel key> --vessel \(asset) --amount 16")
        let rejection = try await expectRejected(.transfer(transfer(seller, buyer, 16, nonce: 1)), .frozen)
        narrator.say("rejected \(rejection.code.rawValue): \(rejection.message)")
        narrator.command("plimsoll screen --party \(kestrel)")
        let state = try await registry.state
        let decision = try requireScreener().screen(party: kestrel, state: state, at: Settlement.wallClockMs())
        narrator.say(
            "party \(kestrel) \(name(kestrel, state)): \(decision.status.rawValue), lists \(decision.listsDigest.prefix(16))…"
        )
        for evidence in decision.evidence where evidence.status == .block {
            narrator.say("  [\(evidence.rule)] \(evidence.detail)")
            if let path = evidence.path {
                narrator.say(
                    "  evidence path: " + path.map { "\(name($0, state)) (\($0))" }.joined(separator: " ← owned by "))
            }
        }
        guard decision.evidence.contains(where: { $0.path?.count == 4 }) else {
            throw CLIError("the evidence should name the four-party path")
        }
    }

    private func cleanBuyerSettles(seller: SigningKey) async throws -> (SigningKey, Height) {
        narrator.step("A clean buyer settles: a Norwegian fund whose declared beneficial owner is a natural person")
        let fjord = try await party(.organization, "Fjord Shipping Invest AS", "NO")
        let ingrid = try await party(.person, "Ingrid Solberg", "NO")
        try await own(ingrid, owns: 10_000, of: fjord)
        let fjordKey = try await newKey(for: fjord, "Fjord")
        let before = try registry.store.latestHeight()
        // The refused offer consumed nothing, so Oceanic's nonce 1 is still free.
        let sale = transfer(seller, fjordKey, 16, nonce: 1)
        narrator.say(
            "Oceanic → Fjord 16 units, nonce 1 (the refused offer consumed nothing): "
                + (try await registry.settle(.transfer(sale))).line)
        narrator.step("Transfers that break the rules are refused with a stable reason code and change nothing")
        let replay = try await expectRejected(.transfer(sale), .nonceReused)
        narrator.say("the same signed sale sent again: \(replay.code.rawValue) (\(replay.message))")
        let overdraw = try await expectRejected(.transfer(transfer(fjordKey, seller, 20, nonce: 1)), .insufficientUnits)
        narrator.say("Fjord sends back 20 units it does not have: \(overdraw.code.rawValue) (\(overdraw.message))")
        return (fjordKey, before)
    }

    private func capTables(before height: Height) throws {
        narrator.step("The regulator asks the cap table before and after the sale")
        narrator.command("plimsoll cap-table --vessel \(asset) --height \(height)")
        try Reports.capTable(registry.store, asset, at: height).lines.forEach(narrator.say)
        narrator.command("plimsoll cap-table --vessel \(asset)")
        let now = try Reports.capTable(registry.store, asset, at: try registry.store.latestHeight())
        now.lines.forEach(narrator.say)
        guard now.view.holders.reduce(0, { $0 + $1.units }) == 64 else { throw CLIError("units are not conserved") }
    }

    private func mortgageOverUnits(owner: (party: PartyID, key: SigningKey), buyer: SigningKey) async throws {
        narrator.step(
            "Oceanic mortgages its 48 units to a bank: mortgaged units cannot be sold without the bank's signed consent"
        )
        let kyc = [Party.KYCClaim(issuer: "registrar", expiresAtMs: now + 365 * 86_400_000)]
        let bank = PartyID(try await registry.state.counters.nextPartyID)
        try await registrar(
            .registerParty(
                PartyRegistration(
                    kind: .organization, name: "Nordic Ship Finance ASA", country: try Country("NO"),
                    identifiers: [Party.Identifier(scheme: "stock-exchange-listing", value: "XOSL:NSF")],
                    kycClaims: kyc)),
            "party \(bank): organization \"Nordic Ship Finance ASA\" (NO), listed on the Oslo exchange")
        let bankKey = try await newKey(for: bank, "the bank")
        narrator.command(
            "plimsoll mortgage register --vessel \(asset) --key <oceanic key> --units 48 --mortgagee \(bank) --amount 9600000.00 --currency USD"
        )
        try await registrar(
            .registerMortgage(
                MortgageRegistration(
                    asset: asset, key: owner.key.publicKey, units: 48, mortgagee: bank, amount: "9600000.00",
                    currency: "USD")),
            "mortgage 1 of \(asset): 48 units of Oceanic's key to party \(bank), USD 9600000.00, first priority")
        let sale = transfer(owner.key, buyer, 4, nonce: 2)
        let refused = try await expectRejected(.transfer(sale), .mortgaged)
        narrator.say(
            "Oceanic → Fjord 4 units without the bank's consent: \(refused.code.rawValue) (\(refused.message))")
        narrator.command(
            "plimsoll mortgage consent --vessel \(asset) --number 1 --to <fjord key> --units 4 --mortgagee-key bank.key"
        )
        let message = MortgageConsent.message(
            chainID: registry.store.genesis.chainID, asset: asset, number: 1, mortgagor: owner.key.publicKey,
            mortgagee: bank, sequence: 1, to: buyer.publicKey, units: 4)
        try await registrar(
            .consentToRelease(
                MortgageConsent(
                    asset: asset, number: 1, sequence: 1, to: buyer.publicKey, units: 4,
                    mortgageeKey: bankKey.publicKey,
                    signature: bankKey.sign(hash: message))),
            "the bank's consent to release 4 units to Fjord, signed with its own key")
        narrator.command("plimsoll mortgage discharge --vessel \(asset) --number 1")
        try await registrar(.dischargeMortgage(asset, number: 1), "mortgage 1 discharged: the loan is repaid")
        guard try await registry.state.vessels[asset]?.mortgages.isEmpty == true else {
            throw CLIError("the mortgage should be discharged")
        }
    }

    private func listUpdateFreezesTheVessel(manager: PartyID, seller: SigningKey, buyer: SigningKey) async throws {
        try await adoptLists(
            "A list update: the registrar adopts the current OFAC SDN edition, which names the vessel's manager; everything is re-screened",
            [lists.ofacCurrent]
        )
        let state = try await registry.state
        guard state.parties[manager]?.screening == .block, state.vessels[asset]?.vessel.status == .frozen else {
            throw CLIError("the list update should block the manager and freeze \(asset)")
        }
        narrator.command("plimsoll screen --vessel \(asset)")
        let decision = try requireScreener().screen(vessel: asset, state: state, at: Settlement.wallClockMs())
        narrator.say("vessel \(asset): \(decision.status.rawValue)")
        for evidence in decision.evidence where evidence.status == .block {
            narrator.say("  [\(evidence.rule)] \(evidence.detail)")
        }
        let attempt = try await expectRejected(.transfer(transfer(seller, buyer, 4, nonce: 2)), .frozen)
        narrator.say("Oceanic → Fjord 4 more units: \(attempt.code.rawValue) (\(attempt.message))")
    }

    private func regulatorView() throws {
        narrator.step("The regulator looks through every holder to the natural persons, and reads the vessel's history")
        let height = try registry.store.latestHeight()
        narrator.command("plimsoll owners --vessel \(asset)")
        let owners = try Reports.owners(registry.store, asset, at: height)
        owners.lines.forEach(narrator.say)
        guard owners.view.undeclared.isEmpty,
            Set(owners.view.owners.map(\.name)) == ["Elena Marquez", "Ingrid Solberg"]
        else {
            throw CLIError("the beneficial owners should be Elena Marquez and Ingrid Solberg")
        }
        narrator.command("plimsoll history --vessel \(asset)")
        for stored in try registry.store.vesselEvents(asset) {
            narrator.say(
                "height \(stored.height) #\(stored.leafIndex) \(stored.entry.kindName): \(stored.entry.summary)")
        }
    }

    private func exportAndVerify() async throws {
        narrator.step(
            "The regulator exports the log and verifies it offline, with nothing but the file and the registrar's key")
        let file = registry.folder.appendingPathComponent("log.plimsoll")
        let genesis = registry.store.genesis
        narrator.command("plimsoll export --out log.plimsoll")
        let summary = try LogExport.write(registry.store, to: file)
        narrator.say(
            "exported \(summary.blocks) blocks, log size \(summary.logSize), log root \(summary.logRoot.hex.prefix(16))…"
        )
        narrator.command(
            "plimsoll verify log.plimsoll --registrar-key \(genesis.registrarKey.hex.prefix(16))… --chain-id \(genesis.chainID.hex.prefix(16))…"
        )
        let verified = try await LogVerification.verify(
            file, expectedRegistrarKey: genesis.registrarKey, expectedChainID: genesis.chainID)
        let latest = await registry.settlement.latestHeader.header
        narrator.say(
            "verified: \(verified.height + 1) signed headers, hash chain, entries and log roots, every signature, full replay"
        )
        narrator.say(
            "state digest after replay \(verified.stateDigest.hex.prefix(16))… equals the signed header's: \(verified.stateDigest == latest.stateDigest)"
        )
        let live = try registry.store.capTable(asset).map { "\($0.key.hex) \($0.units)" }.sorted()
        let replayed = (verified.capTables.first { $0.asset == asset }?.holders ?? []).map {
            "\($0.key.hex) \($0.units)"
        }.sorted()
        narrator.say("cap table recomputed from the file equals the registry's: \(live == replayed)")
        guard verified.stateDigest == latest.stateDigest, verified.height == latest.height, live == replayed else {
            throw CLIError("the verified log does not match the live registry")
        }
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count / 2] ^= 0x01
        let tampered = registry.folder.appendingPathComponent("tampered.plimsoll")
        try bytes.write(to: tampered)
        do {
            _ = try await LogVerification.verify(
                tampered, expectedRegistrarKey: genesis.registrarKey, expectedChainID: genesis.chainID)
            throw CLIError("a copy with one flipped bit verified")
        } catch let failure as LogVerification.Failure {
            narrator.say("a copy with one bit flipped in the middle is refused: \(failure.description)")
        }
    }

    private func lastSignedHeader() async throws {
        narrator.step("The last signed block header: the regulator's signed tree head")
        let latest = await registry.settlement.latestHeader
        let view = BlockView(latest, entries: try registry.store.entries(inBlock: latest.header.height))
        for line in view.text.split(separator: "\n") { narrator.say(String(line)) }
        narrator.say("header    \(view.header)")
        let valid = latest.signatureValid(signer: await registry.settlement.state.sequencerKey)
        narrator.say(
            "signature \(view.signature) (BIP-340 by the sequencer key over the block hash: \(valid ? "valid" : "INVALID"))"
        )
        guard valid else { throw CLIError("the last header's signature does not verify") }
    }

    // MARK: Registrar actions, each followed by re-screening as the CLI does

    private func adoptLists(_ title: String, _ urls: [URL]) async throws {
        narrator.step(title)
        narrator.command("plimsoll lists load " + urls.map(lists.shownPath).joined(separator: " "))
        var loaded: [(URL, ListVersion)] = []
        for url in urls { loaded.append((url, try ListLoader.load(url).0)) }
        for adopted in try await ScreeningFiles.adopt(registry, loaded, allowShrink: false) {
            narrator.say("adopted \(adopted)")
        }
        screener = try AdoptedLists.screener(registry.folder, state: try await registry.state)
        try await rescreen()
        narrator.say(
            "lists_digest \(try await registry.state.listsDigest.hex.prefix(16))… (every later block header carries it)"
        )
    }

    @discardableResult
    private func registrar(_ action: RegistrarAction, _ label: String) async throws -> Receipt {
        let receipt = try await registry.settle(action)
        narrator.say("\(label): height \(receipt.height), leaf \(receipt.leafIndex)")
        try await rescreen()
        return receipt
    }

    private func rescreen() async throws {
        let report = try await ScreeningFiles.sync(registry, try requireScreener())
        for line in report.recorded { narrator.say("  screening recorded \(line)") }
        for line in report.frozen { narrator.say("  screening froze \(line)") }
        for line in report.review { narrator.say("  screening review \(line)") }
    }

    private func party(
        _ kind: Party.Kind, _ name: String, _ country: String, role: String? = nil
    ) async throws -> PartyID {
        let kyc = [Party.KYCClaim(issuer: "registrar", expiresAtMs: now + 365 * 86_400_000)]
        let id = PartyID(try await registry.state.counters.nextPartyID)
        let registration = PartyRegistration(kind: kind, name: name, country: try Country(country), kycClaims: kyc)
        try await registrar(
            .registerParty(registration),
            "party \(id): \(kind.rawValue) \"\(name)\" (\(country))\(role.map { ", \($0)" } ?? "")")
        return id
    }

    private func own(_ owner: PartyID, owns bps: UInt16, of owned: PartyID) async throws {
        // The evidence is the SHA-256 of the document the registrar saw (here a stand-in text).
        let evidence = Hashing.sha256(Array("register extract: party \(owner) owns \(bps) bps of party \(owned)".utf8))
        let state = try await registry.state
        let label = "\(name(owner, state)) owns \(Double(bps) / 100)% of \(name(owned, state))"
        try await registrar(
            .declareOwnership(
                OwnershipDeclaration(owner: owner, owned: owned, shareBps: bps, kind: .shareholding, evidence: evidence)
            ), label)
    }

    private func newKey(for party: PartyID, _ label: String) async throws -> SigningKey {
        var rng = SystemRandomNumberGenerator()
        let key = SigningKey.generate(using: &rng)
        try await registrar(
            .bindKey(key.publicKey, to: party),
            "key \(key.publicKey.hex.prefix(16))… bound to party \(party) (\(label))")
        return key
    }

    // MARK: Helpers

    private func transfer(_ from: SigningKey, _ to: SigningKey, _ amount: UInt64, nonce: UInt64) -> SignedTransfer {
        Transfer(
            chainID: registry.store.genesis.chainID, asset: asset, from: from.publicKey, to: to.publicKey,
            amount: amount,
            nonce: nonce, expiresAt: now / 1000 + 3600
        ).signed(by: from)
    }

    private func expectRejected(_ entry: Entry, _ code: ReasonCode) async throws -> Rejection {
        switch try await registry.settlement.submit(entry) {
        case .rejected(_, let rejection) where rejection.code == code: return rejection
        case let other: throw CLIError("expected \(code.rawValue), got \(other)")
        }
    }

    private func requireScreener() throws -> Screener {
        guard let screener else { throw CLIError("no list is adopted") }
        return screener
    }

    private func name(_ id: PartyID, _ state: LedgerState) -> String { state.parties[id]?.party.name ?? "party \(id)" }
}
