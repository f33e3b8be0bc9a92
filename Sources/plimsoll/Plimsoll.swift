import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto

#if canImport(Glibc)
import Glibc
#endif

@main
struct Plimsoll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plimsoll",
        abstract: "A compliance-first registry for fractional ship ownership.",
        discussion: """
            Start with `plimsoll demo`: the whole story on a temporary registry, each step with the \
            command that does it. Registrar commands write and take the registry's lock; read \
            commands (cap-table, history, owners, screen, export, backup) work while `serve` runs. \
            Docs/walkthrough.md tells the story; Docs/operations.md how to run a registry.
            """,
        subcommands: [
            Init.self, PartyCommand.self, KeyCommand.self, VesselCommand.self, OwnCommand.self, Issue.self,
            TransferCommand.self, SignTransfer.self, Freeze.self, Unfreeze.self, ForceTransfer.self,
            MortgageCommand.self,
            Rules.self,
            Log.self, Balance.self,
            CapTable.self, History.self, SynopsisCommand.self, Owners.self, Export.self, Verify.self, Backup.self,
            ProofCommand.self,
            VerifyProof.self,
            ListsCommand.self, Screen.self, Serve.self, TokenCommand.self, Demo.self, Check.self,
        ]
    )

    /// Everything the CLI creates (the database, its WAL and shm, backups, exports, key files) is
    /// for its owner alone: files 0600 and folders 0700, whatever the shell's umask.
    static func main() async {
        umask(0o077)
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard arguments.contains("--json") else {
            await main(nil)
            return
        }
        // With --json a script gets a JSON error object on stdout, with a stable code, and a
        // non-zero exit status: never text it would have to scrape from stderr.
        do {
            var command = try parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            let status = exitCode(for: error)
            // --help and other clean exits, and a command that already printed its JSON answer
            // and exits with a status of its own (`check`), end as they would without --json.
            guard status != .success, !(error is ExitCode) else { exit(withError: error) }
            let message = fullMessage(for: error)
            let view = JSONError(error: .init(code: JSONError.code(for: error, message, status), message: message))
            Output.emit(true, view, text: "")
            Foundation.exit(status.rawValue)
        }
    }
}

/// The error object `--json` prints: `{"error":{"code":"FROZEN","message":"..."}}`.
struct JSONError: Encodable {
    struct Body: Encodable {
        let code: String
        let message: String
    }

    let error: Body

    /// The error's own code (a refusal's, a store's, BAD_IMO); USAGE for a command line the
    /// parser refused without one; ERROR otherwise.
    static func code(for error: any Error, _ message: String, _ status: ExitCode) -> String {
        if let error = error as? CLIError, let code = error.code { return code }
        if let error = error as? any CodedError { return error.code.rawValue }
        // A value refused by a transform keeps its code in the parser's message ("...: BAD_IMO: ...").
        var rest = Substring(message)
        while let range = rest.range(of: #"\b[A-Z][A-Z_]{2,}(?=: )"#, options: .regularExpression) {
            if ReasonCode(rawValue: String(rest[range])) != nil { return String(rest[range]) }
            rest = rest[range.upperBound...]
        }
        return status == .validationFailure ? "USAGE" : "ERROR"
    }
}
