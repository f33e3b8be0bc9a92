import Dispatch
import Foundation
import Synchronization

/// Timing helpers: each figure is the median of several runs of a fixed amount of work.
enum Measure {
    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    static func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func secondsAsync(_ body: () async throws -> Void) async rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try await body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Operations per second of `body(i)` over `count` items, on one thread.
    static func rate(count: Int, runs: Int = 3, _ body: (Int) -> Void) -> Double {
        median((0..<runs).map { _ in Double(count) / seconds { for index in 0..<count { body(index) } } })
    }

    /// Operations per second of `body(i)` over `count` items, spread over every core.
    static func parallelRate(count: Int, runs: Int = 3, _ body: @Sendable (Int) -> Void) -> Double {
        median((0..<runs).map { _ in Double(count) / seconds { inParallel(count: count, body) } })
    }

    /// `transform(i)` for every i in 0..<count, computed over every core, in index order
    /// (signing and key derivation for benchmark set-ups).
    static func parallelMap<T: Sendable>(count: Int, _ transform: @Sendable (Int) -> T) -> [T] {
        let results = Mutex<[T?]>(Array(repeating: nil, count: count))
        inParallel(count: count) { index in
            let value = transform(index)
            results.withLock { $0[index] = value }
        }
        return results.withLock { $0.map { $0! } }
    }

    /// `body(i)` for every i in 0..<count, one contiguous chunk per core.
    private static func inParallel(count: Int, _ body: @Sendable (Int) -> Void) {
        let workers = cores
        let chunk = (count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let start = worker * chunk
            for index in start..<min(count, start + chunk) { body(index) }
        }
    }

    /// Peak resident set size (`VmHWM`) of a process (`self` or a pid), in KiB; nil when unread.
    static func peakRSSKiB(of process: String = "self") -> Int? { statusKiB("VmHWM", of: process) }

    /// Resident set size now (`VmRSS`) of this process, in KiB; nil when unread.
    static func rssKiB() -> Int? { statusKiB("VmRSS", of: "self") }

    /// A KiB field of `/proc/<process>/status`.
    private static func statusKiB(_ field: String, of process: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") })
        else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }

    /// Starts `VmHWM` again from the current RSS (Linux: `5` to `/proc/self/clear_refs`), so a
    /// phase's peak is not the set-up's; false when the kernel refused.
    static func resetPeakRSS() -> Bool {
        (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}

/// One line of a benchmark report.
struct Figure: Encodable {
    let name: String
    let value: Double
    let unit: String
    /// Ratio against a baseline of the same run, where one applies.
    var ratio: Double? = nil
    var baseline: String? = nil
}

extension Figure {
    /// The largest size's ratio over the smallest's, each taken against its own baseline: the
    /// registry-size comparisons of issue 13. Nil with fewer than two sizes.
    static func sizes(_ prefix: String, _ ratios: [(size: Int, ratio: Double)], baseline: String) -> Figure? {
        guard ratios.count > 1, let small = ratios.first, let large = ratios.last else { return nil }
        let value = large.ratio / small.ratio
        return Figure(
            name: "\(prefix)_\(large.size)_vs_\(small.size)", value: value, unit: "x", ratio: value, baseline: baseline)
    }
}

enum Report {
    static func print(_ title: String, _ figures: [Figure], json: Bool) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let object = ["benchmark": title, "cores": "\(Measure.cores)"]
            struct Output: Encodable {
                let meta: [String: String]
                let figures: [Figure]
            }
            let data = try! encoder.encode(Output(meta: object, figures: figures))
            Swift.print(String(decoding: data, as: UTF8.self))
            return
        }
        Swift.print("\(title) (\(Measure.cores) cores)")
        Swift.print(pad("figure", 40) + pad("value", 16) + pad("unit", 12) + "ratio")
        for figure in figures {
            let ratio = figure.ratio.map { String(format: "%.2f x %@", $0, figure.baseline ?? "") } ?? ""
            Swift.print(
                pad(figure.name, 40) + pad(String(format: abs(figure.value) < 10 ? "%.3f" : "%.1f", figure.value), 16)
                    + pad(figure.unit, 12) + ratio)
        }
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
