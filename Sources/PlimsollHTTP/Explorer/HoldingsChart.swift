/// Each holder's units of one vessel over the blocks that changed them, as a step chart: one line
/// per holder, the heights across, the units up. Pure; rendered as inline SVG.
struct HoldingsChart: Sendable {
    struct Series: Sendable {
        let label: String
        /// (height, units after that block), oldest first.
        let points: [(height: UInt64, units: UInt64)]
    }

    let series: [Series]
    let totalUnits: UInt64
    let firstHeight: UInt64
    let lastHeight: UInt64
    /// Labels of the first and last height (their dates).
    let firstLabel: String
    let lastLabel: String

    /// Lines drawn at most (the legend says how many more there are).
    static let seriesMax = 8
    static let width = 640
    static let height = 240
    static let left = 48
    static let bottom = 28
    static let top = 12
    static let right = 12

    func x(_ height: UInt64) -> Int {
        let span = max(1, lastHeight - firstHeight)
        let plot = Self.width - Self.left - Self.right
        return Self.left + Int((height - min(height, firstHeight)) * UInt64(plot) / span)
    }

    func y(_ units: UInt64) -> Int {
        let plot = Self.height - Self.top - Self.bottom
        return Self.top + plot - Int(min(units, totalUnits) * UInt64(plot) / max(1, totalUnits))
    }

    var svg: String {
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(Self.width) \(Self.height)\" width=\"\(Self.width)\" height=\"\(Self.height)\" role=\"img\" aria-labelledby=\"chart-title\">"
        out +=
            "<title id=\"chart-title\">Units held by each holder from height \(firstHeight) to \(lastHeight); the table below gives the figures</title>"
        let baseline = y(0)
        out +=
            "<line class=\"axis\" x1=\"\(Self.left)\" y1=\"\(baseline)\" x2=\"\(Self.width - Self.right)\" y2=\"\(baseline)\"/>"
        out += "<line class=\"axis\" x1=\"\(Self.left)\" y1=\"\(Self.top)\" x2=\"\(Self.left)\" y2=\"\(baseline)\"/>"
        out += "<text class=\"tick\" x=\"4\" y=\"\(y(totalUnits) + 4)\">\(totalUnits)</text>"
        out += "<text class=\"tick\" x=\"4\" y=\"\(baseline + 4)\">0</text>"
        out += "<text class=\"tick\" x=\"\(Self.left)\" y=\"\(Self.height - 8)\">\(HTML.escape(firstLabel))</text>"
        out +=
            "<text class=\"tick\" text-anchor=\"end\" x=\"\(Self.width - Self.right)\" y=\"\(Self.height - 8)\">\(HTML.escape(lastLabel))</text>"
        for (index, line) in series.prefix(Self.seriesMax).enumerated() {
            guard let first = line.points.first else { continue }
            var path = "M \(x(first.height)) \(y(0)) L \(x(first.height)) \(y(first.units))"
            var units = first.units
            for point in line.points.dropFirst() {
                path += " L \(x(point.height)) \(y(units)) L \(x(point.height)) \(y(point.units))"
                units = point.units
            }
            path += " L \(x(lastHeight)) \(y(units))"
            out +=
                "<path class=\"series series-\(index)\" d=\"\(path)\"><title>\(HTML.escape(line.label)): \(units) units now</title></path>"
        }
        return out + "</svg>"
    }
}
