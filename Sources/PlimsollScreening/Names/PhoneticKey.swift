/// A romanisation-blind sound key of one folded token: the spellings that systems and habits
/// give one sound meet (ch/j/zh, k/g, t/d, p/b, kh/h, ts/c/tz, hs/x/s, w/v, r/l; vowels in three
/// classes: a/e, i/y, o/u, with eo, eu, ou, oo as u and ee as i; a silent h and doubled letters
/// dropped). "jeong", "chong" and "jung" give one key, as do "hyon", "hyun" and "hyeon", or
/// "mohammed" and "muhammad".
///
/// The key is compared by similarity, never trusted alone: different names can share it.
public enum PhoneticKey {
    public static func of(_ token: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(token.count)
        let t = token
        var i = 0
        func at(_ k: Int) -> Unicode.Scalar? { k < t.count ? t[k] : nil }
        func emit(_ s: Unicode.Scalar) {
            if out.last != s { out.append(s) }
        }
        while i < t.count {
            let c = t[i]
            let n = at(i + 1)
            switch c {
            case "s" where n == "h" && at(i + 2) == "c" && at(i + 3) == "h":
                emit("s")
                i += 4
                continue
            case "s" where n == "c" && at(i + 2) == "h":
                emit("s")
                i += 3
                continue
            case "t" where n == "c" && at(i + 2) == "h":
                emit("j")
                i += 3
                continue
            case "s" where n == "h", "t" where n == "s", "t" where n == "z", "h" where n == "s" && i == 0:
                emit("s")
                i += 2
                continue
            case "c" where n == "h", "z" where n == "h", "d" where n == "j", "d" where n == "z" && at(i + 2) == "h":
                emit("j")
                i += n == "z" ? 3 : 2
                continue
            case "k" where n == "h", "g" where n == "h":
                emit(c == "k" ? "h" : "g")
                i += 2
                continue
            case "p" where n == "h":
                emit("f")
                i += 2
                continue
            case "t" where n == "h", "d" where n == "h":
                emit("d")
                i += 2
                continue
            case "c" where n == "k", "k" where n == "s":
                emit(c == "k" ? "s" : "g")
                i += 2
                continue
            case "e" where n == "o" || n == "u", "o" where n == "u" || n == "o":
                emit("u")
                i += 2
                continue
            case "e" where n == "e":
                emit("i")
                i += 2
                continue
            default: break
            }
            switch c {
            case "a", "e": emit("a")
            case "i", "y": emit("i")
            case "o", "u": emit("u")
            case "k", "g", "q": emit(c == "q" && n == "i" ? "j" : "g")
            case "t", "d": emit("d")
            case "p", "b": emit("b")
            case "w", "v": emit("v")
            case "r", "l": emit("l")
            case "c", "x", "z", "s": emit("s")
            case "j": emit("j")
            case "h":
                // A silent h after a vowel or consonant (Rhee, Ahmad, Mohammed) goes; an initial h stays.
                if out.isEmpty { emit("h") }
            default: emit(c)
            }
            i += 1
        }
        return out
    }
}
