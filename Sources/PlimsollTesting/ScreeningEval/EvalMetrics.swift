/// Recall and false alarms of a matcher over the evaluation set.
///
/// A positive counts as found at a threshold when its own listed entity (or another entity with
/// the very form it was made from) scores at least the threshold; a negative is a false alarm
/// when anything scores at least the threshold.
public struct EvalMetrics: Sendable {
    /// One query's outcome: the best score of its target (positives) and the best score of all.
    public struct Outcome: Sendable {
        public let query: EvalQuery
        public let targetScore: Double
        public let topScore: Double
        public init(query: EvalQuery, targetScore: Double, topScore: Double) {
            self.query = query
            self.targetScore = targetScore
            self.topScore = topScore
        }
    }

    public let outcomes: [Outcome]

    public init(outcomes: [Outcome]) { self.outcomes = outcomes }

    public var positives: [Outcome] { outcomes.filter(\.query.positive) }
    public var negatives: [Outcome] { outcomes.filter { !$0.query.positive } }

    /// The lowest threshold whose false-alarm rate is at most `rate`: negatives tied at the
    /// threshold count as alarms.
    public func threshold(falseAlarmRate rate: Double) -> Double {
        let scores = negatives.map(\.topScore).sorted(by: >)
        let allowed = Int((Double(scores.count) * rate).rounded(.down))
        guard allowed < scores.count else { return 0 }
        return scores[allowed].nextUp
    }

    public func recall(at threshold: Double, category: String? = nil) -> Double {
        let pool = positives.filter { category == nil || $0.query.category == category }
        guard !pool.isEmpty else { return 0 }
        return Double(pool.filter { $0.targetScore >= threshold }.count) / Double(pool.count)
    }

    public func falseAlarms(at threshold: Double, category: String? = nil) -> Double {
        let pool = negatives.filter { category == nil || $0.query.category == category }
        guard !pool.isEmpty else { return 0 }
        return Double(pool.filter { $0.topScore >= threshold }.count) / Double(pool.count)
    }

    public var categories: [String] {
        var seen: [String] = []
        for outcome in outcomes where !seen.contains(outcome.query.category) { seen.append(outcome.query.category) }
        return seen
    }
}
