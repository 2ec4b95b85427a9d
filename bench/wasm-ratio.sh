#!/usr/bin/env bash
# wasm-ratio.sh [RESULTS_DIR]: in one run, the wasm/native time ratio of
# cpu-hash per runtime and mode (the hash loop the workload times itself,
# and launch -> exit), and the fixed cost of hello per runtime next to the
# cost of exec'ing the native hello.  Without a directory it makes a fresh
# run of every available runtime on cpu-hash and hello.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${EDGEBENCH_BUILD:-build}
dir=${1:-}
if [ -z "$dir" ]; then
  tmp=$(mktemp -d /tmp/edgebench-ratio-XXXXXX)
  trap 'rm -rf "$tmp"' EXIT
  dir="$tmp/run"
  "$build/edgebench" run --workload cpu-hash --workload hello --hash-runs 5 --hello-runs 30 \
    --out "$dir" >/dev/null || true
fi
python3 - "$dir/results.json" <<'PY'
import json, statistics, sys
doc = json.load(open(sys.argv[1]))
def med(cell, name):
    for s in cell["series"]:
        if s["name"] == name and s["samples"]:
            return statistics.median(s["samples"]), len(s["samples"])
    return None, 0
cells = [c for c in doc["cells"] if c["status"] == "ok"]
native = {c["workload"]: c for c in cells if c["runtime"] == "native"}
if "cpu-hash" not in native or "hello" not in native:
    print("wasm-ratio: this run has no native cpu-hash/hello baseline"); sys.exit(1)
nc, _ = med(native["cpu-hash"], "compute"); nr, _ = med(native["cpu-hash"], "run"); nh, nn = med(native["hello"], "run")
print(f"cpu-hash ({doc['config']['iterations']} iterations); native: compute {nc/1e6:.1f} ms, run {nr/1e6:.1f} ms")
print(f"{'runtime/mode':28} {'compute ms':>11} {'x native':>9} {'run ms':>9} {'x native':>9}  n")
for c in cells:
    if c["workload"] != "cpu-hash" or c["runtime"] == "native":
        continue
    comp, n = med(c, "compute"); run, _ = med(c, "run")
    print(f"{c['runtime'] + '/' + c['mode']:28} {comp/1e6:11.1f} {comp/nc:9.2f} {run/1e6:9.1f} {run/nr:9.2f}  {n}")
print(f"\nhello (launch -> exit); native exec of a static binary: {nh/1e6:.3f} ms (n={nn})")
print(f"{'runtime/mode':28} {'run ms':>9} {'x native':>9} {'fixed cost ms':>14}  n")
for c in cells:
    if c["workload"] != "hello" or c["runtime"] == "native":
        continue
    h, n = med(c, "run")
    print(f"{c['runtime'] + '/' + c['mode']:28} {h/1e6:9.3f} {h/nh:9.1f} {(h-nh)/1e6:14.3f}  {n}")
# Which V8 tier runs the hot loop by default?  Compare Node's default with
# its two forced tiers from the same run.
tiers = {c["mode"]: med(c, "compute")[0] for c in cells if c["runtime"] == "node" and c["workload"] == "cpu-hash"}
if {"default", "turbofan", "liftoff"} <= tiers.keys():
    d, t, l = tiers["default"], tiers["turbofan"], tiers["liftoff"]
    which = "TurboFan (optimising)" if abs(d - t) < abs(d - l) else "Liftoff (baseline)"
    print(f"\nnode: the hash loop runs in {which} by default: default {d/1e6:.0f} ms, "
          f"turbofan {t/1e6:.0f} ms, liftoff-only {l/1e6:.0f} ms")
for r in doc["runtimes"]:
    if not r["available"]:
        print(f"not measured: {r['name']} not available: {r['why']}, install with: {r['hint']}")
PY
