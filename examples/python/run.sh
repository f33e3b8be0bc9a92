#!/usr/bin/env bash
# Runs the independent Python client: its offline tests (public vectors, the canonical transfer's
# known answer), then a holder session against a live `plimsoll serve` whose two holder keys the
# Python side made itself. CI runs this.
#
# Usage, from anywhere in the checkout: bash examples/python/run.sh [port]
# Needs: python3 with coincurve (python3 -m pip install coincurve), curl, the Swift toolchain.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
port=${1:-18193}
api="http://127.0.0.1:$port"

python3 -c "import coincurve" 2>/dev/null || python3 -m pip install -q -r "$here/requirements.txt"
echo "== offline: BIP-340, RFC 6962 and transparency-dev vectors, the canonical transfer"
(cd "$here" && python3 -m unittest -q test_client)

swift build --product plimsoll >/dev/null
bin="$(swift build --show-bin-path)/plimsoll"
work=$(mktemp -d /tmp/plimsoll-python-XXXXXX)
server=""
trap 'if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
export PLIMSOLL_REGISTRY="$work/registry"

echo "== the registrar binds two keys the Python client made, and issues units"
alice=$(python3 "$here/example.py" keygen "$work/alice.secret")
bob=$(python3 "$here/example.py" keygen "$work/bob.secret")
# The sequencer's public key (it signs every header) reaches the client out of band (here: init's
# answer), so the client pins it instead of trusting whatever /v1/registry says.
sequencer=$("$bin" init --name "Python Client Registry" --json | jq -r .sequencer_key)
"$bin" party add --kind person --name "Alice Moreau" --country FR >/dev/null
"$bin" party add --kind person --name "Bruno Costa" --country PT >/dev/null
"$bin" key bind --key "$alice" --party 1 >/dev/null
"$bin" key bind --key "$bob" --party 2 >/dev/null
"$bin" vessel register --imo 9176187 --name "Plimsoll Star" --flag PA --owner 1 >/dev/null
"$bin" issue --vessel IMO9176187 --to "$alice" --units 64 >/dev/null
# A lien on 2 of Alice's units: her key proof must show it, decoded on the Python side.
"$bin" freeze --key "$alice" --asset IMO9176187 --units 2 --reason "lien of a test lender" >/dev/null

if curl -fs "$api/healthz" >/dev/null 2>&1; then echo "port $port is already serving" >&2; exit 1; fi
"$bin" serve --host 127.0.0.1 --port "$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 200); do curl -fs "$api/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

echo "== a holder session in Python"
# 3 units in one transfer, then 3 in a batch: Bruno ends with 6.
python3 "$here/example.py" run --api "$api" --asset IMO9176187 --sender "$work/alice.secret" \
  --receiver "$work/bob.secret" --sequencer-key "$sequencer" --expect-receiver-units 6 --expect-sender-frozen-units 2
kill -TERM "$server"
wait "$server"
server=""
