public import Foundation

/// A seeded generator for property tests (argument-parser `Examples/roll/SplitMix64.swift`).
///
/// `PLIMSOLL_SEED` in the environment replaces the seeds a test lists, to replay one run.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }

    /// The seeds a property test runs with: `PLIMSOLL_SEED` if set, else `defaults`.
    public static func seeds(_ defaults: [UInt64]) -> [UInt64] {
        if let text = ProcessInfo.processInfo.environment["PLIMSOLL_SEED"], let seed = UInt64(text) { return [seed] }
        return defaults
    }
}
