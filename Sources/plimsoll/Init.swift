import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollStore

/// `plimsoll init`: creates a registry folder with its SQLite file and a 0600 registrar key.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a new registry.")

    @OptionGroup var options: RegistryOptions

    @Option(help: "Registry name.")
    var name: String

    @Option(help: "Maximum validity of a transfer, in seconds.")
    var maxValidity: UInt64 = Genesis.defaultMaxValiditySeconds

    func run() throws {
        let created = try RegistryFolder.create(at: options.registryURL, name: name, maxValidity: maxValidity)
        if options.json {
            print(#"{"chain_id":"\#(created.genesis.chainID.hex)","registrar_key":"\#(created.genesis.registrarKey.hex)"}"#)
        } else {
            print("chain_id \(created.genesis.chainID.hex)")
            print("registrar_key \(created.genesis.registrarKey.hex)")
        }
    }
}

/// The files of a registry folder: `registry.sqlite` and `registrar.key`.
struct RegistryFolder {
    static let registrarKeyName = "registrar.key"

    let url: URL
    let store: SQLiteStore
    var genesis: Genesis { store.genesis }

    static func create(at url: URL, name: String, maxValidity: UInt64) throws -> RegistryFolder {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        var rng = SystemRandomNumberGenerator()
        let key = SigningKey.generate(using: &rng)
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        let genesis = try Genesis(name: name, registrarKey: key.publicKey, createdAtMs: now, maxValiditySeconds: maxValidity)
        let keyURL = url.appendingPathComponent(registrarKeyName)
        let dbURL = url.appendingPathComponent(SQLiteStore.fileName)
        guard !FileManager.default.fileExists(atPath: dbURL.path) else {
            throw CLIError("a registry already exists in \(url.path)")
        }
        try KeyFile.write(key, to: keyURL)
        let store = try SQLiteStore.create(at: dbURL, genesis: genesis)
        return RegistryFolder(url: url, store: store)
    }
}
