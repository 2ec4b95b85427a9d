#!/usr/bin/env bash
# floor.sh [RESULTS_DIR]: the harness's own floor.  Compares the native
# server's cold start (launch -> first HTTP 200) with the cost of
# posix_spawn + exit + reap of a static binary (the native `hello` run),
# both from the same run.  Without a directory it makes a fresh native run.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${EDGEBENCH_BUILD:-build}
dir=${1:-}
if [ -z "$dir" ]; then
  tmp=$(mktemp -d /tmp/edgebench-floor-XXXXXX)
  trap 'rm -rf "$tmp"' EXIT
  dir="$tmp/run"
  "$build/edgebench" run --runtime native --workload http-hello --workload hello \
    --trials 50 --hello-runs 200 --duration 500ms --bursts 1 --out "$dir" >/dev/null
fi
python3 - "$dir/results.json" <<'PY'
import json, statistics, sys
doc = json.load(open(sys.argv[1]))
def med(wl, series):
    for c in doc["cells"]:
        if c["runtime"] == "native" and c["workload"] == wl and c["status"] == "ok":
            for s in c["series"]:
                if s["name"] == series:
                    return statistics.median(s["samples"]), len(s["samples"])
    return None, 0
cold, n1 = med("http-hello", "cold_start")
spawn, n2 = med("hello", "run")
if cold is None or spawn is None:
    print("floor: this run has no native http-hello and hello results"); sys.exit(1)
print(f"floor: native http-hello cold start median {cold/1e6:.3f} ms (n={n1}); "
      f"spawn+exit of static hello median {spawn/1e6:.3f} ms (n={n2}); ratio {cold/spawn:.2f}x")
print(f"floor: the study's curl polling reported 177.74 ms for the same event; this run measured {cold/1e6:.3f} ms")
PY
