import GRDB
public import PlimsollCore

/// The one door from an unsigned number to an SQLite integer.
///
/// SQLite integers are signed 64-bit, and GRDB's `UInt64` conversion traps on a value above
/// `Int64.max` (release builds too): one such number from a request would end the process. Every
/// number that comes from outside the store (a height, a party id, a leaf index, a time) passes
/// through here and becomes a typed error instead. Numbers the store produces itself (from rows
/// or from the core's counters) are within the range by construction.
enum DatabaseInteger {
    /// - Throws: `StoreError.outOfRange` naming `what` when `value` is above `Limits.storedIntegerMax`.
    static func checked(_ value: UInt64, _ what: String) throws(StoreError) -> Int64 {
        guard value <= Limits.storedIntegerMax, let integer = Int64(exactly: value) else {
            throw StoreError(
                .outOfRange, "\(what) \(value) is above the largest stored integer, \(Limits.storedIntegerMax)")
        }
        return integer
    }
}
