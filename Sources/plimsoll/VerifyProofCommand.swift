import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollHTTP

/// `plimsoll verify-proof`: checks, offline, any document `plimsoll proof` prints (or the HTTP
/// API answers): inclusion, consistency, holding, key and mortgage proofs (Docs/log-format.md).
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
