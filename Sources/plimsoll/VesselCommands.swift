import ArgumentParser
import Foundation
import PlimsollCore

struct VesselCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vessel", abstract: "Register and amend vessels.",
        subcommands: [Register.self, Amend.self, Deregister.self, Reopen.self, Charter.self, CharterEnd.self]
    )

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a vessel and fix its number of units.")

        @OptionGroup var options: RegistryOptions
        @Option(
            help: "IMO number, 7 digits with a valid check digit (IMO prefix optional).", transform: AssetArgument.parse
        ) var imo: AssetArgument
        @Option(help: "Vessel name.") var name: String
        @Option(help: "Flag state, ISO 3166-1 alpha-2.") var flag: CountryArgument
        @Option(help: "Ship type.") var type: String = "general cargo"
        @Option(help: "Gross tonnage.") var grossTonnage: UInt32 = 0
        @Option(
            parsing: .unconditional, help: "Total units, fixed for the vessel's life (1 ... \(Limits.vesselUnitsMax)).",
            transform: { try Edge.whole($0, "--units", Edge.units) }
        ) var units: UInt64 = 64
        @Option(help: "Registered owner party.") var owner: PartyArgument
        @Option(help: "Ship manager / ISM company party.") var manager: PartyArgument?
        @Option(help: "Operator party.") var `operator`: PartyArgument?
        @Option(help: "Bareboat charterer party.") var charterer: PartyArgument?

        func validate() throws {
            try Edge.text(name, "--name")
            try Edge.text(type, "--type")
        }

        func run() async throws {
            let registry = try await OpenRegistry.forRegistrar(options)
            let roles = Vessel.Roles(
                owner: owner.id, manager: manager?.id, operator: `operator`?.id, charterer: charterer?.id)
            let registration = VesselRegistration(
                asset: imo.asset, name: name, flag: flag.country, type: type, grossTonnage: grossTonnage, roles: roles,
                units: units
            )
            let (receipt, screening) = try await registry.settleAndScreen(.registerVessel(registration))
            let status = try await registry.state.vessels[imo.asset]?.screening.rawValue
            Output.emit(
                options.json, Screened(view: receipt.view, screening: screening, status: status),
                text: "vessel \(imo.asset) \(units) units\n\(receipt.line)")
        }
    }

    struct Amend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Amend a vessel (name and flag changes are kept in its history).")

        @OptionGroup var options: RegistryOptions
        @Option(help: "IMO number.", transform: AssetArgument.parse) var imo: AssetArgument
        @Option(help: "New name.") var name: String?
        @Option(help: "New flag.") var flag: CountryArgument?
        @Option(help: "New ship type.") var type: String?
        @Option(help: "New gross tonnage.") var grossTonnage: UInt32?
        @Option(help: "New registered owner party.") var owner: PartyArgument?
        @Option(help: "Manager party, or none.") var manager: RoleArgument?
        @Option(help: "Operator party, or none.") var `operator`: RoleArgument?
        @Option(help: "Charterer party, or none.") var charterer: RoleArgument?
        @Option(help: "ISM company party when another than the manager, or none.") var ismCompany: RoleArgument?
        @Option(help: "Classification society, or an empty text to clear it.") var classSociety: String?

        func validate() throws {
            try Edge.text(name, "--name")
            try Edge.text(type, "--type")
            if let classSociety, !classSociety.isEmpty { try Edge.text(classSociety, "--class-society") }
        }

        func run() async throws {
            let registry = try await OpenRegistry.forRegistrar(options)
            var amendment = VesselAmendment(asset: imo.asset)
            amendment.name = name
            amendment.flag = flag?.country
            amendment.type = type
            amendment.grossTonnage = grossTonnage
            amendment.owner = owner?.id
            amendment.manager = manager?.change
            amendment.operator = `operator`?.change
            amendment.charterer = charterer?.change
            // The ISM company and class society are their own entry (0x1a); the rest is 0x06.
            let companies = ismCompany != nil || classSociety != nil
            let particulars =
                name != nil || flag != nil || type != nil || grossTonnage != nil || owner != nil || manager != nil
                || `operator` != nil || charterer != nil
            if companies && particulars { _ = try await registry.settle(.amendVessel(amendment)) }
            let action: RegistrarAction =
                companies
                ? .amendVesselCompanies(imo.asset, ismCompany: ismCompany?.change, classSociety: classSociety)
                : .amendVessel(amendment)
            try await registry.settleScreenAndPrint(action, subject: .vessel(imo.asset), json: options.json)
        }
    }

    struct Deregister: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deregister a vessel; its units can no longer move.")

        @OptionGroup var options: RegistryOptions
        @Option(help: "IMO number.", transform: AssetArgument.parse) var imo: AssetArgument
        @Option(help: "Reason, kept in the log.") var reason: String

        func validate() throws { try Edge.text(reason, "--reason") }

        func run() async throws {
            try await options.settleAndPrint(.deregisterVessel(imo.asset, reason: reason))
        }
    }

    struct Charter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Register a bareboat charter: the charterer (screened like an owner) takes the vessel for a period under another flag."
        )

        @OptionGroup var options: RegistryOptions
        @Option(help: "IMO number.", transform: AssetArgument.parse) var imo: AssetArgument
        @Option(help: "The charterer's party id.") var charterer: PartyArgument
        @Option(help: "First day, YYYY-MM-DD (UTC).") var from: String
        @Option(help: "Last day, YYYY-MM-DD (UTC); the charter ends at its end.") var to: String
        @Option(help: "The bareboat register's flag, ISO 3166-1 alpha-2.") var bareboatFlag: CountryArgument

        static func day(_ text: String, _ option: String) throws -> UInt64 {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            guard text.utf8.count == 10, let date = formatter.date(from: text), date.timeIntervalSince1970 >= 0 else {
                throw ValidationError("\(option) must be a date YYYY-MM-DD")
            }
            return UInt64(date.timeIntervalSince1970) * 1000
        }

        func validate() throws {
            guard try Self.day(from, "--from") <= Self.day(to, "--to") else {
                throw ValidationError("--to must not be before --from")
            }
        }

        func run() async throws {
            let registry = try await OpenRegistry.forRegistrar(options)
            guard let flag = try await registry.state.vessels[imo.asset]?.vessel.flag else {
                throw CLIError("\(imo.asset) is not registered", code: "UNKNOWN_ASSET")
            }
            let charter = BareboatCharter(
                asset: imo.asset, charterer: charterer.id, fromMs: try Self.day(from, "--from"),
                toMs: try Self.day(to, "--to") + 86_400_000, underlyingFlag: flag, bareboatFlag: bareboatFlag.country)
            try await registry.settleScreenAndPrint(
                .registerBareboatCharter(charter), subject: .vessel(imo.asset), json: options.json)
        }
    }

    struct CharterEnd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "charter-end", abstract: "End a vessel's registered bareboat charter.")

        @OptionGroup var options: RegistryOptions
        @Option(help: "IMO number.", transform: AssetArgument.parse) var imo: AssetArgument

        func run() async throws {
            let registry = try await OpenRegistry.forRegistrar(options)
            try await registry.settleScreenAndPrint(.endBareboatCharter(imo.asset), subject: .none, json: options.json)
        }
    }

    struct Reopen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Reopen a vessel closed on the register: the same record comes back, history included (an IMO number is never registered again)."
        )

        @OptionGroup var options: RegistryOptions
        @Option(help: "IMO number.", transform: AssetArgument.parse) var imo: AssetArgument
        @Option(help: "Reason, kept in the log.") var reason: String

        func validate() throws { try Edge.text(reason, "--reason") }

        func run() async throws {
            let registry = try await OpenRegistry.forRegistrar(options)
            try await registry.settleScreenAndPrint(
                .reopenVessel(imo.asset, reason: reason), subject: .vessel(imo.asset), json: options.json)
        }
    }
}

struct OwnCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "own", abstract: "Declare and end ownership links.", subcommands: [Declare.self, End.self]
    )

    struct Declare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Declare that one party owns a share of another.")

        @OptionGroup var options: RegistryOptions
        @Option(help: "Owner party.") var owner: PartyArgument
        @Option(help: "Owned party.") var owned: PartyArgument
        @Option(help: "Share in basis points, 0...10000.") var shareBps: UInt16
        @Option(help: "shareholding, voting, control, nominee or trustee.") var kind: OwnershipLink.Kind = .shareholding
        @Option(help: "SHA-256 of the evidence document, 64 hex.") var evidence: String?
        @Option(help: "Evidence document to hash instead.") var evidenceFile: String?

        func run() async throws {
            let digest: Hash32Argument
            if let evidenceFile {
                digest = try Hash32Argument(file: evidenceFile)
            } else if let evidence, let parsed = Hash32Argument(argument: evidence) {
                digest = parsed
            } else {
                throw CLIError("give --evidence (64 hex) or --evidence-file")
            }
            let registry = try await OpenRegistry.forRegistrar(options)
            let declaration = OwnershipDeclaration(
                owner: owner.id, owned: owned.id, shareBps: shareBps, kind: kind, evidence: digest.hash
            )
            let (receipt, screening) = try await registry.settleAndScreen(.declareOwnership(declaration))
            let link = try await registry.state.counters.nextLinkID - 1
            let status = try await registry.state.parties[owned.id]?.screening.rawValue
            struct View: Encodable {
                let link: UInt64
                let receipt: ReceiptView
            }
            Output.emit(
                options.json,
                Screened(view: View(link: link, receipt: receipt.view), screening: screening, status: status),
                text: "link \(link)\n\(receipt.line)")
        }
    }

    struct End: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End an ownership link at the settling block's time.")

        @OptionGroup var options: RegistryOptions
        @Option(help: "Link id.", transform: { try Edge.whole($0, "--link", Edge.ids) }) var link: UInt64

        func run() async throws {
            let registry = try await OpenRegistry.forRegistrar(options)
            let owned = try await registry.state.links[LinkID(link)]?.owned
            try await registry.settleScreenAndPrint(
                .endOwnership(LinkID(link)), subject: owned.map { .party($0) } ?? .none, json: options.json)
        }
    }
}
