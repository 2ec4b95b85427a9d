"""End-to-end tests of edgebench with the native runtime, on loopback only.

They check what a user relies on: every cold start answered 200, /state counts
exactly, load phases report zero errors, the cpu-hash digest matches an
independent implementation (Python's hashlib), bad input fails with one clear
line, and nothing of ours outlives a run, including after SIGINT.
"""
import hashlib
import json
import math
import os
import signal
import socket
import subprocess
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, os.environ.get("EDGEBENCH_BUILD", "build"))
EDGEBENCH = os.path.join(BUILD, "edgebench")
NATIVE = os.path.join(BUILD, "native")


def chain(n):
    d = bytes(32)
    for _ in range(n):
        d = hashlib.sha256(d).digest()
    return d.hex()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def eb(*args, timeout=300):
    return subprocess.run([EDGEBENCH, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def _versions():
    """The pins and the tool cache: scripts/versions.env, as setup.sh and the Makefile read it."""
    out = {}
    with open(os.path.join(ROOT, "scripts", "versions.env")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                k, _, v = line.partition("=")
                out[k] = v
    return out


VERSIONS = _versions()


def _required():
    """The runtimes (and runtime/modes) setup installs on this machine kind: scripts/required-runtimes."""
    with open(os.path.join(ROOT, "scripts", "required-runtimes")) as f:
        lines = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    return set(lines) | {l.split("/")[0] for l in lines}


REQUIRED = _required()

# Every process a test starts (and everything those start) inherits this mark
# in its environment; leftovers are found by it, never by a command line that
# another program on the machine may share (an unrelated `sleep 300` once
# failed make test).  .ci/run sets it for the whole CI run.
TEST_MARK = os.environ.setdefault("EDGEBENCH_TEST_MARK", f"tests-{os.getpid()}-{time.monotonic_ns()}")
_MARK_BYTES = f"EDGEBENCH_TEST_MARK={TEST_MARK}".encode() + b"\0"


def is_ours(pid):
    """Does the process carry this test run's mark in its environment?"""
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return _MARK_BYTES in f.read() + b"\0"
    except OSError:
        return False


def our_processes(marker):
    """PIDs of processes this test run started (the environment mark) whose
    command line contains marker (e.g. a port or a directory; "" for all)."""
    pids = []
    for p in os.listdir("/proc"):
        if not p.isdigit() or int(p) == os.getpid():
            continue
        try:
            with open(f"/proc/{p}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in cmd and is_ours(p):
            pids.append((int(p), cmd))
    return pids


def children(pid):
    """The child pids of process pid, whichever of its threads started them."""
    kids = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return kids
    for t in tasks:
        try:
            with open(f"/proc/{pid}/task/{t}/children") as f:
                kids += [int(k) for k in f.read().split()]
        except OSError:
            continue
    return kids


def guard_of(pid):
    """The guard of edgebench process pid (sys/proc.h: a forked child named eb-guard), or None."""
    for k in children(pid):
        try:
            with open(f"/proc/{k}/comm") as f:
                if f.read().strip() == "eb-guard":
                    return k
        except OSError:
            pass
    return None


def wait_for(cond, timeout):
    """cond() until it is true or timeout seconds pass; its last value."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v or time.monotonic() > deadline:
            return v
        time.sleep(0.05)


class Server:
    """The native http-hello on a free loopback port."""

    def __init__(self, *extra):
        self.port = free_port()
        self.proc = subprocess.Popen([os.path.join(NATIVE, "http-hello"), "--port", str(self.port), *extra],
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.005)
        raise RuntimeError("http-hello did not start")

    def raw(self, data, read_until_close=True):
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.sendall(data)
            chunks = []
            while True:
                b = s.recv(65536)
                if not b:
                    break
                chunks.append(b)
                if not read_until_close:
                    break
            return b"".join(chunks)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=5)


class CpuHash(unittest.TestCase):
    def test_digest_matches_hashlib(self):
        for n in (0, 1, 2, 3, 64, 1000, 25000):
            out = subprocess.run([os.path.join(NATIVE, "cpu-hash"), str(n)], capture_output=True,
                                 text=True, check=True).stdout
            fields = dict(kv.split("=", 1) for kv in out.split()[1:])
            self.assertEqual(fields["digest"], chain(n), f"iterations={n}")
            self.assertEqual(int(fields["iterations"]), n)
            self.assertGreaterEqual(int(fields["compute_ns"]), 0)

    def test_bad_argument(self):
        r = subprocess.run([os.path.join(NATIVE, "cpu-hash"), "-5"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("bad iteration count", r.stderr)


class HttpHello(unittest.TestCase):
    def setUp(self):
        self.srv = Server("--idle-timeout-ms", "300")

    def tearDown(self):
        self.assertEqual(self.srv.stop(), 0)

    def test_routes_and_state(self):
        import http.client
        c = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=5)
        c.request("GET", "/")
        r = c.getresponse()
        self.assertEqual((r.status, r.read()), (200, b"hello"))
        for i in range(1, 21):   # same keep-alive connection
            c.request("GET", "/state")
            r = c.getresponse()
            self.assertEqual((r.status, r.read()), (200, str(i).encode()))
        c.request("GET", "/missing")
        r = c.getresponse()
        self.assertEqual(r.status, 404)
        r.read()
        c.close()

    def test_malformed_oversized_and_close(self):
        self.assertTrue(self.srv.raw(b"BLAH\r\n\r\n").startswith(b"HTTP/1.1 400 "))
        big = b"GET /" + b"a" * 10000 + b" HTTP/1.1\r\n\r\n"
        self.assertTrue(self.srv.raw(big).startswith(b"HTTP/1.1 431 "))
        many = b"GET / HTTP/1.1\r\n" + b"X-Pad: 0123456789abcdef\r\n" * 600 + b"\r\n"
        self.assertTrue(self.srv.raw(many).startswith(b"HTTP/1.1 431 "))
        r = self.srv.raw(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
        self.assertTrue(r.startswith(b"HTTP/1.1 200 "))
        self.assertIn(b"Connection: close", r)
        two = self.srv.raw(b"GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nConnection: close\r\n\r\n")
        self.assertEqual(two.count(b"HTTP/1.1 200 OK"), 2)

    def test_idle_and_slow_clients_are_dropped(self):
        idle = socket.create_connection(("127.0.0.1", self.srv.port), timeout=5)
        slow = socket.create_connection(("127.0.0.1", self.srv.port), timeout=5)
        slow.sendall(b"GET / HT")
        t0 = time.monotonic()
        self.assertEqual(idle.recv(1), b"")   # closed by the server
        self.assertEqual(slow.recv(1), b"")
        self.assertLess(time.monotonic() - t0, 3)
        idle.close()
        slow.close()
        # still serving
        self.assertTrue(self.srv.raw(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n").startswith(b"HTTP/1.1 200"))


class LoadCommand(unittest.TestCase):
    def test_counts_and_errors(self):
        srv = Server()
        try:
            r = eb("load", f"http://127.0.0.1:{srv.port}/", "-c", "4", "-n", "2000")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("2000 requests in", r.stdout)
            r = eb("load", f"http://127.0.0.1:{srv.port}/", "-c", "2", "-n", "300", "--close")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("300 connections opened", r.stdout)
            r = eb("load", f"http://127.0.0.1:{srv.port}/nope", "-n", "10")
            self.assertEqual(r.returncode, 1)
            self.assertIn("Non-2xx or 3xx responses: 10", r.stdout)
        finally:
            srv.stop()
        r = eb("load", f"http://127.0.0.1:{free_port()}/", "-n", "5", "-c", "1")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Socket errors: connect 5", r.stdout)

    def test_open_loop_sees_what_closed_loop_omits(self):
        """A 50 ms stall every 2000 requests: latency from the due time shows it, closed loop hides it."""
        def p99(out):
            line = next(l for l in out.splitlines() if l.strip().startswith("99%"))
            v = line.split()[1]
            return float(v[:-2]) / 1e3 if v.endswith("us") else float(v[:-2]) if v.endswith("ms") else float(v[:-1]) * 1e3
        srv = Server()
        srv.stop()
        port = free_port()
        env = dict(os.environ, EDGEBENCH_HH_FAULT="stall=50/2000")
        p = subprocess.Popen([os.path.join(NATIVE, "http-hello"), "--port", str(port)], env=env, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.005)
            url = f"http://127.0.0.1:{port}/"
            o = eb("load", url, "-c", "50", "-d", "2s", "--rate", "8000")
            c = eb("load", url, "-c", "10", "-d", "2s")
        finally:
            p.terminate()
            p.wait(timeout=5)
        self.assertEqual(o.returncode, 0, o.stderr)
        self.assertIn("open loop at 8000 req/s", o.stdout)
        self.assertIn("closed loop", c.stdout)
        self.assertGreater(p99(o.stdout), 25.0, o.stdout)   # about the stall
        self.assertLess(p99(c.stdout), 10.0, c.stdout)      # the stall is omitted
        done = int(next(l for l in o.stdout.splitlines() if "requests in" in l).split()[0])
        self.assertGreater(done, 8000 * 2 * 0.9)            # the offered rate was kept

    def test_open_loop_names_what_it_could_not_do(self):
        """Far above capacity, load names the requests never sent and the shortfall; at
        a rate it holds, it reports none."""
        def field(out, key):
            line = next(l for l in out.splitlines() if l.strip().startswith("Due "))
            words = line.replace(",", "").split()
            return {"due": int(words[1]), "sent": int(words[3]), "unsent": int(words[6]), "inflight": int(words[12])}[key]
        srv = Server()
        try:
            url = f"http://127.0.0.1:{srv.port}/"
            easy = eb("load", url, "-c", "4", "-d", "1s", "--rate", "200")
            hard = eb("load", url, "-c", "2", "-d", "1s", "--rate", "5000000")
        finally:
            srv.stop()
        self.assertEqual(easy.returncode, 0, easy.stderr)
        self.assertEqual(field(easy.stdout, "unsent"), 0, easy.stdout)
        self.assertLessEqual(field(easy.stdout, "inflight"), 1, easy.stdout)
        self.assertNotIn("GENERATOR-BOUND", easy.stdout)
        self.assertNotIn("Shortfall", easy.stdout)
        self.assertEqual(hard.returncode, 0, hard.stderr)
        self.assertGreater(field(hard.stdout, "due"), 4000000, hard.stdout)
        self.assertGreater(field(hard.stdout, "unsent"), 3000000, hard.stdout)
        self.assertEqual(field(hard.stdout, "due"), field(hard.stdout, "sent") + field(hard.stdout, "unsent"))
        self.assertTrue("GENERATOR-BOUND" in hard.stdout or "Shortfall" in hard.stdout, hard.stdout)

    def test_refuses_non_loopback_and_bad_numbers(self):
        for args, msg in ((["http://192.0.2.1/"], "not a loopback"), (["http://127.0.0.1:1/", "-c", "0"], "bad connection count"),
                          (["http://127.0.0.1:1/", "-d", "3parsecs"], "bad duration"), (["ftp://x"], "bad URL"),
                          (["http://127.0.0.1:1/", "--rate", "0"], "bad rate")):
            r = eb("load", *args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(msg, r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)


SMALL = ["--trials", "5", "--bursts", "2", "--duration", "500ms", "--hash-runs", "2",
         "--curve", "20,60", "--curve-duration", "300ms", "--burst", "1,3", "--density-max", "10",
         "--hello-runs", "5", "--iterations", "20000"]


class NativeSuite(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="edgebench-e2e-")
        cls.out = os.path.join(cls.tmp.name, "run")
        cls.result = eb("run", "--runtime", "native", "--out", cls.out, *SMALL)
        with open(os.path.join(cls.out, "results.json")) as f:
            cls.doc = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def cell(self, workload):
        return next(c for c in self.doc["cells"] if c["workload"] == workload)

    def series(self, workload, name):
        return next(s for s in self.cell(workload)["series"] if s["name"] == name)

    def test_run_succeeded(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        self.assertEqual(self.doc["status"], "complete")
        self.assertEqual(self.doc["schema_version"], 2)
        self.assertEqual({c["status"] for c in self.doc["cells"]}, {"ok"})
        self.assertIn("cold_start", self.result.stdout)   # summary table

    def test_cold_start_every_trial_answered(self):
        s = self.series("http-hello", "cold_start")
        self.assertEqual(len(s["samples"]), 5)
        self.assertEqual(s["trials"], [0, 1, 2, 3, 4])
        self.assertTrue(all(0 < v < 10e9 for v in s["samples"]))

    def test_state_counts_and_zero_errors(self):
        c = self.cell("http-hello")
        self.assertTrue(c["checks"]["state_counts_exactly"])
        self.assertEqual(c["values"]["state_responses"], list(range(1, 51)))
        self.assertTrue(c["checks"]["zero_errors"], c["warnings"])
        self.assertEqual(c["warnings"], [])
        self.assertEqual(len(self.series("http-hello", "warm_latency")["samples"]), 50)
        self.assertEqual(len(self.series("http-hello", "burst_latency")["samples"]), 400)
        for mode in ("keepalive", "close"):
            v = c["values"][f"sustained_{mode}"]
            self.assertGreater(v["requests"], 0)
            self.assertEqual(c["values"][f"sustained_{mode}_errors"]["non_2xx"], 0)
            self.assertEqual(len(self.series("http-hello", f"sustained_{mode}_latency")["samples"]), v["requests"])

    def test_latency_curve(self):
        c = self.cell("http-hello")
        curve = c["values"]["latency_curve"]
        self.assertEqual([p["percent"] for p in curve], [20, 60])
        ka = c["values"]["sustained_keepalive"]["requests_per_second"]
        for p in curve:
            self.assertAlmostEqual(p["offered_per_s"], ka * p["percent"] / 100, delta=1)
            self.assertGreater(p["achieved_per_s"], 0.8 * p["offered_per_s"])
            self.assertTrue(0 < p["p50_ns"] <= p["p99_ns"] <= p["p999_ns"])
            s = self.series("http-hello", f"curve_{p['percent']}pct_latency")
            self.assertEqual(len(s["samples"]), p["requests"])
        with open(os.path.join(self.out, "report.md")) as f:
            self.assertIn("## Latency under load (open loop)", f.read())
        self.assertTrue(os.path.exists(os.path.join(self.out, "http-hello_latency_curve.svg")))

    def test_scale_from_zero(self):
        c = self.cell("http-hello")
        pts = c["values"]["scale_from_zero"]
        self.assertEqual([p["instances"] for p in pts], [1, 3])
        for p in pts:
            s = self.series("http-hello", f"coldburst_n{p['instances']}_start")["samples"]
            self.assertEqual(len(s), p["instances"])
            self.assertTrue(all(0 < v <= p["all_ready_ns"] for v in s))
        with open(os.path.join(self.out, "report.md")) as f:
            self.assertIn("## Scale from zero", f.read())
        import xml.etree.ElementTree as ET
        svg = ET.parse(os.path.join(self.out, "http-hello_scale_from_zero.svg")).getroot()
        lines = [e for e in svg.iter() if e.tag.endswith("polyline")]
        self.assertEqual(len(lines), 1)                                  # native/native
        self.assertEqual(len(lines[0].get("points").split()), 2)         # N = 1 and 3

    def test_footprint_is_real(self):
        for name in ("rss_after_warmup", "pss_after_warmup", "sustained_keepalive_rss"):
            s = self.series("http-hello", name)
            self.assertGreater(len(s["samples"]), 0, name)
            self.assertTrue(all(v > 0 for v in s["samples"]), name)

    def test_density(self):
        c = self.cell("http-hello")
        d = c["values"]["density"]
        self.assertEqual(d["instances"], 10)
        self.assertEqual(d["figure"], "pss")
        pss = self.series("http-hello", "density_pss")["samples"]
        self.assertEqual(len(pss), 10)
        self.assertTrue(all(v > 0 for v in pss))
        self.assertAlmostEqual(d["total_bytes"], sum(pss), delta=1)
        self.assertEqual(d["stopped_by"], "the count cap (--density-max)")
        # measured in a cgroup of ours (where the machine has a memory controller), then removed
        if "cgroup_bytes" in d:
            usage = self.series("http-hello", "density_cgroup_usage")["samples"]
            self.assertEqual(len(usage), 10)
            self.assertGreater(d["cgroup_bytes"], 0)
            self.assertAlmostEqual(d["instances_per_gib_measured"], 10 * 2**30 / d["cgroup_bytes"], delta=1)
            self.assertEqual([x for x in os.listdir("/sys/fs/cgroup/memory") if x.startswith(f"edgebench-")
                              and not os.path.exists(f"/proc/{x.split('-')[1]}")], [])
        self.assertEqual(len(self.series("http-hello", "density_newest_pss")["samples"]), 10)
        self.assertEqual(len(self.series("http-hello", "density_start")["samples"]), 10)
        self.assertEqual(our_processes(f"{NATIVE}/http-hello"), [])

    def test_digest_matches_independent_implementation(self):
        c = self.cell("cpu-hash")
        self.assertEqual(c["values"]["expected_digest"], chain(20000))
        self.assertEqual(c["values"]["runs"], {"planned": 2, "done": 2, "budget_seconds": 60.0,
                                               "stopped_by_budget": False})
        run = self.series("cpu-hash", "run")["samples"]
        compute = self.series("cpu-hash", "compute")["samples"]
        self.assertTrue(all(r >= cp for r, cp in zip(run, compute)))

    def test_summaries_derive_from_samples(self):
        import statistics
        s = self.series("hello", "run")
        self.assertEqual(s["summary"]["n"], len(s["samples"]))
        self.assertAlmostEqual(s["summary"]["median"], statistics.median(s["samples"]), delta=1)
        self.assertEqual(s["summary"]["min"], min(s["samples"]))

    def test_csv_matches_the_json(self):
        import csv
        with open(os.path.join(self.out, "results.csv")) as f:
            rows = list(csv.DictReader(f))
        self.assertTrue(rows)
        for r in rows:
            self.assertNotIn(None, r)          # 17 fields, no more
            if r["status"] != "ok":
                continue
            s = self.series(r["workload"], r["series"])
            self.assertEqual(int(r["n"]), s["summary"]["n"])
            self.assertAlmostEqual(float(r["median"]), s["summary"]["median"], delta=1e-6 * abs(s["summary"]["median"]) + 1e-9)

    def test_raw_logs_hold_every_sample(self):
        s = self.series("http-hello", "cold_start")
        path = os.path.join(self.out, "raw", "native", "native", "http-hello", "cold_start.log")
        with open(path) as f:
            text = f.read()
        self.assertIn("# columns: value trial\n", text)
        rows = [l.split() for l in text.splitlines() if not l.startswith("#")]
        self.assertEqual([float(v) for v, _ in rows], [round(v) for v in s["samples"]])
        self.assertEqual([int(t) for _, t in rows], s["trials"])

    def test_fingerprint_and_report(self):
        fp = self.doc["fingerprint"]
        for k in ("cpu_model", "cpu_flags", "kernel", "cores_online", "mem_total_bytes", "compiler",
                  "edgebench_commit", "command"):
            self.assertIn(k, fp)
        self.assertEqual(fp["command"][1], "run")
        with open(os.path.join(self.out, "report.md")) as f:
            report = f.read()
        self.assertIn("cold_start", report)
        # every known runtime is named; those we could not measure with their reason
        for r in self.doc["runtimes"]:
            self.assertIn(f"| {r['name']} |", report)
            if not r["available"]:
                self.assertIn(f"not available: {r['why']}, install with: {r['hint']}", report)
        self.assertTrue(os.path.exists(os.path.join(self.out, "http-hello_cold_start.svg")))
        self.assertIn("Machine noise during the run", report)

    def test_nothing_left_running(self):
        port = str(self.cell("http-hello")["port"])
        self.assertEqual(our_processes(f"--port {port}"), [])


def node_available():
    r = eb("list")
    return any(l.split()[:2] == ["node", "available"] for l in r.stdout.splitlines())


def rounds_of(doc, phase):
    """{round: [(runtime/mode, trial), ...] in the order they ran}"""
    out = {}
    for e in doc["schedule"]:
        if e["phase"] == phase:
            out.setdefault(e["round"], []).append((f"{e['runtime']}/{e['mode']}", e["trial"]))
    return out


class Schedule(unittest.TestCase):
    """Interleaving, seeds, pairing and budgets, on batch cells of native and Node's three modes."""

    ARGS = ["--runtime", "native", "--runtime", "node", "--workload", "hello", "--hello-runs", "6"]

    @classmethod
    def setUpClass(cls):
        if not node_available():
            raise unittest.SkipTest("node is not available here (edgebench list)")
        cls.tmp = tempfile.TemporaryDirectory(prefix="edgebench-e2e-")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def run_doc(self, name, *extra):
        out = os.path.join(self.tmp.name, name)
        r = eb("run", *self.ARGS, "--out", out, *extra)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        with open(os.path.join(out, "results.json")) as f:
            return json.load(f), r

    def test_interleaved_rounds_pairs_and_calibration(self):
        doc, _ = self.run_doc("inter", "--seed", "12345")
        cells = {"native/native", "node/default", "node/turbofan", "node/liftoff"}
        rounds = rounds_of(doc, "batch_run")
        self.assertEqual(len(rounds), 6)
        orders = []
        for i, (rnd, entries) in enumerate(sorted(rounds.items())):
            # trial i of every cell, and nothing else, in round i of the phase
            self.assertEqual({c for c, _ in entries}, cells)
            self.assertEqual({t for _, t in entries}, {i})
            orders.append([c for c, _ in entries])
        self.assertGreater(len({tuple(o) for o in orders}), 1, "every round ran in the same order")
        starts = [e["started_ns"] for e in doc["schedule"]]
        self.assertEqual(starts, sorted(starts))
        # a calibration before every round, with the round's number
        cal = doc["calibration"]
        self.assertEqual([c["round"] for c in cal], sorted(rounds))
        self.assertTrue(all(c["kernel_ns"] > 0 for c in cal))
        self.assertEqual(doc["config"]["seed"], "12345")
        self.assertEqual(doc["config"]["order"], "interleaved")
        # paired ratios to native over the six rounds
        cmp = [c for c in doc["comparisons"] if c["series"] == "run"]
        self.assertEqual({f"{c['runtime']}/{c['mode']}" for c in cmp}, cells - {"native/native"})
        for c in cmp:
            self.assertEqual(c["n_pairs"], 6)
            self.assertEqual(c["baseline"], "native/native")
            self.assertLessEqual(c["ci95"][0], c["ratio"])
            self.assertLessEqual(c["ratio"], c["ci95"][1])
            self.assertGreater(c["ratio"], 1)   # a JS engine's start costs more than an exec
        # the same seed gives the same schedule
        again, _ = self.run_doc("again", "--seed", "12345")
        self.assertEqual([[c for c, _ in e] for _, e in sorted(rounds_of(again, "batch_run").items())], orders)

    def test_sequential_keeps_each_cell_together(self):
        doc, _ = self.run_doc("seq", "--order", "sequential")
        seq = [f"{e['runtime']}/{e['mode']}" for e in doc["schedule"] if e["phase"] == "batch_run"]
        self.assertEqual(len(seq), 24)
        blocks = [seq[i:i + 6] for i in range(0, 24, 6)]
        self.assertTrue(all(len(set(b)) == 1 for b in blocks), seq)
        self.assertEqual(doc["config"]["order"], "sequential")

    def test_budget_stops_after_three_runs(self):
        doc, r = self.run_doc("budget", "--cell-budget", "1ms", "--hello-runs", "10")
        for c in doc["cells"]:
            if c["status"] != "ok":
                continue
            runs = c["values"]["runs"]
            n = len(next(s for s in c["series"] if s["name"] == "run")["samples"])
            self.assertEqual(n, runs["done"])
            if c["runtime"] == "node":   # a Node start alone takes far more than 1 ms
                self.assertEqual(runs["done"], 3)
                self.assertTrue(runs["stopped_by_budget"])
                self.assertTrue(any("stopped after 3 of 10 runs" in w for w in c["warnings"]))
            else:                        # a native exec may take less: never fewer than 3
                self.assertGreaterEqual(runs["done"], 3)
        self.assertIn("stopped after 3 of 10 runs", r.stderr)


class DensitySweep(unittest.TestCase):
    def test_stops_at_the_memory_budget(self):
        if not os.path.exists("/sys/fs/cgroup/memory/memory.usage_in_bytes"):
            self.skipTest("no cgroup v1 memory controller here")
        with tempfile.TemporaryDirectory(prefix="edgebench-e2e-") as d:
            out = os.path.join(d, "r")
            r = eb("run", "--runtime", "native", "--workload", "http-hello", "--out", out, "--trials", "2",
                   "--bursts", "1", "--duration", "300ms", "--curve", "none", "--burst", "none",
                   "--full-cold-trials", "0", "--density-max", "200", "--density-budget", "1M")
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(out, "results.json")) as f:
                dens = json.load(f)["cells"][0]["values"]["density"]
            self.assertEqual(dens["stopped_by"], "the memory budget (--density-budget)")
            # the reading that stopped it (the final one, after every instance answered again, may be lower:
            # the kernel gives memory back; CI saw 991232 once)
            self.assertGreaterEqual(dens["cgroup_bytes_at_stop"], 2**20)
            self.assertGreater(dens["cgroup_bytes"], 0)
            self.assertLess(dens["instances"], 200)
            left = [x for x in os.listdir("/sys/fs/cgroup/memory") if x.startswith(f"edgebench-")]
            self.assertFalse([x for x in left if not os.path.exists(f"/proc/{x.split('-')[1]}")], left)
        r = eb("run", "--density-budget", "lots")
        self.assertEqual(r.returncode, 2)
        self.assertIn("bad value 'lots' for --density-budget", r.stderr)


def synthetic_run(path, seed, sizes, noise, big=0):
    """A results directory of one synthetic run: per size n and noise shape, many
    cells whose cold_start has n trials drawn from one distribution (no effect
    between runs), plus one cell with a one-value series, plus (big > 0) a
    latency series of `big` samples over 3 rounds."""
    import random
    rnd = random.Random(seed)
    cells = []
    for n in sizes:
        for k in range(200):
            v = [(1 + 0.1 * rnd.gauss(0, 1)) if noise == "normal" else math.exp(0.5 * rnd.gauss(0, 1)) for _ in range(n)]
            cells.append({"runtime": f"rt{k}", "mode": f"n{n}", "workload": "http-hello", "status": "ok",
                          "network": "", "firewall": "",
                          "series": [{"name": "cold_start", "unit": "ns", "samples": [x * 1e8 for x in v],
                                      "trials": list(range(n))}]})
    one = [{"name": "warm_latency", "unit": "ns", "samples": [1e5 * (1.5 if seed % 2 else 1.0)]}]
    if big:
        one.append({"name": "sustained_keepalive_latency", "unit": "ns",
                    "samples": [1e5 + rnd.random() * 1e4 for _ in range(big)], "trials": [i % 3 for i in range(big)]})
    cells.append({"runtime": "native", "mode": "native", "workload": "http-hello", "status": "ok",
                  "network": "", "firewall": "", "series": one})
    os.makedirs(path)
    with open(os.path.join(path, "results.json"), "w") as f:
        json.dump({"schema_version": 2, "status": "complete", "config": {"seed": str(seed)},
                   "fingerprint": {}, "cells": cells}, f)


class Compare(unittest.TestCase):
    """Two runs side by side, and what compare refuses."""

    def test_same_distribution_is_rarely_flagged(self):
        """Two runs drawn from the same distribution: at most 8% of cells flagged
        at n = 3, 5, 10, 20, normal and log-normal noise; never from one value a
        side; 200,000-sample series compared in under 20 s."""
        with tempfile.TemporaryDirectory(prefix="edgebench-e2e-") as d:
            for noise in ("normal", "lognormal"):
                a, b = os.path.join(d, noise + "a"), os.path.join(d, noise + "b")
                synthetic_run(a, 1, (3, 5, 10, 20), noise, big=200000 if noise == "normal" else 0)
                synthetic_run(b, 2, (3, 5, 10, 20), noise, big=200000 if noise == "normal" else 0)
                t0 = time.monotonic()
                r = eb("compare", a, b)
                took = time.monotonic() - t0
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertLess(took, 20, "compare of 200,000-sample series took %.1f s" % took)
                rows = [[c.strip() for c in l.strip("|").split("|")] for l in r.stdout.splitlines() if l.startswith("| rt")]
                for n in (3, 5, 10, 20):
                    mine = [c for c in rows if c[0].endswith(f"/n{n}")]
                    self.assertEqual(len(mine), 200)
                    flagged = sum(c[8].startswith("**") for c in mine)
                    self.assertLessEqual(flagged, 16, f"{noise}, n={n}: {flagged} of 200 flagged")
                one = next(l for l in r.stdout.splitlines() if l.startswith("| native/native | http-hello | warm_latency |"))
                self.assertIn("one value per run: no claim", one)
                self.assertNotIn("**", one)

    def test_two_runs_and_bad_input(self):
        with tempfile.TemporaryDirectory(prefix="edgebench-e2e-") as d:
            dirs = []
            for k, runs in ((0, "8"), (1, "10")):
                out = os.path.join(d, f"r{k}")
                r = eb("run", "--runtime", "native", "--workload", "hello", "--hello-runs", runs, "--out", out)
                self.assertEqual(r.returncode, 0, r.stderr)
                dirs.append(out)
            r = eb("compare", *dirs)
            self.assertEqual(r.returncode, 0, r.stderr)
            row = next(l for l in r.stdout.splitlines() if l.startswith("| native/native | hello | run |"))
            cells = [c.strip() for c in row.strip("|").split("|")]
            self.assertEqual(cells[3], "8/10")     # trials: the unit that repeats
            self.assertEqual(cells[4], "8/10")     # samples
            ratio = float(cells[8].strip("*"))
            lo, hi = (float(x) for x in cells[9].split("–"))
            self.assertTrue(lo <= ratio <= hi, row)
            self.assertIn('`runs`: {"cpu-hash":10,"hello":8} in', r.stdout)     # the plans differ, said plainly
            self.assertIn("| edgebench_commit |", r.stdout)
            md = os.path.join(d, "cmp.md")
            self.assertEqual(eb("compare", "--out", md, *dirs).returncode, 0)
            with open(md) as f:
                self.assertIn("# edgebench compare", f.read())
            # bad input: one line, non-zero
            for args, msg in (([dirs[0]], "give 2 to 8 results directories"),
                              ([dirs[0], d], "is not a results directory we can read"),):
                r = eb("compare", *args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(msg, r.stderr)
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            foreign = os.path.join(d, "foreign")
            os.makedirs(foreign)
            with open(os.path.join(foreign, "results.json"), "w") as f:
                f.write('{"hello": "world"}')
            r = eb("compare", dirs[0], foreign)
            self.assertEqual(r.returncode, 2)
            self.assertIn("is not an edgebench results document", r.stderr)


class BadInput(unittest.TestCase):
    def one_line_error(self, r, code, msg):
        self.assertEqual(r.returncode, code, r.stderr)
        self.assertIn(msg, r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)

    def test_unknown_names_and_numbers(self):
        self.one_line_error(eb("run", "--runtime", "nosuch"), 2, "unknown runtime 'nosuch'")
        self.one_line_error(eb("run", "--workload", "nosuch"), 2, "unknown workload 'nosuch'")
        self.one_line_error(eb("run", "--trials", "ten"), 2, "bad value 'ten' for --trials")
        self.one_line_error(eb("run", "--trials", "0"), 2, "bad value '0' for --trials")
        self.one_line_error(eb("run", "--duration", "-1s"), 2, "bad duration")
        self.one_line_error(eb("frobnicate"), 2, "unknown command")
        self.one_line_error(eb("run", "--mode", "nosuch"), 2, "no selected runtime has a mode 'nosuch'")
        self.one_line_error(eb("run", "--runtime", "native", "--mode", "runc"), 2, "no selected runtime has a mode 'runc'")
        self.one_line_error(eb("run", "--order", "random"), 2, "bad value 'random' for --order")
        self.one_line_error(eb("run", "--baseline", "native"), 2, "bad value 'native' for --baseline")
        self.one_line_error(eb("run", "--baseline", "native/aot"), 2, "bad value 'native/aot' for --baseline")
        self.one_line_error(eb("run", "--seed", "x"), 2, "bad value 'x' for --seed")
        self.one_line_error(eb("run", "--cell-budget", "soon"), 2, "bad duration")

    def test_unavailable_runtime_requested(self):
        # wasm runtimes are unavailable without their modules, whatever is installed
        with tempfile.TemporaryDirectory(prefix="edgebench-e2e-") as empty:
            r = eb("run", "--runtime", "node", "--wasm-artifacts", empty)
            self.one_line_error(r, 2, "runtime node not available:")
            self.assertIn("install with:", r.stderr)

    def test_output_directory_problems(self):
        with tempfile.TemporaryDirectory(prefix="edgebench-e2e-") as d:
            out = os.path.join(d, "r")
            os.makedirs(out)
            with open(os.path.join(out, "results.json"), "w") as f:
                f.write("{}")
            self.one_line_error(eb("run", "--runtime", "native", "--workload", "hello", "--out", out), 2, "already exists")
            with open(os.path.join(out, "results.json")) as f:
                self.assertEqual(f.read(), "{}")   # earlier results untouched
            partial = os.path.join(d, "partial")
            os.makedirs(os.path.join(partial, "raw"))
            self.one_line_error(eb("run", "--runtime", "native", "--workload", "hello", "--out", partial), 2, "is not empty")
            blocker = os.path.join(d, "file")
            open(blocker, "w").close()
            self.one_line_error(eb("run", "--runtime", "native", "--out", os.path.join(blocker, "x")), 2,
                                "cannot create output directory")

    def test_busy_port(self):
        with socket.socket() as s, tempfile.TemporaryDirectory(prefix="edgebench-e2e-") as d:
            s.bind(("127.0.0.1", 0))
            s.listen()
            port = s.getsockname()[1]
            r = eb("run", "--runtime", "native", "--workload", "http-hello", "--port", str(port),
                   "--out", os.path.join(d, "r"), *SMALL)
            self.assertEqual(r.returncode, 1)
            self.assertIn(f"port 127.0.0.1:{port} is busy", r.stderr)
            with open(os.path.join(d, "r", "results.json")) as f:
                doc = json.load(f)
            self.assertEqual(doc["status"], "failed")
            self.assertEqual(doc["cells"][0]["status"], "failed")

    def test_crashing_workload(self):
        with tempfile.TemporaryDirectory(prefix="edgebench-e2e-") as d:
            art = os.path.join(d, "art")
            os.makedirs(art)
            for name, body in (("http-hello", "echo 'cannot bind: simulated failure' >&2; exit 3"),
                               ("cpu-hash", "echo 'cpu-hash iterations=1 digest=00 compute_ns=1'"),
                               ("hello", "kill -SEGV $$")):
                p = os.path.join(art, name)
                with open(p, "w") as f:
                    f.write("#!/bin/sh\n" + body + "\n")
                os.chmod(p, 0o755)
            r = eb("run", "--runtime", "native", "--artifacts", art, "--out", os.path.join(d, "r"), *SMALL)
            self.assertEqual(r.returncode, 1)
            with open(os.path.join(d, "r", "results.json")) as f:
                doc = json.load(f)
            self.assertEqual(doc["status"], "failed")
            errors = {c["workload"]: c["error"] for c in doc["cells"]}
            self.assertIn("server exited (exit 3) before answering: cannot bind: simulated failure", errors["http-hello"])
            self.assertIn("differs from the expected", errors["cpu-hash"])
            self.assertIn("signal 11", errors["hello"])


    def test_silent_server_times_out_and_is_removed(self):
        with tempfile.TemporaryDirectory(prefix="edgebench-e2e-") as d:
            art = os.path.join(d, "art")
            os.makedirs(art)
            for name, body in (("http-hello", "exec sleep 300 # edgebench-silent-server"),
                               ("cpu-hash", "true"), ("hello", "true")):
                p = os.path.join(art, name)
                with open(p, "w") as f:
                    f.write("#!/bin/sh\n" + body + "\n")
                os.chmod(p, 0o755)
            r = eb("run", "--runtime", "native", "--workload", "http-hello", "--artifacts", art,
                   "--out", os.path.join(d, "r"), "--start-timeout", "1s", *SMALL)
            self.assertEqual(r.returncode, 1)
            self.assertIn("no HTTP 200 from 127.0.0.1:", r.stderr)
            self.assertIn("within 1.0 s", r.stderr)
            self.assertEqual(our_processes("sleep 300"), [])

    def test_exec_failure_is_not_a_slow_start(self):
        with tempfile.TemporaryDirectory(prefix="edgebench-e2e-") as d:
            art = os.path.join(d, "art")
            os.makedirs(art)
            for name in ("http-hello", "cpu-hash", "hello"):
                p = os.path.join(art, name)
                with open(p, "wb") as f:
                    f.write(b"\x00garbage, not an executable format")
                os.chmod(p, 0o755)
            t0 = time.monotonic()
            r = eb("run", "--runtime", "native", "--workload", "http-hello", "--artifacts", art,
                   "--out", os.path.join(d, "r"), "--start-timeout", "30s", *SMALL)
            self.assertLess(time.monotonic() - t0, 10)   # not waiting for the 30 s start timeout
            self.assertEqual(r.returncode, 1)
            self.assertIn("cannot launch", r.stderr)
            self.assertIn("Exec format error", r.stderr)


class Interrupt(unittest.TestCase):
    def test_sigint_leaves_nothing_behind(self):
        with tempfile.TemporaryDirectory(prefix="edgebench-e2e-") as d:
            out = os.path.join(d, "r")
            port = free_port()
            p = subprocess.Popen([EDGEBENCH, "run", "--runtime", "native", "--workload", "http-hello",
                                  "--port", str(port), "--out", out, "--trials", "3", "--duration", "20s"],
                                 cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(2.0)
            self.assertTrue(our_processes(f"--port {port}"), "the server should be up mid-run")
            p.send_signal(signal.SIGINT)
            _, err = p.communicate(timeout=20)
            self.assertEqual(p.returncode, 130, err)
            self.assertEqual(our_processes(f"--port {port}"), [])
            with open(os.path.join(out, "results.json")) as f:
                self.assertEqual(json.load(f)["status"], "interrupted")
            self.assertFalse(os.path.exists(os.path.join(out, "results.json.tmp")))


if __name__ == "__main__":
    unittest.main()


class SetupEstimate(unittest.TestCase):
    """What `make bench` prints first: the setup still to do, from the tool cache, and its times
    from scripts/setup-times.env (every figure there is a number that reaches the line)."""

    def estimate(self, cache=None):
        r = subprocess.run([os.path.join(ROOT, "scripts", "setup.sh"), "estimate", *([cache] if cache else [])],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.strip()

    def test_empty_cache_lists_every_build(self):
        with tempfile.TemporaryDirectory() as empty:
            line = self.estimate(empty)
        times = {}
        with open(os.path.join(ROOT, "scripts", "setup-times.env")) as f:
            for l in f:
                if l.startswith("T_") and not l.startswith("T_MEASURED_ON"):
                    k, _, v = l.strip().partition("=")
                    times[k] = int(v)
        for what in ("wit-bindgen by cargo", "nats-server by go", "the wasmCloud 1.x stack by cargo", "wasm-tools"):
            self.assertIn(what, line)
        # the wasmCloud 1.x stack builds beside wit-bindgen, nats-server and make build: the longer lane counts
        todo = times["T_DOWNLOADS"] + max(times["T_WASMCLOUD1"], times["T_WIT_BINDGEN"] + times["T_NATS"] + times["T_MAKE"])
        if "Debian packages" in line:
            todo += times["T_APT"]
        total = todo + times["T_SUITE"] + times["T_REPLAY"]
        self.assertIn("beside the other steps", line)
        self.assertIn(f"about {(total + 30) // 60} min in all", line)
        self.assertIn(f"first measurement after about {(todo + 30) // 60} min", line)

    def test_built_cache_has_nothing_left(self):
        # after setup (CI runs it first) the machine's own cache has every build
        cache = VERSIONS["EB_CACHE"]
        wc1 = subprocess.run([os.path.join(ROOT, "scripts", "wasmcloud1-key.sh")], capture_output=True, text=True).stdout.strip()
        if not os.path.exists(os.path.join(cache, f"wasmcloud1-{wc1}", "bin", "eb-wasmcloud1")):
            self.skipTest("the wasmCloud 1.x stack is not built here (scripts/setup.sh wasmcloud1)")
        line = self.estimate()
        self.assertIn("setup has nothing left to do", line)
        self.assertNotIn("cargo", line)
