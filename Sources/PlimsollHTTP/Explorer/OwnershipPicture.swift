import PlimsollCore

/// The beneficial-ownership graph of a vessel as a picture: parties as nodes in layers above the
/// vessel (holders, then their owners, up to natural persons), shares on the edges, listed and
/// frozen parties marked, the chains that lead to a blocked party highlighted, cycles and
/// undeclared remainders drawn. Pure: the explorer renders it as SVG (`svg`).
struct OwnershipPicture: Sendable {
    enum Kind: String, Sendable { case vessel, person, organization, undeclared }

    struct Node: Sendable, Equatable {
        let id: String
        let label: String
        let sublabel: String
        let kind: Kind
        /// `clear`, `review` or `block` (the recorded screening decision).
        let status: String
        let frozen: Bool
        /// What hovering shows: the screening evidence, or the remainder's reason.
        let detail: String
        var layer: Int
    }

    struct Edge: Sendable, Equatable {
        /// The owner (above) and what it owns (below).
        let from: String
        let to: String
        let label: String
        /// On a chain from the vessel up to a blocked party.
        var highlighted: Bool
        var inCycle: Bool
    }

    /// Nodes drawn at most: a larger structure is cut, and the page says so.
    static let nodesMax = 60

    private(set) var nodes: [Node] = []
    private(set) var edges: [Edge] = []
    private(set) var truncated = false

    /// - Parameters:
    ///   - holders: the vessel's cap table at the time (party, units), largest first.
    ///   - links: every ownership link; those effective at `timeMs` are followed upward.
    ///   - gaps: undeclared remainders of the look-through (party, percent, reason).
    ///   - cycles: ownership cycles the look-through found.
    ///   - roles: the vessel's manager, operator, charterer and ISM company (screened with it):
    ///     drawn with the role on the edge, so a block that a listed manager caused shows its path.
    init(
        vessel: Vessel, status: String = "clear", totalUnits: UInt64, holders: [(party: PartyID, units: UInt64)],
        roles: [(party: PartyID, role: String)] = [], links: [OwnershipLink], parties: [PartyID: PartyRecord],
        gaps: [BeneficialOwnership.Gap], cycles: [[PartyID]], timeMs: TimestampMs
    ) {
        nodes.append(
            Node(
                id: "vessel", label: vessel.name, sublabel: vessel.asset.text, kind: .vessel, status: status,
                frozen: vessel.status == .frozen, detail: "\(vessel.name) (\(vessel.asset.text))", layer: 0))
        for (party, units) in holders where place(party, layer: 1, parties) {
            edges.append(
                Edge(
                    from: Self.id(party), to: "vessel", label: Self.percent(units, of: totalUnits), highlighted: false,
                    inCycle: false))
        }
        for (party, role) in roles where place(party, layer: 1, parties) {
            edges.append(Edge(from: Self.id(party), to: "vessel", label: role, highlighted: false, inCycle: false))
        }
        grow(
            from: holders.map(\.party) + roles.map(\.party), links: links, parties: parties, gaps: gaps, cycles: cycles,
            timeMs: timeMs)
    }

    /// A party and everything that owns it, up to natural persons (the party page's picture).
    init(
        party: PartyID, links: [OwnershipLink], parties: [PartyID: PartyRecord], gaps: [BeneficialOwnership.Gap],
        cycles: [[PartyID]], timeMs: TimestampMs
    ) {
        _ = place(party, layer: 0, parties)
        grow(from: [party], links: links, parties: parties, gaps: gaps, cycles: cycles, timeMs: timeMs)
    }

    private var placed: [PartyID: Int] = [:]

    private mutating func place(_ party: PartyID, layer: Int, _ parties: [PartyID: PartyRecord]) -> Bool {
        if placed[party] != nil { return true }
        guard nodes.count < Self.nodesMax else {
            truncated = true
            return false
        }
        let record = parties[party]
        let name = record?.party.name ?? "party \(party)"
        let kind: Kind = record?.party.kind == .person ? .person : .organization
        let status = record?.screening.rawValue ?? "clear"
        var detail = "\(name), party \(party)"
        if let record, !record.screeningEvidence.isEmpty { detail += ": \(record.screeningEvidence)" }
        nodes.append(
            Node(
                id: Self.id(party), label: name, sublabel: "party \(party) · \(record?.party.country.code ?? "")",
                kind: kind, status: status, frozen: record?.frozen ?? false, detail: detail, layer: layer))
        placed[party] = layer
        return true
    }

    /// Follows the links effective at `timeMs` upward from `start`, layer by layer; then draws
    /// the undeclared remainders, marks cycles and the chains to blocked parties.
    private mutating func grow(
        from start: [PartyID], links: [OwnershipLink], parties: [PartyID: PartyRecord],
        gaps: [BeneficialOwnership.Gap], cycles: [[PartyID]], timeMs: TimestampMs
    ) {
        let effective = links.filter { $0.isEffective(at: timeMs) }
        var frontier = start
        var seen = Set(frontier)
        while !frontier.isEmpty {
            var next: [PartyID] = []
            for owned in frontier {
                let layer = (placed[owned] ?? 0) + 1
                for link in effective where link.owned == owned {
                    guard place(link.owner, layer: layer, parties) else { continue }
                    edges.append(
                        Edge(
                            from: Self.id(link.owner), to: Self.id(owned),
                            label: Self.percent(UInt64(link.shareBps), of: 10_000)
                                + (link.kind == .shareholding ? "" : " \(link.kind.rawValue)"),
                            highlighted: false, inCycle: false))
                    if seen.insert(link.owner).inserted { next.append(link.owner) }
                }
            }
            frontier = next
        }
        for gap in gaps where placed[gap.party] != nil && nodes.count < Self.nodesMax {
            let id = "gap-\(gap.party.raw)-\(nodes.count)"
            nodes.append(
                Node(
                    id: id, label: "undeclared \(gap.percent)", sublabel: gap.reason.rawValue, kind: .undeclared,
                    status: "review", frozen: false,
                    detail:
                        "\(gap.percent) behind party \(gap.party) resolves to no natural person (\(gap.reason.rawValue))",
                    layer: placed[gap.party]! + 1))
            edges.append(Edge(from: id, to: Self.id(gap.party), label: "", highlighted: false, inCycle: false))
        }
        markCycles(cycles)
        markChainsToBlocked()
    }

    static func id(_ party: PartyID) -> String { "p\(party.raw)" }

    static func percent(_ part: UInt64, of whole: UInt64) -> String {
        guard whole > 0 else { return "" }
        let tenths = (part * 1000 + whole / 2) / whole
        return tenths % 10 == 0 ? "\(tenths / 10)%" : "\(tenths / 10).\(tenths % 10)%"
    }

    private mutating func markCycles(_ cycles: [[PartyID]]) {
        for cycle in cycles where cycle.count > 1 {
            let ids = cycle.map(Self.id)
            for index in edges.indices {
                if let at = ids.firstIndex(of: edges[index].to),
                    ids[(at + 1) % ids.count] == edges[index].from
                        || ids.contains(edges[index].from) && ids.contains(edges[index].to)
                {
                    edges[index].inCycle = true
                }
            }
        }
    }

    /// An edge is highlighted when its owner is blocked or owned, through any chain, by a
    /// blocked party: the path that made screening block the vessel.
    private mutating func markChainsToBlocked() {
        var leads = Set(nodes.filter { $0.status == "block" }.map(\.id))
        var changed = true
        while changed {
            changed = false
            for edge in edges where leads.contains(edge.from) && !leads.contains(edge.to) {
                leads.insert(edge.to)
                changed = true
            }
        }
        for index in edges.indices where leads.contains(edges[index].from) {
            edges[index].highlighted = true
        }
    }

    // MARK: Layout and SVG

    static let boxWidth = 220
    static let boxHeight = 48
    static let columnGap = 24
    static let rowGap = 72
    static let margin = 16

    /// Each node's top-left corner: layers from the top (the highest owners) down to the vessel,
    /// each layer ordered by where what it owns sits, so edges cross little.
    func positions() -> [String: (x: Int, y: Int)] {
        let top = nodes.map(\.layer).max() ?? 0
        var order: [String: Double] = [:]
        var result: [String: (x: Int, y: Int)] = [:]
        let width = width
        for layer in 0...top {
            var row = nodes.filter { $0.layer == layer }
            row.sort { a, b in
                let (pa, pb) = (anchor(a.id, order), anchor(b.id, order))
                return pa != pb ? pa < pb : a.id < b.id
            }
            let rowWidth = row.count * Self.boxWidth + max(0, row.count - 1) * Self.columnGap
            let start = (width - rowWidth) / 2
            for (index, node) in row.enumerated() {
                let x = start + index * (Self.boxWidth + Self.columnGap)
                result[node.id] = (x, Self.margin + (top - layer) * (Self.boxHeight + Self.rowGap))
                order[node.id] = Double(x)
            }
        }
        return result
    }

    /// The mean position of what a node owns, already placed below it.
    private func anchor(_ id: String, _ order: [String: Double]) -> Double {
        let below = edges.filter { $0.from == id }.compactMap { order[$0.to] }
        return below.isEmpty ? 0 : below.reduce(0, +) / Double(below.count)
    }

    var width: Int {
        let widest = Dictionary(grouping: nodes, by: \.layer).values.map(\.count).max() ?? 1
        return 2 * Self.margin + widest * Self.boxWidth + max(0, widest - 1) * Self.columnGap
    }

    var height: Int {
        let layers = (nodes.map(\.layer).max() ?? 0) + 1
        return 2 * Self.margin + layers * Self.boxHeight + (layers - 1) * Self.rowGap
    }

    /// The picture as an inline SVG element: classes carry the look (explorer.css), `<title>`
    /// elements the hover text, and the element's own title and description say what it shows.
    var svg: String {
        let at = positions()
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-labelledby=\"graph-title graph-desc\">"
        out += "<title id=\"graph-title\">Beneficial ownership of \(HTML.escape(nodes[0].label))</title>"
        out +=
            "<desc id=\"graph-desc\">\(nodes.count - 1) parties above \(HTML.escape(nodes[0].label)); \(edges.filter(\.highlighted).count) links lead to a blocked party. The table below lists every party and link.</desc>"
        out +=
            "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" class=\"arrowhead\"/></marker></defs>"
        for edge in edges {
            guard let from = at[edge.from], let to = at[edge.to] else { continue }
            let (x1, y1) = (from.x + Self.boxWidth / 2, from.y + Self.boxHeight)
            let (x2, y2) = (to.x + Self.boxWidth / 2, to.y)
            var classes = ["edge"]
            if edge.highlighted { classes.append("highlighted") }
            if edge.inCycle { classes.append("cycle") }
            out +=
                "<g class=\"\(classes.joined(separator: " "))\" data-from=\"\(edge.from)\" data-to=\"\(edge.to)\"><line x1=\"\(x1)\" y1=\"\(y1)\" x2=\"\(x2)\" y2=\"\(y2)\" marker-end=\"url(#arrow)\"/>"
            if !edge.label.isEmpty {
                out +=
                    "<text class=\"edge-label\" x=\"\((x1 + x2) / 2 + 4)\" y=\"\((y1 + y2) / 2)\">\(HTML.escape(edge.label))\(edge.inCycle ? " (cycle)" : "")</text>"
            }
            out += "</g>"
        }
        for node in nodes {
            guard let p = at[node.id] else { continue }
            var classes = ["node", node.kind.rawValue, node.status]
            if node.frozen { classes.append("frozen") }
            out +=
                "<g class=\"\(classes.joined(separator: " "))\" id=\"node-\(node.id)\" data-status=\"\(node.status)\"><title>\(HTML.escape(node.detail))</title>"
            out +=
                "<rect x=\"\(p.x)\" y=\"\(p.y)\" width=\"\(Self.boxWidth)\" height=\"\(Self.boxHeight)\" rx=\"6\"/>"
            let marks = (node.status == "block" ? " ⚠" : "") + (node.frozen ? " ❄" : "")
            let room = 25 - marks.count
            let label = node.label.count > room ? String(node.label.prefix(room - 1)) + "…" : node.label
            out +=
                "<text class=\"label\" x=\"\(p.x + 8)\" y=\"\(p.y + 20)\">\(HTML.escape(label))\(marks)</text>"
            out +=
                "<text class=\"sublabel\" x=\"\(p.x + 8)\" y=\"\(p.y + 38)\">\(HTML.escape(String(node.sublabel.prefix(30))))</text></g>"
        }
        return out + "</svg>"
    }
}

/// HTML escaping for text the explorer writes outside templates (SVG).
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
