public import BigInt

/// An exact fraction, for ownership arithmetic that a compliance officer can sign off: 50 % is
/// 50 %, never 49.999999 %, and a share that circulates through a cycle of companies adds up to
/// its exact limit. Numerator and denominator are arbitrary-precision integers (attaswift/BigInt),
/// kept in lowest terms with a positive denominator, so equal values compare equal.
public struct Rational: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let numerator: BigInt
    public let denominator: BigInt

    public static let zero = Rational(0)
    public static let one = Rational(1)

    public init(_ value: Int) {
        numerator = BigInt(value)
        denominator = 1
    }

    public init(_ numerator: BigInt, _ denominator: BigInt) {
        precondition(denominator != 0, "a fraction needs a non-zero denominator")
        let divisor = numerator.greatestCommonDivisor(with: denominator)
        let sign: BigInt = denominator < 0 ? -1 : 1
        self.numerator = sign * numerator / divisor
        self.denominator = sign * denominator / divisor
    }

    /// `numerator / denominator` of machine integers (units of a vessel, basis points).
    public init(_ numerator: UInt64, over denominator: UInt64) { self.init(BigInt(numerator), BigInt(denominator)) }

    /// A share given in basis points (10,000 = the whole).
    public init(bps: Int) { self.init(BigInt(bps), 10_000) }

    public static func + (a: Rational, b: Rational) -> Rational {
        Rational(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator)
    }

    public static func - (a: Rational, b: Rational) -> Rational {
        Rational(a.numerator * b.denominator - b.numerator * a.denominator, a.denominator * b.denominator)
    }

    public static func * (a: Rational, b: Rational) -> Rational {
        Rational(a.numerator * b.numerator, a.denominator * b.denominator)
    }

    public static func / (a: Rational, b: Rational) -> Rational {
        precondition(b.numerator != 0, "division by a zero fraction")
        return Rational(a.numerator * b.denominator, a.denominator * b.numerator)
    }

    public static func += (a: inout Rational, b: Rational) { a = a + b }

    public static func < (a: Rational, b: Rational) -> Bool {
        a.numerator * b.denominator < b.numerator * a.denominator
    }

    public var isZero: Bool { numerator == 0 }

    /// The nearest double, for charts and JSON consumers that want a number; never for a decision.
    public var double: Double {
        let scale = BigInt(1) << 52
        let scaled = (numerator * scale) / denominator
        return Double(scaled) / Double(1 << 52 as Int64)
    }

    /// "30%", "33.33…%" (rounded down to two decimals, marked when not exact): a figure that reads
    /// as exact only when it is.
    public var percentText: String {
        let hundredths = numerator * 10_000 / denominator
        let exact = numerator * 10_000 % denominator == 0
        let whole = hundredths / 100
        let fraction = Int(hundredths % 100)
        let decimals =
            fraction == 0 ? "" : fraction % 10 == 0 ? ".\(fraction / 10)" : ".\(fraction < 10 ? "0" : "")\(fraction)"
        return "\(whole)\(decimals)\(exact ? "" : "…")%"
    }

    /// "3/10": the exact value, as written in evidence and JSON.
    public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }
}
