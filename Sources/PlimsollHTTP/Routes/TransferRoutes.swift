import Foundation
import HTTPTypes
import Hummingbird
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore

/// DESIGN.md's receipt: settled `{"id","status","height","leaf_index","log_size"}` or rejected
/// `{"id","status","code","detail"}`.
struct ReceiptJSON: Encodable {
    let id: String
    let status: String
    var height: UInt64?
    var leaf_index: UInt64?
    var log_size: UInt64?
    var code: String?
    var detail: String?
    /// The audit's own words (parties, paths, list entries): regulators only.
    var evidence: String?
}

/// Statuses a transfer can have in an answer. `not_settled` is retryable: its block could not be
/// made durable, nothing of it was kept, and the same signed transfer may be sent again;
/// `rejected` is final for that transfer.
enum TransferStatus {
    static let settled = "settled"
    static let pending = "pending"
    static let rejected = "rejected"
    static let notSettled = "not_settled"
}

extension RegistryAPI {
    func addTransferRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/transfers") { request, _ in
            let signed: SignedTransfer
            do {
                signed = try TransferRequest.transfer(
                    try Self.parseJSON(try await Self.jsonBody(request)), chainID: store.genesis.chainID)
            } catch let malformed as MalformedRequest {
                throw Problem.malformed(malformed.detail, pointer: malformed.pointer)
            }
            let entry = Entry.transfer(signed)
            if try !Parameter.wait(request.uri.queryParameters.get("wait")) {
                do { try await settlement.submitWithoutWaiting(entry) } catch let full as IntakeFull {
                    throw Self.full(full)
                }
                return try JSONResponse.make(
                    ReceiptJSON(id: entry.id.hex, status: TransferStatus.pending), status: .accepted)
            }
            let outcome: Outcome
            do { outcome = try await settlement.submit(entry) } catch let full as IntakeFull { throw Self.full(full) }
            switch outcome {
            case .settled(let receipt): return Self.settledResponse(receipt)
            case .rejected(let id, let rejection):
                throw Problem(rejected: rejection.code, PublicRejection.detail(rejection.code), id: id.hex)
            case .failed(let id, _, _):
                var problem = Problem(.serviceUnavailable, .notSettled, Self.notSettledDetail(outcome), id: id.hex)
                problem.retryAfterSeconds = 1
                throw problem
            }
        }
        router.post("/v1/transfers/batch") { request, _ in
            let transfers: [SignedTransfer]
            do {
                transfers = try TransferRequest.batch(
                    try Self.parseJSON(try await Self.jsonBody(request)), chainID: store.genesis.chainID)
            } catch let malformed as MalformedRequest {
                throw Problem.malformed(malformed.detail, pointer: malformed.pointer)
            }
            // All or nothing, in request order: a full intake refuses the whole batch (503).
            let outcomes: [Outcome]
            do { outcomes = try await settlement.submitAll(transfers.map(Entry.transfer)) } catch let full as IntakeFull
            { throw Self.full(full) }
            return try Self.results(outcomes) { PublicRejection.detail($0.code) }
        }
        router.get("/v1/transfers/{id}") { request, context in
            guard let text = context.parameters.get("id"), let id = try? Hash32(hex: text) else {
                throw Problem.malformed("id must be 64 hex digits", pointer: "")
            }
            if let stored = try store.entry(id: id), case .transfer = stored.entry,
                let block = try store.block(at: stored.height)
            {
                let proof = try store.inclusionProof(leafIndex: stored.leafIndex, treeSize: block.header.logSize)
                struct View: Encodable {
                    let id: String, status: String, height: UInt64, leaf_index: UInt64, log_size: UInt64, leaf: String,
                        proof: [String]
                }
                return try JSONResponse.make(
                    View(
                        id: id.hex, status: "settled", height: stored.height, leaf_index: stored.leafIndex,
                        log_size: block.header.logSize,
                        leaf: Hex.encode(stored.entry.bytes), proof: proof.map(\.hex)
                    ))
            }
            if await settlement.isPending(id) {
                return try JSONResponse.make(ReceiptJSON(id: id.hex, status: TransferStatus.pending))
            }
            // Audited rejections (attributable ones only): the code for anyone who knows the id,
            // the evidence for regulators.
            if let last = try store.lastRejection(of: id), let code = ReasonCode(rawValue: last.code) {
                let regulator = try caller(request).isRegulator
                return try JSONResponse.make(
                    ReceiptJSON(
                        id: id.hex, status: TransferStatus.rejected, code: code.rawValue,
                        detail: PublicRejection.detail(code),
                        evidence: regulator ? last.message : nil
                    ))
            }
            throw Problem.notFound("transfer \(id.hex)")
        }
    }

    /// `{"results": [...]}`, one per outcome in order; a rejection worded by `detail` (neutral for
    /// holders, the ledger's own words for the registrar).
    static func results(_ outcomes: [Outcome], detail: (Rejection) -> String) throws -> Response {
        struct View: Encodable { let results: [ReceiptJSON] }
        return try JSONResponse.make(View(results: resultsJSON(outcomes, detail: detail)))
    }

    static func resultsJSON(_ outcomes: [Outcome], detail: (Rejection) -> String) -> [ReceiptJSON] {
        outcomes.map { outcome in
            switch outcome {
            case .settled(let receipt): Self.receipt(receipt)
            case .rejected(let id, let rejection):
                ReceiptJSON(
                    id: id.hex, status: TransferStatus.rejected, code: rejection.code.rawValue,
                    detail: detail(rejection))
            case .failed(let id, _, _):
                ReceiptJSON(
                    id: id.hex, status: TransferStatus.notSettled, code: ProblemCode.notSettled.rawValue,
                    detail: Self.notSettledDetail(outcome))
            }
        }
    }

    static func receipt(_ receipt: Receipt) -> ReceiptJSON {
        ReceiptJSON(
            id: receipt.id.hex, status: TransferStatus.settled, height: receipt.height, leaf_index: receipt.leafIndex,
            log_size: receipt.logSize)
    }

    /// The settled receipt's body, written directly: the same bytes as `JSONResponse.make` gives
    /// for `receipt(_:)` (sorted keys, no spaces; every value a number or hex, nothing to
    /// escape), without JSONEncoder's boxes, which were 1.3 % of the server's samples at 64
    /// connections (issue 13). `ReceiptJSONTests` holds the two equal.
    static func settledBody(_ receipt: Receipt) -> String {
        "{\"height\":\(receipt.height),\"id\":\"\(receipt.id.hex)\",\"leaf_index\":\(receipt.leafIndex),"
            + "\"log_size\":\(receipt.logSize),\"status\":\"\(TransferStatus.settled)\"}"
    }

    static func settledResponse(_ receipt: Receipt) -> Response {
        JSONResponse.make(body: ByteBuffer(string: settledBody(receipt)))
    }

    /// Why a transfer did not settle, without the store's own words (they may name its files).
    static func notSettledDetail(_ outcome: Outcome) -> String {
        outcome.isOpen
            ? "the block could not be made durable, and whether it landed is open until the registry writes again: "
                + "send the same transfer again (a transfer settles once)"
            : "the block could not be made durable; nothing was kept: send the same transfer again"
    }

    static func full(_ error: IntakeFull) -> Problem {
        var problem = Problem(.serviceUnavailable, .intakeFull, error.description)
        problem.retryAfterSeconds = error.retryAfterSeconds
        return problem
    }
}
