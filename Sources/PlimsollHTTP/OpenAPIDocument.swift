import PlimsollCore

/// The OpenAPI 3.1 document served at `/openapi.json`; a test checks every route is in it.
enum OpenAPIDocument {
    /// Each operation with the schema of its 200 answer (in `components/schemas`).
    static let paths: [(method: String, path: String, summary: String, auth: String, answer: String)] = [
        ("get", "/healthz", "Liveness", "public", "Health"),
        ("get", "/readyz", "Readiness: 503 while blocks cannot be committed", "public", "Health"),
        ("get", "/openapi.json", "This document", "public", "Object"),
        ("get", "/metrics", "Prometheus metrics", "public", "Text"),
        (
            "get", "/v1/registry", "Registry: chain_id, name, registrar key, the keys in force, height, max validity",
            "public", "Registry"
        ),
        (
            "post", "/v1/transfers", "Submit one signed transfer; waits for the receipt unless ?wait=false", "public",
            "Receipt"
        ),
        (
            "post", "/v1/transfers/batch", "Submit 1 to 1000 signed transfers; per-item results", "public",
            "BatchResults"
        ),
        (
            "get", "/v1/transfers/{id}", "Receipt and inclusion proof of a settled transfer, or pending", "public",
            "TransferStatus"
        ),
        ("get", "/v1/keys/{key}", "Last settled nonce (and party, for regulators)", "public", "Key"),
        (
            "get", "/v1/keys/{key}/balances", "Balances of a key: the holder (signed read) or a regulator", "holder",
            "Balances"
        ),
        (
            "get", "/v1/keys/{key}/holdings/{imo}/proof",
            "Proof of a key's holding of a vessel against the latest signed header", "holder", "HoldingProof"
        ),
        (
            "get", "/v1/keys/{key}/proof",
            "Proof of a key's record (party, last nonce, freezes) against the latest signed header", "holder",
            "KeyProof"
        ),
        ("get", "/v1/blocks/latest", "The latest signed block header", "public", "Block"),
        ("get", "/v1/blocks/{height}", "A signed block header", "public", "Block"),
        ("get", "/v1/proofs/consistency", "Consistency proof between two block heights", "public", "Consistency"),
        ("get", "/v1/vessels/{imo}", "A vessel", "regulator", "Vessel"),
        ("get", "/v1/vessels/{imo}/cap-table", "Holders of a vessel at ?height= or ?at=", "regulator", "CapTable"),
        (
            "get", "/v1/vessels/{imo}/beneficial-owners",
            "Natural persons behind every holder of a vessel at ?height= or ?at=", "regulator", "VesselOwners"
        ),
        ("get", "/v1/vessels/{imo}/history", "Registrar events about a vessel", "regulator", "Events"),
        ("get", "/v1/vessels/{imo}/screening", "Screening decisions recorded for a vessel", "regulator", "Events"),
        (
            "get", "/v1/vessels/{imo}/synopsis",
            "A vessel's continuous synopsis record: names, flags, owners, managers, operators, charterers, mortgages, status",
            "regulator", "Synopsis"
        ),
        ("get", "/v1/parties/{id}", "A party", "regulator", "Object"),
        ("get", "/v1/parties/{id}/history", "Every change of a party's holdings", "regulator", "PartyHistory"),
        (
            "get", "/v1/parties/{id}/beneficial-owners", "Natural persons behind a party at ?height= or ?at=",
            "regulator", "BeneficialOwners"
        ),
        ("get", "/v1/screening/decisions", "Screening decisions recorded for ?party=", "regulator", "Events"),
        ("post", "/v1/screen", "Screen one name or IMO number against the adopted lists", "regulator", "Object"),
        (
            "get", "/v1/registrar/sequence", "The registrar sequence to sign above, and the chain to sign for",
            "public", "RegistrarSequence"
        ),
        (
            "post", "/v1/registrar/actions",
            "Registrar actions signed on the registrar's machine (the signature authenticates), settled in order",
            "public", "RegistrarResults"
        ),
        (
            "put", "/v1/registrar/lists/{content_hash}",
            "A sanctions list's files, signed by the registrar (Plimsoll-Registrar-Signature), checked and stored for adoption",
            "public", "StoredList"
        ),
        (
            "post", "/v1/registrar/tokens",
            "Grant (by the token's hash) or revoke an API token, signed by the registrar (Plimsoll-Registrar-Signature)",
            "public", "TokenChange"
        ),
    ]

    static var json: String {
        var pathItems: [String: [String]] = [:]
        for item in paths {
            let parameters =
                item.path.split(separator: "/").filter { $0.hasPrefix("{") }.map { name in
                    let name = String(name.dropFirst().dropLast())
                    let schema = Self.pathParameterSchema(name, path: item.path)
                    return ##"{"name":"\##(name)","in":"path","required":true,"schema":\##(schema)}"##
                }
                + Self.queryParameters(item.method, item.path).map { query in
                    ##"{"name":"\##(query.name)","in":"query","required":\##(query.required),"schema":\##(query.schema)}"##
                }
            let security = item.auth == "public" ? "" : ##","security":[{"bearer":[]},{"holderSignature":[]}]"##
            let body =
                item.method == "post" || item.method == "put"
                ? ##","requestBody":{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/\##(Self.bodySchema(item.path))"}}}}"##
                : ""
            let okContent =
                item.answer == "Text"
                ? ##"{"text/plain":{"schema":{"type":"string"}}}"##
                : ##"{"application/json":{"schema":{"$ref":"#/components/schemas/\##(item.answer)"}}}"##
            let accepted = item.path == "/v1/transfers" ? ##","content":\##(okContent)"## : ""
            let responses =
                ##""responses":{"200":{"description":"OK","content":\##(okContent)},"202":{"description":"Accepted"\##(accepted)},"400":{"$ref":"#/components/responses/Problem"},"401":{"$ref":"#/components/responses/Problem"},"403":{"$ref":"#/components/responses/Problem"},"404":{"$ref":"#/components/responses/Problem"},"409":{"$ref":"#/components/responses/Problem"},"413":{"$ref":"#/components/responses/Problem"},"415":{"$ref":"#/components/responses/Problem"},"422":{"$ref":"#/components/responses/Problem"},"503":{"$ref":"#/components/responses/Problem"}}"##
            let operation =
                ##""\##(item.method)":{"summary":"\##(item.summary)","parameters":[\##(parameters.joined(separator: ","))]\##(body)\##(security),\##(responses)}"##
            pathItems[item.path, default: []].append(operation)
        }
        let pathsJSON = pathItems.keys.sorted().map { ##""\##($0)":{\##(pathItems[$0]!.joined(separator: ","))}"## }
            .joined(separator: ",")
        let hex64 = ##"{"type":"string","pattern":"^[0-9a-fA-F]{64}$"}"##
        let integer = ##"{"type":"integer","minimum":1,"maximum":9007199254740991}"##
        let transfer =
            ##"{"type":"object","additionalProperties":false,"required":["asset","from","to","amount","nonce","expires_at","signature"],"properties":{"asset":{"type":"string","pattern":"^IMO[0-9]{7}$"},"from":\##(hex64),"to":\##(hex64),"amount":\##(integer),"nonce":\##(integer),"expires_at":\##(integer),"signature":{"type":"string","pattern":"^[0-9a-fA-F]{128}$"}}}"##
        let batch =
            ##"{"type":"object","additionalProperties":false,"required":["transfers"],"properties":{"transfers":{"type":"array","minItems":1,"maxItems":1000,"items":{"$ref":"#/components/schemas/Transfer"}}}}"##
        let problem =
            ##"{"type":"object","required":["status","code","detail"],"properties":{"type":{"type":"string"},"title":{"type":"string"},"status":{"type":"integer"},"code":{"type":"string"},"detail":{"type":"string"},"pointer":{"type":"string"},"parameter":{"type":"string"},"id":{"type":"string"}}}"##
        let answers = Self.answerSchemas.map { ##""\##($0.0)":\##($0.1)"## }.joined(separator: ",")
        return
            ##"{"openapi":"3.1.0","info":{"title":"Plimsoll registry API","version":"1"},"paths":{\##(pathsJSON)},"components":{"schemas":{\##(answers),"Transfer":\##(transfer),"Batch":\##(batch),"Problem":\##(problem),"ListUpload":{"type":"object","additionalProperties":false,"required":["files"],"properties":{"allow_shrink":{"type":"boolean"},"folder":{"type":["string","null"],"pattern":"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$"},"files":{"type":"array","minItems":1,"maxItems":16,"items":{"type":"object","additionalProperties":false,"required":["name","base64"],"properties":{"name":{"type":"string","pattern":"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$"},"base64":{"type":"string","contentEncoding":"base64"}}}}}},"TokenRequest":{"type":"object","additionalProperties":false,"required":["op","signed_at_ms"],"properties":{"op":{"enum":["grant","revoke"]},"token_sha256":\##(hex64),"role":{"enum":["regulator","registrar"]},"label":{"type":"string","minLength":1,"maxLength":128,"description":"at most 128 UTF-8 bytes"},"id_prefix":{"type":"string","pattern":"^[0-9a-fA-F]{8,64}$"},"signed_at_ms":\##(integer)}},"RegistrarActions":{"type":"object","additionalProperties":false,"required":["entries"],"properties":{"entries":{"type":"array","minItems":1,"maxItems":4096,"items":{"type":"string","pattern":"^([0-9a-fA-F]{2})+$"}}}},"ScreenQuery":{"type":"object","additionalProperties":false,"properties":{"name":{"type":"string","maxLength":\##(Limits.screenQueryBytesMax)},"kind":{"enum":["person","organization","vessel","aircraft"]},"imo":{"type":"string","maxLength":\##(Limits.screenQueryBytesMax)},"born":{"type":"string","pattern":"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"},"country":{"type":"string","pattern":"^[A-Z]{2}$"}}}},"responses":{"Problem":{"description":"RFC 9457 problem with a reason code","content":{"application/problem+json":{"schema":{"$ref":"#/components/schemas/Problem"}}}}},"securitySchemes":{"bearer":{"type":"http","scheme":"bearer"},"holderSignature":{"type":"apiKey","in":"header","name":"Plimsoll-Signature"}}}}"##
    }

    static func bodySchema(_ path: String) -> String {
        if path.hasSuffix("batch") { return "Batch" }
        if path.hasSuffix("screen") { return "ScreenQuery" }
        if path.hasSuffix("actions") { return "RegistrarActions" }
        if path.hasPrefix("/v1/registrar/lists") { return "ListUpload" }
        if path == "/v1/registrar/tokens" { return "TokenRequest" }
        return "Transfer"
    }

    /// Every bound of a number a client sends, stated so schemathesis generates the edges
    /// (Parameters.swift enforces the same bounds).
    static let storedInteger = ##"{"type":"integer","minimum":0,"maximum":\##(Limits.storedIntegerMax)}"##
    static let partyID = ##"{"type":"integer","minimum":1,"maximum":\##(Limits.storedIntegerMax)}"##

    static func pathParameterSchema(_ name: String, path: String) -> String {
        switch name {
        case "height": storedInteger
        case "id" where path.hasPrefix("/v1/parties"): partyID
        case "id", "key", "content_hash": ##"{"type":"string","pattern":"^[0-9a-fA-F]{64}$"}"##
        case "imo": ##"{"type":"string","pattern":"^(IMO)?[0-9]{7}$"}"##
        default: ##"{"type":"string","maxLength":64}"##
        }
    }

    static func queryParameters(_ method: String, _ path: String) -> [(name: String, required: Bool, schema: String)] {
        let page: [(String, Bool, String)] = [
            ("limit", false, ##"{"type":"integer","minimum":1,"maximum":\##(RegistryAPI.pageSizeMax)}"##),
            ("cursor", false, ##"{"type":"string","pattern":"^[0-9a-f]{16}$"}"##),
        ]
        let at: [(String, Bool, String)] = [
            ("height", false, storedInteger),
            ("at", false, ##"{"type":"string","format":"date-time","maxLength":64}"##),
        ]
        switch (method, path) {
        case ("post", "/v1/transfers"): return [("wait", false, ##"{"type":"string","enum":["true","false"]}"##)]
        case (_, "/v1/proofs/consistency"): return [("from", true, storedInteger), ("to", true, storedInteger)]
        case (_, "/v1/vessels/{imo}/cap-table"), (_, "/v1/vessels/{imo}/beneficial-owners"),
            (_, "/v1/parties/{id}/beneficial-owners"):
            return at
        case (_, "/v1/vessels/{imo}/history"), (_, "/v1/vessels/{imo}/screening"), (_, "/v1/parties/{id}/history"):
            return page
        case (_, "/v1/screening/decisions"): return [("party", true, partyID)] + page
        default: return []
        }
    }

    /// The answers' schemas: what a third-party client can rely on (schemathesis checks every
    /// answer of the live server against them in CI). Members a client must not miss are
    /// required; objects stay open so a later version may add members.
    static let answerSchemas: [(String, String)] = {
        let hex64 = ##"{"type":"string","pattern":"^[0-9a-f]{64}$"}"##
        let count = ##"{"type":"integer","minimum":0}"##
        let id = ##"{"type":"integer","minimum":1}"##
        let status = ##"{"type":"string","enum":["settled","pending","rejected","not_settled"]}"##
        func object(_ required: [String], _ properties: [(String, String)]) -> String {
            let members = properties.map { ##""\##($0.0)":\##($0.1)"## }.joined(separator: ",")
            return
                ##"{"type":"object","required":[\##(required.map { "\"\($0)\"" }.joined(separator: ","))],"properties":{\##(members)}}"##
        }
        let block = object(
            [
                "height", "hash", "header", "signature", "version", "chain_id", "prev_hash", "timestamp_ms",
                "entry_count", "entries_root", "log_size", "log_root", "state_digest", "lists_digest",
            ],
            [
                ("height", count), ("hash", hex64), ("header", ##"{"type":"string","pattern":"^[0-9a-f]{444}$"}"##),
                ("signature", ##"{"type":"string","pattern":"^[0-9a-f]{128}$"}"##), ("version", ##"{"enum":[1,2]}"##),
                ("chain_id", hex64),
                ("prev_hash", hex64), ("timestamp_ms", count), ("entry_count", count), ("entries_root", hex64),
                ("log_size", id),
                ("log_root", hex64), ("state_digest", hex64), ("lists_digest", hex64),
            ]
        )
        // A signed header as the proof documents carry it (SignedHeaderJSON).
        let signedHead = object(
            ["height", "header", "signature"],
            [
                ("height", count), ("header", ##"{"type":"string","pattern":"^[0-9a-f]{444}$"}"##),
                ("signature", ##"{"type":"string","pattern":"^[0-9a-f]{128}$"}"##),
            ])
        let receiptMembers = [
            ("id", hex64), ("status", status), ("height", count), ("leaf_index", count), ("log_size", id),
            ("code", ##"{"type":"string"}"##), ("detail", ##"{"type":"string"}"##),
            ("evidence", ##"{"type":"string"}"##),
        ]
        let receipt = object(["id", "status"], receiptMembers)
        let event = object(
            ["leaf_index", "height", "kind", "entry", "summary"],
            [
                ("leaf_index", count), ("height", count), ("kind", ##"{"type":"string"}"##),
                ("entry", ##"{"type":"string","pattern":"^([0-9a-f]{2})+$"}"##), ("summary", ##"{"type":"string"}"##),
            ]
        )
        let holding = object(["key", "units"], [("key", hex64), ("party", id), ("units", id)])
        let owner = object(
            ["party", "name", "share", "exact", "percent", "paths"],
            [
                ("party", id), ("name", ##"{"type":"string"}"##),
                ("share", ##"{"type":"number","minimum":0,"maximum":1}"##),
                ("exact", ##"{"type":"string","pattern":"^[0-9]+(/[0-9]+)?$"}"##),
                ("percent", ##"{"type":"string"}"##),
                ("paths", ##"{"type":"array","items":{"type":"array","items":{"type":"integer"}}}"##),
            ]
        )
        return [
            ("Object", ##"{"type":"object"}"##),
            ("Health", object(["status"], [("status", ##"{"enum":["ok","ready"]}"##)])),
            (
                "Registry",
                object(
                    [
                        "chain_id", "name", "registrar_key", "height", "max_validity_s", "registrar_key_in_force",
                        "sequencer_key",
                    ],
                    [
                        ("chain_id", hex64), ("name", ##"{"type":"string"}"##), ("registrar_key", hex64),
                        ("height", count), ("max_validity_s", id), ("registrar_key_in_force", hex64),
                        ("sequencer_key", hex64),
                    ]
                )
            ),
            ("Receipt", receipt),
            (
                "RegistrarSequence",
                object(["sequence", "chain_id"], [("sequence", count), ("chain_id", hex64)])
            ),
            (
                "TokenChange",
                object(
                    ["op"],
                    [
                        ("op", ##"{"enum":["grant","revoke"]}"##), ("id", hex64),
                        ("role", ##"{"enum":["regulator","registrar"]}"##), ("revoked", count),
                    ])
            ),
            (
                "StoredList",
                object(
                    ["source", "format", "content_hash", "entity_count"],
                    [
                        ("source", ##"{"type":"string"}"##), ("format", ##"{"type":"string"}"##),
                        ("content_hash", hex64), ("entity_count", count),
                    ])
            ),
            (
                "RegistrarResults",
                object(
                    ["results"], [("results", ##"{"type":"array","minItems":1,"maxItems":4096,"items":\##(receipt)}"##)]
                )
            ),
            (
                "BatchResults",
                object(
                    ["results"], [("results", ##"{"type":"array","minItems":1,"maxItems":1000,"items":\##(receipt)}"##)]
                )
            ),
            (
                "TransferStatus",
                object(
                    ["id", "status"],
                    receiptMembers + [
                        ("leaf", ##"{"type":"string","pattern":"^10[0-9a-f]{390}$"}"##),
                        ("proof", ##"{"type":"array","items":\##(hex64)}"##),
                    ]
                )
            ),
            ("Key", object(["key", "last_nonce"], [("key", hex64), ("last_nonce", count), ("party", id)])),
            (
                "Balances",
                object(
                    ["key", "height", "balances"],
                    [
                        ("key", hex64), ("height", count),
                        (
                            "balances",
                            ##"{"type":"array","items":\##(object(["asset", "units"], [("asset", ##"{"type":"string","pattern":"^IMO[0-9]{7}$"}"##), ("units", id)]))}"##
                        ),
                    ]
                )
            ),
            ("Block", block),
            (
                "HoldingProof",
                object(
                    [
                        "type", "chain_id", "registrar_key", "vessel", "key", "units", "record_key", "siblings",
                        "terminal", "head",
                    ],
                    [
                        ("type", ##"{"const":"holding"}"##), ("chain_id", hex64), ("registrar_key", hex64),
                        ("vessel", ##"{"type":"string","pattern":"^IMO[0-9]{7}$"}"##),
                        ("key", hex64), ("units", count),
                        ("record", ##"{"type":"string","pattern":"^([0-9a-f]{2})+$"}"##), ("record_key", hex64),
                        ("siblings", ##"{"type":"array","maxItems":256,"items":\##(hex64)}"##),
                        ("terminal", ##"{"enum":["found","empty","other"]}"##),
                        ("other_key", hex64), ("other_value_hash", hex64),
                        ("head", signedHead),
                    ]
                )
            ),
            (
                "KeyProof",
                object(
                    [
                        "type", "chain_id", "registrar_key", "sequencer_key", "genesis", "sequencer_rotations", "key",
                        "bound", "record_key", "siblings", "terminal", "head",
                    ],
                    [
                        ("type", ##"{"const":"key"}"##), ("chain_id", hex64), ("registrar_key", hex64),
                        ("sequencer_key", hex64), ("genesis", ##"{"type":"string","pattern":"^([0-9a-f]{2})+$"}"##),
                        ("sequencer_rotations", ##"{"type":"array","items":{"type":"object"}}"##),
                        ("key", hex64), ("bound", ##"{"type":"boolean"}"##), ("party", id), ("last_nonce", count),
                        ("frozen", ##"{"type":"boolean"}"##),
                        ("frozen_vessels", ##"{"type":"array","items":{"type":"string","pattern":"^IMO[0-9]{7}$"}}"##),
                        (
                            "frozen_units",
                            ##"{"type":"array","items":"##
                                + object(
                                    ["vessel", "units"],
                                    [("vessel", ##"{"type":"string","pattern":"^IMO[0-9]{7}$"}"##), ("units", count)])
                                + "}"
                        ),
                        ("record", ##"{"type":"string","pattern":"^([0-9a-f]{2})+$"}"##), ("record_key", hex64),
                        ("siblings", ##"{"type":"array","maxItems":256,"items":\##(hex64)}"##),
                        ("terminal", ##"{"enum":["found","empty","other"]}"##),
                        ("other_key", hex64), ("other_value_hash", hex64),
                        ("head", signedHead),
                    ]
                )
            ),
            (
                "Consistency",
                object(
                    ["from", "to", "proof"],
                    [("from", block), ("to", block), ("proof", ##"{"type":"array","items":\##(hex64)}"##)])
            ),
            (
                "Vessel",
                object(
                    ["height", "vessel", "unissued_units", "screening", "screening_evidence"],
                    [
                        ("height", count), ("vessel", ##"{"type":"object"}"##), ("unissued_units", count),
                        ("screening", ##"{"enum":["clear","review","block"]}"##),
                        ("screening_evidence", ##"{"type":"string"}"##),
                    ])
            ),
            (
                "CapTable",
                object(
                    ["vessel", "height", "holders"],
                    [
                        ("vessel", ##"{"type":"string","pattern":"^IMO[0-9]{7}$"}"##), ("height", count),
                        ("holders", ##"{"type":"array","items":\##(holding)}"##),
                    ]
                )
            ),
            (
                "Events",
                object(
                    ["height", "events"],
                    [
                        ("height", count), ("events", ##"{"type":"array","items":\##(event)}"##),
                        ("next_cursor", ##"{"type":"string"}"##),
                    ])
            ),
            (
                "PartyHistory",
                object(
                    ["height", "holdings"],
                    [
                        ("height", count), ("holdings", ##"{"type":"array","items":{"type":"object"}}"##),
                        ("next_cursor", ##"{"type":"string"}"##),
                    ])
            ),
            (
                "Synopsis",
                object(
                    ["height", "synopsis"],
                    [
                        ("height", count),
                        (
                            "synopsis",
                            ##"{"type":"object","required":["asset","names","flags","owners","managers","operators","charterers","mortgages","status"]}"##
                        ),
                    ])
            ),
            (
                "VesselOwners",
                object(
                    ["vessel", "height", "owners", "undeclared", "cycles", "truncated"],
                    [
                        ("vessel", ##"{"type":"string","pattern":"^IMO[0-9]{7}$"}"##), ("height", count),
                        ("owners", ##"{"type":"array","items":\##(owner)}"##),
                        ("undeclared", ##"{"type":"array"}"##), ("cycles", ##"{"type":"array"}"##),
                        ("truncated", ##"{"type":"boolean"}"##),
                    ]
                )
            ),
            (
                "BeneficialOwners",
                object(
                    ["party", "height", "owners", "undeclared", "cycles"],
                    [
                        ("party", id), ("height", count), ("owners", ##"{"type":"array"}"##),
                        ("undeclared", ##"{"type":"array"}"##), ("cycles", ##"{"type":"array"}"##),
                    ]
                )
            ),
        ]
    }()
}
