import Dispatch
public import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Log lines for standard error, written in batches: the server logs one access line per
/// request, and swift-log's `StreamLogHandler` wrote each with its own unbuffered write call,
/// after a `localtime` that looks the time zone file up every time. That was 3 % of the server's
/// samples at 64 connections (issue 13). Lines wait here at most `interval` (a timer writes them)
/// or until `capacity` bytes wait (the line that fills it writes them, so a flood of lines slows
/// its loggers and none is dropped); a warning or worse is written before its call returns, with
/// everything before it. A process killed outright loses at most `interval` of info lines.
public final class LogLineBatcher: Sendable {
    public static let capacity = 512 * 1024
    static let interval = DispatchTimeInterval.milliseconds(100)

    private struct Pending {
        var bytes: [UInt8] = []
        /// The second `stamp` was made for, and the stamp (UTC, `2026-12-04T20:01:57+0000`).
        var second = -1
        var stamp = ""
    }

    private let pending = Mutex(Pending())
    /// Held while a batch is taken and written, so batches reach the file in order.
    private let writing = Mutex(())
    private let descriptor: Int32
    /// Only touched at start and end; a lock because Dispatch's sources are not `Sendable`.
    private let timer = Mutex<(any DispatchSourceTimer)?>(nil)

    /// Lines for `descriptor` (standard error by default); a timer writes them every `interval`.
    public convenience init(descriptor: Int32 = 2) { self.init(descriptor: descriptor, interval: Self.interval) }

    init(descriptor: Int32, interval: DispatchTimeInterval) {
        self.descriptor = descriptor
        timer.withLock { slot in
            let source = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "plimsoll.log-lines"))
            source.schedule(deadline: .now() + interval, repeating: interval)
            source.setEventHandler { [weak self] in self?.flush() }
            source.activate()
            slot = source
        }
    }

    deinit {
        timer.withLock { $0?.cancel() }
        flush()
    }

    /// A handler for `label` (what `LoggingSystem.bootstrap` asks for).
    public func handler(label: String) -> BatchedLogHandler {
        BatchedLogHandler(label: label, batcher: self)
    }

    func append(level: Logger.Level, _ line: (String) -> String) {
        let full = pending.withLock { pending in
            let now = time(nil)
            if now != pending.second {
                pending.second = now
                pending.stamp = Self.stamp(now)
            }
            pending.bytes.append(contentsOf: line(pending.stamp).utf8)
            return pending.bytes.count >= Self.capacity
        }
        if full || level >= .warning { flush() }
    }

    /// Writes every line waiting, in order.
    public func flush() {
        writing.withLock { _ in
            let bytes = pending.withLock { pending in
                defer { pending.bytes.removeAll(keepingCapacity: true) }
                return pending.bytes
            }
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    // Nowhere to say that standard error failed: the lines are dropped, not retried
                    // forever.
                    guard written > 0 else { return }
                    offset += written
                }
            }
        }
    }

    static func stamp(_ seconds: time_t) -> String {
        var seconds = seconds
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))+0000"
    }
}

/// swift-log's stream format (`<time> <level> <label>: <key=value ...> [<source>] <message>`,
/// metadata sorted by key), into a `LogLineBatcher`.
public struct BatchedLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider
    let label: String
    let batcher: LogLineBatcher

    init(label: String, batcher: LogLineBatcher) {
        self.label = label
        self.batcher = batcher
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        var fields = ""
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            fields += " \(key)=\(value)"
        }
        let label = label.isEmpty ? "" : " \(label)"
        let text = "\(event.level)\(label):\(fields) [\(event.source)] \(event.message)\n"
        batcher.append(level: event.level) { stamp in "\(stamp) \(text)" }
    }
}
