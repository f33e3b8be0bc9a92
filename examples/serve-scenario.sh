#!/usr/bin/env bash
# The demo's sanctions-evasion story against a running `plimsoll serve`, as the three users live
# it: the registrar works with the CLI on the registry host, holders sign transfers offline and
# submit them over HTTP, the regulator reads over HTTP with a bearer token and verifies the
# exported log offline. Every step checks its answer, so this script fails loudly if the product
# stops behaving as the walkthrough (Docs/walkthrough.md) says. CI runs it.
#
# Usage, from anywhere in the checkout: bash examples/serve-scenario.sh [port]
# Needs: curl, jq (scripts/setup installs both) and the Swift toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-18192}
api="http://127.0.0.1:$port"

swift build --product plimsoll >/dev/null
bin="$(swift build --show-bin-path)/plimsoll"
plimsoll() { "$bin" "$@"; }

work=$(mktemp -d /tmp/plimsoll-scenario-XXXXXX)
export PLIMSOLL_REGISTRY="$work/registry"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
show() { printf '   %s\n' "$@"; }
fail() { printf 'serve-scenario: FAILED: %s\n' "$*" >&2; exit 1; }
# check <what> <actual> <expected>: the actual value must equal the expected one.
check() { [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"; show "ok  $1: $2"; }

start_server() {
  if curl -fs "$api/healthz" >/dev/null 2>&1; then fail "port $port is already serving; pass another port"; fi
  # "$bin", not the plimsoll function: $! must be the server itself, not a subshell around it.
  "$bin" serve --host 127.0.0.1 --port "$port" >>"$work/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 200); do curl -fs "$api/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
  fail "the server did not start: $(cat "$work/serve.log")"
}

# SIGTERM: the server stops taking requests, lets the block in flight commit, and exits 0.
stop_server() {
  kill -TERM "$server"
  local status=0
  wait "$server" || status=$?
  server=""
  check "serve exits cleanly on SIGTERM" "$status" 0
}

# post <json body>: POST /v1/transfers; prints "<http status> <body>".
post() {
  curl -s -o "$work/answer.json" -w '%{http_code}' -H 'content-type: application/json' -d "$1" "$api/v1/transfers"
}

# A holder's next nonce, read from the public key route.
next_nonce() { echo $(( $(curl -fs "$api/v1/keys/$1" | jq -r .last_nonce) + 1 )); }

regulator() { curl -fs -H "Authorization: Bearer $token" "$api$1"; }

step "The registrar creates a registry and adopts the UN list and OFAC's 2019 SDN edition"
plimsoll init --name "Scenario Registry" >/dev/null
plimsoll lists load data/sanctions/un/consolidated.xml data/sanctions/ofac_sdn_2019 --rules examples/rules.yaml | sed 's/^/   /'

step "The registrar registers the owner (with its beneficial owner), the manager and the vessel in 64 units"
plimsoll party add --kind organization --name "Oceanic Bulk Carriers S.A." --country PA >/dev/null   # party 1
plimsoll party add --kind person --name "Elena Marquez" --country PA >/dev/null                      # party 2
echo "share register of Oceanic Bulk Carriers S.A." > "$work/oceanic-register.txt"
plimsoll own declare --owner 2 --owned 1 --share-bps 10000 --evidence-file "$work/oceanic-register.txt" >/dev/null
plimsoll party add --kind organization --name "Jui Zong Ship Management Co., Ltd." --country TW >/dev/null  # party 3
plimsoll party add --kind person --name "Lin Mei-Hua" --country TW >/dev/null                        # party 4
echo "share register of Jui Zong Ship Management" > "$work/manager-register.txt"
plimsoll own declare --owner 4 --owned 3 --share-bps 10000 --evidence-file "$work/manager-register.txt" >/dev/null
plimsoll vessel register --imo 9176187 --name "Plimsoll Star" --flag PA --type "bulk carrier" --gross-tonnage 40000 \
  --units 64 --owner 1 --manager 3 | sed 's/^/   /'
oceanic=$(plimsoll key new --out "$work/oceanic.key" --bind 1 | head -1)
plimsoll issue --vessel IMO9176187 --to "$oceanic" --units 64 | sed 's/^/   /'
check "screening of the vessel" "$(plimsoll screen --vessel IMO9176187 --json | jq -r .status)" clear

step "An investor whose ownership runs through two shells to a UN-listed person is onboarded and screened"
plimsoll party add --kind organization --name "Kestrel Maritime Holdings Ltd" --country HK >/dev/null  # party 5
plimsoll party add --kind organization --name "Harbour Light Trading Ltd" --country SC >/dev/null      # party 6
plimsoll party add --kind organization --name "Blue Anchor Ventures Inc." --country MH >/dev/null      # party 7
plimsoll party add --kind person --name "Han Yu Ro" --country CN 2>&1 | sed 's/^/   /'              # party 8
echo "register extract" > "$work/extract.txt"
plimsoll own declare --owner 6 --owned 5 --share-bps 10000 --evidence-file "$work/extract.txt" >/dev/null
plimsoll own declare --owner 7 --owned 6 --share-bps 10000 --evidence-file "$work/extract.txt" >/dev/null
plimsoll own declare --owner 8 --owned 7 --share-bps 6000 --evidence-file "$work/extract.txt" 2>&1 | sed 's/^/   /'
kestrel=$(plimsoll key new --out "$work/kestrel.key" --bind 5 | head -1)
check "screening of Kestrel" "$(plimsoll screen --party 5 --json | jq -r .decision.status)" block

step "A clean buyer is onboarded; the regulator gets an API token"
plimsoll party add --kind organization --name "Fjord Shipping Invest AS" --country NO >/dev/null  # party 9
plimsoll party add --kind person --name "Ingrid Solberg" --country NO >/dev/null                 # party 10
plimsoll own declare --owner 10 --owned 9 --share-bps 10000 --evidence-file "$work/extract.txt" >/dev/null
fjord=$(plimsoll key new --out "$work/fjord.key" --bind 9 | head -1)
token=$(plimsoll token grant --role regulator)

step "The registry serves holders and regulators over HTTP"
start_server
chain=$(curl -fs "$api/v1/registry" | jq -r .chain_id)
show "chain_id $chain"
grep -q "screening index over the adopted lists built" "$work/serve.log" || fail "the screening index should be built at start"
screen=$(curl -fs -X POST -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
  -d '{"name":"Han Yu Ro","kind":"person"}' "$api/v1/screen")
check "screening a name over HTTP, best match" "$(echo "$screen" | jq -r '.matches[0].entityID')" "un:KPi.005"
echo "$screen" | jq -e '.took_ms >= 0' >/dev/null || fail "every screening answer says how long it took (took_ms)"
show "took_ms $(echo "$screen" | jq -r .took_ms)"
ship=$(curl -fs -X POST -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
  -d '{"name":"IMO No. 8660313","kind":"vessel"}' "$api/v1/screen")
check "an IMO number sent as a name finds its tanker" "$(echo "$ship" | jq -r '.matches[0].entityID')" "ofac:23729"
other=$(curl -fs -X POST -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
  -d '{"name":"Ryu Jin","kind":"person","born":"1990-03-01"}' "$api/v1/screen")
check "a listed name born decades apart: its date of birth disagrees" \
  "$(echo "$other" | jq -r '[.matches[] | select(.entityID == "ofac:17616")][0].checks[0].outcome')" "disagrees"

step "Oceanic signs a sale of 16 units to Kestrel offline and submits it: refused; only the regulator reads the evidence"
offer=$(plimsoll sign-transfer --key "$work/oceanic.key" --chain-id "$chain" --to "$kestrel" --vessel IMO9176187 \
  --amount 16 --nonce "$(next_nonce "$oceanic")")
check "HTTP status" "$(post "$offer")" 422
check "reason code" "$(jq -r .code "$work/answer.json")" FROZEN
show "detail: $(jq -r .detail "$work/answer.json")"
jq -r .detail "$work/answer.json" | grep -q "5→6→7→8" && fail "the submitter must not read the ownership path"
refused=$(jq -r .id "$work/answer.json")
show "evidence (regulator): $(regulator "/v1/transfers/$refused" | jq -r .evidence)"
regulator "/v1/transfers/$refused" | jq -r .evidence | grep -q "via 5→6→7→8" || fail "the audit should name the ownership path"

step "The clean buyer settles"
before=$(curl -fs "$api/v1/blocks/latest" | jq -r .height)
sale=$(plimsoll sign-transfer --key "$work/oceanic.key" --chain-id "$chain" --to "$fjord" --vessel IMO9176187 \
  --amount 16 --nonce "$(next_nonce "$oceanic")")
check "HTTP status" "$(post "$sale")" 200
id=$(jq -r .id "$work/answer.json")
show "receipt $(cat "$work/answer.json")"
check "the transfer is settled" "$(curl -fs "$api/v1/transfers/$id" | jq -r .status)" settled
check "the same signed sale again" "$(post "$sale"; echo " $(jq -r .code "$work/answer.json")")" "422 NONCE_REUSED"

step "The regulator reads the cap table before and after the sale"
check "units before, Oceanic" "$(regulator "/v1/vessels/IMO9176187/cap-table?height=$before" | jq -r '.holders | map(.units) | join(",")')" 64
check "units after, Oceanic and Fjord" "$(regulator /v1/vessels/IMO9176187/cap-table | jq -r '.holders | map(.units) | join(",")')" "48,16"

step "A list update while the server runs: the registrar's actions go to it, the current OFAC SDN names the manager"
test -f "$PLIMSOLL_REGISTRY/server.json" || fail "the running server records its address for registrar commands"
plimsoll lists load data/sanctions/ofac_sdn | sed 's/^/   /'
check "the server kept running" "$(curl -fs -o /dev/null -w '%{http_code}' "$api/healthz")" 200
check "vessel status" "$(regulator /v1/vessels/IMO9176187 | jq -r .vessel.status)" frozen
more=$(plimsoll sign-transfer --key "$work/oceanic.key" --chain-id "$chain" --to "$fjord" --vessel IMO9176187 \
  --amount 4 --nonce "$(next_nonce "$oceanic")")
check "Oceanic → Fjord 4 more units" "$(post "$more"; echo " $(jq -r .code "$work/answer.json")")" "422 FROZEN"

step "The regulator looks through the holders and reads the evidence"
check "the vessel's natural persons" \
  "$(regulator /v1/vessels/IMO9176187/beneficial-owners | jq -r '.owners | map("\(.name) \(.share * 100)%") | join(", ")')" \
  "Elena Marquez 75%, Ingrid Solberg 25%"
check "Fjord's natural person" "$(regulator /v1/parties/9/beneficial-owners | jq -r '.owners | map(.name) | join(",")')" "Ingrid Solberg"
check "Kestrel's recorded screening" "$(regulator /v1/parties/5 | jq -r .screening)" block
show "evidence: $(regulator /v1/parties/5 | jq -r .screeningEvidence)"
check "screening decision entries logged for Kestrel (review while its owners were undeclared, then block)" "$(regulator '/v1/screening/decisions?party=5' | jq -r '.events | length')" 2
plimsoll owners --vessel IMO9176187 | sed 's/^/   /'

step "The regulator exports the log while the server runs and verifies it offline"
plimsoll export --out "$work/log.plimsoll" | sed 's/^/   /'
registrar=$(curl -fs "$api/v1/registry" | jq -r .registrar_key)
plimsoll verify "$work/log.plimsoll" --registrar-key "$registrar" --chain-id "$chain" | head -4 | sed 's/^/   /'
check "verified state digest = the served header's" \
  "$(plimsoll verify "$work/log.plimsoll" --json | jq -r .state_digest)" "$(curl -fs "$api/v1/blocks/latest" | jq -r .state_digest)"
stop_server
echo "serve-scenario: passed"
