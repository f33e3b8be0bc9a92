import ArgumentParser

@main
struct Plimsoll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plimsoll",
        abstract: "A compliance-first registry for fractional ship ownership.",
        subcommands: [
            Init.self, PartyCommand.self, KeyCommand.self, VesselCommand.self, OwnCommand.self, Issue.self,
            TransferCommand.self, SignTransfer.self, Freeze.self, Unfreeze.self, ForceTransfer.self, Rules.self, Log.self, Balance.self,
            CapTable.self, History.self, Owners.self, Export.self, Verify.self, Backup.self, ProofCommand.self, VerifyProof.self,
            ListsCommand.self, Screen.self, Serve.self, TokenCommand.self, Demo.self, Stress.self, Presign.self,
        ]
    )
}
