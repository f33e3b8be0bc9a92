import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto

struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Holder keys, and the registry's own keys.",
        subcommands: [New.self, Bind.self, Seal.self, Rotate.self]
    )

    /// Binding a key to a party that cannot trade is allowed (a forced transfer under licence
    /// may need it), but never silent.
    static func warning(binding party: PartyRecord) -> String? {
        let id = party.party.id
        if party.frozen || !party.frozenAssets.isEmpty {
            let scope = party.frozen ? "frozen" : "frozen for \(party.frozenAssets.map(\.text).joined(separator: ", "))"
            return "party \(id) is \(scope): the key is bound, but it cannot send or receive those units until unfrozen"
        }
        switch party.screening {
        case .block: return "party \(id) is blocked by screening: the key is bound, but its transfers will be refused"
        case .review: return "party \(id) is held for review: its transfers wait for the registrar's decision"
        case .clear: return nil
        }
    }

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new 0600 holder key file and print its public key.")

        @Option(help: "Key file to create (never overwritten).") var out: String
        @Option(help: "Also bind the key to this party (needs --registry).") var bind: PartyArgument?
        @Flag(help: "Seal the key under the passphrase in $PLIMSOLL_KEY_PASSPHRASE (scrypt, AES-GCM).") var seal = false
        @OptionGroup var options: RegistryOptions

        func run() async throws {
            var rng = SystemRandomNumberGenerator()
            let key = SigningKey.generate(using: &rng)
            var receipt: ReceiptView?
            var warning: String?
            if let bind {
                let registry = try await OpenRegistry.forRegistrar(options)
                // Refuse before writing anything: a key file for a binding that cannot settle
                // would be left half-done.
                guard let party = try await registry.state.parties[bind.id] else {
                    throw CLIError("rejected UNKNOWN_PARTY: no party \(bind.id)", code: "UNKNOWN_PARTY")
                }
                warning = KeyCommand.warning(binding: party)
                try KeyFile.write(key, to: URL(fileURLWithPath: out), sealed: seal)
                receipt = try await registry.settle(.bindKey(key.publicKey, to: bind.id)).view
            } else {
                try KeyFile.write(key, to: URL(fileURLWithPath: out), sealed: seal)
            }
            if let warning { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            struct View: Encodable {
                let key: String
                let receipt: ReceiptView?
                let warning: String?
            }
            let text = key.publicKey.hex + (receipt.map { "\nsettled \($0.id) height \($0.height)" } ?? "")
            Output.emit(options.json, View(key: key.publicKey.hex, receipt: receipt, warning: warning), text: text)
        }
    }

    /// `plimsoll key seal --file F`: a plain key file sealed in place (the registrar key too).
    struct Seal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seal a plain key file in place under the passphrase in $PLIMSOLL_KEY_PASSPHRASE.")

        @Option(help: "Key file to seal (e.g. <registry>/registrar.key).") var file: String

        func run() async throws {
            let url = URL(fileURLWithPath: file)
            try KeyFile.seal(url)
            print("sealed \(url.path) (scrypt N=2^\(SealedSecret.logN), r=\(SealedSecret.blockSize), AES-256-GCM)")
        }
    }

    struct Bind: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bind a public key to a party.")

        @OptionGroup var options: RegistryOptions
        @Option(help: "x-only public key, 64 hex.") var key: KeyArgument
        @Option(help: "Party id.") var party: PartyArgument

        func run() async throws {
            let registry = try await OpenRegistry.forRegistrar(options)
            let warning = try await registry.state.parties[party.id].flatMap(KeyCommand.warning(binding:))
            let receipt = try await registry.settle(.bindKey(key.key, to: party.id))
            if let warning { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            /// The receipt's fields as before, and `warning` beside them when there is one.
            struct View: Encodable {
                let receipt: ReceiptView
                let warning: String?
                enum Key: String, CodingKey { case warning }
                func encode(to encoder: any Encoder) throws {
                    try receipt.encode(to: encoder)
                    var container = encoder.container(keyedBy: Key.self)
                    try container.encodeIfPresent(warning, forKey: .warning)
                }
            }
            Output.emit(options.json, View(receipt: receipt.view, warning: warning), text: receipt.line)
        }
    }
}
