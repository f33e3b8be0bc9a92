import Foundation
import PlimsollCore
import Testing

/// Reason codes are public API, and Docs/domain.md is where a client looks them up: every code
/// must have its row there, so a new code cannot ship undocumented.
struct ReasonCodeDocsTests {
    @Test func everyReasonCodeHasARowInTheDomainDocs() throws {
        let docs = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Docs/domain.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let rows = Set(
            text.split(separator: "\n").filter { $0.hasPrefix("| `") }.compactMap { line in
                line.split(separator: "`").dropFirst().first.map(String.init)
            })
        #expect(ReasonCode.allCases.count == 30)
        for code in ReasonCode.allCases {
            #expect(rows.contains(code.rawValue), "Docs/domain.md has no row for \(code.rawValue)")
        }
    }
}
