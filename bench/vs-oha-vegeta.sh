#!/usr/bin/env bash
# vs-oha-vegeta.sh [PERCENT=50] [SECONDS=5] [ROUNDS=3]: edgebench's open
# loop against two load generators no one here wrote, at the same rate on the
# same native http-hello: oha --latency-correction (crates.io) and vegeta
# (Go).  Server on CPU 0, every client on CPU 1, the tools taking turns,
# ROUNDS times, SECONDS each.  Two scenarios:
#   plain  the server as it is, at PERCENT of edgebench's closed-loop
#          keep-alive throughput (issue 11's target: p99 within 15%);
#   stall  the server pausing 20 ms every 1,000 requests (EDGEBENCH_HH_FAULT,
#          test-only), at 5,000 req/s, a rate every tool can generate: the
#          tail is the server's, and an open loop must see it.
# Prints every round's p50/p99 and the median ratios; exit status 1 when a
# scenario's p99 ratio is off by more than 15%.  SCENARIOS="plain stall"
# picks; RATE=N fixes the plain rate.  oha and vegeta are installed, pinned,
# by `scripts/setup.sh loadtools`.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${EDGEBENCH_BUILD:-build}
pct=${1:-50}; secs=${2:-5}; rounds=${3:-3}
scenarios=${SCENARIOS:-plain stall}
scripts/setup.sh loadtools
. "$(dirname "$0")/../scripts/versions.env"
oha=$EB_CACHE/oha-$OHA_VERSION/bin/oha
vegeta=$EB_CACHE/vegeta-$VEGETA_VERSION/bin/vegeta
pin0=""; pin1=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin0="taskset -c 0"; pin1="taskset -c 1"; fi
conns=50
srv=
trap '[ -z "$srv" ] || { kill $srv 2>/dev/null; wait $srv 2>/dev/null; }' EXIT
"$oha" --version >&2; "$vegeta" -version 2>&1 | head -n 1 >&2

to_ms() { # "16.00us" / "1.20ms" / "800ns" / "1.2s" -> milliseconds
  awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ns$/) n/=1e6; else if (v ~ /[0-9]s$/) n*=1000; print n }'
}

start_server() {   # start_server FAULT
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  EDGEBENCH_HH_FAULT="$1" $pin0 "$build/native/http-hello" --port "$port" 2>/dev/null &
  srv=$!
  for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.01; done
  url="http://127.0.0.1:$port/"
}

stop_server() { kill $srv 2>/dev/null; wait $srv 2>/dev/null || true; srv=; }

ok=0
for sc in $scenarios; do
  case $sc in
    plain) start_server ""
           max=$($pin1 "$build/edgebench" load "$url" -c 10 -d 3s | awk '/^Requests\/sec/ {print $2}')
           rate=${RATE:-$(awk -v m="$max" -v p="$pct" 'BEGIN { printf "%d", m * p / 100 }')}
           what="plain server, ${pct}% of its closed-loop max ${max} req/s" ;;
    stall) start_server "stall=20/1000"; rate=5000
           what="server stalling 20 ms every 1,000 requests" ;;
    *) echo "vs-oha-vegeta: unknown scenario '$sc' (plain, stall)" >&2; exit 2 ;;
  esac
  echo "== $sc: $what; open loop at ${rate} req/s, ${conns} connections, ${secs}s x ${rounds} rounds" >&2
  rows=()
  for r in $(seq "$rounds"); do
    out=$($pin1 "$build/edgebench" load "$url" -c "$conns" -d "${secs}s" --rate "$rate")
    e50=$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")"); e99=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")
    # each tool's own achieved rate: a tool that fell behind measured itself, not the server
    ekept=1; grep -q GENERATOR-BOUND <<<"$out" && ekept=0
    read -r o50 o99 okept < <($pin1 "$oha" -z "${secs}s" -q "$rate" -c "$conns" --latency-correction --no-tui --output-format json "$url" |
      python3 -c 'import json,sys; j=json.load(sys.stdin); d=j["latencyPercentiles"]; print(d["p50"]*1e3, d["p99"]*1e3, int(j["summary"]["requestsPerSec"] >= 0.95*'"$rate"'))')
    read -r v50 v99 vkept < <(echo "GET $url" | $pin1 "$vegeta" attack -rate="${rate}/s" -duration="${secs}s" -max-connections="$conns" |
      "$vegeta" report -type=json | python3 -c 'import json,sys; j=json.load(sys.stdin); d=j["latencies"]; print(d["50th"]/1e6, d["99th"]/1e6, int(j["throughput"] >= 0.95*'"$rate"'))')
    rows+=("$e50 $e99 $o50 $o99 $v50 $v99 $ekept $okept $vkept")
    printf 'round %s: p50/p99 ms  edgebench %.3f/%.3f  oha %.3f/%.3f  vegeta %.3f/%.3f  kept up: %s %s %s\n' "$r" "$e50" "$e99" "$o50" "$o99" "$v50" "$v99" "$ekept" "$okept" "$vkept" >&2
  done
  stop_server
  python3 - "$sc" "${rows[@]}" <<'PY' || ok=1
import statistics, sys
sc = sys.argv[1]
rows = [[float(x) for x in r.split()] for r in sys.argv[2:]]
e50, e99, o50, o99, v50, v99 = (statistics.median(c[:6]) for c in zip(*[r[:6] for r in rows]))
kept = {"edgebench": all(r[6] for r in rows), "oha --latency-correction": all(r[7] for r in rows), "vegeta": all(r[8] for r in rows)}
good = True
if not kept["edgebench"]:
    print(f"{sc}: edgebench was GENERATOR-BOUND in a round: its latencies describe itself, not compared")
    sys.exit(0)
for name, p50, p99 in (("oha --latency-correction", o50, o99), ("vegeta", v50, v99)):
    if not kept[name]:
        print(f"{sc}: {name} did not keep up with the rate (under 95% achieved): not compared")
        continue
    r = e99 / p99 if p99 > 0 else float("inf")
    good &= abs(r - 1) <= 0.15
    print(f"{sc}: edgebench/{name}: p99 ratio {r:.3f} ({e99:.3f} vs {p99:.3f} ms), "
          f"p50 ratio {e50 / p50 if p50 > 0 else float('inf'):.3f}  p99 within 15%: {'PASS' if abs(r - 1) <= 0.15 else 'FAIL'}")
sys.exit(0 if good else 1)
PY
done
exit $ok
