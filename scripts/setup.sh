#!/usr/bin/env bash
# setup.sh: install and start what edgebench needs on Debian 12, idempotently.
#
#   scripts/setup.sh build        compilers and libraries to build and test
#   scripts/setup.sh docker-up    docker.io + runsc installed, runsc registered,
#                                 a daemon answering (started by us if none runs)
#   scripts/setup.sh docker-down  stop the daemon only if docker-up started it
#   scripts/setup.sh all          build + wrk + docker-up
#
# Only missing packages are installed (Debian 12 pins their versions); a
# second run does nothing.  Without root it names what is missing and how to
# install it, and fails.
set -euo pipefail

pidfile=/run/edgebench-dockerd.pid
daemon_json=/etc/docker/daemon.json
build_pkgs=(gcc make libc6-dev musl-tools libjansson-dev libcmocka-dev python3 git
            clang lld wasi-libc libclang-rt-14-dev-wasm32)
bench_pkgs=(wrk)
docker_pkgs=(docker.io runsc)

need() {   # install the missing ones among "$@"
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: missing Debian packages: ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  echo "setup.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

docker_cli() { if [ -x /usr/bin/docker ]; then echo /usr/bin/docker; else echo docker; fi; }
daemon_answers() { timeout 10 "$(docker_cli)" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# runsc as a Docker runtime; host networking needs the runtime argument
# (FIELD-NOTES: without it runsc refuses "--network host").
register_runsc() {
  mkdir -p /etc/docker
  python3 - "$daemon_json" <<'PY'
import json, os, sys
path = sys.argv[1]
cfg = {}
if os.path.exists(path) and os.path.getsize(path):
    with open(path) as f:
        cfg = json.load(f)
want = {"path": "/usr/bin/runsc", "runtimeArgs": ["--network=host"]}
if cfg.get("runtimes", {}).get("runsc") == want:
    sys.exit(0)
cfg.setdefault("runtimes", {})["runsc"] = want
tmp = path + ".tmp"
with open(tmp, "w") as f:
    json.dump(cfg, f, indent=1)
os.replace(tmp, path)
sys.exit(10)
PY
}

docker_up() {
  need "${docker_pkgs[@]}"
  local changed=0
  register_runsc || changed=$?
  [ "$changed" = 0 ] || [ "$changed" = 10 ] || return 1
  if daemon_answers; then
    if [ "$changed" = 10 ]; then   # reload the runtimes of a running daemon
      pkill -HUP -x dockerd || true
      sleep 1
    fi
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: no Docker daemon answers; start one with: sudo dockerd &" >&2
    return 1
  fi
  # no daemon: start one, loopback-friendly (no bridge, no iptables rules)
  echo "setup.sh: starting dockerd (log: /var/log/edgebench-dockerd.log)" >&2
  setsid dockerd --host unix:///var/run/docker.sock --bridge=none --iptables=false --ip-masq=false \
    >>/var/log/edgebench-dockerd.log 2>&1 < /dev/null &
  echo $! > "$pidfile"
  for _ in $(seq 60); do daemon_answers && return 0; sleep 0.5; done
  echo "setup.sh: dockerd did not answer within 30 s; see /var/log/edgebench-dockerd.log" >&2
  return 1
}

docker_down() {
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = dockerd ]; then
    kill -TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$pidfile"
}

case "${1:-all}" in
  build) need "${build_pkgs[@]}" ;;
  docker-up) docker_up ;;
  docker-down) docker_down ;;
  all)
    need "${build_pkgs[@]}" "${bench_pkgs[@]}"
    docker_up || echo "setup.sh: containers will be reported as not available" >&2
    ;;
  *) echo "setup.sh: unknown target '$1' (build|docker-up|docker-down|all)" >&2; exit 2 ;;
esac
