import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore

/// `plimsoll init`: creates a registry folder with its SQLite file, a 0600 registrar key and a
/// 0600 sequencer key (named in a version 2 genesis: it signs the blocks, so the registrar key
/// can leave the server).
struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a new registry.")

    @OptionGroup var options: RegistryOptions

    @Option(help: "Registry name.")
    var name: String

    @Option(
        help: "Maximum validity of a transfer, in seconds (at most \(Limits.maxValiditySecondsMax)).",
        transform: { try Edge.whole($0, "--max-validity", 1...Limits.maxValiditySecondsMax) }
    )
    var maxValidity: UInt64 = Genesis.defaultMaxValiditySeconds

    @Flag(
        help:
            "Seal the registrar and sequencer keys under the passphrase in $PLIMSOLL_KEY_PASSPHRASE (scrypt, AES-GCM)."
    )
    var sealKey = false

    @Option(
        help:
            "Create the registry in this empty PostgreSQL database (postgresql://USER:PASSWORD@HOST:PORT/DATABASE) instead of an embedded SQLite file; the folder holds the keys and this node's mirror."
    )
    var database: String?

    func run() async throws {
        let genesis: Genesis
        if let database {
            genesis = try await ClusterFolder.create(
                at: options.registryURL, database: database, name: name, maxValidity: maxValidity, sealKey: sealKey)
        } else {
            genesis = try RegistryFolder.create(
                at: options.registryURL, name: name, maxValidity: maxValidity, sealKey: sealKey
            ).genesis
        }
        Output.emit(
            options.json,
            [
                "chain_id": genesis.chainID.hex, "registrar_key": genesis.registrarKey.hex,
                "sequencer_key": genesis.sequencerKey.hex, "name": genesis.name,
            ],
            text:
                "chain_id \(genesis.chainID.hex)\nregistrar_key \(genesis.registrarKey.hex)\nsequencer_key \(genesis.sequencerKey.hex)"
        )
    }
}

/// The files of a registry folder: `registry.sqlite`, `registrar.key`, `sequencer.key` (absent in
/// registries of earlier releases, whose registrar key signs the blocks) and `registry.lock`.
enum RegistryFolder {
    static let registrarKeyName = "registrar.key"
    static let sequencerKeyName = "sequencer.key"
    /// A sequencer key a rotation is about to hand over to: the server takes it from here.
    static let nextSequencerKeyName = "sequencer.next.key"
    /// A registrar key a rotation is about to hand over to, until the rotation settles.
    static let nextRegistrarKeyName = "registrar.next.key"

    /// After a rotation settled (perhaps in a process that stopped before it could say so): a
    /// `*.next.key` whose key is now in force replaces the key file it was waiting to replace.
    static func settleKeyFiles(_ folder: URL, registrar: XOnlyPublicKey, sequencer: XOnlyPublicKey) throws {
        for (next, current, key) in [
            (nextSequencerKeyName, sequencerKeyName, sequencer), (nextRegistrarKeyName, registrarKeyName, registrar),
        ] {
            let nextURL = folder.appendingPathComponent(next)
            guard FileManager.default.fileExists(atPath: nextURL.path),
                (try? KeyFile.read(nextURL))?.publicKey == key
            else { continue }
            guard rename(nextURL.path, folder.appendingPathComponent(current).path) == 0 else {
                throw CLIError("cannot put \(next) in place of \(current): \(String(cString: strerror(errno)))")
            }
        }
    }

    static func create(at url: URL, name: String, maxValidity: UInt64, sealKey: Bool = false) throws -> SQLiteStore {
        if !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(
                at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let dbURL = url.appendingPathComponent(SQLiteStore.fileName)
        let keyURL = url.appendingPathComponent(registrarKeyName)
        let sequencerURL = url.appendingPathComponent(sequencerKeyName)
        guard !FileManager.default.fileExists(atPath: dbURL.path), !FileManager.default.fileExists(atPath: keyURL.path),
            !FileManager.default.fileExists(atPath: sequencerURL.path)
        else {
            throw CLIError("a registry already exists in \(url.path)")
        }
        var rng = SystemRandomNumberGenerator()
        let key = SigningKey.generate(using: &rng)
        let sequencer = SigningKey.generate(using: &rng)
        // Validate the name before any file is written, so a bad name leaves nothing behind.
        _ = try Genesis(name: name, registrarKey: key.publicKey, createdAtMs: 0, maxValiditySeconds: maxValidity)
        do {
            try KeyFile.write(key, to: keyURL, sealed: sealKey)
            try KeyFile.write(sequencer, to: sequencerURL, sealed: sealKey)
            return try RegistryBootstrap.create(
                at: dbURL, name: name, registrarKey: key, sequencerKey: sequencer,
                createdAtMs: Settlement.wallClockMs(),
                maxValiditySeconds: maxValidity
            )
        } catch {
            try? FileManager.default.removeItem(at: keyURL)
            try? FileManager.default.removeItem(at: sequencerURL)
            throw error
        }
    }
}
