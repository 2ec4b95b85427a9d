#!/usr/bin/env bash
# vs-wrk.sh: edgebench's load generator against wrk, same native server, same
# connections and duration, interleaved rounds in one run.  The server is
# pinned to CPU 0 and each client to CPU 1 (on a 2-core VM an unpinned
# ping-pong flips between placements and both tools swing 2x).
#
# Targets (issue 2): throughput >= 0.9x wrk's at -c CONNS; sequential (-c1)
# p50 within 20% of wrk -c1's p50.  Exit status 1 when a target is missed.
#   usage: bench/vs-wrk.sh [CONNS=10] [DURATION=3s] [ROUNDS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${EDGEBENCH_BUILD:-build}
conns=${1:-10}; dur=${2:-3s}; rounds=${3:-3}
command -v wrk >/dev/null || { echo "vs-wrk: wrk not installed, install with: apt-get install wrk" >&2; exit 2; }
pin0=""; pin1=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin0="taskset -c 0"; pin1="taskset -c 1"; fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$pin0 "$build/native/http-hello" --port "$port" 2>/dev/null &
srv=$!
trap 'kill $srv 2>/dev/null; wait $srv 2>/dev/null' EXIT
for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.01; done
url="http://127.0.0.1:$port/"

to_us() { # "16.00us" / "1.20ms" / "800ns" -> microseconds
  awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /ms$/) n*=1000; else if (v ~ /ns$/) n/=1000; else if (v ~ /[0-9]s$/) n*=1e6; print n }'
}
eb_rps=(); wrk_rps=(); eb_p50=(); wrk_p50=()
for r in $(seq "$rounds"); do
  eb_rps+=("$($pin1 "$build/edgebench" load "$url" -c "$conns" -d "$dur" | awk '/^Requests\/sec/ {print $2}')")
  wrk_rps+=("$($pin1 wrk -t1 -c "$conns" -d "$dur" "$url" | awk '/^Requests\/sec/ {print $2}')")
  eb_p50+=("$(to_us "$($pin1 "$build/edgebench" load "$url" -c 1 -d "$dur" | awk '$1=="50%" {print $2}')")")
  wrk_p50+=("$(to_us "$($pin1 wrk -t1 -c 1 -d "$dur" --latency "$url" | awk '$1=="50%" {print $2}')")")
  echo "round $r: rps edgebench ${eb_rps[-1]} wrk ${wrk_rps[-1]}; c1 p50 edgebench ${eb_p50[-1]}us wrk ${wrk_p50[-1]}us" >&2
done
python3 - "${eb_rps[*]}" "${wrk_rps[*]}" "${eb_p50[*]}" "${wrk_p50[*]}" "$conns" "$dur" <<'PY'
import statistics, sys
eb, wrk, ebp, wrkp = ([float(x) for x in a.split()] for a in sys.argv[1:5])
conns, dur = sys.argv[5], sys.argv[6]
r = statistics.median(eb) / statistics.median(wrk)
l = statistics.median(ebp) / statistics.median(wrkp)
print(f"throughput at -c{conns} -d{dur}: edgebench {statistics.median(eb):.0f} req/s, wrk {statistics.median(wrk):.0f} req/s, "
      f"ratio {r:.3f} (target >= 0.9): {'PASS' if r >= 0.9 else 'FAIL'}")
print(f"sequential p50 at -c1: edgebench {statistics.median(ebp):.1f} us, wrk {statistics.median(wrkp):.1f} us, "
      f"ratio {l:.3f} (target 0.8..1.2): {'PASS' if 0.8 <= l <= 1.2 else 'FAIL'}")
print(f"(medians of {len(eb)} interleaved rounds, server on CPU 0, clients on CPU 1)")
sys.exit(0 if r >= 0.9 and 0.8 <= l <= 1.2 else 1)
PY
