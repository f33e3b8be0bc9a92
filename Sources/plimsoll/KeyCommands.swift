import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto

struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Holder keys.", subcommands: [New.self, Bind.self]
    )

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new 0600 holder key file and print its public key.")

        @Option(help: "Key file to create (never overwritten).") var out: String
        @Option(help: "Also bind the key to this party (needs --registry).") var bind: PartyArgument?
        @OptionGroup var options: RegistryOptions

        func run() async throws {
            var rng = SystemRandomNumberGenerator()
            let key = SigningKey.generate(using: &rng)
            var receipt: ReceiptView?
            if let bind {
                let registry = try OpenRegistry.open(options)
                // Refuse before writing anything: a key file for a binding that cannot settle
                // would be left half-done.
                guard await registry.state.parties[bind.id] != nil else {
                    throw CLIError("rejected UNKNOWN_PARTY: no party \(bind.id)")
                }
                try KeyFile.write(key, to: URL(fileURLWithPath: out))
                receipt = try await registry.settle(.bindKey(key.publicKey, to: bind.id)).view
            } else {
                try KeyFile.write(key, to: URL(fileURLWithPath: out))
            }
            struct View: Encodable {
                let key: String
                let receipt: ReceiptView?
            }
            let text = key.publicKey.hex + (receipt.map { "\nsettled \($0.id) height \($0.height)" } ?? "")
            Output.emit(options.json, View(key: key.publicKey.hex, receipt: receipt), text: text)
        }
    }

    struct Bind: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bind a public key to a party.")

        @OptionGroup var options: RegistryOptions
        @Option(help: "x-only public key, 64 hex.") var key: KeyArgument
        @Option(help: "Party id.") var party: PartyArgument

        func run() async throws {
            try await options.settleAndPrint(.bindKey(key.key, to: party.id))
        }
    }
}
