import Foundation
public import HTTPTypes
public import Hummingbird
public import PlimsollCore

/// An RFC 9457 problem+json answer with Plimsoll's stable reason code in `code`.
///
/// Every refusal of the API is one of these, mapped in one place (STYLE.md: Errors).
public struct Problem: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let detail: String
    public var pointer: String?
    /// The path or query parameter that broke, for a malformed parameter (a pointer is for bodies).
    public var parameter: String?
    public var id: String?
    public var retryAfterSeconds: Int?

    public init(
        _ status: HTTPResponse.Status, _ code: ProblemCode, _ detail: String, pointer: String? = nil, id: String? = nil
    ) {
        self.init(status, code: code.rawValue, detail, pointer: pointer, id: id)
    }

    /// A transfer's refusal: 422 with its reason code.
    public init(rejected code: ReasonCode, _ detail: String, id: String) {
        self.init(.unprocessableContent, code: code.rawValue, detail, id: id)
    }

    private init(
        _ status: HTTPResponse.Status, code: String, _ detail: String, pointer: String? = nil, id: String? = nil
    ) {
        self.status = status
        self.code = code
        self.detail = detail
        self.pointer = pointer
        self.id = id
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var object: [String: Any] = [
            "type": "https://plimsoll.example/problems/\(code.lowercased())", "title": status.reasonPhrase,
            "status": status.code,
            "code": code, "detail": detail,
        ]
        if let pointer { object["pointer"] = pointer }
        if let parameter { object["parameter"] = parameter }
        if let id { object["id"] = id }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func malformed(_ detail: String, pointer: String) -> Problem {
        Problem(.badRequest, .malformed, detail, pointer: pointer)
    }
    static func malformed(_ detail: String, parameter: String) -> Problem {
        var problem = Problem(.badRequest, .malformed, detail)
        problem.parameter = parameter
        return problem
    }
    static let unauthorized = Problem(.unauthorized, .unauthorized, "missing or invalid credentials")
    static let forbidden = Problem(.forbidden, .forbidden, "these credentials may not see this resource")
    static func notFound(_ what: String) -> Problem { Problem(.notFound, .notFound, "\(what) not found") }
}

/// JSON responses with sorted keys, so answers are byte-stable.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return make(body: ByteBuffer(bytes: try encoder.encode(value)), status: status)
    }

    /// A body already in JSON (written by hand where the encoder cost too much).
    static func make(body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
    }
}
