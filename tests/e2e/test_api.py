"""End-to-end tests of http-api, the realistic workload: JSON in and out and
an embedded SQLite database per instance.

The workload itself is checked with Python's own http.client and json (an
item posted reads back field by field, malformed JSON and a wrong type get a
400 with a JSON error, an oversized body a 413, and none of them changes the
row count); `edgebench serve --workload http-api` is checked the same way on
every runtime that hosts it; a small `edgebench run` on native and every
Wasmtime mode (a wasi:http component with SQLite inside, the instance's
directory preopened) must pass every check it records, and the runtimes that
cannot host it must say why in their cells.
"""
import http.client
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest

from test_native import BUILD, EDGEBENCH, NATIVE, ROOT, eb, free_port, our_processes

API = os.path.join(NATIVE, "http-api")
ITEM = {"name": "caf\u00e9 \"corner\" \\ item", "price": 12.5, "tags": ["a", "b\u00e9", "edge"],
        "attributes": {"color": "teal", "size": 3, "fragile": True, "weight_kg": 0.25}}
CHECKS = ("every_write_created", "row_count_follows_writes", "read_back_matches", "bad_input_refused",
          "bad_input_writes_nothing", "row_count_follows_mix", "zero_errors")


def request(port, method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        data = r.read()
        return r.status, data
    finally:
        c.close()


def rows(port):
    status, data = request(port, "GET", "/items/count")
    assert status == 200, (status, data)
    return json.loads(data)["count"]


def round_trip(test, port):
    """What a client sees: the item stored and read back, bad input refused and nothing written."""
    n0 = rows(port)
    test.assertEqual(n0, 10000)   # the seeded data set
    status, data = request(port, "POST", "/items", json.dumps(ITEM).encode())
    test.assertEqual(status, 201, data)
    item_id = json.loads(data)["id"]
    status, data = request(port, "GET", f"/items/{item_id}")
    test.assertEqual(status, 200)
    got = json.loads(data)
    test.assertEqual(got.pop("id"), item_id)
    test.assertEqual(got, ITEM)
    test.assertEqual(rows(port), n0 + 1)
    for body, want, word in ((b'{"name": "x", "price": 1,', 400, "malformed"),
                             (json.dumps({**ITEM, "price": "12"}).encode(), 400, "price"),
                             (json.dumps({**ITEM, "extra": 1}).encode(), 400, "extra"),
                             (json.dumps({k: v for k, v in ITEM.items() if k != "tags"}).encode(), 400, "tags"),
                             (b"[1, 2]", 400, "object")):
        status, data = request(port, "POST", "/items", body)
        test.assertEqual(status, want, data)
        test.assertIn(word, json.loads(data)["error"])
    status, _ = request(port, "POST", "/items", b"{" + b" " * (70 * 1024) + b"}")
    test.assertEqual(status, 413)
    test.assertEqual(rows(port), n0 + 1)
    status, data = request(port, "GET", "/items/999999")
    test.assertEqual(status, 404)
    test.assertIn("error", json.loads(data))
    status, data = request(port, "GET", "/items?limit=3")
    test.assertEqual(status, 200)
    listed = json.loads(data)
    test.assertEqual([i["id"] for i in listed], [item_id, 10000, 9999])
    test.assertEqual(request(port, "GET", "/items?limit=0")[0], 400)


@unittest.skipUnless(os.access(API, os.X_OK), "http-api is not built (scripts/setup.sh build puts SQLite's source in the tool cache)")
class Workload(unittest.TestCase):
    def test_round_trip_native(self):
        with tempfile.TemporaryDirectory(prefix="edgebench-e2e-api-") as d:
            db = os.path.join(d, "items.db")
            subprocess.run([API, "--init", db, "--items", "10000"], check=True, timeout=120)
            port = free_port()
            p = subprocess.Popen([API, "--db", db, "--port", str(port)], stderr=subprocess.PIPE)
            try:
                deadline = time.monotonic() + 10
                while True:
                    try:
                        rows(port)
                        break
                    except OSError:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.01)
                round_trip(self, port)
            finally:
                p.send_signal(signal.SIGTERM)
                self.assertEqual(p.wait(timeout=10), 0)
            # the database outlives the instance: the item is still there
            out = subprocess.run(["python3", "-c", f"import sqlite3; print(sqlite3.connect({db!r}).execute('select count(*) from items').fetchone()[0])"],
                                 capture_output=True, text=True, timeout=30)
            self.assertEqual(out.stdout.strip(), "10001")

    def test_missing_db_argument(self):
        r = subprocess.run([API, "--port", "1"], capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--db is required", r.stderr)


def serve(runtime, timeout=120):
    """`edgebench serve --workload http-api` on a free port; the process and its port once it serves."""
    port = free_port()
    errf = tempfile.TemporaryFile(mode="w+")   # not a pipe: logs that fill one would block the serve
    p = subprocess.Popen([EDGEBENCH, "serve", "--runtime", runtime, "--workload", "http-api", "--port", str(port)],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=errf, text=True)
    line = p.stdout.readline()
    if "serving" not in line:
        p.kill()
        p.wait(timeout=60)
        errf.seek(0)
        raise AssertionError(f"serve did not start: {line} {errf.read()[-400:]}")
    return p, port


def runtime_available(name):
    r = eb("list")
    for line in r.stdout.splitlines():
        parts = line.split()
        if parts and parts[0] == name:
            return parts[1] == "available"
    return False


@unittest.skipUnless(os.access(API, os.X_OK), "http-api is not built")
class Serve(unittest.TestCase):
    def check_runtime(self, runtime):
        p, port = serve(runtime)
        try:
            round_trip(self, port)
        finally:
            p.send_signal(signal.SIGINT)
            p.wait(timeout=60)
        # the seeded database and the instance's copy lived in this serve's own directory (by its pid)
        self.assertFalse(os.path.exists(f"/tmp/edgebench-data-{p.pid}"))
        self.assertEqual(our_processes(f"--port {port}"), [])

    def test_native(self):
        self.check_runtime("native")

    def test_wasmtime(self):
        if not runtime_available("wasmtime"):
            self.skipTest("wasmtime not available here")
        self.check_runtime("wasmtime")

    def test_docker(self):
        if not runtime_available("docker"):
            self.skipTest("docker not available here (no daemon answers)")
        self.check_runtime("docker")

    def test_gvisor(self):
        if not runtime_available("gvisor"):
            self.skipTest("gvisor not available here (no daemon answers, or runsc is not registered)")
        self.check_runtime("gvisor")


@unittest.skipUnless(os.access(API, os.X_OK), "http-api is not built")
class Run(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="edgebench-e2e-api-")
        cls.out = os.path.join(cls.tmp.name, "run")
        p = subprocess.Popen([EDGEBENCH, "run", "--runtime", "native", "--runtime", "wasmtime", "--runtime", "node",
                              "--workload", "http-api", "--trials", "3", "--requests", "20", "--duration", "1s",
                              "--rounds", "2", "--curve", "50", "--curve-duration", "300ms", "--burst", "2",
                              "--density-max", "3", "--full-cold-trials", "1", "--seed", "7", "--out", cls.out],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        p.wait(timeout=900)
        cls.pid = p.pid
        with open(os.path.join(cls.out, "results.json")) as f:
            cls.doc = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def cell(self, rt, mode):
        return next(c for c in self.doc["cells"] if c["runtime"] == rt and c["mode"] == mode)

    def test_every_check_holds(self):
        for mode in ("cache-cold", "cache-warm", "aot", "reuse"):
            c = self.cell("wasmtime", mode)
            self.assertEqual(c["status"], "ok", c.get("error"))
            for k in CHECKS:
                self.assertIs(c["checks"].get(k), True, f"wasmtime/{mode}: {k}")
            self.assertIn("--dir", c["command"])
        c = self.cell("native", "native")
        self.assertEqual(c["status"], "ok", c.get("error"))
        for k in CHECKS:
            self.assertIs(c["checks"].get(k), True, k)
        db = c["values"]["database"]
        self.assertEqual(db["created_201"], 20)
        self.assertEqual(db["rows_after_writes"], db["rows_before_writes"] + 20)
        self.assertEqual(db["read_back_matched"], 20)
        self.assertEqual(db["rows_after_bad_input"], db["rows_before_bad_input"])
        for r in c["values"]["mix_rows"]:
            self.assertGreaterEqual(r["after"] - r["before"], r["created_201"])
            self.assertLessEqual(r["after"] - r["before"], r["created_201"] + r["unanswered_at_end"])
            self.assertGreater(r["created_201"], 0)
        self.assertEqual(c["values"]["data_path"]["items"], 10000)

    def test_series(self):
        c = self.cell("native", "native")
        names = {s["name"] for s in c["series"]}
        for n in ("cold_start", "warm_latency", "write_latency", "list_latency", "sustained_mix_throughput",
                  "sustained_mix_p99", "sustained_keepalive_throughput", "curve_50pct_latency"):
            self.assertIn(n, names)
        self.assertNotIn("state_latency", names)      # http-api has no /state counter
        self.assertNotIn("full_cold_total", names)    # nor a rebuild step
        cold = next(s for s in c["series"] if s["name"] == "cold_start")
        self.assertEqual(len(cold["samples"]), 3)
        self.assertIn("--db", c["command"])

    def test_database_opened_per_request(self):
        """Per-request instances open the database on every request, and say how long it took; reuse and native never."""
        for mode in ("cache-cold", "cache-warm", "aot"):
            c = self.cell("wasmtime", mode)
            opened = c["values"]["database"]["opened_in_requests"]
            self.assertEqual(opened["opened"], opened["requests"])
            s = next(s for s in c["series"] if s["name"] == "db_open_per_request")
            self.assertEqual(len(s["samples"]), 20)
            self.assertTrue(all(v > 0 for v in s["samples"]))
            self.assertTrue(c["values"]["data_path"]["database_opened"].startswith("per request"))
        for rt, mode in (("wasmtime", "reuse"), ("native", "native")):
            c = self.cell(rt, mode)
            self.assertEqual(c["values"]["database"]["opened_in_requests"]["opened"], 0)
            self.assertNotIn("db_open_per_request", {s["name"] for s in c["series"]})
            self.assertEqual(c["values"]["data_path"]["database_opened"], "once per instance")

    def test_runtimes_that_cannot_say_why(self):
        for rt, mode, word in (("node", "default", "socket"),):
            c = self.cell(rt, mode)
            self.assertEqual(c["status"], "unsupported")
            self.assertIn(word, c["error"])

    def test_report(self):
        with open(os.path.join(self.out, "report.md")) as f:
            md = f.read()
        self.assertIn("api write us", md)
        self.assertIn("## Latency under load (open loop): http-api", md)

    def test_nothing_left(self):
        # the run's seeded databases and every instance's copy were in its own directory
        self.assertFalse(os.path.exists(f"/tmp/edgebench-data-{self.pid}"))


if __name__ == "__main__":
    unittest.main()
