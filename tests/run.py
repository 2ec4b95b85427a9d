#!/usr/bin/env python3
"""Run the Python end-to-end or fault tests (unittest discovery), and with
CI=true refuse to pass by skipping: every skipped test fails the run, named
with its reason, unless the reason starts with "optional:" -- used only for
the runtimes scripts/required-runtimes leaves out (no registry installs them
on this machine kind: wasmedge and wamr, whose adapters are tested against
stand-ins instead).

usage: tests/run.py DIR PATTERN [-v]
"""
import os
import sys
import unittest

OPTIONAL = "optional:"


def main():
    start, pattern = sys.argv[1], sys.argv[2]
    verbosity = 2 if "-v" in sys.argv[3:] else 1
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "e2e"))
    suite = unittest.defaultTestLoader.discover(start, pattern=pattern, top_level_dir=start)
    result = unittest.TextTestRunner(verbosity=verbosity).run(suite)
    if not result.wasSuccessful():
        return 1
    if os.environ.get("CI") == "true":
        bad = [(t, why) for t, why in result.skipped if not why.startswith(OPTIONAL)]
        for t, why in bad:
            print(f"CI: skipped, and CI may not skip: {t.id()}: {why}", file=sys.stderr)
        if bad:
            print(f"CI: {len(bad)} tests skipped (see scripts/required-runtimes)", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
