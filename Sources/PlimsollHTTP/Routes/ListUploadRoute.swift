import Foundation
import HTTPTypes
import Hummingbird
import PlimsollCore
import PlimsollCrypto
import PlimsollScreening
import PlimsollSettlement
import PlimsollStore

/// What a stored list is: the answer to an upload.
struct StoredListJSON: Encodable {
    let source: String
    let format: String
    let content_hash: String
    let entity_count: Int
}

extension RegistryAPI {
    /// `PUT /v1/registrar/lists/{content_hash}` `{"folder": "ofac_sdn" | null, "files": [{"name":
    /// "sdn.csv", "base64": "..."}], "allow_shrink": false}`, signed by the registrar in
    /// `Plimsoll-Registrar-Signature` over `chain_id || SHA-256(body)`: the server parses the
    /// files, checks their content hash and the edition against the adopted one, and only then
    /// stores them where a later `list-adopted` action finds them (issue 16, item 2).
    ///
    /// The signature covers the body, so the body is read before it can be checked: one upload
    /// at a time (`ListUploadGate`), others 503, so anonymous bodies cannot pile up in memory.
    func addListUploadRoute(to router: Router<BasicRequestContext>) {
        let settlement = self.settlement
        let store = self.store
        let folder = self.folder
        router.put("/v1/registrar/lists/{content_hash}") { request, context in
            guard let folder else { throw Problem.notFound("list storage") }
            guard let text = context.parameters.get("content_hash"), let expected = try? Hash32(hex: text) else {
                throw Problem.malformed("a content hash: 64 hex digits", parameter: "content_hash")
            }
            let signature = try Self.registrarSignature(request, else: Self.badUploadSignature)
            guard uploadGate.enter() else {
                var busy = Problem(
                    .serviceUnavailable, .intakeFull, "another list upload is in progress: send again shortly")
                busy.retryAfterSeconds = 5
                throw busy
            }
            defer { uploadGate.leave() }
            let body = try await Self.body(request, upTo: Self.listUploadBodyBytesMax, what: "list uploads")
            let state = await settlement.state
            guard
                state.registrarKey.verify(
                    signature: signature, hash: RegistrarEntry.uploadMessage(chainID: store.genesis.chainID, body: body)
                )
            else { throw Self.badUploadSignature }
            let upload = try Self.listUpload(try Self.parseJSON(body))
            let adopted = state.counters.lists
            let version: ListVersion
            do {
                version = try await Task.detached {
                    try upload.store(in: folder, expected: expected) { version in
                        _ = try ListEditionPolicy.check(version, adopted: adopted, allowShrink: upload.allowShrink)
                    }
                }.value
            } catch let refusal as ListUpload.Refusal {
                switch refusal.code {
                case "LIST_HASH_MISMATCH":
                    throw Problem(.unprocessableContent, .listHashMismatch, refusal.description)
                case "LIST_UNPARSABLE": throw Problem(.unprocessableContent, .listUnparsable, refusal.description)
                default: throw Problem.malformed(refusal.description, pointer: "/files")
                }
            } catch let refusal as ListEditionPolicy.Refusal {
                throw Problem(.unprocessableContent, .listShrinks, refusal.description)
            }
            return try JSONResponse.make(
                StoredListJSON(
                    source: version.source, format: version.format, content_hash: version.contentHash.hex,
                    entity_count: version.entityCount))
        }
    }

    /// The registrar's signature a signed request carries (`refusal` without one), and its JSON
    /// content type checked, before its body is read.
    static func registrarSignature(_ request: Request, else refusal: Problem) throws -> SchnorrSignature {
        guard let text = request.headers[.plimsollRegistrarSignature], let signature = try? SchnorrSignature(hex: text)
        else { throw refusal }
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("application/json") else {
            throw Problem(.unsupportedMediaType, .unsupportedMediaType, "send Content-Type: application/json")
        }
        return signature
    }

    static let badUploadSignature = Problem(
        .unauthorized, .badRegistrarSignature,
        "Plimsoll-Registrar-Signature must be the registrar key's BIP-340 signature over TaggedHash(\"plimsoll/registrar-upload/v1\", chain_id || SHA-256(body))"
    )

    /// Bytes of a list upload's body at most: `ListUpload.bytesMax` in base64, with room for the JSON.
    static let listUploadBodyBytesMax = ListUpload.bytesMax / 3 * 4 + (64 << 10)

    static func listUpload(_ json: JSONValue) throws -> ListUpload {
        guard case .object(let members) = json else {
            throw Problem.malformed("a JSON object with folder and files", pointer: "")
        }
        var folder: String?
        var files: [(name: String, bytes: [UInt8])]?
        var allowShrink = false
        for (name, value) in members {
            switch (name, value) {
            case ("allow_shrink", .bool(let value)): allowShrink = value
            case ("folder", .null): folder = nil
            case ("folder", .string(let text)): folder = text
            case ("files", .array(let items)):
                files = try items.prefix(ListUpload.filesMax + 1).enumerated().map { index, item in
                    guard case .object(let fields) = item, fields.count == 2,
                        case .string(let fileName)? = fields.first(where: { $0.0 == "name" })?.1,
                        case .string(let encoded)? = fields.first(where: { $0.0 == "base64" })?.1,
                        let data = Data(base64Encoded: encoded)
                    else {
                        throw Problem.malformed(
                            "a file is {\"name\": ..., \"base64\": ...}", pointer: "/files/\(index)")
                    }
                    return (fileName, Array(data))
                }
            default: throw Problem.malformed("unknown member or wrong type", pointer: "/\(name)")
            }
        }
        guard let files else { throw Problem.malformed("files is required", pointer: "/files") }
        do { return try ListUpload(folder: folder, files: files, allowShrink: allowShrink) } catch {
            throw Problem.malformed(error.description, pointer: "/files")
        }
    }
}

/// One list upload at a time: its body (up to `listUploadBodyBytesMax`) is read before its
/// signature can be checked, so concurrent anonymous uploads must not each hold one.
final class ListUploadGate: @unchecked Sendable {
    private let lock = NSLock()
    private var busy = false

    func enter() -> Bool {
        lock.withLock {
            guard !busy else { return false }
            busy = true
            return true
        }
    }

    func leave() { lock.withLock { busy = false } }
}
