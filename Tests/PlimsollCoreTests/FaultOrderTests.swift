import PlimsollCore
import PlimsollCrypto
import PlimsollTesting
import Testing

/// DESIGN.md's fixed order of transfer checks, with two faults at once: for every pair of faults a
/// transfer can carry, the answer is the code that comes first in the order, whatever the pair.
struct FaultOrderTests {
    enum Fault: CaseIterable {
        case badSignature, unknownAsset, unknownKey, expired, expiryTooFar, nonceReused, frozen, insufficientUnits

        var code: ReasonCode {
            switch self {
            case .badSignature: .badSignature
            case .unknownAsset: .unknownAsset
            case .unknownKey: .unknownKey
            case .expired: .expired
            case .expiryTooFar: .expiryTooFar
            case .nonceReused: .nonceReused
            case .frozen: .frozen
            case .insufficientUnits: .insufficientUnits
            }
        }
    }

    /// The code each fault earns alone, in the order the checks run.
    static let order = ReasonCode.allCases

    static func outcome(_ faults: Set<Fault>) -> ReasonCode? {
        var fixture = LedgerFixture(seed: 7)
        let owner = fixture.party("Owner AS", country: "PA", kind: .organization)
        let alice = fixture.holder("Alice Example")
        let bob = fixture.holder("Bob Example")
        fixture.vessel(IMOs.a, units: 64, owner: owner, issue: [(alice.key, 10)])
        // Alice has settled nonce 1, so a fresh transfer uses 2 and a replayed nonce is 1.
        try! fixture.apply(fixture.transfer(alice.key, to: bob.key.publicKey, IMOs.a, amount: 1, nonce: 1))
        if faults.contains(.frozen) {
            try! fixture.apply(.freeze(.key(alice.key.publicKey, asset: nil), reason: "order test"))
        }
        var rng = SplitMix64(seed: 11)
        let receiver = faults.contains(.unknownKey) ? SigningKey.generate(using: &rng).publicKey : bob.key.publicKey
        let now = fixture.timeMs / 1000
        let expires =
            faults.contains(.expired)
            ? now - 1 : faults.contains(.expiryTooFar) ? now + Genesis.defaultMaxValiditySeconds + 60 : now + 60
        let entry = fixture.transfer(
            alice.key, to: receiver, faults.contains(.unknownAsset) ? IMOs.b : IMOs.a,
            amount: faults.contains(.insufficientUnits) ? 10 : 2,
            nonce: faults.contains(.nonceReused) ? 1 : 2, expiresAt: expires
        )
        do {
            try fixture.apply(entry, signatureValid: !faults.contains(.badSignature))
            return nil
        } catch {
            return error.code
        }
    }

    @Test func everyFaultAloneEarnsItsCode() {
        #expect(Self.outcome([]) == nil, "the clean transfer settles")
        for fault in Fault.allCases { #expect(Self.outcome([fault]) == fault.code, "\(fault) alone") }
    }

    @Test func twoFaultsAnswerTheEarlierCheck() {
        var pairs = 0
        for first in Fault.allCases {
            for second in Fault.allCases where first != second {
                // EXPIRED and EXPIRY_TOO_FAR set the same field: they cannot both hold.
                if Set([first, second]) == [.expired, .expiryTooFar] { continue }
                let expected = [first.code, second.code].min {
                    Self.order.firstIndex(of: $0)! < Self.order.firstIndex(of: $1)!
                }!
                #expect(Self.outcome([first, second]) == expected, "\(first) + \(second)")
                pairs += 1
            }
        }
        #expect(pairs == 54, "every ordered pair but the exclusive one ran")
    }
}
