import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting

/// A registry in a fresh temporary folder, removed when the test ends.
final class TempRegistry {
    let folder: URL
    let registrar: SigningKey
    let url: URL

    init(seed: UInt64 = 1, name: String = "Test Registry") throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("plimsoll-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: seed)
        registrar = SigningKey.generate(using: &rng)
        url = folder.appendingPathComponent(SQLiteStore.fileName)
        _ = try RegistryBootstrap.create(
            at: url, name: name, registrarKey: registrar, createdAtMs: Settlement.wallClockMs(),
            maxValiditySeconds: 604_800
        )
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func settlement(config: SettlementConfig = SettlementConfig()) throws -> Settlement {
        try Settlement(
            store: try SQLiteStore.open(at: url), registrarKey: registrar, config: config, clock: Settlement.wallClockMs
        )
    }
}

enum Setup {
    /// Registers `count` holders with keys and a 64-unit vessel issued evenly (`RegistrySeed`);
    /// returns the keys.
    static func holders(
        _ settlement: Settlement, count: Int, seed: UInt64, units: UInt64 = 64
    ) async throws -> [SigningKey] {
        var rng = SplitMix64(seed: seed)
        let keys = (0..<count).map { _ in SigningKey.generate(using: &rng) }
        _ = try await RegistrySeed.seed(
            settlement, holders: keys.enumerated().map { ("Holder \($0)", $1) }, vessels: [(IMOs.a, units)],
            issues: keys.indices.map { RegistrySeed.Issue(vessel: IMOs.a, holder: $0, units: units / UInt64(count)) },
            kycUntilMs: Settlement.wallClockMs() + 365 * 86_400_000
        )
        return keys
    }
}
