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
# (about half a minute in all); later options win
"$build/edgebench" run --out "$out" --method study "$@" || rc=$?
if [ -f "$out/results.json" ]; then
  ln -sfn "$(basename "$out")" results/latest
  "$build/edgebench" report "$out" >/dev/null
  bench/floor.sh "$out" || true
  echo "report: $out/report.html and report.md (also results/latest/)" >&2
fi
exit "$rc"
