"""The aarch64 build, run here through qemu-user (make cross-test; functional only).

What an ARM edge box would run: edgebench and its native workloads built by
Debian's cross compiler (make ARCH=aarch64 native-bins).  On an x86-64
machine they run through qemu-user-static (binfmt_misc, scripts/setup.sh
cross), so nothing here is timed and nothing may be reported as a
measurement: edgebench says it is emulated, refuses to measure unless told
this is a functional check, and marks every figure of such a run.

Checked: every file is an aarch64 ELF; every unit test passes under the
emulator; `run` is refused (exit 2, one line) without
EDGEBENCH_EMULATED=functional; with it, a small run of the native runtime on
all four workloads completes with every check yes, results.json records
build_arch aarch64 and why it was emulated, and report.md opens with the
warning and draws no verdict; `serve --workload http-api` passes the same round
trip as on x86-64 (tests/e2e/test_api.py); nothing of ours outlives the tests.
"""
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "e2e"))
from test_native import BUILD, EDGEBENCH, NATIVE, ROOT, chain, our_processes  # noqa: E402  (BUILD: EDGEBENCH_BUILD=build/aarch64)
from test_api import round_trip, serve  # noqa: E402

EMULATED = platform.machine() != "aarch64"   # on an aarch64 machine these run natively
EM_AARCH64 = 183                             # ELF e_machine of AArch64


def elf_machine(path):
    with open(path, "rb") as f:
        head = f.read(20)
    assert head[:4] == b"\x7fELF", path
    return int.from_bytes(head[18:20], "little")


SMALL = ["--trials", "3", "--bursts", "1", "--duration", "300ms", "--hash-runs", "2", "--curve", "20",
         "--curve-duration", "300ms", "--burst", "1,2", "--density-max", "4", "--hello-runs", "3",
         "--iterations", "20000"]


def eb_functional(*args, timeout=600):
    env = dict(os.environ, EDGEBENCH_EMULATED="functional")
    return subprocess.run([EDGEBENCH, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)


class Build(unittest.TestCase):
    def test_every_binary_is_aarch64(self):
        self.assertTrue(BUILD.endswith("aarch64"), f"EDGEBENCH_BUILD={BUILD}: run through make cross-test")
        files = [EDGEBENCH] + [os.path.join(NATIVE, n) for n in ("http-hello", "http-api", "cpu-hash", "hello")]
        tests = os.path.join(BUILD, "tests")
        files += [os.path.join(tests, n) for n in sorted(os.listdir(tests))]
        self.assertGreater(len(files), 10)
        for f in files:
            self.assertEqual(elf_machine(f), EM_AARCH64, f)

    def test_unit_tests_pass(self):
        tests = os.path.join(BUILD, "tests")
        env = dict(os.environ, EDGEBENCH_EXPECT_EMULATED="1" if EMULATED else "0")
        names = sorted(os.listdir(tests))
        self.assertIn("test_fingerprint", names)
        for name in names:
            r = subprocess.run([os.path.join(tests, name)], capture_output=True, text=True, timeout=600, env=env)
            self.assertEqual(r.returncode, 0, f"{name} failed under {'qemu-user' if EMULATED else 'aarch64'}:\n"
                             f"{(r.stdout + r.stderr)[-2000:]}")


@unittest.skipUnless(EMULATED, "optional: this machine is aarch64; make test runs the native build")
class Refused(unittest.TestCase):
    def test_run_refused_without_functional(self):
        env = {k: v for k, v in os.environ.items() if k != "EDGEBENCH_EMULATED"}
        for cmd in (["run", "--runtime", "native"], ["load", "http://127.0.0.1:1/", "-n", "1"]):
            r = subprocess.run([EDGEBENCH, *cmd], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
            self.assertEqual(r.returncode, 2, r.stderr)
            lines = r.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, r.stderr)
            self.assertIn("through an emulator (qemu-user)", lines[0])
            self.assertIn("EDGEBENCH_EMULATED=functional", lines[0])


class Smoke(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="eb-cross-")
        cls.out = os.path.join(cls.tmp.name, "run")
        cls.r = eb_functional("run", "--runtime", "native", "--out", cls.out, *SMALL)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_run_completes_every_check(self):
        self.assertEqual(self.r.returncode, 0, self.r.stderr[-2000:])
        with open(os.path.join(self.out, "results.json")) as f:
            doc = json.load(f)
        self.assertEqual(doc["status"], "complete")
        cells = [c for c in doc["cells"] if c["runtime"] == "native"]
        self.assertEqual(sorted(c["workload"] for c in cells), ["cpu-hash", "hello", "http-api", "http-hello"])
        for c in cells:
            self.assertEqual(c["status"], "ok", (c["workload"], c.get("error")))
            checks = c.get("checks", {})
            self.assertTrue(all(v is True for v in checks.values()), (c["workload"], checks))
            if c["workload"].startswith("http-"):
                self.assertIn("zero_errors", checks)
            else:   # a batch cell: every planned run done (a wrong digest fails the cell)
                runs = c["values"]["runs"]
                self.assertEqual(runs["done"], runs["planned"], c["workload"])
        hashed = next(c for c in cells if c["workload"] == "cpu-hash")
        self.assertEqual(hashed["values"]["expected_digest"], chain(20000))   # Python's hashlib, not ours
        fp = doc["fingerprint"]
        self.assertEqual(fp["build_arch"], "aarch64")
        if EMULATED:
            self.assertIn("qemu-user", fp["emulated"])
            self.assertIn("EMULATED, A FUNCTIONAL CHECK ONLY", self.r.stdout)
        else:
            self.assertNotIn("emulated", fp)

    @unittest.skipUnless(EMULATED, "optional: native aarch64 reports its figures")
    def test_report_marks_every_figure(self):
        with open(os.path.join(self.out, "report.md")) as f:
            md = f.read()
        self.assertTrue(md.split("\n\n")[1].startswith("**EMULATED, A FUNCTIONAL CHECK ONLY"), md[:400])
        says = md.split("## What this run says", 1)[1].split("\n## ", 1)[0]
        self.assertIn("Nothing: it ran under emulation", says)
        self.assertNotIn("ahead", says)

    def test_serve_http_api_round_trip(self):
        p, port = serve("native")
        try:
            round_trip(self, port)   # stored and read back field by field; bad input refused, nothing written
        finally:
            p.send_signal(signal.SIGINT)
            self.assertEqual(p.wait(timeout=60), 0)
        self.assertEqual(our_processes(f"--port {port}"), [])

    def test_nothing_left(self):
        self.assertEqual(our_processes(self.out), [])


if __name__ == "__main__":
    unittest.main()
