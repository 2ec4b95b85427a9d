#!/usr/bin/env bash
# bench.sh: the default suite on every runtime edgebench can use here, then
# the report.  Called by `make bench` after setup and build.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${EDGEBENCH_BUILD:-build}
out="results/$(date -u +%Y%m%dT%H%M%SZ)"
# a Docker daemon for the container runtimes; stopped at the end only if we started it
if [ ! -f /run/edgebench-dockerd.pid ] && scripts/setup.sh docker-up && [ -f /run/edgebench-dockerd.pid ]; then
  trap 'scripts/setup.sh docker-down' EXIT
fi
"$build/edgebench" list >&2
rc=0
"$build/edgebench" run --out "$out" "$@" || rc=$?
if [ -f "$out/results.json" ]; then
  ln -sfn "$(basename "$out")" results/latest
  "$build/edgebench" report "$out" >/dev/null
  bench/floor.sh "$out" || true
  echo "report: $out/report.md (also results/latest/report.md)" >&2
fi
exit "$rc"
