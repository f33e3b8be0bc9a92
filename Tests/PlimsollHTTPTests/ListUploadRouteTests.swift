import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PlimsollCore
import PlimsollCrypto
import PlimsollHTTP
import PlimsollScreening
import PlimsollSettlement
import PlimsollTesting
import Testing

/// List files sent to the running server (issue 16, item 2): stored only when the registrar
/// signed the upload, the files parse and they hash to the content hash in the path; a list is
/// adopted only once the server holds its files.
struct ListUploadRouteTests {
    static let line = #"{"id":"t-1","schema":"Company","properties":{"name":["Marlin Crest Shipping Ltd"]}}"#

    static func body(folder: String? = nil, files: [(String, String)]) -> [UInt8] {
        let items = files.map { name, text in
            #"{"name":"\#(name)","base64":"\#(Data(text.utf8).base64EncodedString())"}"#
        }
        let folderJSON = folder.map { "\"\($0)\"" } ?? "null"
        return Array(#"{"folder":\#(folderJSON),"files":[\#(items.joined(separator: ","))]}"#.utf8)
    }

    /// The content hash `ListLoader` gives a one-file list: its name, a zero byte, its bytes.
    static func contentHash(_ name: String, _ text: String) -> Hash32 {
        Hashing.sha256(Array(name.utf8) + [0] + Array(text.utf8))
    }

    static func headers(_ body: [UInt8], _ f: HTTPFixture, by key: SigningKey? = nil) -> HTTPFields {
        var headers = HTTPFixture.json
        let signature = (key ?? f.registrar).sign(hash: RegistrarEntry.uploadMessage(chainID: f.chainID, body: body))
        headers[HTTPField.Name("Plimsoll-Registrar-Signature")!] = signature.hex
        return headers
    }

    static func stored(_ f: HTTPFixture) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: AdoptedLists.listsFolder(f.folder).path)) ?? [])
            .sorted()
    }

    @Test func anUploadIsStoredOnlyWhenSignedParsedAndHashedAsSigned() async throws {
        let f = try await HTTPFixture()
        let hash = Self.contentHash("update.jsonl", Self.line)
        let body = Self.body(files: [("update.jsonl", Self.line)])
        try await f.app.test(.router) { client in
            let uri = "/v1/registrar/lists/\(hash.hex)"
            // No signature, and another key's: 401, nothing stored.
            let unsigned = try await client.execute(
                uri: uri, method: .put, headers: HTTPFixture.json, body: ByteBuffer(bytes: body))
            #expect(unsigned.status == .unauthorized)
            #expect(unsigned.json["code"] as? String == "BAD_REGISTRAR_SIGNATURE")
            var rng = SplitMix64(seed: 162)
            let foreign = try await client.execute(
                uri: uri, method: .put, headers: Self.headers(body, f, by: SigningKey.generate(using: &rng)),
                body: ByteBuffer(bytes: body))
            #expect(foreign.json["code"] as? String == "BAD_REGISTRAR_SIGNATURE")
            // A signature over other bytes than the body sent.
            let other = Self.body(files: [("update.jsonl", Self.line + "\n")])
            let swapped = try await client.execute(
                uri: uri, method: .put, headers: Self.headers(other, f), body: ByteBuffer(bytes: body))
            #expect(swapped.json["code"] as? String == "BAD_REGISTRAR_SIGNATURE")
            // Signed, but the path names another content hash.
            let wrongHash = try await client.execute(
                uri: "/v1/registrar/lists/\(Hashing.sha256(Array("other".utf8)).hex)", method: .put,
                headers: Self.headers(body, f), body: ByteBuffer(bytes: body))
            #expect(wrongHash.status == .unprocessableContent)
            #expect(wrongHash.json["code"] as? String == "LIST_HASH_MISMATCH")
            // Signed files that are no list.
            let junk = "not a list"
            let junkBody = Self.body(files: [("update.jsonl", junk)])
            let unparsable = try await client.execute(
                uri: "/v1/registrar/lists/\(Self.contentHash("update.jsonl", junk).hex)", method: .put,
                headers: Self.headers(junkBody, f), body: ByteBuffer(bytes: junkBody))
            #expect(unparsable.json["code"] as? String == "LIST_UNPARSABLE", "\(unparsable.text)")
            // A name that is a path.
            let escape = Self.body(files: [("../update.jsonl", Self.line)])
            let escaping = try await client.execute(
                uri: uri, method: .put, headers: Self.headers(escape, f), body: ByteBuffer(bytes: escape))
            #expect(escaping.status == .badRequest)
            #expect(escaping.json["code"] as? String == "MALFORMED")
            #expect(Self.stored(f).isEmpty, "\(Self.stored(f))")

            // Signed, parsed, hashed as signed: stored, and again with no change.
            for _ in 0..<2 {
                let put = try await client.execute(
                    uri: uri, method: .put, headers: Self.headers(body, f), body: ByteBuffer(bytes: body))
                #expect(put.status == .ok, "\(put.text)")
                #expect(put.json["content_hash"] as? String == hash.hex)
                #expect(put.json["entity_count"] as? Int == 1)
                #expect(put.json["format"] as? String == "ftm-jsonl")
            }
            #expect(Self.stored(f) == [hash.hex])
            #expect(AdoptedLists.storedList(f.folder, hash)?.lastPathComponent == "update.jsonl")
        }
    }

    @Test func aListIsAdoptedOnlyOnceTheServerHoldsItsFiles() async throws {
        let f = try await HTTPFixture()
        let hash = Self.contentHash("update.jsonl", Self.line)
        let body = Self.body(files: [("update.jsonl", Self.line)])
        try await f.app.test(.router) { client in
            let sequence = await f.settlement.registrarSequence
            let adoption = RegistrarEntry.signed(
                .adoptList(ListAdoption(source: "t", format: "ftm-jsonl", contentHash: hash, entityCount: 1)),
                sequence: sequence + 1, chainID: f.chainID, by: f.registrar)
            let early = try await client.execute(
                uri: "/v1/registrar/actions", method: .post, headers: HTTPFixture.json,
                body: RegistrarRouteTests.body([adoption]))
            #expect(early.status == .conflict)
            #expect(early.json["code"] as? String == "LIST_NOT_STORED")
            #expect(await f.settlement.registrarSequence == sequence)

            let put = try await client.execute(
                uri: "/v1/registrar/lists/\(hash.hex)", method: .put, headers: Self.headers(body, f),
                body: ByteBuffer(bytes: body))
            #expect(put.status == .ok, "\(put.text)")
            let adopted = try await client.execute(
                uri: "/v1/registrar/actions", method: .post, headers: HTTPFixture.json,
                body: RegistrarRouteTests.body([adoption]))
            #expect(RegistrarRouteTests.results(adopted).first?["status"] as? String == "settled", "\(adopted.text)")
            #expect(await f.settlement.state.counters.lists.map(\.contentHash) == [hash])
        }
    }
}

extension ListUploadRouteTests {
    /// An edition that shrinks too far is refused before it is stored; signed with
    /// `"allow_shrink": true` in the body, it is stored.
    @Test func aShrinkingEditionIsRefusedAndNotStored() async throws {
        let f = try await HTTPFixture()
        let lines = (1...10).map {
            #"{"id":"t-\#($0)","schema":"Company","properties":{"name":["Shell Number \#($0) Ltd"]}}"#
        }
        let full = lines.joined(separator: "\n")
        let cut = lines[0]
        let fullHash = Self.contentHash("update.jsonl", full)
        let cutHash = Self.contentHash("update.jsonl", cut)
        try await f.app.test(.router) { client in
            let fullBody = Self.body(files: [("update.jsonl", full)])
            let stored = try await client.execute(
                uri: "/v1/registrar/lists/\(fullHash.hex)", method: .put, headers: Self.headers(fullBody, f),
                body: ByteBuffer(bytes: fullBody))
            #expect(stored.status == .ok, "\(stored.text)")
            let source = try #require(stored.json["source"] as? String)
            let sequence = await f.settlement.registrarSequence
            let adoption = RegistrarEntry.signed(
                .adoptList(ListAdoption(source: source, format: "ftm-jsonl", contentHash: fullHash, entityCount: 10)),
                sequence: sequence + 1, chainID: f.chainID, by: f.registrar)
            let adopted = try await client.execute(
                uri: "/v1/registrar/actions", method: .post, headers: HTTPFixture.json,
                body: RegistrarRouteTests.body([adoption]))
            #expect(RegistrarRouteTests.results(adopted).first?["status"] as? String == "settled", "\(adopted.text)")

            let cutBody = Self.body(files: [("update.jsonl", cut)])
            let refused = try await client.execute(
                uri: "/v1/registrar/lists/\(cutHash.hex)", method: .put, headers: Self.headers(cutBody, f),
                body: ByteBuffer(bytes: cutBody))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.json["code"] as? String == "LIST_SHRINKS", "\(refused.text)")
            #expect(!Self.stored(f).contains(cutHash.hex), "a refused edition is not stored")

            let allowedBody = Array(
                String(decoding: cutBody, as: UTF8.self).replacingOccurrences(
                    of: #"{"folder""#, with: #"{"allow_shrink":true,"folder""#
                )
                .utf8)
            let allowed = try await client.execute(
                uri: "/v1/registrar/lists/\(cutHash.hex)", method: .put, headers: Self.headers(allowedBody, f),
                body: ByteBuffer(bytes: allowedBody))
            #expect(allowed.status == .ok, "\(allowed.text)")
            #expect(Self.stored(f).contains(cutHash.hex))
        }
    }
}
