import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollHTTP
import PlimsollStore

/// The proof document `plimsoll proof` prints and `plimsoll verify-proof` checks (Docs/proofs.md).
struct ProofJSON: Codable {
    let type: String
    let chain_id: String
    let registrar_key: String
    /// The key that signed `head` (inclusion) or `to` (consistency), and `from`: the sequencer key
    /// in force at each height. Absent in documents of earlier releases (the registrar key signed).
    var sequencer_key: String?
    var from_sequencer_key: String?
    /// The genesis record (hex) and the sequencer rotations up to the latest header of the
    /// document, each with its inclusion proof: the signing keys checkable from `chain_id` alone.
    var genesis: String?
    var sequencer_rotations: [RotationProofJSON]?
    // Inclusion.
    var entry_id: String?
    var leaf_index: UInt64?
    var leaf: String?
    var tree_size: UInt64?
    var head: SignedHeaderJSON?
    // Consistency.
    var from: SignedHeaderJSON?
    var to: SignedHeaderJSON?
    let proof: [String]
}

/// A lender's proof (`plimsoll proof mortgage`): the mortgage's registration entry in the log
/// and the mortgagor's holding in the state, both against one signed header, checkable offline.
struct MortgageProofJSON: Codable {
    let type: String
    let number: UInt64
    let inclusion: ProofJSON
    let holding: HoldingProofJSON
}

struct ProofCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Print proofs against signed headers: RFC 6962 inclusion and consistency, holdings and key records.",
        subcommands: [Inclusion.self, Consistency.self, Holding.self, KeyRecordProof.self, MortgageProof.self]
    )

    struct Inclusion: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Prove an entry is in the log at a signed header.")

        @OptionGroup var options: RegistryOptions
        @Option(help: "Entry id (transfer id, or SHA-256 of another entry's bytes).") var entry: Hash32Argument
        @Option(
            help: "Height of the signed header to prove against (default: latest).",
            transform: { try Edge.whole($0, "--height", Edge.heights) })
        var height: UInt64?

        func run() async throws {
            let store = try ReadOnly.store(options)
            guard let stored = try store.entry(id: entry.hash) else {
                throw CLIError("no settled entry \(entry.hash.hex)")
            }
            let at = try height ?? store.latestHeight()
            guard let head = try store.block(at: at) else { throw CLIError("no block \(at)") }
            guard stored.leafIndex < head.header.logSize else {
                throw CLIError("entry \(entry.hash.hex) settled at height \(stored.height), after height \(at)")
            }
            Output.emit(true, try ProofJSON.inclusion(of: stored, at: head, in: store), text: "")
        }
    }

    struct Consistency: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove the log at one signed header extends the log at an earlier one.")

        @OptionGroup var options: RegistryOptions
        @Option(help: "Earlier height.", transform: { try Edge.whole($0, "--from", Edge.heights) }) var from: UInt64
        @Option(help: "Later height.", transform: { try Edge.whole($0, "--to", Edge.heights) }) var to: UInt64

        func run() async throws {
            let store = try ReadOnly.store(options)
            guard from <= to else { throw CLIError("--from must not be above --to") }
            guard let first = try store.block(at: from), let second = try store.block(at: to) else {
                throw CLIError("no block at \(try store.block(at: from) == nil ? from : to)")
            }
            let proof = try store.consistencyProof(from: first.header.logSize, to: second.header.logSize)
            let document = ProofJSON(
                type: "consistency", chain_id: store.genesis.chainID.hex, registrar_key: store.genesis.registrarKey.hex,
                sequencer_key: try store.sequencerKey(afterBlock: to).hex,
                from_sequencer_key: try store.sequencerKey(afterBlock: from).hex,
                genesis: Hex.encode(store.genesis.canonicalBytes),
                sequencer_rotations: try store.rotationProofs(logSize: second.header.logSize),
                from: SignedHeaderJSON(first), to: SignedHeaderJSON(second), proof: proof.map(\.hex)
            )
            Output.emit(true, document, text: "")
        }
    }
}

extension ProofCommand {
    struct Holding: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Prove how many units of a vessel a key holds, against the latest signed header (its state commitment)."
        )

        @OptionGroup var options: RegistryOptions
        @Option(help: "Key, 64 hex.") var key: KeyArgument
        @Option(help: "Vessel, e.g. IMO9176187.", transform: AssetArgument.parse) var vessel: AssetArgument

        func run() async throws {
            let store = try ReadOnly.store(options)
            let proof = try ProofCommand.holding(
                of: key.key, in: vessel.asset, try ProofCommand.provableState(store), store: store)
            Output.emit(true, proof, text: "")
        }
    }
}

extension ProofCommand {
    struct KeyRecordProof: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "key",
            abstract:
                "Prove a key's record (its party, last nonce and freezes), or that no party bound it, against the latest signed header."
        )

        @OptionGroup var options: RegistryOptions
        @Option(help: "Key, 64 hex.") var key: KeyArgument

        func run() async throws {
            let store = try ReadOnly.store(options)
            let (state, tip, commitment) = try ProofCommand.provableState(store)
            let proof = KeyProof(state: state, commitment: commitment, header: tip.header, key: key.key)
            Output.emit(
                true,
                KeyProofJSON(
                    proof, genesis: store.genesis, sequencerKey: state.sequencerKey,
                    rotations: try store.rotationProofs(logSize: tip.header.header.logSize)),
                text: "")
        }
    }
}

extension ProofCommand {
    struct MortgageProof: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mortgage",
            abstract:
                "Prove a mortgage for its lender: its registration entry in the log and the mortgagor's holding, against the latest signed header."
        )

        @OptionGroup var options: RegistryOptions
        @Option(help: "Vessel.", transform: AssetArgument.parse) var vessel: AssetArgument
        @Option(
            parsing: .unconditional, help: "Mortgage number.", transform: { try Edge.whole($0, "--number", Edge.ids) })
        var number: UInt64

        func run() async throws {
            let store = try ReadOnly.store(options)
            let provable = try ProofCommand.provableState(store)
            // Mortgages are numbered per vessel in registration order: the n-th registration.
            let registrations = try store.vesselEvents(vessel.asset).filter {
                if case .registrar(let entry) = $0.entry, case .registerMortgage(let m) = entry.action {
                    return m.asset == vessel.asset
                }
                return false
            }
            guard number >= 1, number <= UInt64(registrations.count),
                case .registrar(let entry) = registrations[Int(number) - 1].entry,
                case .registerMortgage(let registration) = entry.action
            else { throw CLIError("\(vessel.asset) has no mortgage \(number)", code: "UNKNOWN_MORTGAGE") }
            let document = MortgageProofJSON(
                type: "mortgage", number: number,
                inclusion: try ProofJSON.inclusion(
                    of: registrations[Int(number) - 1], at: provable.tip.header, in: store),
                holding: try ProofCommand.holding(of: registration.key, in: vessel.asset, provable, store: store))
            Output.emit(true, document, text: "")
        }
    }
}

extension ProofCommand {
    /// The state, its commitment and the latest signed header, which must commit to a provable
    /// state.
    static func provableState(
        _ store: SQLiteStore
    ) throws -> (state: LedgerState, tip: StoreTip, commitment: StateCommitment) {
        let (state, tip) = try store.loadLedger()
        guard tip.header.header.version >= 2 else {
            throw CLIError(
                "the latest block is a version 1 header, which commits to no provable state; the next block will")
        }
        return (state, tip, tip.commitment ?? StateCommitment(state: state))
    }

    /// A key's holding of a vessel, proven against the tip's state commitment.
    static func holding(
        of key: KeyRef, in asset: AssetID,
        _ provable: (state: LedgerState, tip: StoreTip, commitment: StateCommitment), store: SQLiteStore
    ) throws -> HoldingProofJSON {
        guard provable.state.vessels[asset] != nil else { throw CLIError("no vessel \(asset)") }
        let proof = HoldingProof(
            state: provable.state, commitment: provable.commitment, header: provable.tip.header, asset: asset, key: key)
        return HoldingProofJSON(
            proof, genesis: store.genesis, sequencerKey: provable.state.sequencerKey,
            rotations: try store.rotationProofs(logSize: provable.tip.header.header.logSize))
    }
}

extension ProofJSON {
    /// The RFC 6962 inclusion proof of a settled entry at a signed header.
    static func inclusion(of stored: StoredEntry, at head: SignedBlockHeader, in store: SQLiteStore) throws -> ProofJSON
    {
        let proof = try store.inclusionProof(leafIndex: stored.leafIndex, treeSize: head.header.logSize)
        return ProofJSON(
            type: "inclusion", chain_id: store.genesis.chainID.hex, registrar_key: store.genesis.registrarKey.hex,
            sequencer_key: try store.sequencerKey(afterBlock: head.header.height).hex,
            genesis: Hex.encode(store.genesis.canonicalBytes),
            sequencer_rotations: try store.rotationProofs(logSize: head.header.logSize),
            entry_id: stored.entry.id.hex, leaf_index: stored.leafIndex, leaf: Hex.encode(stored.entry.bytes),
            tree_size: head.header.logSize, head: SignedHeaderJSON(head), proof: proof.map(\.hex))
    }
}
