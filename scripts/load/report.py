"""The load test's table and JSON, from wrk's output (one file per wrk run, summed).

Usage: python3 scripts/load/report.py [--metrics SCRAPE] SECONDS ACKED MISSING RAW_BEFORE RAW_AFTER RSS_KIB
       CONNECTIONS WRK_OUTPUT...
With --metrics (the server's /metrics scraped when the load ended), the table also says where a
block's time went on the server: blocks made, transfers a block, and the mean time a block spent
waiting for its signatures, applying and committing, with the share of the run the writer was
committing (a share near 1 means the commits set the pace).
Exits 1 when an acknowledged transfer is missing from the log.
"""
import json
import re
import sys

args = sys.argv[1:]
scrape = None
if args[:1] == ["--metrics"]:
    scrape, args = open(args[1]).read(), args[2:]
seconds, acked, missing = float(args[0]), int(args[1]), int(args[2])
before, after, rss, connections = float(args[3]), float(args[4]), int(args[5]), int(args[6])
texts = [open(path).read() for path in args[7:]]


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


def sample(family, labels=""):
    """One sample of the scrape (0 when absent): `family{labels} value`."""
    found = re.search("^" + re.escape(family + ("{" + labels + "}" if labels else "")) + r" ([0-9.e+-]+)$",
                      scrape, re.M)
    return float(found.group(1)) if found else 0.0


# An empty scrape (the server did not answer /metrics) adds no rows rather than rows of zeros.
if scrape:
    blocks = sample("plimsoll_blocks_total")
    batches = sample("plimsoll_settle_phase_seconds_count", 'phase="apply"')
    per_block = lambda phase: 1000 * sample("plimsoll_settle_phase_seconds_sum", f'phase="{phase}"') / max(
        sample("plimsoll_settle_phase_seconds_count", f'phase="{phase}"'), 1)
    rows += [("server_blocks", blocks, "blocks"),
             ("server_transfers_per_block", sample("plimsoll_entries_total") / max(batches, 1), "entries"),
             ("server_signature_wait_per_block", per_block("verify"), "ms (signatures not yet checked at the cut)"),
             ("server_apply_per_block", per_block("apply"), "ms"),
             ("server_commit_per_block", per_block("commit"), "ms"),
             ("server_writer_busy", sample("plimsoll_settle_phase_seconds_sum", 'phase="commit"') / seconds,
              "share of the run spent committing")]
for name, v, unit in rows:
    print(f"{name:34} {v:14.2f} {unit}")
print(json.dumps({name: v for name, v, _ in rows}))
sys.exit(1 if missing else 0)
