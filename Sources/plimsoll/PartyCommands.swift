import ArgumentParser
import Foundation
import PlimsollCore

struct PartyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "party", abstract: "Register and amend parties.",
        subcommands: [Add.self, Amend.self, RenewKYC.self]
    )

    /// `SCHEME:VALUE` texts as identifiers.
    static func identifiers(_ texts: [String]) -> [Party.Identifier] {
        texts.map { text in
            let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            return Party.Identifier(scheme: parts[0], value: parts.count > 1 ? parts[1] : "")
        }
    }

    /// `SCHEME:VALUE` with both parts present.
    static func checkIdentifier(_ text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw ValidationError("identifier must be SCHEME:VALUE with both parts, got \"\(text.prefix(40))\"")
        }
    }

    /// Settles an amendment, re-screens, and prints the receipt with the screening result.
    static func settleAmendment(_ amendment: PartyAmendment, _ options: RegistryOptions) async throws {
        let registry = try await OpenRegistry.forRegistrar(options)
        try await registry.settleScreenAndPrint(
            .amendParty(amendment), subject: .party(amendment.party), json: options.json)
    }

    struct Amend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Amend a party's particulars; the previous values stay in its history, and it is screened again."
        )

        @OptionGroup var options: RegistryOptions
        @Option(help: "Party id.") var party: PartyArgument
        @Option(help: "New full legal name.") var name: String?
        @Option(help: "New ISO 3166-1 alpha-2 country.") var country: CountryArgument?
        @Option(help: "Replace the aliases with these (repeatable).") var alias: [String] = []
        @Flag(help: "Remove every alias.") var clearAliases = false
        @Option(help: "New birth or incorporation date, YYYY-MM-DD.") var born: String?
        @Option(help: "Replace the identifiers with these, SCHEME:VALUE (repeatable).") var identifier: [String] = []

        func validate() throws {
            try Edge.text(name, "--name")
            for text in alias { try Edge.text(text, "--alias") }
            for text in identifier {
                try Edge.text(text, "--identifier")
                try PartyCommand.checkIdentifier(text)
            }
            try Edge.text(born, "--born", max: 10)
            guard !(clearAliases && !alias.isEmpty) else {
                throw ValidationError("--clear-aliases or --alias, not both")
            }
            guard name != nil || country != nil || !alias.isEmpty || clearAliases || born != nil || !identifier.isEmpty
            else {
                throw ValidationError(
                    "give at least one of --name, --country, --alias, --clear-aliases, --born, --identifier")
            }
        }

        func run() async throws {
            var amendment = PartyAmendment(party: party.id)
            amendment.name = name
            amendment.country = country?.country
            amendment.aliases = clearAliases ? [] : alias.isEmpty ? nil : alias
            amendment.born = born
            amendment.identifiers = identifier.isEmpty ? nil : PartyCommand.identifiers(identifier)
            try await PartyCommand.settleAmendment(amendment, options)
        }
    }

    struct RenewKYC: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kyc-renew",
            abstract: "Renew a party's KYC claim: replaces the claim of the same issuer (kept in the history)."
        )

        @OptionGroup var options: RegistryOptions
        @Option(help: "Party id.") var party: PartyArgument
        @Option(help: "Days the renewed claim is valid, from now.") var days: UInt64 = 365
        @Option(help: "Who vouches for the party.") var issuer = "registrar"

        func validate() throws {
            guard (1...3650).contains(days) else { throw ValidationError("--days is 1 to 3650") }
            try Edge.text(issuer, "--issuer")
        }

        func run() async throws {
            var amendment = PartyAmendment(party: party.id)
            let expires = UInt64(Date().timeIntervalSince1970 * 1000) + days * 86_400_000
            amendment.kycClaim = Party.KYCClaim(issuer: issuer, expiresAtMs: expires)
            try await PartyCommand.settleAmendment(amendment, options)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a person or organization (with a registrar KYC claim valid one year by default)."
        )

        @OptionGroup var options: RegistryOptions
        @Option(help: "person or organization") var kind: Party.Kind
        @Option(help: "Full legal name.") var name: String
        @Option(help: "ISO 3166-1 alpha-2 country.") var country: CountryArgument
        @Option(help: "An alias (repeatable).") var alias: [String] = []
        @Option(help: "Birth or incorporation date, YYYY-MM-DD.") var born: String?
        @Option(help: "An identifier SCHEME:VALUE, e.g. imo-company:5948307 (repeatable).") var identifier: [String] =
            []
        @Option(help: "Days the registrar's KYC claim is valid.") var kycDays: UInt64 = 365

        func validate() throws {
            try Edge.text(name, "--name")
            for text in alias { try Edge.text(text, "--alias") }
            for text in identifier { try Edge.text(text, "--identifier") }
            try Edge.text(born, "--born", max: 10)
            guard alias.count <= Limits.aliasesMax else {
                throw ValidationError("at most \(Limits.aliasesMax) aliases")
            }
            guard identifier.count <= Limits.identifiersMax else {
                throw ValidationError("at most \(Limits.identifiersMax) identifiers")
            }
            for id in identifier { try PartyCommand.checkIdentifier(id) }
            guard kycDays <= 3650 else { throw ValidationError("--kyc-days is at most 3650") }
        }

        func run() async throws {
            let registry = try await OpenRegistry.forRegistrar(options)
            let identifiers = PartyCommand.identifiers(identifier)
            let now = Date().timeIntervalSince1970
            let claims =
                kycDays == 0
                ? []
                : [Party.KYCClaim(issuer: "registrar", expiresAtMs: UInt64((now + Double(kycDays) * 86400) * 1000))]
            let registration = PartyRegistration(
                kind: kind, name: name, aliases: alias, country: country.country, born: born, identifiers: identifiers,
                kycClaims: claims
            )
            let (receipt, screening) = try await registry.settleAndScreen(.registerParty(registration))
            // The new party is the one with these particulars (kind, name, country and date are
            // unique in a registry): another registrar command may have added one since.
            let state = try await registry.state
            let found = state.party(kind: kind, name: name, country: country.country, born: born)
            let id: UInt64 = found.map { $0.party.id.raw } ?? state.counters.nextPartyID - 1
            let status = state.parties[PartyID(id)]?.screening.rawValue
            struct View: Encodable {
                let party: UInt64
                let receipt: ReceiptView
            }
            Output.emit(
                options.json,
                Screened(view: View(party: id, receipt: receipt.view), screening: screening, status: status),
                text: "party \(id)\n\(receipt.line)")
        }
    }
}
