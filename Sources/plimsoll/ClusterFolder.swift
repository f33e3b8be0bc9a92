import Foundation
import Logging
import PlimsollCore
import PlimsollCrypto
import PlimsollPostgres
import PlimsollSettlement
import PlimsollStore

/// A node's folder of a registry on PostgreSQL (issue 17): the same files as an embedded
/// registry's (keys, `registry.sqlite`, adopted lists), except that `registry.sqlite` is the
/// node's mirror of the shared log (`LogMirror`) and `cluster.json` says so. The log is written
/// only through the database's sequencer: a command that would settle into the folder itself
/// is refused (`OpenRegistry.open`), and registrar commands go to a node (`--server`).
enum ClusterFolder {
    static let markerName = "cluster.json"

    struct Marker: Codable {
        /// The database the mirror follows, without its password.
        let database: String
        let chain_id: String
    }

    static func isCluster(_ folder: URL) -> Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(markerName).path)
    }

    static func writeMarker(_ folder: URL, database: String, chainID: Hash32) throws {
        var parts = URLComponents(string: database)
        parts?.password = nil
        let marker = Marker(database: parts?.string ?? "postgresql", chain_id: chainID.hex)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(marker).write(to: folder.appendingPathComponent(markerName), options: .atomic)
    }

    /// `plimsoll init --database`: a new registry in an empty database, its keys in `folder`,
    /// and the first node's mirror beside them. The same genesis block goes to both.
    static func create(
        at folder: URL, database: String, name: String, maxValidity: UInt64, sealKey: Bool
    ) async throws -> Genesis {
        let configuration = try PostgresStore.configuration(database)
        if !FileManager.default.fileExists(atPath: folder.path) {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let keyURL = folder.appendingPathComponent(RegistryFolder.registrarKeyName)
        let sequencerURL = folder.appendingPathComponent(RegistryFolder.sequencerKeyName)
        let mirrorURL = folder.appendingPathComponent(SQLiteStore.fileName)
        guard
            ![keyURL, sequencerURL, mirrorURL].contains(where: { FileManager.default.fileExists(atPath: $0.path) })
        else { throw CLIError("a registry already exists in \(folder.path)") }
        var rng = SystemRandomNumberGenerator()
        let registrar = SigningKey.generate(using: &rng)
        let sequencer = SigningKey.generate(using: &rng)
        let genesis = try Genesis(
            name: name, registrarKey: registrar.publicKey, sequencerKey: sequencer.publicKey,
            createdAtMs: Settlement.wallClockMs(), maxValiditySeconds: maxValidity)
        let (block, state) = BlockBuilder.genesisBlock(genesis, sequencerKey: sequencer)
        try KeyFile.write(registrar, to: keyURL, sealed: sealKey)
        try KeyFile.write(sequencer, to: sequencerURL, sealed: sealKey)
        let store: PostgresStore
        do {
            store = try await PostgresStore.create(configuration, genesis: genesis, genesisBlock: block, state: state)
        } catch {
            // Nothing was made in the database: nothing to keep.
            try? FileManager.default.removeItem(at: keyURL)
            try? FileManager.default.removeItem(at: sequencerURL)
            throw error
        }
        await store.releaseSequencer()
        // From here the database holds the registry: its keys stay, whatever fails next. A node
        // started on this folder makes the mirror from the database when it is not there.
        do {
            _ = try SQLiteStore.create(at: mirrorURL, genesis: genesis, genesisBlock: block, state: state)
            try writeMarker(folder, database: database, chainID: genesis.chainID)
        } catch {
            try? FileManager.default.removeItem(at: mirrorURL)
            throw CLIError(
                "the registry is in the database and its keys in \(folder.path), but the node's folder is incomplete (\(error)): start plimsoll serve --database on it"
            )
        }
        return genesis
    }

    /// The keys of `folder` a node sequences with: `sequencer.key` and a rotation's
    /// `sequencer.next.key` (none: the node serves and accepts, and never sequences), and
    /// `registrar.key` when it is the one in force (it signs the node's re-screens).
    static func keys(_ folder: URL, state: LedgerState) throws -> (sequencers: [SigningKey], registrar: SigningKey?) {
        var sequencers: [SigningKey] = []
        for name in [RegistryFolder.sequencerKeyName, RegistryFolder.nextSequencerKeyName] {
            let url = folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { sequencers.append(try KeyFile.read(url)) }
        }
        let registrarURL = folder.appendingPathComponent(RegistryFolder.registrarKeyName)
        var registrar: SigningKey?
        if FileManager.default.fileExists(atPath: registrarURL.path) {
            let key = try KeyFile.read(registrarURL)
            if key.publicKey == state.registrarKey { registrar = key }
        }
        return (sequencers, registrar)
    }
}
