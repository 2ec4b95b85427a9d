#!/usr/bin/env bash
# setup.sh: install what edgebench needs on Debian 12, idempotently.
#
#   scripts/setup.sh build   compilers and libraries to build and test (make test)
#   scripts/setup.sh all     build + benchmark tools (make bench)
#
# Only missing packages are installed (pinned to Debian 12's versions by the
# distribution itself); a second run does nothing.  Without root, it names
# what is missing and how to install it, and fails.
set -euo pipefail

what=${1:-all}
build_pkgs=(gcc make libc6-dev musl-tools libjansson-dev libcmocka-dev python3 git)
bench_pkgs=(wrk)

case "$what" in
  build) pkgs=("${build_pkgs[@]}") ;;
  all) pkgs=("${build_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "setup.sh: unknown target '$what' (build|all)" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "setup.sh: missing Debian packages: ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "setup.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
