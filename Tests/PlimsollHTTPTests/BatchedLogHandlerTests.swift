import Foundation
import Hummingbird
import Logging
import Testing

@testable import PlimsollHTTP

/// Log lines written in batches (`LogLineBatcher`): swift-log's stream format, every line once
/// and in order, a warning on the file before its call returns, a full batch written by the line
/// that fills it, and the access log's milliseconds without Foundation's formatting.
@Suite struct BatchedLogHandlerTests {
    final class LogFile {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plimsoll-log-\(UUID())").path
        let descriptor: Int32

        init() { descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600) }
        deinit {
            close(descriptor)
            unlink(path)
        }
        var lines: [String] {
            (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        }
    }

    @Test func linesKeepSwiftLogsFormatAndOrderAndWarningsGoOutAtOnce() throws {
        let file = LogFile()
        let batcher = LogLineBatcher(descriptor: file.descriptor, interval: .seconds(3_600))
        var logger = Logger(label: "plimsoll.test") { batcher.handler(label: $0) }
        logger[metadataKey: "b.base"] = "1"
        logger.info("first", metadata: ["a.explicit": "x y"])
        logger.info("second")
        #expect(file.lines.count == 0, "info lines wait for the timer or a flush")
        logger.warning("third")
        let lines = file.lines
        #expect(lines.count == 3)
        let pattern =
            #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000 (info|warning) plimsoll\.test:(.*) \[[A-Za-z]+\] (.*)$/#
        let parsed = lines.compactMap { try? pattern.wholeMatch(in: $0) }
        #expect(parsed.count == 3, "\(lines)")
        #expect(parsed.map { String($0.3) } == ["first", "second", "third"])
        #expect(parsed.first.map { String($0.2) } == " a.explicit=x y b.base=1", "metadata sorted by key")
        #expect(parsed.map { String($0.1) } == ["info", "info", "warning"])
    }

    @Test func theTimerWritesInfoLines() async throws {
        let file = LogFile()
        let batcher = LogLineBatcher(descriptor: file.descriptor, interval: .milliseconds(20))
        let logger = Logger(label: "t") { batcher.handler(label: $0) }
        logger.info("waiting")
        var waited = 0
        while file.lines.isEmpty && waited < 100 {
            try await Task.sleep(for: .milliseconds(20))
            waited += 1
        }
        #expect(file.lines.count == 1, "the timer did not write the line within two seconds")
    }

    @Test func theLineThatFillsTheBatchWritesIt() {
        let file = LogFile()
        let batcher = LogLineBatcher(descriptor: file.descriptor, interval: .seconds(3_600))
        let logger = Logger(label: "t") { batcher.handler(label: $0) }
        // Lines of 1,000 to 1,080 bytes: under the capacity after `under` of them, past it after `past`.
        let long = String(repeating: "x", count: 1_000)
        let under = (LogLineBatcher.capacity - 2_000) / 1_080
        let past = LogLineBatcher.capacity / 1_000 + 5
        for index in 0..<under { logger.info("\(index) \(long)") }
        #expect(file.lines.count == 0)
        for index in under..<past { logger.info("\(index) \(long)") }
        let written = file.lines.count
        #expect(written >= under && written <= past, "\(written) of \(past) lines written")
        batcher.flush()
        #expect(file.lines.count == past)
        #expect(file.lines.last?.hasPrefix("20") == true && file.lines.last?.contains(" \(past - 1) x") == true)
    }

    @Test func accessLogMillisecondsHaveTwoDecimalsRoundedDown() {
        #expect(AccessLogMiddleware<BasicRequestContext>.milliseconds(.zero) == "0.00")
        #expect(AccessLogMiddleware<BasicRequestContext>.milliseconds(.microseconds(5_729)) == "5.72")
        #expect(AccessLogMiddleware<BasicRequestContext>.milliseconds(.microseconds(90)) == "0.09")
        #expect(
            AccessLogMiddleware<BasicRequestContext>.milliseconds(.seconds(12) + .microseconds(3_400)) == "12003.40")
        #expect(AccessLogMiddleware<BasicRequestContext>.milliseconds(.nanoseconds(-5)) == "0.00")
    }
}
