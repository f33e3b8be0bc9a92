import PlimsollCore
import PlimsollCrypto
import PlimsollTesting
import Testing

/// The exact look-through against two independent computations, on random graphs from fixed
/// seeds (`PLIMSOLL_SEED=n` replays one): every path enumerated by brute force on acyclic graphs,
/// and one linear system over all organizations at once on cyclic ones.
struct LookThroughPropertyTests {
    /// A random graph: organizations 1...orgs, persons after them; each organization gets owners
    /// whose shares add up to at most 100 %. `cyclic` allows owners among all organizations.
    static func randomGraph(
        _ rng: inout SplitMix64, orgs: Int, persons: Int, cyclic: Bool
    ) -> (links: [OwnershipLink], persons: Set<UInt64>) {
        var links: [OwnershipLink] = []
        let personIDs = Set((orgs + 1...orgs + persons).map(UInt64.init))
        for owned in 1...orgs {
            var left = Int.random(in: 0...3, using: &rng) == 0 ? Int.random(in: 1_000...10_000, using: &rng) : 10_000
            var owners = Set<Int>()
            for _ in 0..<Int.random(in: 0...3, using: &rng) where left > 0 {
                let candidates = Array(cyclic ? 1...(orgs + persons) : (owned + 1)...(orgs + persons))
                guard let owner = candidates.randomElement(using: &rng), owner != owned, !owners.contains(owner) else {
                    continue
                }
                owners.insert(owner)
                let bps = Int.random(in: 1...left, using: &rng)
                left -= bps
                links.append(
                    OwnershipLink(
                        id: LinkID(UInt64(links.count + 1)), owner: PartyID(UInt64(owner)),
                        owned: PartyID(UInt64(owned)), shareBps: UInt16(bps), kind: .shareholding, evidence: .zero,
                        effectiveFromMs: 0))
            }
        }
        return (links, personIDs)
    }

    @Test(arguments: SplitMix64.seeds([1, 2, 3, 4, 5, 6, 7, 8]))
    func acyclicGraphsEqualTheSumOverEveryPath(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<25 {
            let graph = Self.randomGraph(&rng, orgs: Int.random(in: 1...9, using: &rng), persons: 4, cyclic: false)
            let owners = { (party: PartyID) in graph.links.filter { $0.owned == party } }
            let look = LookThrough(
                from: PartyID(1), at: 1, owners: owners, isTerminal: { graph.persons.contains($0.raw) })
            var brute: [PartyID: Rational] = [:]
            var rest: [PartyID: Rational] = [:]
            func walk(_ party: PartyID, _ share: Rational) {
                if graph.persons.contains(party.raw) {
                    brute[party, default: .zero] += share
                    return
                }
                let links = owners(party)
                let declared = links.reduce(0) { $0 + Int($1.shareBps) }
                if declared < 10_000 { rest[party, default: .zero] += share * Rational(bps: 10_000 - declared) }
                for link in links { walk(link.owner, share * Rational(bps: Int(link.shareBps))) }
            }
            walk(PartyID(1), .one)
            #expect(look.reached == brute.filter { !$0.value.isZero }, "seed \(seed)")
            #expect(look.undeclared == rest.filter { !$0.value.isZero }, "seed \(seed)")
            #expect(look.accountedFor == .one)
            for (person, paths) in look.paths where look.pathsLeftOut[person] == nil {
                #expect(paths.map(\.share).reduce(.zero, +) == look.share(of: person), "acyclic: paths add up")
            }
        }
    }

    @Test(arguments: SplitMix64.seeds([11, 12, 13, 14, 15, 16, 17, 18]))
    func cyclicGraphsEqualOneLinearSystem(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var cyclesSeen = 0
        var compared = 0
        for _ in 0..<25 {
            let orgs = Int.random(in: 2...8, using: &rng)
            let graph = Self.randomGraph(&rng, orgs: orgs, persons: 3, cyclic: true)
            let owners = { (party: PartyID) in graph.links.filter { $0.owned == party } }
            let look = LookThrough(
                from: PartyID(1), at: 1, owners: owners, isTerminal: { graph.persons.contains($0.raw) })
            cyclesSeen += look.cycles.isEmpty ? 0 : 1
            #expect(look.accountedFor == .one, "seed \(seed)")
            guard look.closed.isEmpty else { continue }  // a closed group has no regular system
            // m = e1 + S^T m over every organization, by plain Gaussian elimination.
            var a = [[Rational]](repeating: [Rational](repeating: .zero, count: orgs + 1), count: orgs)
            for row in 0..<orgs { a[row][row] = .one }
            a[0][orgs] = .one
            for link in graph.links where !graph.persons.contains(link.owner.raw) {
                let row = Int(link.owner.raw) - 1
                let column = Int(link.owned.raw) - 1
                a[row][column] = a[row][column] - Rational(bps: Int(link.shareBps))
            }
            var regular = true
            for pivot in 0..<orgs {
                // Singular only for a closed group the start party never reaches.
                guard let row = (pivot..<orgs).first(where: { !a[$0][pivot].isZero }) else {
                    regular = false
                    break
                }
                a.swapAt(pivot, row)
                for other in 0..<orgs where other != pivot {
                    let factor = a[other][pivot] / a[pivot][pivot]
                    for column in 0...orgs { a[other][column] = a[other][column] - factor * a[pivot][column] }
                }
            }
            guard regular else { continue }
            compared += 1
            let mass = (0..<orgs).map { a[$0][orgs] / a[$0][$0] }
            var expected: [PartyID: Rational] = [:]
            for link in graph.links where graph.persons.contains(link.owner.raw) {
                expected[link.owner, default: .zero] +=
                    mass[Int(link.owned.raw) - 1] * Rational(bps: Int(link.shareBps))
            }
            #expect(look.reached == expected.filter { !$0.value.isZero }, "seed \(seed)")
        }
        #expect(cyclesSeen > 0, "the generator makes cycles")
        #expect(compared >= 10, "most graphs are compared")
    }
}
