import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `plimsoll` executable as a child process.
enum CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static var executable: URL {
        get throws { try tool("plimsoll") }
    }

    /// A product built next to the test bundle: `plimsoll`, or `plimsoll-bench` for the load
    /// generators (`stress`, `presign`), which the shipped binary does not carry.
    static func tool(_ name: String) throws -> URL {
        let dir = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw CLIMissing()
    }

    struct CLIMissing: Error, CustomStringConvertible {
        var description: String { "the plimsoll executable was not built next to the test bundle" }
    }

    static func process(
        _ arguments: [String], environment: [String: String] = [:], tool name: String = "plimsoll"
    ) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = try tool(name)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        return (process, out, err)
    }

    @discardableResult
    static func run(_ arguments: String...) throws -> Result { try run(arguments) }

    static func run(_ arguments: [String], tool name: String = "plimsoll") throws -> Result {
        let (process, out, err) = try process(arguments, tool: name)
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self)
        )
    }

    /// A TCP port the kernel just handed out and that nothing listens on: tests that start servers
    /// at once never pick the same one (a fixed range by process id could).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CLIToolError("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw CLIToolError("bind failed") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw CLIToolError("getsockname failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts `plimsoll serve` on a free port (its logs to /dev/null, so no unread pipe can stall
    /// it) and returns once `/healthz` answers; the caller terminates it.
    static func serve(registry: String) async throws -> (server: Process, base: URL) {
        let port = try freePort()
        let (server, _, _) = try process(["serve", "--registry", registry, "--port", String(port)])
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        let base = URL(string: "http://127.0.0.1:\(port)")!
        for _ in 0..<100 {
            if (try? await URLSession.shared.data(from: base.appendingPathComponent("healthz"))) != nil {
                return (server, base)
            }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        server.terminate()
        throw CLIToolError("serve did not come up on port \(port)")
    }

    /// POSTs a JSON body (a signed transfer from `sign-transfer`) and returns the status and the
    /// answer's text.
    static func post(_ json: String, to url: URL, session: URLSession = .shared) async throws -> (Int, String) {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        request.httpBody = Data(json.utf8)
        let (answer, response) = try await session.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: answer, as: UTF8.self))
    }

    struct CLIToolError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// A registry folder `reg` in a fresh temporary folder, removed when the value goes: `run`
    /// passes `--registry` and expects success.
    final class Folder {
        let url: URL
        let reg: String

        init() throws {
            url = try CLI.temporaryFolder()
            reg = url.appendingPathComponent("reg").path
        }

        deinit { try? FileManager.default.removeItem(at: url) }

        func path(_ name: String) -> String { url.appendingPathComponent(name).path }

        @discardableResult
        func run(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
            let result = try CLI.run(arguments + ["--registry", reg])
            #expect(
                result.status == 0, "\(arguments.joined(separator: " ")): \(result.stderr)",
                sourceLocation: sourceLocation)
            return result
        }
    }

    /// A registry named `name` whose one owner key holds 64 units of IMO9176187: what the proof
    /// commands' tests prove. Returns the folder and the key (hex).
    static func registryWithOneHolder(named name: String) throws -> (folder: Folder, key: String) {
        let folder = try Folder()
        let made = try CLI.run("init", "--registry", folder.reg, "--name", name)
        #expect(made.status == 0, "\(made.stderr)")
        try folder.run("party", "add", "--kind", "organization", "--name", "Owner AS", "--country", "NO")
        let key = String(try folder.run("key", "new", "--out", folder.path("o.key"), "--bind", "1").stdout.prefix(64))
        try folder.run(
            "vessel", "register", "--imo", "9176187", "--name", "Proof Star", "--flag", "NO", "--owner", "1")
        try folder.run("issue", "--vessel", "IMO9176187", "--to", key, "--units", "64")
        return (folder, key)
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("plimsoll-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
