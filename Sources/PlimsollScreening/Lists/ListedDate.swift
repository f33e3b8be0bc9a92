import Foundation

/// A listed date of birth or incorporation as the years it allows and, when the list gives a
/// day, the day: "18 Feb 1962", "1962-02-18", "circa 1947" (two years either side), "1958 to
/// 1962", "Feb 1962", "1962".
public struct ListedDate: Sendable, Equatable {
    public let years: ClosedRange<Int>
    /// "YYYY-MM-DD" when the list gives a whole date.
    public let day: String?

    static let months = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
        "nov": 11, "dec": 12,
    ]

    public init?(_ text: String) {
        let lower = text.lowercased()
        let numbers = lower.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        let yearsGiven = numbers.filter { (1800...2100).contains($0) }
        guard let first = yearsGiven.first else { return nil }
        if yearsGiven.count >= 2, let low = yearsGiven.min(), let high = yearsGiven.max() {
            // A range ("1958 to 1962", "01 Jan 1934 to 31 Dec 1934"): the years, no day.
            years = low...high
            day = nil
            return
        }
        let circa = lower.contains("circa") || lower.contains("approx") || lower.contains("about")
        years = circa ? (first - 2)...(first + 2) : first...first
        // The month named first in the text (the dictionary's order is not the text's).
        let month = Self.months.compactMap { name, number in
            lower.range(of: name).map { (at: $0.lowerBound, number: number) }
        }.min { $0.at < $1.at }?.number
        let small = numbers.filter { !(1800...2100).contains($0) }
        if lower.count == 10, lower.dropFirst(4).first == "-", numbers.count == 3 {
            day = lower
        } else if !circa, let month, let dayOfMonth = small.first, (1...31).contains(dayOfMonth) {
            day = Self.format(first, month, dayOfMonth)
        } else {
            day = nil
        }
    }

    static func format(_ year: Int, _ month: Int, _ day: Int) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day))"
    }
}
