#!/usr/bin/env bash
# bench.sh: the default suite on every runtime edgebench can use here, then
# the report.  Called by `make bench` after setup and build.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${EDGEBENCH_BUILD:-build}
out="results/$(date -u +%Y%m%dT%H%M%SZ)"
# a Docker daemon for the container runtimes (make setup started one if none
# ran); docker-down stops it at the end only if edgebench started it
scripts/setup.sh docker-up || echo "bench: containers will be reported as not available" >&2
trap 'scripts/setup.sh docker-down' EXIT
"$build/edgebench" list >&2
rc=0
# --method study: the study's own curl instrument beside ours on every server
# (1.7 min of the suite's 12.5 in results 20261130T182925Z); later options win
"$build/edgebench" run --out "$out" --method study "$@" || rc=$?
if [ -f "$out/results.json" ]; then
  ln -sfn "$(basename "$out")" results/latest
  "$build/edgebench" report "$out" >/dev/null
  bench/floor.sh "$out" || true
  echo "report: $out/report.html and report.md (also results/latest/)" >&2
fi
# Serverless traffic: a seeded OrcBench trace (scale 0.02, 3 minutes, seed 7: 12,530
# invocations of 181 functions) replayed at speed 10 on native, Docker, gVisor, Wasmtime
# (cache-warm) and wasmCloud's host as a platform, keep-alive 10 minutes of trace time
# (about 6 minutes in all [R10]: a runtime that cannot keep up is bounded by the drain time).
. scripts/versions.env
orcbench="$EB_CACHE/orcbench-$ORCBENCH_VERSION/bin/orcbench"
if [ ! -x "$orcbench" ]; then
  echo "bench: replay not run: orcbench not installed, install with: scripts/setup.sh traces" >&2
  [ "${CI:-}" = true ] && rc=1
elif [ -d "$out" ]; then
  trace="$out/orcbench-s0.02-3m-seed7.csv"
  "$orcbench" trace --scale 0.02 --runtime 3 --seed 7 --out "$trace" >/dev/null
  echo "bench: replaying $trace at speed 10 (about 6 minutes)" >&2
  "$build/edgebench" replay "$trace" --runtime native --runtime docker --runtime gvisor --runtime wasmtime \
    --runtime wasmcloud --mode cache-warm --mode host --speed 10 --keep-alive 10m --seed 7 --out "$out/replay" || rc=$?
  [ -f "$out/replay/report.md" ] && echo "replay report: $out/replay/report.md" >&2
fi
exit "$rc"
