import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore

/// `plimsoll init`: creates a registry folder with its SQLite file and a 0600 registrar key.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a new registry.")

    @OptionGroup var options: RegistryOptions

    @Option(help: "Registry name.")
    var name: String

    @Option(
        help: "Maximum validity of a transfer, in seconds (at most \(Limits.maxValiditySecondsMax)).",
        transform: { try Edge.whole($0, "--max-validity", 1...Limits.maxValiditySecondsMax) }
    )
    var maxValidity: UInt64 = Genesis.defaultMaxValiditySeconds

    @Flag(help: "Seal the registrar key under the passphrase in $PLIMSOLL_KEY_PASSPHRASE (scrypt, AES-GCM).")
    var sealKey = false

    func run() throws {
        let store = try RegistryFolder.create(
            at: options.registryURL, name: name, maxValidity: maxValidity, sealKey: sealKey)
        let genesis = store.genesis
        Output.emit(
            options.json,
            ["chain_id": genesis.chainID.hex, "registrar_key": genesis.registrarKey.hex, "name": genesis.name],
            text: "chain_id \(genesis.chainID.hex)\nregistrar_key \(genesis.registrarKey.hex)"
        )
    }
}

/// The files of a registry folder: `registry.sqlite`, `registrar.key` and `registry.lock`.
enum RegistryFolder {
    static let registrarKeyName = "registrar.key"

    static func create(at url: URL, name: String, maxValidity: UInt64, sealKey: Bool = false) throws -> SQLiteStore {
        if !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(
                at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let dbURL = url.appendingPathComponent(SQLiteStore.fileName)
        let keyURL = url.appendingPathComponent(registrarKeyName)
        guard !FileManager.default.fileExists(atPath: dbURL.path), !FileManager.default.fileExists(atPath: keyURL.path)
        else {
            throw CLIError("a registry already exists in \(url.path)")
        }
        var rng = SystemRandomNumberGenerator()
        let key = SigningKey.generate(using: &rng)
        // Validate the name before any file is written, so a bad name leaves nothing behind.
        _ = try Genesis(name: name, registrarKey: key.publicKey, createdAtMs: 0, maxValiditySeconds: maxValidity)
        try KeyFile.write(key, to: keyURL, sealed: sealKey)
        do {
            return try RegistryBootstrap.create(
                at: dbURL, name: name, registrarKey: key, createdAtMs: Settlement.wallClockMs(),
                maxValiditySeconds: maxValidity
            )
        } catch {
            try? FileManager.default.removeItem(at: keyURL)
            throw error
        }
    }
}
