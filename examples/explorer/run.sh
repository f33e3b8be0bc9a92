#!/usr/bin/env bash
# The explorer in headless Chromium on the demo registry (issue 18): builds plimsoll, runs the
# demo with --keep (which grants a regulator token), serves it, and runs browser_test.py
# (Selenium, axe-core). Needs Debian's chromium and chromium-driver and PyPI's selenium and
# axe-selenium-python (.ci/run installs them). Screenshots go to a folder printed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build --product plimsoll >/dev/null
bin="$(swift build --show-bin-path)/plimsoll"
shots="${PLIMSOLL_SCREENSHOTS:-$(mktemp -d /tmp/plimsoll-explorer-screenshots-XXXXXX)}"
out=$("$bin" demo --keep)
registry=$(printf '%s\n' "$out" | sed -n 's/.*the registry is kept in \(.*\); try:.*/\1/p')
token=$(printf '%s\n' "$out" | sed -n 's/^ *token *\([^ ]*\) .*/\1/p')
[ -n "$registry" ] && [ -n "$token" ] || { echo "explorer: the demo printed no registry or token" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --registry "$registry" --port "$port" >"$registry/serve.log" 2>&1 &
server=$!
cleanup() {
  status=$?
  kill -TERM "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  # On failure the server's log says what it saw.
  if [ "$status" -ne 0 ]; then echo "explorer: the server's log:" >&2; tail -40 "$registry/serve.log" >&2 || true; fi
  rm -rf "$registry"
}
trap cleanup EXIT
up=""
for _ in $(seq 600); do
  if curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then up=1; break; fi
  sleep 0.1
done
[ -n "$up" ] || { echo "explorer: the server did not come up on port $port" >&2; exit 1; }
python3 examples/explorer/browser_test.py --base "http://127.0.0.1:$port" --token "$token" --screenshots "$shots"
echo "explorer: screenshots in $shots"
ls "$shots"
