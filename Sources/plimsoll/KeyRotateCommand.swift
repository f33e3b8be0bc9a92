import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore

extension KeyCommand {
    /// `plimsoll key rotate --role registrar|sequencer`: a new key replaces the registrar's or the
    /// sequencer's through a logged entry signed by the old key, the new key and (the entry) the
    /// registrar; `plimsoll verify` follows it. Works on a running server too.
    ///
    /// The new key is written first as `<role>.next.key` beside the registry (where a running
    /// server takes a new sequencer key from) and replaces `<role>.key` only once the rotation
    /// is durable; a rotation cut short is resumed with the same new key by running it again.
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Rotate the registrar's or the sequencer's key (a logged entry, signed by the old and the new key).")

        enum Role: String, ExpressibleByArgument, CaseIterable {
            case registrar, sequencer
        }

        @OptionGroup var options: RegistryOptions
        @Option(help: "registrar or sequencer.") var role: Role
        @Flag(help: "Seal the new key under the passphrase in $PLIMSOLL_KEY_PASSPHRASE (scrypt, AES-GCM).") var seal =
            false

        func run() async throws {
            let folder = options.registryURL
            let genesis = try ReadOnly.store(options).genesis
            let current = folder.appendingPathComponent(
                role == .registrar ? RegistryFolder.registrarKeyName : RegistryFolder.sequencerKeyName)
            let nextURL = folder.appendingPathComponent(
                role == .registrar ? RegistryFolder.nextRegistrarKeyName : RegistryFolder.nextSequencerKeyName)
            // A registry of an earlier release has no sequencer key file: its registrar key signs.
            let old = try KeyFile.read(
                FileManager.default.fileExists(atPath: current.path)
                    ? current : folder.appendingPathComponent(RegistryFolder.registrarKeyName))
            let new: SigningKey
            if FileManager.default.fileExists(atPath: nextURL.path) {
                new = try KeyFile.read(nextURL)
            } else {
                var rng = SystemRandomNumberGenerator()
                new = SigningKey.generate(using: &rng)
                try KeyFile.write(new, to: nextURL, sealed: seal)
            }
            let rotation = KeyRotation.signed(
                chainID: genesis.chainID, role: role == .registrar ? .registrar : .sequencer, old: old, new: new)
            let registry = try await OpenRegistry.forRegistrar(options)
            let receipt = try await registry.settle(
                role == .registrar ? .rotateRegistrarKey(rotation) : .rotateSequencerKey(rotation))
            // Durable: the new key is the one in force.
            guard rename(nextURL.path, current.path) == 0 else {
                throw CLIError(
                    "the rotation settled, but \(nextURL.lastPathComponent) could not replace \(current.lastPathComponent): \(String(cString: strerror(errno))); rename it by hand"
                )
            }
            struct View: Encodable {
                let role: String
                let key: String
                let receipt: ReceiptView
            }
            Output.emit(
                options.json, View(role: role.rawValue, key: new.publicKey.hex, receipt: receipt.view),
                text: "\(role.rawValue)_key \(new.publicKey.hex)\n\(receipt.line)")
        }
    }
}
