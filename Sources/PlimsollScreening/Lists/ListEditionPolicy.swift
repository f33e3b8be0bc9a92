public import PlimsollCore
import PlimsollCrypto

/// Whether a parsed list edition may replace the adopted one of its source.
///
/// A file that parses can still be the wrong file: a download cut at a record boundary or an
/// export that lost most of its rows. Adopting it would re-screen listed people as clear, so an
/// edition that shrinks by more than `Limits.listShrinkPercentMax` against the adopted edition
/// of the same source is refused unless the registrar says so explicitly.
public enum ListEditionPolicy {
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// - Throws: `Refusal` naming both entry counts when `version` shrinks too far and
    ///   `allowShrink` is false.
    /// - Returns: a notice to log when a shrink beyond the bound was allowed, else nil.
    public static func check(
        _ version: ListVersion, adopted: [ListAdoption], allowShrink: Bool
    ) throws(Refusal) -> String? {
        guard let current = adopted.first(where: { $0.source == version.source }),
            current.contentHash != version.contentHash
        else {
            return nil
        }
        let newCount = UInt64(version.entityCount)
        // Shrinks by more than the bound: new < old * (100 - max) / 100, in integers.
        guard newCount * 100 < current.entityCount * (100 - Limits.listShrinkPercentMax) else { return nil }
        let what =
            "\(version.source) shrinks from \(current.entityCount) to \(newCount) entries "
            + "(more than \(Limits.listShrinkPercentMax)% against the adopted edition \(current.contentHash.hex.prefix(16))…)"
        guard allowShrink else {
            throw Refusal(
                description:
                    "\(what); nothing adopted. If the source really removed them, load it again with --allow-shrink")
        }
        return "allowed by --allow-shrink: \(what)"
    }
}
