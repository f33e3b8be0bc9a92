import ArgumentParser
import Foundation

/// Options every registry command shares (STYLE.md: `@OptionGroup`).
struct RegistryOptions: ParsableArguments {
    @Option(name: .long, help: "Registry folder (default: $PLIMSOLL_REGISTRY or ./registry).")
    var registry: String?

    @Flag(name: .long, help: "Print machine-readable JSON.")
    var json = false

    @Option(
        name: .long,
        help:
            "A running server of this registry for registrar commands (default: the address plimsoll serve records in the registry folder)."
    )
    var server: String?

    var registryURL: URL {
        let path = registry ?? ProcessInfo.processInfo.environment["PLIMSOLL_REGISTRY"] ?? "registry"
        return URL(fileURLWithPath: path, isDirectory: true)
    }
}
