import Foundation
import HTTPTypes
import Hummingbird
public import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore

/// DESIGN.md's block JSON: the signed header, canonical bytes and every field (the CLI's `log`
/// prints the same form).
public struct BlockJSON: Encodable, Sendable {
    public let height: UInt64, hash: String, header: String, signature: String, version: UInt16, chain_id: String,
        prev_hash: String
    public let timestamp_ms: UInt64, entry_count: UInt32, entries_root: String, log_size: UInt64, log_root: String
    public let state_digest: String, lists_digest: String

    public init(_ signed: SignedBlockHeader) {
        let h = signed.header
        height = h.height
        hash = h.hash.hex
        header = Hex.encode(h.canonicalBytes)
        signature = signed.signature.hex
        version = h.version
        chain_id = h.chainID.hex
        prev_hash = h.prevHash.hex
        timestamp_ms = h.timestampMs
        entry_count = h.entryCount
        entries_root = h.entriesRoot.hex
        log_size = h.logSize
        log_root = h.logRoot.hex
        state_digest = h.stateDigest.hex
        lists_digest = h.listsDigest.hex
    }
}

extension RegistryAPI {
    func addPublicRoutes(to router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in try JSONResponse.make(["status": "ok"]) }
        // Readiness, unlike liveness, says whether blocks can be committed now: 503 while
        // commits fail (disk full, I/O error); settlement retries and recovers by itself.
        router.get("/readyz") { _, _ in
            if await !settlement.readiness() {
                var problem = Problem(
                    .serviceUnavailable, .notReady,
                    "the last commit failed; settlement retries (the server log says why)")
                problem.retryAfterSeconds = 1
                throw problem
            }
            return try JSONResponse.make(["status": "ready"])
        }
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        router.get("/v1/registry") { _, _ in
            /// `registrar_key` is the genesis record's (the registry's identity); the keys in force
            /// at `height` sign its registrar entries and its header.
            struct View: Encodable {
                let chain_id: String, name: String, registrar_key: String, height: UInt64, max_validity_s: UInt64
                let registrar_key_in_force: String, sequencer_key: String
            }
            let genesis = store.genesis
            let height = try store.latestHeight()
            return try JSONResponse.make(
                View(
                    chain_id: genesis.chainID.hex, name: genesis.name, registrar_key: genesis.registrarKey.hex,
                    height: height, max_validity_s: genesis.maxValiditySeconds,
                    registrar_key_in_force: try store.registrarKey(afterBlock: height).hex,
                    sequencer_key: try store.sequencerKey(afterBlock: height).hex
                ))
        }
        router.get("/v1/blocks/latest") { _, _ in
            guard let block = try store.block(at: try store.latestHeight()) else { throw Problem.notFound("block") }
            return try JSONResponse.make(BlockJSON(block))
        }
        router.get("/v1/blocks/{height}") { _, context in
            let height = try Parameter.height(context.parameters.get("height"))
            guard let block = try store.block(at: height) else { throw Problem.notFound("block \(height)") }
            return try JSONResponse.make(BlockJSON(block))
        }
        router.get("/v1/proofs/consistency") { request, _ in
            let query = request.uri.queryParameters
            let from = try Parameter.height(query.get("from"), name: "from")
            let to = try Parameter.height(query.get("to"), name: "to")
            guard from <= to else { throw Problem.malformed("from must not be above to", parameter: "from") }
            guard let first = try store.block(at: from), let second = try store.block(at: to) else {
                throw Problem.notFound("block")
            }
            let proof = try store.consistencyProof(from: first.header.logSize, to: second.header.logSize)
            struct View: Encodable {
                let from: BlockJSON, to: BlockJSON, proof: [String]
            }
            return try JSONResponse.make(View(from: BlockJSON(first), to: BlockJSON(second), proof: proof.map(\.hex)))
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: await metrics.text(settlement))))
        }
    }
}
