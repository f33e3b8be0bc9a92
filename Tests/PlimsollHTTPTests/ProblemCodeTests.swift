import Foundation
import PlimsollHTTP
import Testing

/// The HTTP problem codes are public API: their raw values are pinned one by one (a rename fails
/// here, not at a client), and Docs/http.md lists every one.
struct ProblemCodeTests {
    static let pinned: [(ProblemCode, String)] = [
        (.malformed, "MALFORMED"), (.badIMO, "BAD_IMO"), (.unauthorized, "UNAUTHORIZED"), (.forbidden, "FORBIDDEN"),
        (.notFound, "NOT_FOUND"), (.methodNotAllowed, "METHOD_NOT_ALLOWED"), (.noLists, "NO_LISTS"),
        (.bodyTooLarge, "BODY_TOO_LARGE"), (.unsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"), (.internal, "INTERNAL"),
        (.intakeFull, "INTAKE_FULL"), (.notSettled, "NOT_SETTLED"), (.notReady, "NOT_READY"),
        (.httpError, "HTTP_ERROR"), (.noStateCommitment, "NO_STATE_COMMITMENT"),
        (.badRegistrarSignature, "BAD_REGISTRAR_SIGNATURE"), (.listUnparsable, "LIST_UNPARSABLE"),
        (.listHashMismatch, "LIST_HASH_MISMATCH"), (.listShrinks, "LIST_SHRINKS"), (.listNotStored, "LIST_NOT_STORED"),
        (.requestExpired, "REQUEST_EXPIRED"), (.tokenExists, "TOKEN_EXISTS"),
    ]

    @Test func rawValuesArePinnedAndEveryCodeIsDocumented() throws {
        #expect(Self.pinned.count == ProblemCode.allCases.count, "every case is pinned")
        for (code, raw) in Self.pinned { #expect(code.rawValue == raw) }
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Docs/http.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for code in ProblemCode.allCases {
            #expect(text.contains("`\(code.rawValue)`"), "Docs/http.md lists \(code.rawValue)")
        }
    }
}
