"""The load test's table and JSON, from wrk's output (one file per wrk run, summed).

Usage: python3 scripts/load/report.py SECONDS ACKED MISSING RAW_BEFORE RAW_AFTER RSS_KIB CONNECTIONS WRK_OUTPUT...
Exits 1 when an acknowledged transfer is missing from the log.
"""
import json
import re
import sys

seconds, acked, missing = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
before, after, rss, connections = float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
texts = [open(path).read() for path in sys.argv[8:]]


def values(name):
    found = [re.search(name + r" ([0-9.]+)", text) for text in texts]
    return [float(m.group(1)) for m in found if m]


errors = 0
for text in texts:
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors += int(non2xx.group(1)) if non2xx else 0
errors += int(sum(values("socket_errors")))
# Several wrk runs (one per node): the worst node's percentiles.
p50 = max(values("latency_p50_ms") or [float("nan")])
p99 = max(values("latency_p99_ms") or [float("nan")])
raw = (before + after) / 2
rate = acked / seconds
target = "0.5 at 512 connections" if connections >= 512 else "0.25 at 64 connections, p99 < 20 ms"
rows = [("raw_verify_before", before, "ops/s"), ("settled_over_http_per_s", rate, "transfers/s"),
        ("raw_verify_after", after, "ops/s"),
        ("ratio", rate / raw, f"x raw verify, mean before/after (target {target})"),
        ("latency_p50", p50, "ms"), ("latency_p99", p99, "ms"), ("errors", errors, "responses"),
        ("acknowledged", acked, "transfers"), ("acknowledged_missing_from_log", missing, "transfers"),
        ("server_rss", rss / 1024, "MiB")]
for name, v, unit in rows:
    print(f"{name:34} {v:14.2f} {unit}")
print(json.dumps({name: v for name, v, _ in rows}))
sys.exit(1 if missing else 0)
