import Foundation
import HTTPTypes
import Hummingbird
import PlimsollCore
import PlimsollCrypto
import PlimsollScreening
import PlimsollSettlement
import PlimsollStore

/// The registrar's door into a running registry: actions signed on the registrar's machine
/// (BIP-340, `plimsoll/registrar/v1`, the sequence in the signed bytes) settle through the same
/// queue as transfers, so registering, freezing or adopting lists needs no downtime.
///
/// The signature is the authentication: only the registrar key can make an entry this route
/// accepts, and the sequence makes each one usable once.
/// What the re-screen after a registrar batch did: the number of actions, one line per decision
/// and per freeze, and any that were refused or not settled.
struct RescreenJSON: Encodable {
    let actions: Int
    let recorded: [String]
    let frozen: [String]
    let refused: [String]
    let not_settled: Int
}

extension RegistryAPI {
    /// Signed registrar entries per request at most: an action with the decisions and freezes of
    /// one re-screen.
    static let registrarEntriesMax = 4096

    /// Lines of a re-screen's decisions, and of its freezes, in one answer at most (the log holds
    /// every one).
    static let rescreenLinesMax = 1000

    func addRegistrarRoutes(to router: Router<BasicRequestContext>) {
        let settlement = self.settlement
        let store = self.store
        let folder = self.folder
        /// `GET /v1/registrar/sequence`: the sequence to sign above, and the chain to sign for.
        router.get("/v1/registrar/sequence") { _, _ in
            struct View: Encodable { let sequence: UInt64, chain_id: String }
            return try JSONResponse.make(
                View(sequence: await settlement.registrarSequence, chain_id: store.genesis.chainID.hex))
        }
        /// `POST /v1/registrar/actions` `{"entries": ["<entry bytes, hex>", ...]}`: settled in
        /// order, all or none queued; one result per entry with the ledger's own code and message
        /// (the registrar is the author: no neutral wording).
        router.post("/v1/registrar/actions") { request, _ in
            guard case .object(let members) = try Self.parseJSON(try await Self.jsonBody(request)),
                members.count == 1, members[0].0 == "entries", case .array(let items) = members[0].1
            else {
                throw Problem.malformed("a JSON object with one member, entries: an array of hex strings", pointer: "")
            }
            guard (1...Self.registrarEntriesMax).contains(items.count) else {
                throw Problem.malformed("1 to \(Self.registrarEntriesMax) entries", pointer: "/entries")
            }
            var entries: [RegistrarEntry] = []
            for (index, item) in items.enumerated() {
                guard case .string(let text) = item, let bytes = try? Hex.decode(text),
                    case .registrar(let entry)? = try? Entry(bytes: bytes)
                else {
                    throw Problem.malformed("a registrar entry's bytes, hex", pointer: "/entries/\(index)")
                }
                entries.append(entry)
            }
            // A list is adopted only when the server holds its files (uploaded, or stored
            // beside it): else its first re-screen would find nothing to screen against. Checked
            // for signed entries only, each list once: hashing a list is not for anyone to ask.
            if let folder {
                let registrar = await settlement.state.registrarKey
                var checked = Set<Hash32>()
                for (index, entry) in entries.enumerated() {
                    if case .adoptList(let adoption) = entry.action,
                        entry.signatureValid(chainID: store.genesis.chainID, registrarKey: registrar),
                        checked.insert(adoption.contentHash).inserted,
                        AdoptedLists.storedList(folder, adoption.contentHash) == nil
                    {
                        throw Problem(
                            .conflict, .listNotStored,
                            "entry \(index) adopts list \(adoption.contentHash.hex), whose files this server does not hold: upload them first (PUT /v1/registrar/lists/\(adoption.contentHash.hex))"
                        )
                    }
                }
            }
            // A signed action refused before stays refused: a refusal does not take the sequence, so
            // after a restart the same bytes would otherwise be taken again (the audit keeps them).
            var outcomes: [Outcome]
            if let (index, earlier) = try entries.enumerated().lazy.compactMap({ index, entry in
                try store.rejections(of: Entry.registrar(entry).id).first.map { (index, $0) }
            }).first {
                let refusal = Rejection(
                    .sequenceReused,
                    "entry \(index) was refused before (\(earlier.code)): a refused registrar action is never taken again; sign a new one"
                )
                outcomes = entries.map { .rejected(id: Entry.registrar($0).id, refusal) }
            } else {
                do { outcomes = try await settlement.submitSignedRegistrar(entries) } catch let full as IntakeFull {
                    throw Self.full(full)
                }
            }
            // A batch that can change what screening finds is followed by a re-screen of the whole
            // registry in settlement, its decisions and freezes settled as one batch, before the
            // answer: the registrar sees what it changed (issue 16, item 2).
            var rescreen: RescreenJSON?
            let settledChange = zip(entries, outcomes).contains { entry, outcome in
                if case .settled = outcome { return RescreenPlan.changesScreening(entry.action) }
                return false
            }
            if settledChange {
                do {
                    if let done = try await settlement.rescreen() {
                        rescreen = RescreenJSON(
                            actions: done.plan.actions.count,
                            recorded: Array(done.plan.recorded.prefix(Self.rescreenLinesMax)),
                            frozen: Array(done.plan.frozen.prefix(Self.rescreenLinesMax)),
                            refused: Outcome.rescreenRefusals(done.outcomes),
                            not_settled: done.outcomes.filter {
                                if case .failed = $0 { return true }
                                return false
                            }.count)
                    }
                } catch let full as IntakeFull {
                    rescreen = RescreenJSON(
                        actions: 0, recorded: [], frozen: [], refused: ["re-screen not queued: \(full.description)"],
                        not_settled: 0)
                }
            }
            struct View: Encodable {
                let results: [ReceiptJSON]
                let rescreen: RescreenJSON?
            }
            return try JSONResponse.make(
                View(results: Self.resultsJSON(outcomes) { $0.message }, rescreen: rescreen))
        }
    }
}
