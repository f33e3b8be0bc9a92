import ArgumentParser

@main
struct Plimsoll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plimsoll",
        abstract: "A compliance-first registry for fractional ship ownership.",
        subcommands: [Init.self, Demo.self]
    )
}
