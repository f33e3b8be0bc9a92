import ArgumentParser

@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plimsoll-bench",
        abstract: "Release-build benchmarks; every figure is printed next to the physical baselines of the same run.",
        subcommands: [
            CryptoBench.self, SettleBench.self, HistoryBench.self, ScreenBench.self, ScreenEvalBench.self,
            SimulateBench.self, StateTreeBench.self, RegistrarBench.self, Stress.self,
            Presign.self, NodeCommand.self,
        ]
    )
}
