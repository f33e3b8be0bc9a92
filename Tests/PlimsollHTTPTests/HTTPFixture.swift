import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PlimsollCore
import PlimsollCrypto
import PlimsollHTTP
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting

/// A registry with an owner, two holders with keys and units, tokens, and its HTTP API.
final class HTTPFixture: @unchecked Sendable {  // Immutable after init.
    let folder: URL
    let store: SQLiteStore
    let settlement: Settlement
    let api: RegistryAPI
    let registrar: SigningKey
    let alice: SigningKey
    let bob: SigningKey
    /// The parties of Alice and Bob, as the seed read them from the registry (never assumed).
    let aliceParty: PartyID
    let bobParty: PartyID
    let regulatorToken: String
    let registrarToken: String
    let chainID: Hash32

    init(seed: UInt64 = 1) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("plimsoll-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: seed)
        registrar = SigningKey.generate(using: &rng)
        alice = SigningKey.generate(using: &rng)
        bob = SigningKey.generate(using: &rng)
        store = try RegistryBootstrap.create(
            at: folder.appendingPathComponent(SQLiteStore.fileName), name: "HTTP Test", registrarKey: registrar,
            createdAtMs: Settlement.wallClockMs(), maxValiditySeconds: 604_800
        )
        settlement = try Settlement(store: store, registrarKey: registrar, clock: Settlement.wallClockMs)
        chainID = store.genesis.chainID
        let seed = try await RegistrySeed.seed(
            settlement, owner: "Owner AS", holders: [("Alice Example", alice), ("Bob Example", bob)],
            vessels: [(IMOs.a, 64)], issues: [RegistrySeed.Issue(vessel: IMOs.a, holder: 0, units: 40)],
            kycUntilMs: Settlement.wallClockMs() + 86_400_000
        )
        aliceParty = seed.holders[0].party
        bobParty = seed.holders[1].party
        regulatorToken = try store.grantToken(role: .regulator, label: "test regulator", nowMs: 1)
        registrarToken = try store.grantToken(role: .registrar, label: "test registrar", nowMs: 1)
        api = RegistryAPI(settlement: settlement, store: store, folder: folder)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    var app: some ApplicationProtocol { Application(router: api.router()) }

    func transferJSON(
        _ from: SigningKey, to: SigningKey, amount: UInt64 = 1, nonce: UInt64, expiresIn: UInt64 = 600
    ) -> String {
        let transfer = Transfer(
            chainID: chainID, asset: IMOs.a, from: from.publicKey, to: to.publicKey, amount: amount, nonce: nonce,
            expiresAt: UInt64(Date().timeIntervalSince1970) + expiresIn
        )
        let signature = from.sign(hash: transfer.message)
        return
            #"{"asset":"IMO9176187","from":"\#(from.publicKey.hex)","to":"\#(to.publicKey.hex)","amount":\#(amount),"nonce":\#(nonce),"expires_at":\#(transfer.expiresAt),"signature":"\#(signature.hex)"}"#
    }

    /// Headers of a holder's signed read of `target`.
    func holderHeaders(_ key: SigningKey, method: String = "GET", target: String, time: UInt64? = nil) -> HTTPFields {
        let stamp = time ?? UInt64(Date().timeIntervalSince1970)
        var bytes = chainID.bytes
        withUnsafeBytes(of: stamp.bigEndian) { bytes.append(contentsOf: $0) }
        bytes += Array(method.utf8) + [0] + Array(target.utf8)
        let signature = key.sign(hash: Hashing.tagged(Tags.read, bytes))
        return [
            HTTPField.Name("Plimsoll-Key")!: key.publicKey.hex, HTTPField.Name("Plimsoll-Timestamp")!: String(stamp),
            HTTPField.Name("Plimsoll-Signature")!: signature.hex,
        ]
    }

    static let json: HTTPFields = [.contentType: "application/json"]
}

extension TestResponse {
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }
    var text: String { String(buffer: body) }
}
