import Yams

/// The shape of a rules file, checked before it is decoded, so that a mistake is named with its
/// line: an unknown key (a typo would otherwise be ignored, and its rule silently left at the
/// default), a missing key, a version this build does not read, or a value of the wrong type.
enum RulesFileCheck {
    /// Keys of each section; every key is required (a rules file states every rule it applies).
    /// Version 1 files lack the sections version 2 added; they read with their defaults.
    static let sections: [String: [String]] = [
        "": ["version", "name_match", "ownership", "vessels", "control", "opacity", "excluded_countries"],
        "control": ["block_percent", "review_listed_minority"],
        "opacity": ["review_unresolved_percent", "exempt_identifier_schemes"],
        "name_match": ["block_score", "review_score"],
        "ownership": ["block_percent", "review_listed_minority"],
        "vessels": [
            "block_listed_imo", "block_listed_roles", "review_flag_change_days", "review_name_change_days",
            "review_no_natural_person_owner", "review_listed_vessel_name", "flag_hopping_changes",
            "flag_hopping_months",
        ],
    ]

    static func check(_ yaml: String) throws(ScreeningRules.Invalid) {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ScreeningRules.Invalid(description: "rules file is empty")
            }
            root = node
        } catch let invalid as ScreeningRules.Invalid {
            throw invalid
        } catch {
            throw ScreeningRules.Invalid(description: "rules file is not YAML: \(error)")
        }
        guard let top = root.mapping else { throw invalid(root, "the rules file must be a mapping of sections") }
        // The version first: a file for another version is refused for that reason, not for its keys.
        var optional: Set<String> = []
        var optionalInVessels: Set<String> = []
        if let version = top["version"] {
            guard let number = version.int, (1...ScreeningRules.versionCurrent).contains(number) else {
                throw invalid(
                    version, "unknown rules version \(version.string ?? "?"); this build reads versions 1 and 2")
            }
            if number == 1 {
                optional = ["control", "opacity"]
                optionalInVessels = ["review_listed_vessel_name", "flag_hopping_changes", "flag_hopping_months"]
            }
        }
        try keys(top, section: "", at: root, optional: optional)
        for section in ["name_match", "ownership", "vessels", "control", "opacity"] {
            guard let node = top[section] else { continue }
            guard let mapping = node.mapping else { throw invalid(node, "\(section) must be a mapping") }
            try keys(mapping, section: section, at: node, optional: section == "vessels" ? optionalInVessels : [])
        }
        if let countries = top["excluded_countries"], countries.sequence == nil {
            throw invalid(countries, "excluded_countries must be a list such as [KP, IR]")
        }
        if let schemes = top["opacity"]?.mapping?["exempt_identifier_schemes"], schemes.sequence == nil {
            throw invalid(schemes, "exempt_identifier_schemes must be a list such as [stock-exchange-listing, state]")
        }
    }

    private static func keys(
        _ mapping: Node.Mapping, section: String, at node: Node, optional: Set<String> = []
    ) throws(ScreeningRules.Invalid) {
        let known = sections[section]!
        let place = section.isEmpty ? "at the top level" : "in \(section)"
        for (key, _) in mapping {
            guard let name = key.string, known.contains(name) else {
                throw invalid(
                    key, "unknown key '\(key.string ?? "?")' \(place) (known: \(known.joined(separator: ", ")))")
            }
        }
        for name in known where mapping[name] == nil && !optional.contains(name) {
            throw invalid(node, "missing key '\(name)' \(place)")
        }
    }

    /// The line of `path` in the file, for a decoding error that names a coding path.
    static func line(of path: [String], in yaml: String) -> Int? {
        guard var node = try? Yams.compose(yaml: yaml) else { return nil }
        for component in path {
            if let mapping = node.mapping, let child = mapping[component] {
                node = child
            } else if let sequence = node.sequence, let index = Int(component.dropFirst("Index ".count)),
                sequence.indices.contains(index)
            {
                node = sequence[index]
            } else {
                break
            }
        }
        return node.mark?.line
    }

    private static func invalid(_ node: Node, _ message: String) -> ScreeningRules.Invalid {
        ScreeningRules.Invalid(
            description: node.mark.map { "rules file line \($0.line): \(message)" } ?? "rules file: \(message)")
    }
}
