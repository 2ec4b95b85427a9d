#!/usr/bin/env bash
# The key of a wasmCloud 1.x stack build: the first 12 hex digits of the
# SHA-256 of wasmcloud1/'s sources and lock.  setup.sh builds into
# /var/cache/edgebench/wasmcloud1-KEY; edgebench (the key is compiled in,
# Makefile) and the tests use only the build of these sources, never a
# stale one.
set -euo pipefail
cd "$(dirname "$0")/../wasmcloud1"
cat Cargo.toml Cargo.lock src/*.rs src/bin/*.rs | sha256sum | cut -c1-12
