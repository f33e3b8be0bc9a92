public import Foundation
public import PlimsollCore
public import PlimsollCrypto
public import PlimsollStore

/// Creating a registry: its genesis record, block 0 and the SQLite file, in one transaction.
public enum RegistryBootstrap {
    public static func create(
        at url: URL, name: String, registrarKey: SigningKey, createdAtMs: TimestampMs, maxValiditySeconds: UInt64
    ) throws -> SQLiteStore {
        let genesis = try Genesis(
            name: name, registrarKey: registrarKey.publicKey, createdAtMs: createdAtMs,
            maxValiditySeconds: maxValiditySeconds
        )
        let (block, state) = BlockBuilder.genesisBlock(genesis, registrarKey: registrarKey)
        return try SQLiteStore.create(at: url, genesis: genesis, genesisBlock: block, state: state)
    }
}
