import ArgumentParser
import Foundation
import PlimsollCore

struct PartyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "party", abstract: "Register parties.", subcommands: [Add.self]
    )

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
            for id in identifier where !id.contains(":") { throw ValidationError("identifier must be SCHEME:VALUE") }
            guard kycDays <= 3650 else { throw ValidationError("--kyc-days is at most 3650") }
        }

        func run() async throws {
            let registry = try OpenRegistry.open(options)
            let identifiers = identifier.map { text in
                let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
                return Party.Identifier(scheme: parts[0], value: parts.count > 1 ? parts[1] : "")
            }
            let now = Date().timeIntervalSince1970
            let claims =
                kycDays == 0
                ? []
                : [Party.KYCClaim(issuer: "registrar", expiresAtMs: UInt64((now + Double(kycDays) * 86400) * 1000))]
            let registration = PartyRegistration(
                kind: kind, name: name, aliases: alias, country: country.country, born: born, identifiers: identifiers,
                kycClaims: claims
            )
            let receipt = try await registry.settle(.registerParty(registration))
            let screening = try await ScreeningFiles.syncIfAdopted(registry)
            try await ScreeningFiles.report(screening)
            let id = await registry.state.counters.nextPartyID - 1
            let status = await registry.state.parties[PartyID(id)]?.screening.rawValue
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
