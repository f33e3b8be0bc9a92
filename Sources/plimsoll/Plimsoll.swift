import ArgumentParser

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
            TransferCommand.self, SignTransfer.self, Freeze.self, Unfreeze.self, ForceTransfer.self, Rules.self,
            Log.self, Balance.self,
            CapTable.self, History.self, Owners.self, Export.self, Verify.self, Backup.self, ProofCommand.self,
            VerifyProof.self,
            ListsCommand.self, Screen.self, Serve.self, TokenCommand.self, Demo.self, Check.self,
        ]
    )

    /// Everything the CLI creates (the database, its WAL and shm, backups, exports, key files) is
    /// for its owner alone: files 0600 and folders 0700, whatever the shell's umask.
    static func main() async {
        umask(0o077)
        await main(nil)
    }
}
