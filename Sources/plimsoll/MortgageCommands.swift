import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollStore

/// Mortgages over units of a vessel: register, transfer, discharge, and the mortgagee's consent.
struct MortgageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mortgage", abstract: "Mortgages over units of a vessel, ranked by registration.",
        subcommands: [Register.self, Transfer.self, Discharge.self, Consent.self, List.self]
    )

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a mortgage over units held by a key; its number is its priority.")

        @OptionGroup var options: RegistryOptions
        @Option(help: "Vessel.", transform: AssetArgument.parse) var vessel: AssetArgument
        @Option(help: "The mortgagor's key holding the units, 64 hex.") var key: KeyArgument
        @Option(
            parsing: .unconditional, help: "Units covered.", transform: { try Edge.whole($0, "--units", Edge.units) })
        var units: UInt64
        @Option(help: "The mortgagee's party id.") var mortgagee: PartyArgument
        @Option(help: "The secured amount, as in the deed (e.g. 12000000.00).") var amount: String
        @Option(help: "ISO 4217 currency, e.g. USD.") var currency: String

        func validate() throws {
            try Edge.text(amount, "--amount", max: 64)
            guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw ValidationError("--currency is a three-letter ISO 4217 code")
            }
        }

        func run() async throws {
            let registry = try await OpenRegistry.forRegistrar(options)
            let (receipt, screening) = try await registry.settleAndScreen(
                .registerMortgage(
                    MortgageRegistration(
                        asset: vessel.asset, key: key.key, units: units, mortgagee: mortgagee.id, amount: amount,
                        currency: currency.uppercased())))
            let number = try await (registry.state.vessels[vessel.asset]?.nextMortgageNumber ?? 1) - 1
            struct View: Encodable {
                let mortgage: UInt64
                let receipt: ReceiptView
            }
            Output.emit(
                options.json,
                Screened(view: View(mortgage: number, receipt: receipt.view), screening: screening, status: nil),
                text: "mortgage \(number) of \(vessel.asset)\n\(receipt.line)")
        }
    }

    struct Transfer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a mortgage to another mortgagee.")

        @OptionGroup var options: RegistryOptions
        @Option(help: "Vessel.", transform: AssetArgument.parse) var vessel: AssetArgument
        @Option(
            parsing: .unconditional, help: "Mortgage number.", transform: { try Edge.whole($0, "--number", Edge.ids) })
        var number: UInt64
        @Option(help: "The new mortgagee's party id.") var to: PartyArgument

        func run() async throws {
            let registry = try await OpenRegistry.forRegistrar(options)
            try await registry.settleScreenAndPrint(
                .transferMortgage(vessel.asset, number: number, to: to.id), subject: .none, json: options.json)
        }
    }

    struct Discharge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Discharge a mortgage.")

        @OptionGroup var options: RegistryOptions
        @Option(help: "Vessel.", transform: AssetArgument.parse) var vessel: AssetArgument
        @Option(
            parsing: .unconditional, help: "Mortgage number.", transform: { try Edge.whole($0, "--number", Edge.ids) })
        var number: UInt64

        func run() async throws {
            let registry = try await OpenRegistry.forRegistrar(options)
            try await registry.settleScreenAndPrint(
                .dischargeMortgage(vessel.asset, number: number), subject: .none, json: options.json)
        }
    }

    struct Consent: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Record the mortgagee's consent to release mortgaged units to a receiving key, signed with the mortgagee's key file."
        )

        @OptionGroup var options: RegistryOptions
        @Option(help: "Vessel.", transform: AssetArgument.parse) var vessel: AssetArgument
        @Option(
            parsing: .unconditional, help: "Mortgage number.", transform: { try Edge.whole($0, "--number", Edge.ids) })
        var number: UInt64
        @Option(help: "The receiving key, 64 hex.") var to: KeyArgument
        @Option(
            parsing: .unconditional, help: "Units released.", transform: { try Edge.whole($0, "--units", Edge.units) })
        var units: UInt64
        @Option(help: "Key file of a key bound to the mortgagee.") var mortgageeKey: String

        func run() async throws {
            let signer = try KeyFile.read(URL(fileURLWithPath: mortgageeKey))
            let registry = try await OpenRegistry.forRegistrar(options)
            let state = try await registry.state
            guard let mortgage = state.vessels[vessel.asset]?.mortgages.first(where: { $0.number == number }) else {
                throw CLIError("\(vessel.asset) has no mortgage \(number) in force", code: "UNKNOWN_MORTGAGE")
            }
            // Signed here, as the mortgagee's own tool would: bound to this mortgage and this use.
            let sequence = mortgage.consents + 1
            let message = MortgageConsent.message(
                chainID: state.chainID, asset: vessel.asset, number: number, mortgagor: mortgage.key,
                mortgagee: mortgage.mortgagee, sequence: sequence, to: to.key, units: units)
            let consent = MortgageConsent(
                asset: vessel.asset, number: number, sequence: sequence, to: to.key, units: units,
                mortgageeKey: signer.publicKey, signature: signer.sign(hash: message))
            let receipt = try await registry.settle(.consentToRelease(consent))
            Output.emit(options.json, receipt.view, text: receipt.line)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The mortgages in force on a vessel, by priority.")

        @OptionGroup var options: RegistryOptions
        @Option(help: "Vessel.", transform: AssetArgument.parse) var vessel: AssetArgument

        func run() async throws {
            let store = try ReadOnly.store(options)
            guard let record = try store.vessel(vessel.asset) else {
                throw CLIError("\(vessel.asset) is not registered", code: "UNKNOWN_ASSET")
            }
            let lines =
                ["mortgages of \(vessel.asset): \(record.mortgages.count) in force"]
                + record.mortgages.map {
                    "  \($0.number)  \($0.units) units of \($0.key.hex.prefix(16))…  mortgagee party \($0.mortgagee)  \($0.amount) \($0.currency)"
                        + ($0.consent.map { "  consent: \($0.units) units to \($0.to.hex.prefix(16))…" } ?? "")
                }
            Output.emit(options.json, record.mortgages, text: lines.joined(separator: "\n"))
        }
    }
}
