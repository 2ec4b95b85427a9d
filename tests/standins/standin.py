#!/usr/bin/env python3
"""A stand-in for WAMR's `iwasm` and `wamrc` and for `wasmedge`, for testing
edgebench's adapters where no registry installs the real runtimes (see
scripts/required-runtimes).  Installed under those names (symlinks) in a
directory put first on PATH by tests/e2e/test_standins.py.

It behaves as the real tools do at the interface edgebench uses, and records
every argv (one JSON line each) in $EB_STANDIN_LOG:
  iwasm --version                     "iwasm 2.4.3"
  wamrc --version / -o OUT IN         "wamrc 2.4.3" / writes OUT from IN
  wasmedge --version                  "wasmedge version 0.13.5"
  wasmedge compile IN OUT             writes OUT, or with EB_STANDIN_LLVM=0 fails as an
                                      interpreter-only build does
  iwasm [--addr-pool=...] MODULE ARGS / wasmedge [--force-interpreter] MODULE ARGS
                                      runs MODULE: a batch module (cpu-hash, hello) for
                                      real under $EB_STANDIN_WASMTIME (`wasmtime run`); the
                                      socket variant of http-hello is served by the native
                                      http-hello ($EB_STANDIN_NATIVE) on the --port it was
                                      given (same hh_core; the guest's socket imports are
                                      not exercised: no runtime here implements them); the
                                      socket variant of http-api likewise by the native
                                      http-api, its guest /data (iwasm --map-dir=/data::HOST,
                                      wasmedge --dir /data:HOST) resolved to HOST
Each run replaces itself (exec), so edgebench's pid, signals and memory
figures apply to the process that does the work.
"""
import json
import os
import shutil
import sys

VERSION = {"iwasm": "iwasm 2.4.3", "wamrc": "wamrc 2.4.3", "wasmedge": "wasmedge version 0.13.5"}


def log(tool, argv):
    path = os.environ.get("EB_STANDIN_LOG")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps({"tool": tool, "argv": argv}) + "\n")


def run_module(module, args, data_host):
    base = os.path.basename(module)
    if base.startswith("http-hello."):
        native = os.environ["EB_STANDIN_NATIVE"]
        os.execv(native, [native, *args])
    if base.startswith("http-api."):
        native = os.path.join(os.path.dirname(os.environ["EB_STANDIN_NATIVE"]), "http-api")
        if data_host is None:
            print(f"{base}: no directory mapped to /data", file=sys.stderr)
            sys.exit(1)
        args = [data_host + a[len("/data"):] if a.startswith("/data/") else a for a in args]
        os.execv(native, [native, *args])
    # the real module, whatever the extension our compile stand-ins gave it (a copy of the .wasm)
    wasmtime = os.environ["EB_STANDIN_WASMTIME"]
    os.execv(wasmtime, [wasmtime, "run", module, *args])


def main():
    tool = os.path.basename(sys.argv[0])
    argv = sys.argv[1:]
    log(tool, argv)
    if argv[:1] == ["--version"]:
        print(VERSION[tool])
        return 0
    if tool == "wamrc":
        if len(argv) != 3 or argv[0] != "-o":
            print("wamrc: usage: wamrc -o OUT IN", file=sys.stderr)
            return 1
        shutil.copyfile(argv[2], argv[1])
        return 0
    if tool == "wasmedge" and argv[:1] == ["compile"]:
        if os.environ.get("EB_STANDIN_LLVM", "1") == "0":
            print("[error] compile: this WasmEdge was built without LLVM (WASMEDGE_USE_LLVM=OFF)", file=sys.stderr)
            return 1
        shutil.copyfile(argv[1], argv[2])
        return 0
    rest, data_host, i = [], None, 0
    while i < len(argv):
        a = argv[i]
        if a.startswith("--map-dir=/data::") and tool == "iwasm":
            data_host = a[len("--map-dir=/data::"):]
        elif a == "--dir" and tool == "wasmedge" and i + 1 < len(argv) and argv[i + 1].startswith("/data:"):
            data_host = argv[i + 1][len("/data:"):]
            i += 1
        elif not a.startswith("--addr-pool=") and a != "--force-interpreter":
            rest.append(a)
        i += 1
    if not rest:
        print(f"{tool}: no module", file=sys.stderr)
        return 1
    run_module(rest[0], rest[1:], data_host)
    return 1


if __name__ == "__main__":
    sys.exit(main())
