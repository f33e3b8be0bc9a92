/// The OpenAPI 3.1 document served at `/openapi.json`; a test checks every route is in it.
enum OpenAPIDocument {
    static let paths: [(method: String, path: String, summary: String, auth: String)] = [
        ("get", "/healthz", "Liveness", "public"),
        ("get", "/openapi.json", "This document", "public"),
        ("get", "/metrics", "Prometheus metrics", "public"),
        ("get", "/v1/registry", "Registry: chain_id, name, registrar key, height, max validity", "public"),
        ("post", "/v1/transfers", "Submit one signed transfer; waits for the receipt unless ?wait=false", "public"),
        ("post", "/v1/transfers/batch", "Submit 1 to 1000 signed transfers; per-item results", "public"),
        ("get", "/v1/transfers/{id}", "Receipt and inclusion proof of a settled transfer, or pending", "public"),
        ("get", "/v1/keys/{key}", "Last settled nonce (and party, for regulators)", "public"),
        ("get", "/v1/keys/{key}/balances", "Balances of a key: the holder (signed read) or a regulator", "holder"),
        ("get", "/v1/blocks/latest", "The latest signed block header", "public"),
        ("get", "/v1/blocks/{height}", "A signed block header", "public"),
        ("get", "/v1/proofs/consistency", "Consistency proof between two block heights", "public"),
        ("get", "/v1/vessels/{imo}", "A vessel", "regulator"),
        ("get", "/v1/vessels/{imo}/cap-table", "Holders of a vessel at ?height= or ?at=", "regulator"),
        ("get", "/v1/vessels/{imo}/history", "Registrar events about a vessel", "regulator"),
        ("get", "/v1/parties/{id}", "A party", "regulator"),
        ("get", "/v1/parties/{id}/history", "Every change of a party's holdings", "regulator"),
        ("get", "/v1/parties/{id}/beneficial-owners", "Natural persons behind a party at ?height= or ?at=", "regulator"),
        ("get", "/v1/screening/decisions", "Screening decisions recorded for ?party=", "regulator"),
        ("post", "/v1/screen", "Screen one name or IMO number against the adopted lists", "regulator"),
    ]

    static var json: String {
        var pathItems: [String: [String]] = [:]
        for item in paths {
            let parameters = item.path.split(separator: "/").filter { $0.hasPrefix("{") }.map { name in
                let name = String(name.dropFirst().dropLast())
                let pattern = ["height": "^[0-9]{1,18}$", "key": "^[0-9a-fA-F]{64}$", "id": item.path.hasPrefix("/v1/parties") ? "^[1-9][0-9]{0,17}$" : "^[0-9a-fA-F]{64}$", "imo": "^(IMO)?[0-9]{7}$"][name] ?? "^.{1,64}$"
                return ##"{"name":"\##(name)","in":"path","required":true,"schema":{"type":"string","pattern":"\##(pattern)"}}"##
            }
            let security = item.auth == "public" ? "" : ##","security":[{"bearer":[]},{"holderSignature":[]}]"##
            let body = item.method == "post"
                ? ##","requestBody":{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/\##(item.path.hasSuffix("batch") ? "Batch" : item.path.hasSuffix("screen") ? "ScreenQuery" : "Transfer")"}}}}"##
                : ""
            let okContent = item.path == "/metrics" ? ##"{"text/plain":{"schema":{"type":"string"}}}"## : ##"{"application/json":{"schema":{"type":"object"}}}"##
            let responses = ##""responses":{"200":{"description":"OK","content":\##(okContent)},"202":{"description":"Accepted"},"400":{"$ref":"#/components/responses/Problem"},"401":{"$ref":"#/components/responses/Problem"},"403":{"$ref":"#/components/responses/Problem"},"404":{"$ref":"#/components/responses/Problem"},"409":{"$ref":"#/components/responses/Problem"},"413":{"$ref":"#/components/responses/Problem"},"415":{"$ref":"#/components/responses/Problem"},"422":{"$ref":"#/components/responses/Problem"},"503":{"$ref":"#/components/responses/Problem"}}"##
            let operation = ##""\##(item.method)":{"summary":"\##(item.summary)","parameters":[\##(parameters.joined(separator: ","))]\##(body)\##(security),\##(responses)}"##
            pathItems[item.path, default: []].append(operation)
        }
        let pathsJSON = pathItems.keys.sorted().map { ##""\##($0)":{\##(pathItems[$0]!.joined(separator: ","))}"## }.joined(separator: ",")
        let hex64 = ##"{"type":"string","pattern":"^[0-9a-fA-F]{64}$"}"##
        let integer = ##"{"type":"integer","minimum":1,"maximum":9007199254740991}"##
        let transfer = ##"{"type":"object","additionalProperties":false,"required":["asset","from","to","amount","nonce","expires_at","signature"],"properties":{"asset":{"type":"string","pattern":"^IMO[0-9]{7}$"},"from":\##(hex64),"to":\##(hex64),"amount":\##(integer),"nonce":\##(integer),"expires_at":\##(integer),"signature":{"type":"string","pattern":"^[0-9a-fA-F]{128}$"}}}"##
        let batch = ##"{"type":"object","additionalProperties":false,"required":["transfers"],"properties":{"transfers":{"type":"array","minItems":1,"maxItems":1000,"items":{"$ref":"#/components/schemas/Transfer"}}}}"##
        let problem = ##"{"type":"object","required":["status","code","detail"],"properties":{"type":{"type":"string"},"title":{"type":"string"},"status":{"type":"integer"},"code":{"type":"string"},"detail":{"type":"string"},"pointer":{"type":"string"},"id":{"type":"string"}}}"##
        return ##"{"openapi":"3.1.0","info":{"title":"Plimsoll registry API","version":"1"},"paths":{\##(pathsJSON)},"components":{"schemas":{"Transfer":\##(transfer),"Batch":\##(batch),"Problem":\##(problem),"ScreenQuery":{"type":"object","additionalProperties":false,"properties":{"name":{"type":"string","maxLength":512},"kind":{"enum":["person","organization","vessel","aircraft"]},"imo":{"type":"string","maxLength":32}}}},"responses":{"Problem":{"description":"RFC 9457 problem with a reason code","content":{"application/problem+json":{"schema":{"$ref":"#/components/schemas/Problem"}}}}},"securitySchemes":{"bearer":{"type":"http","scheme":"bearer"},"holderSignature":{"type":"apiKey","in":"header","name":"Plimsoll-Signature"}}}}"##
    }
}
