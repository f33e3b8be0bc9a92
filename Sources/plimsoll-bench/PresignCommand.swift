import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollPostgres
import PlimsollSettlement
import PlimsollTesting

/// `plimsoll-bench presign`: sets up holders (like `stress --setup`) and writes pre-signed
/// transfer bodies, one JSON per line, for HTTP load tests. Body i is sent by key i mod K with
/// nonce i div K + 1, so one key's transfers are K bodies apart and reach intake in nonce order.
struct Presign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presign", abstract: "Write pre-signed transfer bodies for HTTP load tests (testing aid).")

    @Option(name: .customLong("registry"), help: "Registry folder.") var folder: String
    @Option(help: "Holder keys to set up.") var keys = 1000
    @Option(help: "Bodies to write.") var count = 100_000
    @Option(help: "Output file.") var out: String
    @Option(help: "The registry on PostgreSQL whose keys the folder holds (plimsoll init --database).")
    var database: String?

    func run() async throws {
        let registry =
            if let database { try await BenchRegistry.open(folder, database: database) } else {
                try BenchRegistry.open(folder)
            }
        let holders = (0..<keys).map { index in
            var rng = SplitMix64(seed: 0xB0D1 &+ UInt64(index))
            return SigningKey.generate(using: &rng)
        }
        let asset = try AssetID("IMO9176187")
        _ = try await RegistrySeed.seed(
            registry.settlement, owner: "Load Owner", holders: holders.enumerated().map { ("Load Holder \($0)", $1) },
            vessels: [(asset, UInt64(keys) * 100)],
            issues: holders.indices.map { RegistrySeed.Issue(vessel: asset, holder: $0, units: 100) },
            rules: ComplianceRules(
                maxHoldersPerVessel: 1_000_000, excludedCountries: [], minimumHolding: 0, kycRequired: true),
            kycUntilMs: Settlement.wallClockMs() + 86_400_000
        )
        await registry.settlement.waitUntilIdle()
        await registry.release()
        let chainID = await registry.state.chainID
        let expires = UInt64(Date().timeIntervalSince1970) + 6 * 86_400
        var text = ""
        for index in 0..<count {
            let from = index % keys
            let to = (index + 1 + index / keys) % keys == from ? (from + 1) % keys : (index + 1 + index / keys) % keys
            let transfer = Transfer(
                chainID: chainID, asset: asset, from: holders[from].publicKey, to: holders[to].publicKey, amount: 1,
                nonce: UInt64(index / keys + 1), expiresAt: expires)
            let signature = holders[from].sign(hash: transfer.message)
            text +=
                #"{"asset":"IMO9176187","from":"\#(transfer.from.hex)","to":"\#(transfer.to.hex)","amount":1,"nonce":\#(transfer.nonce),"expires_at":\#(expires),"signature":"\#(signature.hex)"}"#
                + "\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: out))
        print("wrote \(count) bodies for \(keys) keys to \(out)")
    }
}
