#!/usr/bin/env bash
# soak.sh [MINUTES] [STEP_SECONDS]: the native http-hello under edgebench's
# load generator for MINUTES (default 3), keep-alive and connection-per-request
# alternating in steps of STEP_SECONDS (default 20), at the highest rate
# 10 connections give.  After every step: the server's RSS and open file
# descriptors, the step's errors and non-2xx responses, and a check that
# GET / still answers "hello" and /state still counts by one.  Passes when
# RSS and descriptors stay flat and every response was correct.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${EDGEBENCH_BUILD:-build}
minutes=${1:-3}
step=${2:-20}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$build/native/http-hello" --port "$port" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.05; done
check() {   # GET / is hello, /state counts by one from the last value
  python3 - "$port" <<'PY'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=5)
c.request("GET", "/"); r = c.getresponse(); body = r.read()
assert (r.status, body) == (200, b"hello"), (r.status, body)
c.request("GET", "/state"); a = int(c.getresponse().read())
c.request("GET", "/state"); b = int(c.getresponse().read())
assert b == a + 1, (a, b)
print("ok")
PY
}
rss() { awk '/^VmRSS/ {print $2}' /proc/"$pid"/status; }
fds() { ls /proc/"$pid"/fd | wc -l; }
echo "soak: http-hello pid $pid on 127.0.0.1:$port, ${minutes} min in ${step} s steps"
printf '%-5s %-11s %10s %10s %8s %8s %8s %6s\n' step mode requests req/s errors non2xx rss_kB fds
rss0=$(rss); fds0=$(fds); end=$((SECONDS + minutes * 60)); i=0; bad=0; total=0
rss_min=$rss0; rss_max=$rss0; fds_min=$fds0; fds_max=$fds0
while [ $SECONDS -lt $end ]; do
  if [ $((i % 2)) = 0 ]; then mode=keep-alive; flag=; else mode=close; flag=--close; fi
  out=$("$build/edgebench" load "http://127.0.0.1:$port/" -c 10 -d "${step}s" $flag) || true
  req=$(awk '/requests in/ {print $1}' <<<"$out")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  errs=$(awk '/Socket errors/ {s=0; for (i=3;i<=NF;i+=2) s+=$(i+1); print s}' <<<"$out"); errs=${errs:-0}
  non=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); non=${non:-0}
  ok=$(check 2>&1 | tail -n 1)
  r=$(rss); f=$(fds)
  [ "$r" -lt "$rss_min" ] && rss_min=$r; [ "$r" -gt "$rss_max" ] && rss_max=$r
  [ "$f" -lt "$fds_min" ] && fds_min=$f; [ "$f" -gt "$fds_max" ] && fds_max=$f
  [ "$errs" = 0 ] && [ "$non" = 0 ] && [ "$ok" = ok ] || bad=$((bad + 1))
  total=$((total + ${req:-0}))
  printf '%-5s %-11s %10s %10s %8s %8s %8s %6s %s\n' "$i" "$mode" "${req:-?}" "${rps:-?}" "$errs" "$non" "$r" "$f" "$([ "$ok" = ok ] || echo "CHECK: $ok")"
  i=$((i + 1))
done
echo "soak: $total requests in $i steps; RSS ${rss_min}..${rss_max} kB (start ${rss0}); fds ${fds_min}..${fds_max} (start ${fds0}); steps with an error or a wrong answer: $bad"
if [ "$bad" = 0 ] && [ $((rss_max - rss_min)) -le 256 ] && [ "$fds_max" = "$fds_min" ]; then echo "soak: PASS"; else echo "soak: FAIL"; exit 1; fi
