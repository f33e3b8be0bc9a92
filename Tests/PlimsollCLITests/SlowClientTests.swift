import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// No slow or idle client holds the server: under a lowered file limit, with more idle
/// connections than it may hold, a half-sent head and a half-sent body, another client is
/// served within a second, the slow ones are closed by their timeouts, and each closing is logged.
@Suite(.tags(.slow), .timeLimit(.minutes(10)))
struct SlowClientTests {
    /// A blocking TCP client socket on loopback.
    final class Socket {
        let fd: Int32

        init(port: UInt16) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard result == 0 else {
                close(fd)
                throw CLI.CLIMissing()
            }
        }

        deinit { close(fd) }

        func send(_ text: String) {
            let bytes = Array(text.utf8)
            _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }

        /// Reads until the peer closes or `seconds` pass; nil when nothing came and it is still open.
        func read(within seconds: Double) -> (text: String, closed: Bool) {
            var collected: [UInt8] = []
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&poller, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000)))
                guard ready > 0 else { break }
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = recv(fd, &buffer, buffer.count, 0)
                if count <= 0 { return (String(decoding: collected, as: UTF8.self), true) }
                collected += buffer.prefix(count)
            }
            return (String(decoding: collected, as: UTF8.self), false)
        }
    }

    static func get(_ port: UInt16, _ path: String) throws -> (text: String, seconds: Double) {
        let started = Date()
        let client = try Socket(port: port)
        client.send("GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        let answer = client.read(within: 5)
        return (answer.text, Date().timeIntervalSince(started))
    }

    @Test func slowAndIdleClientsDoNotHoldTheServer() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reg = folder.appendingPathComponent("reg").path
        #expect(try CLI.run("init", "--registry", reg, "--name", "Slow Clients").status == 0)
        let port = UInt16(21_000 + Int.random(in: 0..<5_000))
        // A file limit of 256: the server caps itself at 256 - 64 = 192 connections.
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/bin/sh")
        server.arguments = [
            "-c",
            "ulimit -n 256 && exec \"$0\" serve --registry \"$1\" --port \"$2\" --head-timeout 1 --body-timeout 1 --idle-timeout 3",
            try CLI.executable.path, reg, String(port),
        ]
        let log = Pipe()
        server.standardError = log
        server.standardOutput = log
        try server.run()
        defer {
            if server.isRunning {
                kill(server.processIdentifier, SIGTERM)
                server.waitUntilExit()
            }
        }
        var ready = false
        for _ in 0..<100 where !ready {
            Thread.sleep(forTimeInterval: 0.1)
            ready = (try? Self.get(port, "/healthz"))?.text.contains("200 OK") ?? false
        }
        try #require(ready, "the server started")

        let idle = try (0..<300).map { _ in try Socket(port: port) }
        let partialHead = try Socket(port: port)
        partialHead.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        // Answered before its body ended, then finished: the connection must still time out.
        let answeredEarly = try Socket(port: port)
        answeredEarly.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\n\r\n")
        let partialBody = try Socket(port: port)
        partialBody.send(
            "POST /v1/transfers HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"asset\":"
        )
        Thread.sleep(forTimeInterval: 0.2)

        let served = try Self.get(port, "/v1/registry")
        #expect(served.text.hasPrefix("HTTP/1.1 200"), "another client is served: \(served.text.prefix(200))")
        #expect(served.seconds < 1, "within a second (\(served.seconds) s)")

        answeredEarly.send("x")
        #expect(partialHead.read(within: 2.5).closed, "a half-sent head is closed by the head timeout")
        #expect(partialBody.read(within: 2.5).closed, "a half-sent body is closed by the body timeout")
        let stillOpen = idle.filter { !$0.read(within: 0.01).closed }.count
        #expect(stillOpen <= 192, "no more connections than the cap stay open (\(stillOpen))")
        Thread.sleep(forTimeInterval: 3.5)
        let lingering = idle.filter { !$0.read(within: 0.01).closed }.count
        #expect(
            answeredEarly.read(within: 0.5).closed,
            "a request answered before its body ended does not hold its connection")
        #expect(lingering == 0, "idle connections are closed by the idle timeout (\(lingering) left)")
        #expect(try Self.get(port, "/healthz").text.contains("200 OK"), "the server lives")

        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationStatus == 0, "a clean shutdown")
        let output = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(output.contains("at most 192 connections"), "the cap follows the file limit: \(output.prefix(400))")
        #expect(output.contains("request head not complete within 1 s"), "the head timeout is logged")
        #expect(output.contains("request body not complete within 1 s"), "the body timeout is logged")
        #expect(
            output.contains("idle for 3 s") || output.contains("closing the longest-idle"), "idle closings are logged")
    }
}
