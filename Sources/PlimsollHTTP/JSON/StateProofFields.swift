import PlimsollCore
import PlimsollCrypto

/// The state proof's fields as the proof documents spell them (holding and key proofs alike).
enum StateProofFields {
    static func encode(
        _ proof: StateProof
    ) -> (recordKey: String, siblings: [String], terminal: String, otherKey: String?, otherValueHash: String?) {
        let siblings = proof.siblings.map(\.hex)
        switch proof.terminal {
        case .found: return (proof.key.hex, siblings, "found", nil, nil)
        case .empty: return (proof.key.hex, siblings, "empty", nil, nil)
        case .other(let key, let valueHash): return (proof.key.hex, siblings, "other", key.hex, valueHash.hex)
        }
    }

    static func decode(
        recordKey: String, siblings: [String], terminal: String, otherKey: String?, otherValueHash: String?
    ) throws -> StateProof {
        let end: StateProof.Terminal
        switch terminal {
        case "found": end = .found
        case "empty": end = .empty
        case "other":
            guard let otherKey, let otherValueHash else {
                throw CoreError(.malformed, "terminal other needs other_key and other_value_hash")
            }
            end = .other(key: try Hash32(hex: otherKey), valueHash: try Hash32(hex: otherValueHash))
        default: throw CoreError(.malformed, "unknown terminal \(terminal)")
        }
        return StateProof(
            key: try Hash32(hex: recordKey), siblings: try siblings.map { try Hash32(hex: $0) }, terminal: end)
    }
}
