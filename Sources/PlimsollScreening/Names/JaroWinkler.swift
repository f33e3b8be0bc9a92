/// Jaro-Winkler similarity of two strings (0...1), on Unicode scalars.
public enum JaroWinkler {
    public static func similarity(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Double {
        if a.isEmpty && b.isEmpty { return 1 }
        if a.isEmpty || b.isEmpty { return 0 }
        if a == b { return 1 }
        let window = max(0, max(a.count, b.count) / 2 - 1)
        // Flags live on the stack: this runs for every candidate of every screened name.
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: a.count + b.count) { flags in
            flags.initialize(repeating: false)
            return jaroWinkler(
                a, b, window: window, aMatched: UnsafeMutableBufferPointer(rebasing: flags[..<a.count]),
                bMatched: UnsafeMutableBufferPointer(rebasing: flags[a.count...]))
        }
    }

    private static func jaroWinkler(
        _ a: [Unicode.Scalar], _ b: [Unicode.Scalar], window: Int, aMatched: UnsafeMutableBufferPointer<Bool>,
        bMatched: UnsafeMutableBufferPointer<Bool>
    ) -> Double {
        var matches = 0
        for i in a.indices {
            let low = max(0, i - window)
            let high = min(b.count - 1, i + window)
            if low > high { continue }
            for j in low...high where !bMatched[j] && a[i] == b[j] {
                aMatched[i] = true
                bMatched[j] = true
                matches += 1
                break
            }
        }
        if matches == 0 { return 0 }
        var transpositions = 0
        var k = 0
        for i in a.indices where aMatched[i] {
            while !bMatched[k] { k += 1 }
            if a[i] != b[k] { transpositions += 1 }
            k += 1
        }
        let m = Double(matches)
        let jaro = (m / Double(a.count) + m / Double(b.count) + (m - Double(transpositions / 2)) / m) / 3
        var prefix = 0
        while prefix < min(4, a.count, b.count), a[prefix] == b[prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }

    public static func similarity(_ a: String, _ b: String) -> Double {
        similarity(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }
}
