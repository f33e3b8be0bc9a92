import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollScreening
import PlimsollSettlement

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The registrar's client of a running server: each action is signed here with the registrar
/// key, above the server's registrar sequence, and settled there (`POST /v1/registrar/actions`).
///
/// The server records its address in the registry folder (`server.json`) while it serves;
/// `--server URL` names one explicitly.
struct RegistrarClient {
    static let addressFileName = "server.json"

    let base: URL
    let key: SigningKey
    let chainID: Hash32
    /// What the server's re-screens after this client's batches did (one command's worth).
    let rescreens = ServerRescreens()

    /// The re-screens the server ran after this command's batches, gathered for its report.
    final class ServerRescreens {
        var ran = false
        var recorded: [String] = []
        var frozen: [String] = []
        var refused: [String] = []
    }

    struct Address: Codable {
        let url: String
        let pid: Int32
    }

    /// The server of this registry, if one answers: `--server`, else the address the running
    /// server recorded. A recorded address that does not answer (a server killed without
    /// cleaning up) is ignored: the registry's files are then free to open.
    /// Only a server of this registry's chain (`chainID`) is used.
    static func find(
        _ options: RegistryOptions, key: SigningKey, chainID expected: Hash32
    ) async throws
        -> RegistrarClient?
    {
        let recorded = options.registryURL.appendingPathComponent(addressFileName)
        let text: String
        if let server = options.server {
            text = server
        } else if let data = FileManager.default.contents(atPath: recorded.path),
            let address = try? JSONDecoder().decode(Address.self, from: data)
        {
            text = address.url
        } else {
            return nil
        }
        guard let base = URL(string: text), base.scheme == "http" || base.scheme == "https" else {
            throw CLIError("--server must be an http(s) URL, got \(text)")
        }
        do {
            let (_, chainID) = try await sequence(base)
            guard chainID == expected else {
                // A recorded address now answered by another registry's server (this one was
                // killed and its port reused) is stale: the files are free to open.
                guard options.server != nil else { return nil }
                throw CLIError("the server at \(text) serves another registry (chain \(chainID.hex.prefix(16))…)")
            }
            return RegistrarClient(base: base, key: key, chainID: chainID)
        } catch let error as CLIError {
            throw error
        } catch {
            if options.server != nil { throw CLIError("the server at \(text) does not answer: \(error)") }
            return nil
        }
    }

    /// The server's registrar sequence (settled and queued) and its chain.
    static func sequence(_ base: URL) async throws -> (UInt64, Hash32) {
        var request = URLRequest(url: base.appendingPathComponent("v1/registrar/sequence"))
        request.timeoutInterval = 5
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw CLIError("the server did not give its registrar sequence")
        }
        struct View: Decodable { let sequence: UInt64, chain_id: String }
        let view = try JSONDecoder().decode(View.self, from: data)
        return (view.sequence, try Hash32(hex: view.chain_id))
    }

    /// Request bodies stay under this many bytes (the server takes at most 1 MiB).
    static let requestBytesMax = 768 * 1024

    /// Signs the actions with the next sequences and settles them in order: as many per request
    /// as fit in `requestBytesMax` (and the route's 4,096), every request sent, the outcomes of
    /// all returned. A request whose sequences another registrar command took meanwhile is
    /// signed again, a few times.
    func settle(_ actions: [RegistrarAction]) async throws -> [Outcome] {
        var outcomes: [Outcome] = []
        var rest = actions[...]
        var races = 0
        while !rest.isEmpty {
            let (last, _) = try await Self.sequence(base)
            var entries: [RegistrarEntry] = []
            var bytes = 64
            for (offset, action) in rest.enumerated() {
                let entry = RegistrarEntry.signed(
                    action, sequence: last + 1 + UInt64(offset), chainID: chainID, by: key)
                let size = Entry.registrar(entry).bytes.count * 2 + 4
                if !entries.isEmpty, bytes + size > Self.requestBytesMax || entries.count == 4096 { break }
                entries.append(entry)
                bytes += size
            }
            let answered = try await post(entries)
            // Only the intake's own refusal is a race; the ledger uses the same code for other
            // reuses (a mortgage consent's sequence), which are real refusals.
            let raced = answered.contains {
                if case .rejected(_, let rejection) = $0 {
                    return rejection.code == .sequenceReused && rejection.message.contains("registrar sequence")
                }
                return false
            }
            if raced {
                races += 1
                guard races < 5 else {
                    throw CLIError("the server's registrar sequence kept moving; try again", code: "SEQUENCE_REUSED")
                }
                continue
            }
            outcomes += answered
            rest = rest.dropFirst(entries.count)
        }
        return outcomes
    }

    /// Sends a list's files to the server (`PUT /v1/registrar/lists/{content_hash}`), signed by the
    /// registrar key; the server parses them, checks their hash and edition, and stores them for
    /// the adoption that follows. Storing a list the server already holds changes nothing.
    func upload(_ url: URL, _ version: ListVersion, allowShrink: Bool) async throws {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
        struct File: Encodable { let name: String, base64: String }
        struct Body: Encodable {
            let folder: String?
            let files: [File]
            let allow_shrink: Bool
        }
        let files = try ListLoader.files(url).map { file in
            File(name: file.lastPathComponent, base64: try Data(contentsOf: file).base64EncodedString())
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes  // base64 is full of slashes
        let body = try encoder.encode(
            Body(folder: isDirectory.boolValue ? url.lastPathComponent : nil, files: files, allow_shrink: allowShrink))
        let request = signedRequest(
            "PUT", "v1/registrar/lists/\(version.contentHash.hex)", body, timeout: 300,
            message: RegistrarEntry.uploadMessage(chainID: chainID, body: Array(body)))
        // One upload at a time on the server: wait for another registrar command's to end.
        for attempt in 0..<12 {
            let (data, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            if status == 503, attempt < 11 {
                try await Task.sleep(nanoseconds: 5_000_000_000)
                continue
            }
            return try Self.uploadAnswer(data, status)
        }
    }

    /// A JSON request to `path` whose body the registrar key signs (`message`, computed over it).
    private func signedRequest(
        _ method: String, _ path: String, _ body: Data, timeout: TimeInterval, message: Hash32
    ) -> URLRequest {
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(key.sign(hash: message).hex, forHTTPHeaderField: "Plimsoll-Registrar-Signature")
        request.timeoutInterval = timeout
        request.httpBody = body
        return request
    }

    /// What a token change did on the server.
    struct TokenChange: Decodable {
        let op: String
        let id: String?
        let role: String?
        let revoked: Int?
    }

    /// Grants (`token_sha256`, role, label) or revokes (`id_prefix`) an API token on the server
    /// (`POST /v1/registrar/tokens`), signed here by the registrar key with the time of signing.
    func changeToken(_ fields: [String: String]) async throws -> TokenChange {
        var members = fields.keys.sorted().map { "\(Self.jsonString($0)):\(Self.jsonString(fields[$0]!))" }
        members.append("\"signed_at_ms\":\(UInt64(Date().timeIntervalSince1970 * 1000))")
        let body = Data("{\(members.joined(separator: ","))}".utf8)
        let request = signedRequest(
            "POST", "v1/registrar/tokens", body, timeout: 30,
            message: RegistrarEntry.tokenMessage(chainID: chainID, body: Array(body)))
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            struct Problem: Decodable { let code: String, detail: String }
            if let problem = try? JSONDecoder().decode(Problem.self, from: data) {
                throw CLIError(
                    "the server refused the token change (\(problem.code)): \(problem.detail)", code: problem.code)
            }
            throw CLIError("the server refused the token change (HTTP \(status))")
        }
        return try JSONDecoder().decode(TokenChange.self, from: data)
    }

    /// A JSON string literal.
    static func jsonString(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }

    private static func uploadAnswer(_ data: Data, _ status: Int) throws {
        guard status == 200 else {
            struct Problem: Decodable { let code: String, detail: String }
            if let problem = try? JSONDecoder().decode(Problem.self, from: data) {
                throw CLIError("the server refused the list (\(problem.code)): \(problem.detail)", code: problem.code)
            }
            throw CLIError("the server refused the list (HTTP \(status))")
        }
    }

    private func post(_ entries: [RegistrarEntry]) async throws -> [Outcome] {
        var request = URLRequest(url: base.appendingPathComponent("v1/registrar/actions"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.timeoutInterval = 120
        struct Body: Encodable { let entries: [String] }
        request.httpBody = try JSONEncoder().encode(
            Body(entries: entries.map { Hex.encode(Entry.registrar($0).bytes) }))
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            throw CLIError(
                "the server refused the registrar actions (HTTP \(status)): \(String(decoding: data, as: UTF8.self))")
        }
        struct Result: Decodable {
            let id: String, status: String
            let height: UInt64?, leaf_index: UInt64?, log_size: UInt64?
            let code: String?, detail: String?
        }
        struct Rescreen: Decodable {
            let recorded: [String]
            let frozen: [String]
            let refused: [String]
            let not_settled: Int
        }
        struct View: Decodable {
            let results: [Result]
            let rescreen: Rescreen?
        }
        let view = try JSONDecoder().decode(View.self, from: data)
        let results = view.results
        if let rescreen = view.rescreen {
            rescreens.ran = true
            rescreens.recorded += rescreen.recorded
            rescreens.frozen += rescreen.frozen
            rescreens.refused += rescreen.refused
            if rescreen.not_settled > 0 {
                rescreens.refused.append("\(rescreen.not_settled) re-screen actions not settled (the block failed)")
            }
        }
        guard results.count == entries.count else { throw CLIError("the server answered \(results.count) results") }
        return try results.map { result throws -> Outcome in
            let id = try Hash32(hex: result.id)
            switch result.status {
            case "settled":
                guard let height = result.height, let leaf = result.leaf_index, let size = result.log_size else {
                    throw CLIError("a settled result without its height")
                }
                return .settled(Receipt(id: id, height: height, leafIndex: leaf, logSize: size))
            case "rejected":
                let code = ReasonCode(rawValue: result.code ?? "") ?? .malformed
                return .rejected(id: id, Rejection(code, result.detail ?? ""))
            default:
                return .failed(id: id, message: result.detail ?? "not settled")
            }
        }
    }
}
