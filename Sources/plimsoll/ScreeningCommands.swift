public import ArgumentParser
import Foundation
public import PlimsollCore
import PlimsollCrypto
public import PlimsollScreening
import PlimsollSettlement
import PlimsollStore

/// The adopted lists of a registry folder (`lists/<content hash>/...`) and its rules file.
enum ScreeningFiles {
    static func listsFolder(_ registry: URL) -> URL { AdoptedLists.listsFolder(registry) }
    static func rulesFile(_ registry: URL) -> URL { AdoptedLists.rulesFile(registry) }

    /// A screener over the list versions in force, or nil when none is adopted.
    static func screener(_ registry: URL, state: LedgerState) throws -> Screener? {
        try AdoptedLists.screener(registry, state: state)
    }

    struct SyncReport: Encodable {
        var recorded: [String] = []
        var frozen: [String] = []
        var review: [String] = []
        /// Served: re-screen actions the server refused (other than a freeze already in place).
        var refused: [String] = []
    }

    /// Screens every party and vessel and logs what changed: screening decisions, and freezes of
    /// whatever is now blocked (DESIGN.md: a new list version re-screens everything).
    static func sync(_ registry: OpenRegistry, _ screener: Screener) async throws -> SyncReport {
        let plan = RescreenPlan.make(screener, try await registry.state, at: Settlement.wallClockMs())
        let report = SyncReport(recorded: plan.recorded, frozen: plan.frozen, review: plan.review)
        let actions = plan.actions
        // Every action is sent; a freeze that another command made meanwhile is no failure, any
        // other refusal is reported after all the others have settled.
        let refused = Outcome.rescreenRefusals(try await registry.settleAll(actions))
        if !refused.isEmpty {
            throw CLIError(
                "re-screen: \(actions.count - refused.count) of \(actions.count) actions settled; refused: "
                    + refused.prefix(5).joined(separator: "; "))
        }
        return report
    }

    /// Tells the registrar on stderr what a re-screen changed (stdout stays the command's answer).
    static func report(_ report: SyncReport?) async throws {
        guard let report else { return }
        for line in report.recorded.map({ "screening: recorded \($0)" })
            + report.frozen.map({ "screening: frozen \($0)" })
        {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// Stores each parsed list (in the registry's `lists/<content hash>/` folder, or uploaded to
    /// the running server) and logs its adoption; a version already in force is left alone.
    /// Returns one line per list.
    static func adopt(
        _ registry: OpenRegistry, _ loaded: [(URL, ListVersion)], allowShrink: Bool
    ) async throws -> [String] {
        var adopted: [String] = []
        for (url, version) in loaded {
            try await registry.storeList(url, version, allowShrink: allowShrink)
            let adoption = ListAdoption(
                source: version.source, format: version.format, contentHash: version.contentHash,
                entityCount: UInt64(version.entityCount)
            )
            if try await registry.state.counters.lists.contains(adoption) {
                adopted.append("\(version.source) \(version.contentHash.hex.prefix(16))… already in force")
                continue
            }
            _ = try await registry.settle(.adoptList(adoption))
            adopted.append(
                "\(version.source) \(version.format) \(version.entityCount) entries, content \(version.contentHash.hex.prefix(16))…"
            )
        }
        return adopted
    }

    /// After a registrar change: screen again with the lists in force, if any.
    /// Served, the server re-screens after each batch that changes what screening finds (in its
    /// settlement): its report. When none ran (a rules file changed, nothing else), the CLI
    /// re-screens and sends the decisions through the server as before.
    static func syncIfAdopted(_ registry: OpenRegistry) async throws -> SyncReport? {
        if let report = registry.serverRescreen {
            if !report.refused.isEmpty {
                throw CLIError("the server's re-screen: refused " + report.refused.prefix(5).joined(separator: "; "))
            }
            return report
        }
        guard let screener = try screener(registry.folder, state: try await registry.state) else { return nil }
        return try await sync(registry, screener)
    }
}

struct ListsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lists", abstract: "Sanctions lists.", subcommands: [Load.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Adopt list versions (OFAC folder, UN XML, FtM JSON lines) and re-screen every party and vessel."
        )

        @OptionGroup var options: RegistryOptions
        @Argument(help: "List files or OFAC folders.") var paths: [String]
        @Option(help: "A rules file (YAML) to use from now on.") var rules: String?
        @Flag(
            help:
                "Adopt an edition that shrinks by more than \(Limits.listShrinkPercentMax)% against the adopted one (logged)."
        )
        var allowShrink = false

        func run() async throws {
            // Parse everything first: a broken file adopts nothing and the previous versions stay in force.
            var loaded: [(URL, ListVersion)] = []
            for path in paths {
                let url = URL(fileURLWithPath: path)
                do { loaded.append((url, try ListLoader.load(url).0)) } catch {
                    throw CLIError("list refused, nothing adopted: \(error)")
                }
            }
            var rulesText: String?
            if let rules {
                guard let data = FileManager.default.contents(atPath: rules) else {
                    throw CLIError("cannot read \(rules)")
                }
                rulesText = String(decoding: data, as: UTF8.self)
                _ = try ScreeningRules.parse(yaml: rulesText!)
            }
            let registry = try await OpenRegistry.forRegistrar(options)
            // Every edition against the adopted one before anything is adopted: a refusal adopts nothing.
            let adoptedNow = try await registry.state.counters.lists
            for (_, version) in loaded {
                do {
                    if let notice = try ListEditionPolicy.check(version, adopted: adoptedNow, allowShrink: allowShrink)
                    {
                        FileHandle.standardError.write(Data("plimsoll: \(notice)\n".utf8))
                    }
                } catch {
                    throw CLIError("list refused: \(error)")
                }
            }
            if let rulesText { try Data(rulesText.utf8).write(to: ScreeningFiles.rulesFile(registry.folder)) }
            let adopted = try await ScreeningFiles.adopt(registry, loaded, allowShrink: allowShrink)
            let report = try await ScreeningFiles.syncIfAdopted(registry) ?? ScreeningFiles.SyncReport()
            struct View: Encodable {
                let adopted: [String]
                let screening: ScreeningFiles.SyncReport
                let lists_digest: String
            }
            let digest = try await registry.state.listsDigest.hex
            var lines = adopted.map { "adopted \($0)" }
            lines +=
                report.recorded.map { "recorded \($0)" } + report.frozen.map { "frozen \($0)" }
                + report.review.map { "review \($0)" }
            lines.append("lists_digest \(digest)")
            Output.emit(
                options.json, View(adopted: adopted, screening: report, lists_digest: digest),
                text: lines.joined(separator: "\n"))
        }
    }
}

struct Screen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Screen a name against the adopted lists, or explain (and decide) a party's or vessel's screening."
    )

    /// What a registrar decision's evidence starts with (`ScreeningFiles` recognises it).
    static let decisionPrefix = RescreenPlan.decisionPrefix

    @OptionGroup var options: RegistryOptions
    @Option(help: "A name to screen.") var name: String?
    @Option(help: "person, organization, vessel or aircraft.") var kind: ListEntity.Kind?
    @Option(help: "An IMO number (vessel or company), any common form.") var imo: String?
    @Option(help: "Explain this party's decision.") var party: PartyArgument?
    @Option(help: "Explain this vessel's decision.", transform: AssetArgument.parse) var vessel: AssetArgument?
    @Option(help: "With --party or --vessel: record a registrar decision (clear, review or block).")
    var decide: ScreeningStatus?
    @Option(help: "With --decide: the reason, kept in the log.") var reason: String?

    func validate() throws {
        guard [name != nil || imo != nil, party != nil, vessel != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give --name/--imo, --party or --vessel")
        }
        if decide != nil && ((party == nil && vessel == nil) || reason == nil) {
            throw ValidationError("--decide needs --party or --vessel, and --reason")
        }
        if let name, name.utf8.count > Limits.screenQueryBytesMax {
            throw ValidationError("--name is at most \(Limits.screenQueryBytesMax) bytes")
        }
        // The recorded evidence is "registrar decision: " and the reason, within the core's bound.
        try Edge.text(reason, "--reason", max: Limits.evidenceBytesMax - Self.decisionPrefix.utf8.count)
    }

    func run() async throws {
        if let party, let decide, let reason {
            try await options.settleAndPrint(.recordScreening(party.id, decide, evidence: Self.decisionPrefix + reason))
            return
        }
        if let vessel, let decide, let reason {
            try await options.settleAndPrint(
                .recordVesselScreening(vessel.asset, decide, evidence: Self.decisionPrefix + reason))
            return
        }
        let store = try ReadOnly.store(options)
        let (state, _) = try store.loadLedger()
        guard let screener = try ScreeningFiles.screener(options.registryURL, state: state) else {
            throw CLIError("no sanctions list is adopted (plimsoll lists load ...)")
        }
        let now = Settlement.wallClockMs()
        if let party {
            guard let record = state.parties[party.id] else { throw CLIError("no party \(party.id)") }
            let decision = screener.screen(party: party.id, state: state, at: now)
            struct View: Encodable {
                let decision: ScreeningDecision
                let recorded: String
            }
            let lines =
                [
                    "party \(party.id) \(record.party.name): \(decision.status.rawValue) (recorded: \(record.screening.rawValue))"
                ]
                + decision.evidence.map { "  [\($0.status.rawValue)] \($0.rule): \($0.detail)" } + [
                    "  lists \(decision.listsDigest)"
                ]
            Output.emit(
                options.json, View(decision: decision, recorded: record.screening.rawValue),
                text: lines.joined(separator: "\n"))
            return
        }
        if let vessel {
            guard state.vessels[vessel.asset] != nil else { throw CLIError("\(vessel.asset) is not registered") }
            let decision = screener.screen(vessel: vessel.asset, state: state, at: now)
            let recorded = state.vessels[vessel.asset]!.screening.rawValue
            let lines =
                ["vessel \(vessel.asset): \(decision.status.rawValue) (recorded: \(recorded))"]
                + decision.evidence.map { "  [\($0.status.rawValue)] \($0.rule): \($0.detail)" }
            Output.emit(options.json, decision, text: lines.joined(separator: "\n"))
            return
        }
        var matches =
            name.map { screener.index.match(name: $0, kind: kind, threshold: screener.rules.nameMatch.reviewScore) }
            ?? []
        if let imo { matches += screener.index.imoMatches(imo) }
        struct View: Encodable {
            let query: String
            let lists_digest: String
            let matches: [NameMatch]
        }
        let lines =
            ["\(matches.count) match(es)"]
            + matches.prefix(20).map {
                "  \($0.score)  \($0.entityID)  \($0.listedName)  [\($0.programmes.joined(separator: ", "))]  \($0.evidence)"
            }
        Output.emit(
            options.json,
            View(
                query: name ?? imo ?? "", lists_digest: screener.listsDigest.hex,
                matches: Array(matches.prefix(Limits.screenMatchesMax))), text: lines.joined(separator: "\n"))
    }
}

extension ListEntity.Kind: ExpressibleByArgument {}
extension ScreeningStatus: ExpressibleByArgument {}
