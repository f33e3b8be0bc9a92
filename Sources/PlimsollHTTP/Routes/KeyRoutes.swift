import Foundation
import HTTPTypes
import Hummingbird
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore

extension RegistryAPI {
    func addKeyRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/keys/{key}") { request, context in
            let key = try Self.keyParameter(context)
            let caller = try caller(request)
            guard let record = try store.keyRecord(key) else { throw Problem.notFound("key") }
            struct View: Encodable {
                let key: String, last_nonce: UInt64
                var party: UInt64?
            }
            return try JSONResponse.make(
                View(key: key.hex, last_nonce: record.lastNonce, party: caller.isRegulator ? record.party.raw : nil))
        }
        router.get("/v1/keys/{key}/balances") { request, context in
            let key = try Self.keyParameter(context)
            try requireHolderOrRegulator(request, of: key)
            struct Line: Encodable {
                let asset: String, units: UInt64
            }
            struct View: Encodable {
                let key: String, height: UInt64, balances: [Line]
            }
            let height = try store.latestHeight()
            return try JSONResponse.make(
                View(
                    key: key.hex, height: height,
                    balances: try store.balances(of: key).map { Line(asset: $0.asset.text, units: $0.units) }))
        }
    }

    func addStateProofRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/keys/{key}/holdings/{imo}/proof") { request, context in
            let key = try Self.keyParameter(context)
            let asset = try Self.assetParameter(context)
            try requireHolderOrRegulator(request, of: key)
            guard try store.vessel(asset) != nil else { throw Problem.notFound("vessel \(asset)") }
            guard let proof = await settlement.holdingProof(asset: asset, key: key) else {
                throw await unprovable()
            }
            let signer = try signer(of: proof.header.header)
            return try JSONResponse.make(
                HoldingProofJSON(
                    proof, genesis: store.genesis, sequencerKey: signer.key, rotations: signer.rotations))
        }
        // A key's record (party, last nonce, freezes): whether it may send what it holds. The
        // same callers as its holdings: the holder itself, or a regulator.
        router.get("/v1/keys/{key}/proof") { request, context in
            let key = try Self.keyParameter(context)
            try requireHolderOrRegulator(request, of: key)
            guard let proof = await settlement.keyProof(key: key) else { throw await unprovable() }
            let signer = try signer(of: proof.header.header)
            return try JSONResponse.make(
                KeyProofJSON(proof, genesis: store.genesis, sequencerKey: signer.key, rotations: signer.rotations))
        }
    }

    /// The key that signed a proof's header and the rotations that hand it over from genesis: what
    /// every state proof document carries so it checks from the chain id alone.
    private func signer(of head: BlockHeader) throws -> (key: XOnlyPublicKey, rotations: [RotationProofJSON]) {
        (try store.sequencerKey(afterBlock: head.height), try store.rotationProofs(logSize: head.logSize))
    }

    /// Why a state proof could not be answered: a version 1 head with commits succeeding has
    /// nothing to prove against yet; any other nil is a proof that could not be answered against a
    /// durable head now.
    private func unprovable() async -> Problem {
        if await settlement.latestHeader.header.version < 2, await settlement.isReady {
            return Problem(
                .conflict, .noStateCommitment,
                "the latest block is a version 1 header, which commits to no provable state; the next block will")
        }
        var problem = Problem(
            .serviceUnavailable, .notReady,
            "no durable head to prove against now (commits are failing or too many proofs wait); try again")
        problem.retryAfterSeconds = 1
        return problem
    }

    /// A key's own reads: its holder (a signed read) or a regulator; anyone else is refused.
    private func requireHolderOrRegulator(_ request: Request, of key: KeyRef) throws {
        switch try caller(request) {
        case .anonymous: throw Problem.unauthorized
        case .holder(let holder) where holder != key: throw Problem.forbidden
        default: break
        }
    }

    static func keyParameter(_ context: BasicRequestContext) throws -> XOnlyPublicKey {
        guard let text = context.parameters.get("key"), let key = try? XOnlyPublicKey(hex: text) else {
            throw Problem.malformed("key must be an x-only public key, 64 hex digits", pointer: "")
        }
        return key
    }
}
