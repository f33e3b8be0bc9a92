/// Why a Merkle proof was refused or could not be made.
public struct MerkleProofError: CodedError, Equatable {
    /// Stable reason codes; part of the public API.
    public enum Code: String, Sendable, Equatable {
        case indexOutOfRange = "INDEX_OUT_OF_RANGE"
        case sizeOutOfRange = "SIZE_OUT_OF_RANGE"
        case badHashLength = "BAD_HASH_LENGTH"
        case wrongProofLength = "WRONG_PROOF_LENGTH"
        case rootMismatch = "ROOT_MISMATCH"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

}
