#!/usr/bin/env python3
"""Fail, naming each one with edgebench's own reason, when a runtime or mode
listed in scripts/required-runtimes is not available after setup.

usage: scripts/check-required.py EDGEBENCH_BINARY
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def required():
    with open(os.path.join(ROOT, "scripts", "required-runtimes")) as f:
        return [l.strip() for l in f if l.strip() and not l.startswith("#")]


def availability(binary):
    """{"runtime": None or reason, "runtime/mode": None or reason} from `edgebench list`."""
    out = subprocess.run([binary, "list"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    avail, current = {}, None
    for line in out.splitlines():
        m = re.match(r"  (\S+)\s+(available\b.*|not available: (.*))$", line)
        if m and not line.startswith("   "):
            current = m.group(1)
            avail[current] = m.group(3)
            continue
        m = re.match(r"\s+mode (\S+)\s+(available\b.*|not available: (.*))$", line)
        if m and current:
            avail[f"{current}/{m.group(1)}"] = m.group(3)
    return avail


def main():
    avail = availability(sys.argv[1])
    bad = []
    for what in required():
        rt = what.split("/")[0]
        reason = avail.get(rt, "edgebench list does not name it")
        if reason is None and "/" in what:
            reason = avail.get(what, "edgebench list does not name this mode")
        if reason is not None:
            bad.append(f"{what}: {reason}")
    for b in bad:
        print(f"CI: required runtime not available: {b}", file=sys.stderr)
    if not bad:
        print(f"CI: all {len(required())} required runtimes/modes available")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
