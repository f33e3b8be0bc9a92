public import PlimsollCore

/// What a re-screen of a whole registry logs: a screening decision for every party and vessel
/// whose status changed (a registrar's own decision stands until screening finds a block), and a
/// freeze of whatever is now blocked. One plan, made the same way by the CLI and by a serving
/// registry's settlement (DESIGN.md: a new list version re-screens everything).
public struct RescreenPlan: Sendable, Equatable {
    public var actions: [RegistrarAction] = []
    public var recorded: [String] = []
    public var frozen: [String] = []
    public var review: [String] = []

    public init() {}

    /// Evidence of a decision the registrar made (`screen --decide`), as the log records it.
    public static let decisionPrefix = "registrar decision: "

    public static func make(_ screener: Screener, _ state: LedgerState, at time: TimestampMs) -> RescreenPlan {
        var plan = RescreenPlan()
        let (parties, vessels) = screener.screenAll(state, at: time)
        for (id, decision) in parties.sorted(by: { $0.key < $1.key }) {
            guard let record = state.parties[id] else { continue }
            let manual = record.screeningEvidence.hasPrefix(decisionPrefix) && decision.status != .block
            if decision.status != record.screening && !manual {
                plan.actions.append(.recordScreening(id, decision.status, evidence: decision.summary))
                plan.recorded.append("party \(id) \(decision.status.rawValue): \(decision.summary)")
            }
            if decision.status == .block && !record.frozen {
                plan.actions.append(.freeze(.party(id, asset: nil), reason: decision.freezeReason))
                plan.frozen.append("party \(id)")
            }
        }
        for (asset, decision) in vessels.sorted(by: { $0.key < $1.key }) {
            guard let record = state.vessels[asset] else { continue }
            let vessel = record.vessel
            // A vessel's decision is logged like a party's: review holds its transfers until the
            // registrar decides (`screen --vessel --decide`).
            let manual = record.screeningEvidence.hasPrefix(decisionPrefix) && decision.status != .block
            if decision.status != record.screening && !manual && vessel.status != .deregistered {
                plan.actions.append(.recordVesselScreening(asset, decision.status, evidence: decision.summary))
                plan.recorded.append("vessel \(asset) \(decision.status.rawValue): \(decision.summary)")
            }
            if decision.status == .block && vessel.status == .active {
                plan.actions.append(.freeze(.vessel(asset), reason: decision.freezeReason))
                plan.frozen.append("vessel \(asset)")
            } else if decision.status == .review {
                plan.review.append("vessel \(asset): \(decision.summary)")
            }
        }
        return plan
    }

    /// Whether settling `action` can change what screening finds (new parties, links, vessels,
    /// lists or rules), so a re-screen should follow; decisions and freezes cannot.
    public static func changesScreening(_ action: RegistrarAction) -> Bool {
        switch action {
        case .recordScreening, .recordVesselScreening, .freeze, .unfreeze: false
        default: true
        }
    }
}
