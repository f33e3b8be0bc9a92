import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollTesting

/// `plimsoll-bench registrar`: blocks of registrar work applied by the ledger on registries of
/// several sizes, against the raw one-core BIP-340 verify rate measured right before and right
/// after each size (every registrar entry's signature is checked as it applies; their mean is the
/// baseline).
///
/// A block is half party registrations, a quarter amendments that rename a party, and a quarter
/// ownership declarations: the entries whose uniqueness and share rules used to scan every party
/// or link. Issue 13 asks that the cost of a block not grow with the registry: the largest size's
/// ratio within 10 % of the smallest's. The registries are restored from records (as a store
/// opens one), each party with an identifier and a quarter of them owned by another.
struct RegistrarBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registrar",
        abstract: "Registrar blocks (registrations, amendments, declarations) by registry size.")

    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(
        help: "Registry sizes in parties, comma-separated.",
        transform: { text in
            try text.split(separator: ",").map {
                guard let n = Int($0), n >= 4 else { throw ValidationError("bad size \($0)") }
                return n
            }
        }
    ) var parties: [Int] = [10_000, 1_000_000]
    @Option(help: "Registrar entries per block (a multiple of 4).") var entries = 1_000
    @Option(help: "Blocks timed per size.") var blocks = 3

    func run() throws {
        guard entries > 0, entries % 4 == 0, blocks > 0 else {
            throw ValidationError("--entries must be a positive multiple of 4, --blocks positive")
        }
        var figures: [Figure] = []
        var ratios: [(size: Int, ratio: Double)] = []
        for size in parties.sorted() {
            var fixture = LedgerFixture(seed: 0x4E61)
            var ledger = Ledger(state: Self.registry(parties: size, genesis: fixture.genesis))
            let work = Self.work(&fixture, blocks: blocks, entries: entries, size: size)
            let before = Self.verifyRate(work, chainID: fixture.chainID, registrarKey: fixture.registrar.publicKey)
            let time = fixture.timeMs
            let seconds = Measure.seconds {
                for entry in work {
                    let context = ApplyContext(blockTimeMs: time, receivedAtMs: time, signatureValid: true)
                    do { try ledger.apply(entry, context) } catch { preconditionFailure("refused: \(error)") }
                }
            }
            let after = Self.verifyRate(work, chainID: fixture.chainID, registrarKey: fixture.registrar.publicKey)
            precondition(ledger.state.parties.count == size + blocks * entries / 2)
            let rate = Double(work.count) / seconds
            let ratio = rate / ((before + after) / 2)
            ratios.append((size, ratio))
            figures += [
                Figure(name: "raw_verify_1core_before@\(size)", value: before, unit: "ops/s"),
                Figure(
                    name: "registrar_entries_applied@\(size)", value: rate, unit: "entries/s", ratio: ratio,
                    baseline: "raw verify, 1 core (mean before/after)"),
                Figure(name: "ms_per_block@\(size)", value: seconds * 1e3 / Double(blocks), unit: "ms"),
                // What is not the signature check: the block's time less its entries at the
                // mean verify rate. Cache misses in larger tables show here first.
                Figure(
                    name: "ms_per_block_beyond_verify@\(size)",
                    value: (seconds - Double(work.count) / ((before + after) / 2)) * 1e3 / Double(blocks), unit: "ms"),
                Figure(name: "raw_verify_1core_after@\(size)", value: after, unit: "ops/s"),
            ]
        }
        if let figure = Figure.sizes("registrar", ratios, baseline: "rate ratio, each against its own verify baseline")
        {
            figures.append(figure)
        }
        Report.print("registrar (\(blocks) blocks of \(entries) entries)", figures, json: json)
    }

    /// A registry of `parties` persons, each with a national id, the first quarter each owned
    /// 40 % by the party after it.
    static func registry(parties: Int, genesis: Genesis) -> LedgerState {
        let claims = [Party.KYCClaim(issuer: "registrar", expiresAtMs: 1_900_000_000_000)]
        let records = (1...parties).map { index in
            PartyRecord(
                party: Party(
                    id: PartyID(UInt64(index)), kind: .person, name: "Holder \(index)", aliases: [],
                    country: try! Country("NO"), born: nil,
                    identifiers: [Party.Identifier(scheme: "nid", value: "\(index)")], kycClaims: claims))
        }
        let links = (1...parties / 4).map { index in
            OwnershipLink(
                id: LinkID(UInt64(index)), owner: PartyID(UInt64(index + 1)), owned: PartyID(UInt64(index)),
                shareBps: 4_000, kind: .shareholding, evidence: .zero, effectiveFromMs: 1_799_000_000_000)
        }
        var counters = RegistryCounters()
        counters.nextPartyID = UInt64(parties) + 1
        counters.nextLinkID = UInt64(links.count) + 1
        return LedgerState(
            genesis: genesis, counters: counters, parties: records, keys: [], vessels: [], links: links, balances: [])
    }

    /// The signed entries of every block, in order: new persons, renamed holders, and 10 % stakes
    /// in holders (each owned party drawn once, so no share passes 100 %).
    static func work(_ fixture: inout LedgerFixture, blocks: Int, entries: Int, size: Int) -> [Entry] {
        var rng = SplitMix64(seed: UInt64(size))
        var owned = Set<Int>()
        var actions: [RegistrarAction] = []
        for block in 0..<blocks {
            for index in 0..<entries / 2 {
                actions.append(
                    .registerParty(
                        PartyRegistration(
                            kind: .person, name: "New \(block)-\(index)", country: try! Country("NO"),
                            identifiers: [Party.Identifier(scheme: "nid", value: "new-\(block)-\(index)")])))
            }
            for index in 0..<entries / 4 {
                var amendment = PartyAmendment(party: PartyID(1 + rng.next() % UInt64(size)))
                amendment.name = "Renamed \(block)-\(index)"
                actions.append(.amendParty(amendment))
                var target = 1 + Int(rng.next() % UInt64(size))
                while !owned.insert(target).inserted { target = 1 + Int(rng.next() % UInt64(size)) }
                let owner = target == size ? 1 : target + 2
                actions.append(
                    .declareOwnership(
                        OwnershipDeclaration(
                            owner: PartyID(UInt64(owner)), owned: PartyID(UInt64(target)), shareBps: 1_000,
                            kind: .shareholding, evidence: .zero)))
            }
        }
        return actions.map { fixture.registrarEntry($0) }
    }

    /// Registrar signatures checked per second on one core.
    static func verifyRate(_ entries: [Entry], chainID: Hash32, registrarKey: XOnlyPublicKey) -> Double {
        let signed = entries.prefix(2_000).compactMap { entry -> RegistrarEntry? in
            if case .registrar(let r) = entry { r } else { nil }
        }
        return Measure.rate(count: signed.count) { index in
            precondition(signed[index].signatureValid(chainID: chainID, registrarKey: registrarKey))
        }
    }
}
