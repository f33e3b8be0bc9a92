import Foundation
import PlimsollScreening
import PlimsollTesting
import Testing

/// The screening evaluation set is rebuilt byte for byte from the carried lists and its seed, and
/// its measures count what they say.
struct EvalSetTests {
    static var committed: URL {
        SanctionsData.root.deletingLastPathComponent().appendingPathComponent("screening-eval/queries.jsonl")
    }

    @Test func theCommittedSetIsWhatTheGeneratorBuilds() throws {
        let rebuilt = EvalSetGenerator.generate(entities: SanctionsData.ofac + SanctionsData.un, seed: 14)
        let committed = try Data(contentsOf: Self.committed)
        #expect(try EvalSetFile.encode(rebuilt) == committed, "run plimsoll-bench screen-eval --write")
        #expect(try EvalSetFile.read(Self.committed) == rebuilt)
        let positives = rebuilt.filter(\.positive)
        #expect(positives.count == 1050 && rebuilt.count - positives.count == 2000)
        // No negative is a listed form, unless it is the alias that its date of birth tells apart.
        let listed = Set((SanctionsData.ofac + SanctionsData.un).flatMap(\.names).map { $0.lowercased() })
        #expect(
            !rebuilt.contains {
                !$0.positive && $0.category != "alias_other_dob" && listed.contains($0.name.lowercased())
            })
    }

    @Test func recallAndFalseAlarmsAtAThreshold() {
        func query(_ id: Int, _ positive: Bool) -> EvalQuery {
            EvalQuery(id: id, category: positive ? "p" : "n", positive: positive, kind: .person, name: "x\(id)")
        }
        var outcomes: [EvalMetrics.Outcome] = []
        for i in 0..<100 {
            outcomes.append(EvalMetrics.Outcome(query: query(i, false), targetScore: 0, topScore: Double(i) / 100))
        }
        for i in 0..<10 {
            outcomes.append(
                EvalMetrics.Outcome(query: query(100 + i, true), targetScore: 0.95 + Double(i) / 1000, topScore: 1))
        }
        let metrics = EvalMetrics(outcomes: outcomes)
        // One alarm in a hundred allowed: 0.99 alarms, so the threshold lies just above 0.98.
        let threshold = metrics.threshold(falseAlarmRate: 0.01)
        #expect(threshold > 0.98 && threshold < 0.99)
        #expect(metrics.falseAlarms(at: threshold) == 0.01)
        #expect(metrics.recall(at: threshold) == 0)
        #expect(metrics.recall(at: 0.9545) == 0.5)
        #expect(metrics.falseAlarms(at: 0.9545) == 0.04)
    }
}
