/// The codes of HTTP refusals that are not a transfer's reason code (those are `ReasonCode`,
/// answered with 422). Public API like the reason codes: never renamed, never reused; append.
/// Docs/http.md lists every one, and a test pins their raw values.
public enum ProblemCode: String, Sendable, CaseIterable {
    /// 400: a body or a parameter is not what the API accepts (with `pointer` or `parameter`).
    case malformed = "MALFORMED"
    /// 400: a vessel path parameter that is not an IMO number with a valid check digit.
    case badIMO = "BAD_IMO"
    /// 401: missing or invalid credentials.
    case unauthorized = "UNAUTHORIZED"
    /// 403: valid credentials that may not see this resource.
    case forbidden = "FORBIDDEN"
    /// 404: no such transfer, block, key, party, vessel or route.
    case notFound = "NOT_FOUND"
    /// 405: the route exists, not with this method.
    case methodNotAllowed = "METHOD_NOT_ALLOWED"
    /// 409: screening asked before any sanctions list is adopted.
    case noLists = "NO_LISTS"
    /// 413: a body over `RegistryAPI.bodyBytesMax`.
    case bodyTooLarge = "BODY_TOO_LARGE"
    /// 415: a body that is not `application/json`.
    case unsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
    /// 500: an internal error; the detail is logged, never answered.
    case `internal` = "INTERNAL"
    /// 503 with Retry-After: intake is at its bound; nothing was queued.
    case intakeFull = "INTAKE_FULL"
    /// 503 with Retry-After: the block could not be made durable; send the same transfer again.
    case notSettled = "NOT_SETTLED"
    /// 503: `/readyz` while commits fail.
    case notReady = "NOT_READY"
    /// Any other status the HTTP layer raises (for example 408), with that status.
    case httpError = "HTTP_ERROR"
    /// 409: a holding or key proof asked while the latest block is a version 1 header.
    case noStateCommitment = "NO_STATE_COMMITMENT"
    /// 401: a registrar upload whose `Plimsoll-Registrar-Signature` is missing or not the
    /// registrar key's signature over the body.
    case badRegistrarSignature = "BAD_REGISTRAR_SIGNATURE"
    /// 422: uploaded list files that do not parse as a list.
    case listUnparsable = "LIST_UNPARSABLE"
    /// 422: uploaded list files whose content hash is not the one in the path.
    case listHashMismatch = "LIST_HASH_MISMATCH"
    /// 422: an edition that shrinks too far against the adopted one, uploaded without `allow_shrink`.
    case listShrinks = "LIST_SHRINKS"
    /// 409: a list adoption whose files the server does not hold (upload them first).
    case listNotStored = "LIST_NOT_STORED"
    /// 401: a signed registrar request whose signing time is more than 5 minutes from the server's.
    case requestExpired = "REQUEST_EXPIRED"
    /// 409: a token grant whose token is already stored (granted before, perhaps revoked since).
    case tokenExists = "TOKEN_EXISTS"
}
