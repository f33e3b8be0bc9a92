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
            let (state, tip) = try ProofCommand.provableState(store)
            let proof = try ProofCommand.holding(of: key.key, in: vessel.asset, state: state, tip: tip, store: store)
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
            let (state, tip) = try ProofCommand.provableState(store)
            let commitment = tip.commitment ?? StateCommitment(state: state)
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
            let (state, tip) = try ProofCommand.provableState(store)
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
                inclusion: try ProofJSON.inclusion(of: registrations[Int(number) - 1], at: tip.header, in: store),
                holding: try ProofCommand.holding(
                    of: registration.key, in: vessel.asset, state: state, tip: tip, store: store))
            Output.emit(true, document, text: "")
        }
    }
}

extension ProofCommand {
    /// The state and the latest signed header, which must commit to a provable state.
    static func provableState(_ store: SQLiteStore) throws -> (state: LedgerState, tip: StoreTip) {
        let (state, tip) = try store.loadLedger()
        guard tip.header.header.version >= 2 else {
            throw CLIError(
                "the latest block is a version 1 header, which commits to no provable state; the next block will")
        }
        return (state, tip)
    }

    /// A key's holding of a vessel, proven against the tip's state commitment.
    static func holding(
        of key: KeyRef, in asset: AssetID, state: LedgerState, tip: StoreTip, store: SQLiteStore
    ) throws -> HoldingProofJSON {
        guard state.vessels[asset] != nil else { throw CLIError("no vessel \(asset)") }
        let commitment = tip.commitment ?? StateCommitment(state: state)
        let proof = HoldingProof(state: state, commitment: commitment, header: tip.header, asset: asset, key: key)
        return HoldingProofJSON(
            proof, genesis: store.genesis, sequencerKey: state.sequencerKey,
            rotations: try store.rotationProofs(logSize: tip.header.header.logSize))
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

struct VerifyProof: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-proof", abstract: "Check a proof printed by plimsoll proof, offline."
    )

    @Argument(help: "Proof file (JSON), or - for standard input.") var file: String
    @Option(help: "Pin the registry's registrar key (else the proof's own is used).")
    var registrarKey: KeyArgument?
    @Option(help: "Pin the sequencer key the headers must be signed by (else the proof's own is used).")
    var sequencerKey: KeyArgument?

    func run() async throws {
        let data =
            file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: file)
        guard let data else { throw CLIError("cannot read \(file)") }
        if let holding = try? JSONDecoder().decode(HoldingProofJSON.self, from: data), holding.type == "holding" {
            let proof = try verifyHolding(holding)
            print(
                "ok: key \(proof.key.hex) holds \(proof.units) units of \(proof.asset) in the state signed at height \(proof.header.header.height)"
            )
            return
        }
        if let keyProof = try? JSONDecoder().decode(KeyProofJSON.self, from: data), keyProof.type == "key" {
            let proof = try verifyKey(keyProof)
            let height = proof.header.header.height
            guard let record = proof.record else {
                print("ok: no party has bound key \(proof.key.hex) in the state signed at height \(height)")
                return
            }
            print(
                "ok: key \(proof.key.hex) is bound to party \(record.party.raw), last nonce \(record.lastNonce), \(Self.freezes(of: record)), in the state signed at height \(height)"
            )
            return
        }
        if let mortgage = try? JSONDecoder().decode(MortgageProofJSON.self, from: data), mortgage.type == "mortgage" {
            try verifyMortgage(mortgage)
            return
        }
        let document: ProofJSON
        do { document = try JSONDecoder().decode(ProofJSON.self, from: data) } catch {
            throw CLIError("not a proof document: \(error)")
        }
        switch document.type {
        case "inclusion":
            let (head, index, _) = try verifyInclusion(document)
            print("ok: entry at leaf \(index) is in the log of size \(head.logSize) signed at height \(head.height)")
        case "consistency":
            let chainID = try Hash32(hex: document.chain_id)
            let proof = try document.proof.map { try Hash32(hex: $0) }
            let keys = try Keys(document.registrar_key, document.genesis, document.sequencer_rotations, chainID, self)
            let second = try checkedHeader(document.to, chainID: chainID, keys: keys, embedded: document.sequencer_key)
            let first = try checkedHeader(
                document.from, chainID: chainID, keys: keys, embedded: document.from_sequencer_key, latest: false)
            try keys.checkIncluded(in: second)
            do {
                try Merkle.verifyConsistency(
                    size1: first.logSize, size2: second.logSize, root1: first.logRoot, root2: second.logRoot,
                    proof: proof)
            } catch { throw CLIError("consistency proof fails: \(error)") }
            print(
                "ok: the log at height \(second.height) (size \(second.logSize)) extends the log at height \(first.height) (size \(first.logSize))"
            )
        default:
            throw CLIError("unknown proof type \(document.type)")
        }
    }

    /// The registrar key a proof names, refused when it is not the one pinned with `--registrar-key`.
    fileprivate func registrar(_ hex: String) throws -> XOnlyPublicKey {
        let embedded = try XOnlyPublicKey(hex: hex)
        if let pinned = registrarKey?.key, pinned != embedded {
            throw CLIError("the proof names registrar \(embedded.hex), not the pinned \(pinned.hex)")
        }
        return embedded
    }

    /// How the keys that signed a document's headers are established, strongest first: a pinned
    /// `--sequencer-key`; else the genesis record the document carries (its tagged hash must be
    /// the `chain_id`, its registrar key the pinned `--registrar-key`) and the chain of sequencer
    /// rotations, each signed by the key it replaces and included in the log; else, for a
    /// document of an earlier release, the registrar key, which then signed the headers.
    struct Keys {
        let pinned: XOnlyPublicKey?
        let genesis: Genesis?
        let rotations: [RotationProofJSON]
        let registrar: XOnlyPublicKey

        init(
            _ registrarHex: String, _ genesisHex: String?, _ rotations: [RotationProofJSON]?, _ chainID: Hash32,
            _ command: VerifyProof
        ) throws {
            registrar = try command.registrar(registrarHex)
            pinned = command.sequencerKey?.key
            self.rotations = rotations ?? []
            if let genesisHex {
                let genesis = try Genesis(canonicalBytes: try Hex.decode(genesisHex))
                guard genesis.chainID == chainID else {
                    throw CLIError("the proof's genesis record is not the one of chain \(chainID.hex)")
                }
                guard genesis.registrarKey == registrar else {
                    throw CLIError(
                        "the proof's genesis record names registrar \(genesis.registrarKey.hex), not \(registrar.hex)")
                }
                self.genesis = genesis
            } else {
                genesis = nil
            }
        }

        /// The key that signed a header of this document.
        func signer(for header: BlockHeader, embedded: String?, latest: Bool) throws -> XOnlyPublicKey {
            if let pinned, latest { return pinned }
            if let genesis {
                do {
                    return try RotationProofJSON.signer(genesis: genesis, rotations: rotations, logSize: header.logSize)
                } catch {
                    throw CLIError("the proof's key rotations do not check: \(error)")
                }
            }
            if let embedded, try XOnlyPublicKey(hex: embedded) != registrar, pinned == nil {
                throw CLIError(
                    "the proof names a sequencer key but not the genesis record that vouches for it: pin it with --sequencer-key"
                )
            }
            return registrar
        }

        /// The rotations the signers were derived from are in the log the latest header signs.
        func checkIncluded(in header: BlockHeader) throws {
            do { try RotationProofJSON.checkIncluded(rotations, in: header) } catch {
                throw CLIError("a key rotation of the proof is not in the signed log: \(error)")
            }
        }
    }

    /// A signed header of the proof's chain, signed by the key in force at it.
    private func checkedHeader(
        _ json: SignedHeaderJSON?, chainID: Hash32, keys: Keys, embedded: String?, latest: Bool = true
    ) throws -> BlockHeader {
        guard let signed = try json?.parsed() else { throw CLIError("the proof lacks a signed header") }
        guard signed.header.chainID == chainID else {
            throw CLIError("header \(signed.header.height) is for another chain")
        }
        let signer = try keys.signer(for: signed.header, embedded: embedded, latest: latest)
        guard signed.signatureValid(signer: signer) else {
            throw CLIError(
                "header \(signed.header.height) is not signed by the sequencer key \(signer.hex.prefix(16))…")
        }
        return signed.header
    }

    /// Checks an inclusion proof; returns its header, the leaf index and the leaf's bytes.
    private func verifyInclusion(_ document: ProofJSON) throws -> (BlockHeader, UInt64, [UInt8]) {
        let chainID = try Hash32(hex: document.chain_id)
        let proof = try document.proof.map { try Hash32(hex: $0) }
        let keys = try Keys(document.registrar_key, document.genesis, document.sequencer_rotations, chainID, self)
        let head = try checkedHeader(document.head, chainID: chainID, keys: keys, embedded: document.sequencer_key)
        try keys.checkIncluded(in: head)
        guard let leafHex = document.leaf, let index = document.leaf_index, document.tree_size == head.logSize else {
            throw CLIError("the proof's tree size is not the header's log size")
        }
        let leaf = try Hex.decode(leafHex)
        if let id = document.entry_id, let entry = try? Entry(bytes: leaf), entry.id.hex != id {
            throw CLIError("the leaf is not entry \(id)")
        }
        do {
            try Merkle.verifyInclusion(
                leafIndex: index, treeSize: head.logSize, leafHash: Merkle.leafHash(leaf), proof: proof,
                root: head.logRoot)
        } catch { throw CLIError("inclusion proof fails: \(error)") }
        return (head, index, leaf)
    }

    /// A lender's proof: both parts verify, against the same signed header, and the included
    /// entry registers a mortgage over units of the very key and vessel the holding proves.
    private func verifyMortgage(_ document: MortgageProofJSON) throws {
        let (head, index, leaf) = try verifyInclusion(document.inclusion)
        let holding = try verifyHolding(document.holding)
        guard holding.header.header.hash == head.hash else {
            throw CLIError("the entry and the holding are proven against different headers")
        }
        guard case .registrar(let entry) = try Entry(bytes: leaf), case .registerMortgage(let m) = entry.action else {
            throw CLIError("the included entry does not register a mortgage")
        }
        guard m.asset == holding.asset, m.key == holding.key else {
            throw CLIError("the mortgage covers \(m.asset) of \(m.key.hex), not the proven holding")
        }
        // What is proven: the registration is in the log and the key's holding at that header.
        // The rank the document states, and whether the mortgage is still in force, are not.
        print(
            "ok: entry \(index) of the log signed at height \(head.height) registers a mortgage of \(m.units) units of \(m.asset) held by \(m.key.hex) to party \(m.mortgagee) (\(m.amount) \(m.currency)), and the key holds \(holding.units) units there"
        )
    }

    /// A key record's freezes in words: whole, none, or the vessels and units it may not send.
    static func freezes(of record: KeyRecord) -> String {
        if record.frozen { return "frozen whole" }
        let parts =
            record.frozenAssets.map(\.text) + record.frozenUnits.map { "\($0.units) units of \($0.asset)" }
        return parts.isEmpty ? "not frozen" : "frozen for " + parts.joined(separator: ", ")
    }

    private func verifyKey(_ document: KeyProofJSON) throws -> KeyProof {
        let chainID = try Hash32(hex: document.chain_id)
        let keys = try Keys(document.registrar_key, document.genesis, document.sequencer_rotations, chainID, self)
        let proof: KeyProof
        do { proof = try document.parsed() } catch { throw CLIError("not a key proof: \(error)") }
        let signer = try keys.signer(for: proof.header.header, embedded: document.sequencer_key, latest: true)
        try keys.checkIncluded(in: proof.header.header)
        do { try proof.verify(signer: signer, chainID: chainID) } catch {
            throw CLIError("key proof fails: \(error.message)")
        }
        return proof
    }

    private func verifyHolding(_ document: HoldingProofJSON) throws -> HoldingProof {
        let chainID = try Hash32(hex: document.chain_id)
        let keys = try Keys(document.registrar_key, document.genesis, document.sequencer_rotations, chainID, self)
        let proof: HoldingProof
        do { proof = try document.parsed() } catch { throw CLIError("not a holding proof: \(error)") }
        if let record = document.record,
            HoldingProof.recordBytes(asset: proof.asset, key: proof.key, units: proof.units).map(Hex.encode) != record
        {
            throw CLIError("the record is not \(proof.units) units of \(proof.asset) held by \(proof.key.hex)")
        }
        let signer = try keys.signer(for: proof.header.header, embedded: document.sequencer_key, latest: true)
        try keys.checkIncluded(in: proof.header.header)
        do { try proof.verify(signer: signer, chainID: chainID) } catch {
            throw CLIError("holding proof fails: \(error.message)")
        }
        return proof
    }
}
