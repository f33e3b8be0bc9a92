import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto

/// `plimsoll sign-transfer`: a holder signs a transfer offline and gets the JSON body for
/// `POST /v1/transfers` (DESIGN.md's JSON form). No registry is opened: the chain_id comes from
/// `GET /v1/registry` and the nonce from `GET /v1/keys/{key}` (last_nonce + 1).
struct SignTransfer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign-transfer",
        abstract: "Sign a transfer offline and print its JSON body for POST /v1/transfers."
    )

    @Option(help: "Sender's key file.") var key: String
    @Option(help: "The registry's chain_id, 64 hex (GET /v1/registry).") var chainId: Hash32Argument
    @Option(help: "Receiving key, 64 hex.") var to: KeyArgument
    @Option(help: "Vessel, e.g. IMO9176187.", transform: AssetArgument.parse) var vessel: AssetArgument
    @Option(
        parsing: .unconditional, help: "Units to move.",
        transform: { try Edge.whole($0, "--amount", Edge.jsonIntegers) }) var amount: UInt64
    @Option(
        parsing: .unconditional, help: "Nonce: above the sender's last settled nonce (GET /v1/keys/{key}).",
        transform: { try Edge.whole($0, "--nonce", Edge.jsonIntegers) }
    ) var nonce: UInt64
    @Option(
        parsing: .unconditional, help: "Seconds until the transfer expires (at most the registry's max_validity_s).",
        transform: { try Edge.whole($0, "--expires-in", Edge.expirySeconds) }
    ) var expiresIn: UInt64 = 3600
    @Flag(help: "Print the transfer id (the tagged hash of the payload) on stderr too.") var showId = false

    func validate() throws {
        guard (1...Limits.jsonIntegerMax).contains(amount) else {
            throw ValidationError("--amount must be 1 ... 2^53-1")
        }
        guard (1...Limits.jsonIntegerMax).contains(nonce) else { throw ValidationError("--nonce must be 1 ... 2^53-1") }
        guard (1...Limits.jsonIntegerMax / 2).contains(expiresIn) else {
            throw ValidationError("--expires-in must be positive")
        }
    }

    func run() async throws {
        let signer = try KeyFile.read(URL(fileURLWithPath: key))
        guard signer.publicKey != to.key else { throw CLIError("sender and receiver are the same key") }
        let transfer = Transfer(
            chainID: chainId.hash, asset: vessel.asset, from: signer.publicKey, to: to.key, amount: amount,
            nonce: nonce,
            expiresAt: UInt64(Date().timeIntervalSince1970) + expiresIn
        )
        let signed = transfer.signed(by: signer)
        struct Body: Encodable {
            let asset: String, from: String, to: String, amount: UInt64, nonce: UInt64, expires_at: UInt64,
                signature: String
        }
        let body = Body(
            asset: transfer.asset.text, from: transfer.from.hex, to: transfer.to.hex, amount: transfer.amount,
            nonce: transfer.nonce, expires_at: transfer.expiresAt, signature: signed.signature.hex
        )
        if showId { FileHandle.standardError.write(Data("id \(transfer.id)\n".utf8)) }
        Output.emit(true, body, text: "")
    }
}
