public import Foundation
public import PlimsollCore
public import PlimsollCrypto
public import PlimsollSettlement

/// The registry the two-node failover test and its node processes (`plimsoll-bench node`) share,
/// all of it derived from one seed: the registrar and sequencer keys, eight holders of one vessel
/// with 100 units each, and each node's own holders (0 to 3 for node 0, 4 to 7 for node 1)
/// sending units around their own ring, so the transfers one node accepts never wait for the
/// other's.
public struct TwoNodeWorld: Sendable {
    public let registrar: SigningKey
    public let sequencer: SigningKey
    public let holders: [SigningKey]
    public static let vessel = IMOs.a
    public static let unitsEach: UInt64 = 100
    public static let holdersPerNode = 4

    public init(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        registrar = SigningKey.generate(using: &rng)
        sequencer = SigningKey.generate(using: &rng)
        holders = (0..<(2 * Self.holdersPerNode)).map { _ in SigningKey.generate(using: &rng) }
    }

    public func genesis(createdAtMs: TimestampMs) throws -> Genesis {
        try Genesis(
            name: "Two Nodes", registrarKey: registrar.publicKey, sequencerKey: sequencer.publicKey,
            createdAtMs: createdAtMs)
    }

    /// Parties, keys, the vessel and the units, through `settlement`.
    public func seed(_ settlement: Settlement) async throws {
        _ = try await RegistrySeed.seed(
            settlement, holders: holders.enumerated().map { ("Holder \($0)", $1) },
            vessels: [(Self.vessel, Self.unitsEach * UInt64(holders.count))],
            issues: holders.indices.map { RegistrySeed.Issue(vessel: Self.vessel, holder: $0, units: Self.unitsEach) },
            kycUntilMs: Settlement.wallClockMs() + 86_400_000)
    }

    /// What node `node` (0 or 1) is sent: `rounds` transfers of 1 unit from each of its holders
    /// to the next of its ring, in nonce order.
    public func transfers(node: Int, rounds: Int, chainID: Hash32, expiresAt: UInt64) -> [SignedTransfer] {
        precondition((0...1).contains(node) && rounds < Int(Self.unitsEach))
        let ring = Array(holders[(node * Self.holdersPerNode)..<((node + 1) * Self.holdersPerNode)])
        return (1...max(1, rounds)).flatMap { round in
            ring.indices.map { index in
                Transfer(
                    chainID: chainID, asset: Self.vessel, from: ring[index].publicKey,
                    to: ring[(index + 1) % ring.count].publicKey, amount: 1, nonce: UInt64(round),
                    expiresAt: expiresAt
                ).signed(by: ring[index])
            }
        }
    }
}
