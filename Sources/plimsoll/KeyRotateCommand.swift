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
            let store = try ReadOnly.store(options)
            let genesis = store.genesis
            let height = try store.latestHeight()
            let inForce =
                role == .registrar
                ? try store.registrarKey(afterBlock: height) : try store.sequencerKey(afterBlock: height)
            let current = folder.appendingPathComponent(
                role == .registrar ? RegistryFolder.registrarKeyName : RegistryFolder.sequencerKeyName)
            let nextURL = folder.appendingPathComponent(
                role == .registrar ? RegistryFolder.nextRegistrarKeyName : RegistryFolder.nextSequencerKeyName)
            let registrarFile = folder.appendingPathComponent(RegistryFolder.registrarKeyName)
            let sequencerFile = folder.appendingPathComponent(RegistryFolder.sequencerKeyName)
            // A registry of an earlier release has no sequencer key file: its registrar key signs
            // the blocks. Before that key is rotated away as the registrar's, it is kept as the
            // sequencer's (else the registry would lose the key that signs its blocks).
            if !FileManager.default.fileExists(atPath: sequencerFile.path) {
                try KeyFile.copy(registrarFile, to: sequencerFile)
            }
            // A rotation that settled before its rename: only the rename is left.
            if FileManager.default.fileExists(atPath: nextURL.path), try KeyFile.read(nextURL).publicKey == inForce {
                guard rename(nextURL.path, current.path) == 0 else {
                    throw CLIError(
                        "cannot put \(nextURL.lastPathComponent) in place: \(String(cString: strerror(errno)))")
                }
                print("\(role.rawValue)_key \(inForce.hex)\nthe rotation had settled; its key file is now in place")
                return
            }
            let old = try KeyFile.read(current)
            guard old.publicKey == inForce else {
                throw CLIError(
                    "\(current.lastPathComponent) is not the \(role.rawValue) key in force (\(inForce.hex.prefix(16))…)",
                    code: "REGISTRAR_KEY_MISMATCH")
            }
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
