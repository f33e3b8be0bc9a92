public import PlimsollCore
public import PlimsollCrypto

/// A transfer body refused before any check: DESIGN.md's `MALFORMED`, with the JSON pointer to
/// where it broke.
public struct MalformedRequest: Error, Sendable, Equatable {
    public let pointer: String
    public let detail: String
}

/// DESIGN.md's JSON form of a transfer, decoded strictly:
/// `{"asset","from","to","amount","nonce","expires_at","signature"}`, nothing missing, nothing
/// unknown, integers 1 ... 2^53 - 1 written without fraction or exponent, hex of either case.
public enum TransferRequest {
    public static let members = ["asset", "from", "to", "amount", "nonce", "expires_at", "signature"]
    public static let batchItemsMax = 1000

    public static func transfer(
        _ value: JSONValue, chainID: Hash32, at base: String = ""
    ) throws(MalformedRequest) -> SignedTransfer {
        guard case .object(let members) = value else {
            throw MalformedRequest(pointer: base, detail: "a transfer is a JSON object")
        }
        var fields: [String: JSONValue] = [:]
        for (name, member) in members {
            guard Self.members.contains(name) else {
                throw MalformedRequest(pointer: base + StrictJSON.pointer([name]), detail: "unknown member")
            }
            fields[name] = member
        }
        for name in Self.members where fields[name] == nil {
            throw MalformedRequest(pointer: "\(base)/\(name)", detail: "missing member")
        }
        let assetText = try string(fields["asset"]!, "\(base)/asset")
        let asset: AssetID
        do { asset = try AssetID(assetText) } catch {
            throw MalformedRequest(pointer: "\(base)/asset", detail: error.message)
        }
        let from = try key(fields["from"]!, "\(base)/from")
        let to = try key(fields["to"]!, "\(base)/to")
        guard from != to else { throw MalformedRequest(pointer: "\(base)/to", detail: "from and to are the same key") }
        let amount = try integer(fields["amount"]!, "\(base)/amount")
        let nonce = try integer(fields["nonce"]!, "\(base)/nonce")
        let expiresAt = try integer(fields["expires_at"]!, "\(base)/expires_at")
        let signatureText = try string(fields["signature"]!, "\(base)/signature")
        let signature: SchnorrSignature
        do { signature = try SchnorrSignature(hex: signatureText) } catch {
            throw MalformedRequest(pointer: "\(base)/signature", detail: "signature must be 128 hex digits")
        }
        let transfer = Transfer(
            chainID: chainID, asset: asset, from: from, to: to, amount: amount, nonce: nonce, expiresAt: expiresAt)
        return SignedTransfer(transfer: transfer, signature: signature)
    }

    /// `{"transfers":[...]}` with 1 ... 1000 items and no other member.
    public static func batch(_ value: JSONValue, chainID: Hash32) throws(MalformedRequest) -> [SignedTransfer] {
        guard case .object(let members) = value else {
            throw MalformedRequest(pointer: "", detail: "a batch is a JSON object")
        }
        for (name, _) in members where name != "transfers" {
            throw MalformedRequest(pointer: StrictJSON.pointer([name]), detail: "unknown member")
        }
        guard let (_, list) = members.first(where: { $0.0 == "transfers" }) else {
            throw MalformedRequest(pointer: "/transfers", detail: "missing member")
        }
        guard case .array(let items) = list else {
            throw MalformedRequest(pointer: "/transfers", detail: "must be an array")
        }
        guard (1...batchItemsMax).contains(items.count) else {
            throw MalformedRequest(pointer: "/transfers", detail: "a batch holds 1 to \(batchItemsMax) transfers")
        }
        var out: [SignedTransfer] = []
        for (index, item) in items.enumerated() {
            out.append(try transfer(item, chainID: chainID, at: "/transfers/\(index)"))
        }
        return out
    }

    static func string(_ value: JSONValue, _ pointer: String) throws(MalformedRequest) -> String {
        guard case .string(let text) = value else {
            throw MalformedRequest(pointer: pointer, detail: "must be a string")
        }
        return text
    }

    static func key(_ value: JSONValue, _ pointer: String) throws(MalformedRequest) -> XOnlyPublicKey {
        let text = try string(value, pointer)
        // Holders send again and again: each key's square root on the curve is taken once.
        do { return try XOnlyKeyCache.shared.key(hex: text) } catch {
            throw MalformedRequest(
                pointer: pointer, detail: "must be an x-only public key: 64 hex digits of a point on secp256k1")
        }
    }

    /// A JSON integer 1 ... 2^53 - 1: digits only, no sign, fraction or exponent.
    static func integer(_ value: JSONValue, _ pointer: String) throws(MalformedRequest) -> UInt64 {
        guard case .number(let text) = value else {
            throw MalformedRequest(pointer: pointer, detail: "must be a JSON integer")
        }
        guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let number = UInt64(text),
            (1...Limits.jsonIntegerMax).contains(number)
        else {
            throw MalformedRequest(
                pointer: pointer, detail: "must be an integer from 1 to 2^53-1, without fraction or exponent")
        }
        return number
    }
}
