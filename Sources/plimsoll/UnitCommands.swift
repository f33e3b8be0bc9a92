import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto

struct Issue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Issue units of a vessel to a holder key.")

    @OptionGroup var options: RegistryOptions
    @Option(help: "Vessel, e.g. IMO9176187.", transform: AssetArgument.parse) var vessel: AssetArgument
    @Option(help: "Receiving key, 64 hex.") var to: KeyArgument
    @Option(parsing: .unconditional, help: "Units to issue.", transform: { try Edge.whole($0, "--units", Edge.units) })
    var units: UInt64

    func run() async throws {
        try await options.settleAndPrint(.issue(vessel.asset, to: to.key, units: units))
    }
}

struct TransferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer", abstract: "Sign a transfer with a key file and settle it locally."
    )

    @OptionGroup var options: RegistryOptions
    @Option(help: "Sender's key file.") var key: String
    @Option(help: "Receiving key, 64 hex.") var to: KeyArgument
    @Option(help: "Vessel, e.g. IMO9176187.", transform: AssetArgument.parse) var vessel: AssetArgument
    @Option(
        parsing: .unconditional, help: "Units to move.",
        transform: { try Edge.whole($0, "--amount", Edge.jsonIntegers) }) var amount: UInt64
    @Option(
        parsing: .unconditional, help: "Nonce (default: the sender's last settled nonce + 1).",
        transform: { try Edge.whole($0, "--nonce", Edge.jsonIntegers) }
    ) var nonce: UInt64?
    @Option(
        parsing: .unconditional, help: "Seconds until the transfer expires.",
        transform: { try Edge.whole($0, "--expires-in", Edge.expirySeconds) })
    var expiresIn: UInt64 = 3600

    func validate() throws {
        guard (1...Limits.jsonIntegerMax).contains(amount) else {
            throw ValidationError("--amount must be 1 ... 2^53-1")
        }
        if let nonce, !(1...Limits.jsonIntegerMax).contains(nonce) {
            throw ValidationError("--nonce must be 1 ... 2^53-1")
        }
    }

    func run() async throws {
        let signer = try KeyFile.read(URL(fileURLWithPath: key))
        guard signer.publicKey != to.key else { throw CLIError("sender and receiver are the same key") }
        let registry = try await OpenRegistry.forRegistrar(options)
        let state = try await registry.state
        let transfer = Transfer(
            chainID: state.chainID, asset: vessel.asset, from: signer.publicKey, to: to.key, amount: amount,
            nonce: nonce ?? (state.keys[signer.publicKey]?.lastNonce ?? 0) + 1,
            expiresAt: UInt64(Date().timeIntervalSince1970) + expiresIn
        )
        let receipt = try await registry.settle(.transfer(transfer.signed(by: signer)))
        Output.emit(options.json, receipt.view, text: receipt.line)
    }
}

struct ForceTransfer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move units under a court or authority order, overriding freezes and compliance rules."
    )

    @OptionGroup var options: RegistryOptions
    @Option(help: "Vessel.", transform: AssetArgument.parse) var vessel: AssetArgument
    @Option(help: "Key to take units from.") var from: KeyArgument
    @Option(help: "Key to give units to.") var to: KeyArgument
    @Option(parsing: .unconditional, help: "Units.", transform: { try Edge.whole($0, "--units", Edge.units) })
    var units: UInt64
    @Option(help: "Order reference, kept in the log.") var order: String
    @Option(
        help:
            "Licence or order reference that explicitly allows a receiver blocked by screening or frozen, kept in the log as its own field."
    )
    var licence: String?

    func validate() throws {
        try Edge.text(order, "--order")
        if let licence { try Edge.text(licence, "--licence") }
    }

    func run() async throws {
        let registry = try await OpenRegistry.forRegistrar(options)
        let action = RegistrarAction.forcedTransferOrder(
            vessel.asset, from: from.key, to: to.key, units: units, order: order, licence: licence)
        let receipt = try await registry.settle(action)
        Output.emit(options.json, receipt.view, text: receipt.line)
    }
}

/// Shared options of `freeze` and `unfreeze`.
struct FreezeOptions: ParsableArguments {
    @Option(help: "Party id.") var party: PartyArgument?
    @Option(help: "Key, 64 hex.") var key: KeyArgument?
    @Option(help: "Vessel (alone: the whole vessel).", transform: AssetArgument.parse) var vessel: AssetArgument?
    @Option(help: "Limit a party or key freeze to this vessel.", transform: AssetArgument.parse) var asset:
        AssetArgument?
    @Option(
        parsing: .unconditional, help: "With --key and --asset: only this many units.",
        transform: { try Edge.whole($0, "--units", Edge.units) })
    var units: UInt64?
    @Option(help: "Reason, kept in the log.") var reason: String

    func validate() throws {
        try Edge.text(reason, "--reason")
        let targets = [party != nil, key != nil, vessel != nil].filter { $0 }.count
        guard targets == 1 else { throw ValidationError("give exactly one of --party, --key, --vessel") }
        if units != nil && (key == nil || asset == nil) { throw ValidationError("--units needs --key and --asset") }
        if vessel != nil && asset != nil { throw ValidationError("--asset applies to --party or --key") }
    }

    var target: FreezeTarget {
        if let party { return .party(party.id, asset: asset?.asset) }
        if let key, let units, let asset { return .keyUnits(key.key, asset: asset.asset, units: units) }
        if let key { return .key(key.key, asset: asset?.asset) }
        return .vessel(vessel!.asset)
    }
}

struct Freeze: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Freeze a party, key or vessel, whole or in part.")

    @OptionGroup var options: RegistryOptions
    @OptionGroup var freeze: FreezeOptions

    func run() async throws {
        try await options.settleAndPrint(.freeze(freeze.target, reason: freeze.reason))
    }
}

struct Unfreeze: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Lift a freeze.")

    @OptionGroup var options: RegistryOptions
    @OptionGroup var freeze: FreezeOptions

    func run() async throws {
        try await options.settleAndPrint(.unfreeze(freeze.target, reason: freeze.reason))
    }
}

struct Rules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set the registry's compliance rules (unset options keep their value).")

    @OptionGroup var options: RegistryOptions
    @Option(help: "Most holders per vessel.") var maxHolders: UInt32?
    @Option(help: "Excluded countries, comma separated (empty to clear).") var excludeCountries: String?
    @Option(
        help: "Minimum non-zero holding in units.",
        transform: { try Edge.whole($0, "--min-holding", 0...Limits.vesselUnitsMax) })
    var minHolding: UInt64?
    @Option(help: "Require a valid KYC claim (true/false).") var kycRequired: Bool?

    func run() async throws {
        let registry = try await OpenRegistry.forRegistrar(options)
        var rules = try await registry.state.rules
        if let maxHolders { rules.maxHoldersPerVessel = maxHolders }
        if let minHolding { rules.minimumHolding = minHolding }
        if let kycRequired { rules.kycRequired = kycRequired }
        if let excludeCountries {
            var countries: [Country] = []
            for code in excludeCountries.split(separator: ",") {
                guard let country = CountryArgument(argument: String(code)) else {
                    throw CLIError("bad country \(code)")
                }
                countries.append(country.country)
            }
            rules = ComplianceRules(
                maxHoldersPerVessel: rules.maxHoldersPerVessel, excludedCountries: countries,
                minimumHolding: rules.minimumHolding, kycRequired: rules.kycRequired
            )
        }
        let receipt = try await registry.settle(.setRules(rules))
        Output.emit(options.json, receipt.view, text: receipt.line)
    }
}
