public import Foundation
public import PlimsollCore
public import PlimsollCrypto
public import PlimsollStore

/// Creating a registry: its genesis record, block 0 and the SQLite file, in one transaction.
/// With a `sequencerKey`, the genesis is version 2 and that key signs the headers; without, the
/// registrar's key does (version 1, as registries of earlier releases).
public enum RegistryBootstrap {
    public static func create(
        at url: URL, name: String, registrarKey: SigningKey, sequencerKey: SigningKey? = nil, createdAtMs: TimestampMs,
        maxValiditySeconds: UInt64
    ) throws -> SQLiteStore {
        let genesis = try Genesis(
            name: name, registrarKey: registrarKey.publicKey, sequencerKey: sequencerKey?.publicKey,
            createdAtMs: createdAtMs, maxValiditySeconds: maxValiditySeconds
        )
        let (block, state) = BlockBuilder.genesisBlock(genesis, sequencerKey: sequencerKey ?? registrarKey)
        return try SQLiteStore.create(at: url, genesis: genesis, genesisBlock: block, state: state)
    }
}
