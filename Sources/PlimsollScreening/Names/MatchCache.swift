/// The listed tokens a query token leads to, kept across the names of one screening run (a
/// re-screen of every party), bounded. Not shared between tasks: one run, one cache.
public final class MatchCache {
    /// Query tokens kept at most; the cache starts again when full.
    public static let tokensMax = 50_000

    private var known: [[Unicode.Scalar]: [(id: Int32, gain: Double)]] = [:]

    public init() {}

    func hits(_ token: [Unicode.Scalar]) -> [(id: Int32, gain: Double)]? { known[token] }

    func keep(_ token: [Unicode.Scalar], _ hits: [(id: Int32, gain: Double)]) {
        if known.count >= Self.tokensMax { known.removeAll(keepingCapacity: true) }
        known[token] = hits
    }
}
