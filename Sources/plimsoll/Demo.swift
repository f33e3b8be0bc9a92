import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore

/// `plimsoll demo`: a registry in a temporary folder, a vessel in 64 units, signed transfers,
/// a rejection with its reason code, the cap table and the last signed block header.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the demonstration scenario on a temporary registry.")

    @Flag(help: "Keep the temporary registry folder.")
    var keep = false

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("plimsoll-demo-\(UUID().uuidString)", isDirectory: true)
        defer { if !keep { try? FileManager.default.removeItem(at: folder) } }
        let store = try RegistryFolder.create(at: folder, name: "Plimsoll Demo Registry", maxValidity: 604_800)
        let settings = try store.durabilitySettings()
        step("A registrar creates a registry (embedded SQLite, journal_mode=\(settings.journalMode), synchronous=\(settings.synchronous == 2 ? "FULL" : "\(settings.synchronous)"))")
        say("folder    \(folder.path)")
        say("chain_id  \(store.genesis.chainID.hex)")
        say("registrar \(store.genesis.registrarKey.hex)")
        try selfCheck(chainID: store.genesis.chainID)
        let registry = try OpenRegistry.open(RegistryOptions(registry: folder.path))
        try await scenario(registry)
        if keep { say("kept \(folder.path)") }
    }

    private func scenario(_ registry: OpenRegistry) async throws {
        let yearMs: UInt64 = 365 * 86_400_000
        let now = Settlement.wallClockMs()
        let kyc = [Party.KYCClaim(issuer: "registrar", expiresAtMs: now + yearMs)]
        step("The registrar registers three parties, each with a one-year KYC claim")
        let owner = try await party(registry, .organization, "Oceanic Bulk Carriers S.A.", "PA", kyc)
        let maria = try await party(registry, .person, "Maria Alvarez", "ES", kyc)
        let kai = try await party(registry, .person, "Kai Nordstrom", "NO", kyc)
        var rng = SystemRandomNumberGenerator()
        let ownerKey = SigningKey.generate(using: &rng)
        let mariaKey = SigningKey.generate(using: &rng)
        let kaiKey = SigningKey.generate(using: &rng)
        for (key, id, name) in [(ownerKey, owner, "Oceanic"), (mariaKey, maria, "Maria"), (kaiKey, kai, "Kai")] {
            _ = try await registry.settle(.bindKey(key.publicKey, to: id))
            say("key \(key.publicKey.hex.prefix(16))… bound to party \(id) (\(name))")
        }
        let asset = try AssetID("IMO9176187")
        step("The registrar registers \(asset) in 64 units and issues them to the registered owner")
        let vessel = VesselRegistration(
            asset: asset, name: "Plimsoll Star", flag: try Country("PA"), type: "bulk carrier", grossTonnage: 40_000,
            roles: Vessel.Roles(owner: owner), units: 64
        )
        say(try await registry.settle(.registerVessel(vessel)).line)
        say(try await registry.settle(.issue(asset, to: ownerKey.publicKey, units: 64)).line)
        step("Holders settle signed transfers (BIP-340 over the canonical payload)")
        let chainID = await registry.state.chainID
        func transfer(_ from: SigningKey, _ to: SigningKey, _ amount: UInt64, nonce: UInt64) -> SignedTransfer {
            Transfer(
                chainID: chainID, asset: asset, from: from.publicKey, to: to.publicKey, amount: amount, nonce: nonce,
                expiresAt: now / 1000 + 3600
            ).signed(by: from)
        }
        let first = transfer(ownerKey, mariaKey, 16, nonce: 1)
        say("Oceanic → Maria 16 units: " + (try await registry.settle(.transfer(first))).line)
        say("Maria → Kai 4 units:      " + (try await registry.settle(.transfer(transfer(mariaKey, kaiKey, 4, nonce: 1)))).line)
        step("Transfers that break the rules are refused with a stable reason code and change nothing")
        for (label, entry) in [
            ("replay of the first transfer", Entry.transfer(first)),
            ("Kai sends 5 units he does not have", .transfer(transfer(kaiKey, mariaKey, 5, nonce: 1))),
        ] {
            switch try await registry.settlement.submit(entry) {
            case .rejected(_, let rejection): say("\(label): rejected \(rejection.code.rawValue) (\(rejection.message))")
            case let other: throw CLIError("expected a rejection for \(label), got \(other)")
            }
        }
        step("Cap table of \(asset)")
        let holdings = try registry.store.capTable(asset)
        for holding in holdings {
            say("\(holding.key.hex.prefix(16))…  party \(holding.party.map { "\($0)" } ?? "-")  \(holding.units) units")
        }
        guard holdings.reduce(0, { $0 + $1.units }) == 64 else { throw CLIError("units are not conserved") }
        step("The last signed block header")
        let latest = await registry.settlement.latestHeader
        let view = BlockView(latest, entries: try registry.store.entries(inBlock: latest.header.height))
        say(view.text)
        say("header    \(view.header)")
        say("signature \(view.signature) (BIP-340 by the registrar over the block hash: \(latest.signatureValid(registrarKey: registry.store.genesis.registrarKey) ? "valid" : "INVALID"))")
    }

    private func party(
        _ registry: OpenRegistry, _ kind: Party.Kind, _ name: String, _ country: String, _ kyc: [Party.KYCClaim]
    ) async throws -> PartyID {
        _ = try await registry.settle(.registerParty(PartyRegistration(kind: kind, name: name, country: try Country(country), kycClaims: kyc)))
        let id = PartyID(await registry.state.counters.nextPartyID - 1)
        say("party \(id): \(kind.rawValue) \(name) (\(country))")
        return id
    }

    private func selfCheck(chainID: Hash32) throws {
        step("Crypto self-check")
        var failures = 0
        for check in SelfCheck.run(chainID: chainID) {
            say("\(check.passed ? "ok  " : "FAIL") \(check.name)")
            if !check.passed { failures += 1 }
        }
        guard failures == 0 else { throw CLIError("\(failures) self-check(s) failed") }
    }

    private func step(_ text: String) { print("\n== \(text)") }
    private func say(_ text: String) { print("   \(text)") }
}

extension RegistryOptions {
    init(registry: String) {
        self.init()
        self.registry = registry
    }
}
