import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollPostgres
import PlimsollSettlement
import PlimsollStore

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the whole log (genesis, every entry, every signed header) to a file.")

    @OptionGroup var options: RegistryOptions
    @Option(help: "Output file (written whole or not at all).") var out: String
    @Option(
        help:
            "Export from a registry on PostgreSQL (postgresql://USER:PASSWORD@HOST:PORT/DATABASE, a replica will do) instead of the folder."
    )
    var database: String?

    func run() async throws {
        let summary: (blocks: UInt64, logSize: UInt64, logRoot: Hash32)
        if let database {
            // Read only: no lease is taken, so it runs beside the nodes, or on a replica.
            let store = try await PostgresStore.open(try PostgresStore.configuration(database), sequencer: false)
            summary = try await store.exportLog(to: URL(fileURLWithPath: out))
        } else {
            let written = try LogExport.write(try ReadOnly.store(options), to: URL(fileURLWithPath: out))
            summary = (written.blocks, written.logSize, written.logRoot)
        }
        struct View: Encodable {
            let file: String, blocks: UInt64, log_size: UInt64, log_root: String
        }
        Output.emit(
            options.json,
            View(file: out, blocks: summary.blocks, log_size: summary.logSize, log_root: summary.logRoot.hex),
            text:
                "exported \(summary.blocks) blocks, log size \(summary.logSize), log root \(summary.logRoot.hex) to \(out)"
        )
    }
}

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify an exported log offline: signatures, hash chain, Merkle roots and a full replay."
    )

    @Argument(help: "Exported log file.") var file: String
    @Option(help: "The registrar's public key the log must be signed by.") var registrarKey: KeyArgument?
    @Option(help: "The chain_id the log must belong to.") var chainId: Hash32Argument?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let report: VerifiedLog
        do {
            report = try await LogVerification.verify(
                URL(fileURLWithPath: file), expectedRegistrarKey: registrarKey?.key, expectedChainID: chainId?.hash
            )
        } catch {
            throw CLIError(error.description)
        }
        struct Holder: Encodable {
            let key: String, units: UInt64
        }
        struct Table: Encodable {
            let vessel: String, holders: [Holder]
        }
        struct View: Encodable {
            let status = "verified"
            let chain_id: String, registry: String, registrar_key: String, height: UInt64, log_size: UInt64
            /// The keys in force at the end of the log, and each rotation the replay followed.
            let registrar_key_in_force: String, sequencer_key: String, rotations: [Rotation]
            let log_root: String, state_digest: String, cap_tables: [Table]
        }
        struct Rotation: Encodable { let height: UInt64, role: String, key: String }
        let rotations = report.rotations.map { Rotation(height: $0.height, role: $0.role, key: $0.key.hex) }
        let tables = report.capTables.map {
            Table(vessel: $0.asset.text, holders: $0.holders.map { Holder(key: $0.key.hex, units: $0.units) })
        }
        var lines = [
            "verified \(file)", "registry \"\(report.registryName)\" chain_id \(report.chainID.hex)",
            "registrar \(report.registrarKey.hex)", "sequencer \(report.sequencerKey.hex)",
        ]
        lines += rotations.map { "rotated \($0.role) key at height \($0.height) to \($0.key)" }
        lines += [
            "height \(report.height) log_size \(report.logSize)",
            "log_root \(report.logRoot.hex)", "state_digest \(report.stateDigest.hex)",
        ]
        for table in tables {
            lines.append("cap table \(table.vessel)")
            lines += table.holders.map { "  \($0.key) \($0.units)" }
        }
        Output.emit(
            json,
            View(
                chain_id: report.chainID.hex, registry: report.registryName, registrar_key: report.registrarKey.hex,
                height: report.height, log_size: report.logSize,
                registrar_key_in_force: report.registrarKeyInForce.hex, sequencer_key: report.sequencerKey.hex,
                rotations: rotations, log_root: report.logRoot.hex, state_digest: report.stateDigest.hex,
                cap_tables: tables),
            text: lines.joined(separator: "\n")
        )
    }
}
