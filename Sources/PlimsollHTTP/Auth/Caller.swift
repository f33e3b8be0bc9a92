import Foundation
import HTTPTypes
public import Hummingbird
import PlimsollCore
public import PlimsollCrypto
import PlimsollStore

/// Who is asking: nobody, a holder proven by a signature over the request, or a token's role.
public enum Caller: Sendable, Equatable {
    case anonymous
    case holder(XOnlyPublicKey)
    case regulator
    case registrar

    var isRegulator: Bool { self == .regulator || self == .registrar }
}

extension HTTPField.Name {
    static let plimsollKey = HTTPField.Name("Plimsoll-Key")!
    /// The block a read reflects (`HeightMiddleware`).
    static let plimsollHeight = HTTPField.Name("Plimsoll-Height")!
    static let plimsollTimestamp = HTTPField.Name("Plimsoll-Timestamp")!
    static let plimsollSignature = HTTPField.Name("Plimsoll-Signature")!
    /// The registrar's BIP-340 signature over a registrar upload (`RegistrarUpload.message`).
    static let plimsollRegistrarSignature = HTTPField.Name("Plimsoll-Registrar-Signature")!
}

/// DESIGN.md: bearer tokens (stored hashed, with a role) and holder reads signed with BIP-340 over
/// `TaggedHash("plimsoll/read/v1", chain_id || u64 timestamp || method || 0x00 || target)`,
/// accepted within 60 s of the server's clock either way.
enum Authentication {
    static let replayWindowSeconds: UInt64 = 60

    static func caller(_ request: Request, store: SQLiteStore, nowSeconds: UInt64) throws -> Caller {
        if let authorization = request.headers[.authorization] {
            // RFC 9110 section 11.1: the scheme is case-insensitive; one or more spaces follow it.
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0].lowercased() == "bearer",
                let role = try store.tokenRole(String(parts[1].drop(while: { $0 == " " })))
            else { throw Problem.unauthorized }
            return role == .registrar ? .registrar : .regulator
        }
        let key = request.headers[.plimsollKey]
        let stamp = request.headers[.plimsollTimestamp]
        let signature = request.headers[.plimsollSignature]
        if key == nil && stamp == nil && signature == nil { return .anonymous }
        guard let key, let stamp, let signature, let holder = try? XOnlyPublicKey(hex: key), let time = UInt64(stamp),
            let sig = try? SchnorrSignature(hex: signature)
        else { throw Problem.unauthorized }
        guard max(time, nowSeconds) - min(time, nowSeconds) <= replayWindowSeconds else { throw Problem.unauthorized }
        let message = readMessage(
            chainID: store.genesis.chainID, timestamp: time, method: request.method.rawValue, target: request.uri.string
        )
        guard holder.verify(signature: sig, hash: message) else { throw Problem.unauthorized }
        return .holder(holder)
    }

    /// The message a holder signs to read: exported for clients and tests.
    public static func readMessage(chainID: Hash32, timestamp: UInt64, method: String, target: String) -> Hash32 {
        var bytes = chainID.bytes
        withUnsafeBytes(of: timestamp.bigEndian) { bytes.append(contentsOf: $0) }
        bytes += Array(method.utf8) + [0x00] + Array(target.utf8)
        return Hashing.tagged(Tags.read, bytes)
    }
}
