"""`edgebench replay`: a trace replayed against instance pools.  Traces are written here so
that what must happen is known by construction: how many cold starts a keep-alive window
gives, which invocations a stalled instance delays; every invocation appears once; the
figures in replay.csv are the raw rows' own; malformed traces fail with one line."""
import csv
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.request

from test_native import EDGEBENCH, NATIVE, REQUIRED, ROOT, children, eb, free_port, our_processes

HDR21 = "app,func,end_timestamp,duration\n"


def write21(path, rows):
    """rows: (function, start seconds, duration seconds); the 2021 format keeps end times."""
    with open(path, "w") as f:
        f.write(HDR21)
        for fn, start, dur in rows:
            f.write(f"app,{fn},{start + dur:.6f},{dur:.6f}\n")


def replay(trace, out, *args, timeout=600):
    r = eb("replay", trace, "--out", out, *args, timeout=timeout)
    doc = None
    if os.path.exists(os.path.join(out, "results.json")):
        with open(os.path.join(out, "results.json")) as f:
            doc = json.load(f)
    return r, doc


def expected_colds(rows, keep_alive):
    """One instance per function at a time (the traces here never overlap within a function):
    an invocation is cold when its function has no instance idle for less than keep_alive."""
    last_end, colds = {}, 0
    for fn, start, dur in sorted(rows, key=lambda r: r[1]):
        if fn not in last_end or start - last_end[fn] >= keep_alive:
            colds += 1
        last_end[fn] = start + dur
    return colds


def pct(sorted_v, p):
    """eb_percentile: linear between closest ranks."""
    if len(sorted_v) == 1:
        return sorted_v[0]
    h = (len(sorted_v) - 1) * p / 100
    lo = int(h)
    if lo >= len(sorted_v) - 1:
        return sorted_v[-1]
    return sorted_v[lo] + (h - lo) * (sorted_v[lo + 1] - sorted_v[lo])


class Replay(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="edgebench-e2e-replay-")
        self.d = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()
        self.assertEqual([c for _, c in our_processes("http-hello")], [], "instances left behind")

    def test_keep_alive_zero_every_invocation_cold_and_once(self):
        rows = [(f"f{i % 3}", 0.05 * i, 0.002) for i in range(40)]
        trace = os.path.join(self.d, "t.csv")
        write21(trace, rows)
        r, doc = replay(trace, os.path.join(self.d, "out"), "--keep-alive", "0", "--port", "22000")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(doc["status"], "complete")
        rp = doc["replays"][0]
        cols = rp["invocations"]["columns"]
        inv = [dict(zip(cols, row)) for row in rp["invocations"]["rows"]]
        self.assertEqual(len(inv), 40)
        self.assertTrue(all(v["status"] == 200 for v in inv))
        self.assertEqual(sum(v["cold"] for v in inv), 40)
        self.assertEqual(len(rp["instances"]["rows"]), 40)
        # each invocation once, in trace order, due where the trace puts it
        dues = [v["due_us"] for v in inv]
        self.assertEqual(dues, sorted(dues))
        for v, (fn, start, dur) in zip(inv, rows):
            self.assertAlmostEqual(v["due_us"] / 1e6, start, delta=0.001)
            self.assertEqual(v["work_us"], round(dur * 1e6), v)
            self.assertLessEqual(v["due_us"], v["released_us"])
            self.assertLessEqual(v["released_us"], v["picked_us"])
            self.assertLessEqual(v["picked_us"], v["sent_us"])
            self.assertLessEqual(v["sent_us"] + v["work_us"], v["done_us"] + 1000)
        self.assertSetEqual({i["instance"] for i in inv}, set(range(40)))

    def test_cold_starts_known_by_construction(self):
        """Gaps within a function are either well inside the keep-alive window or well outside it
        (trace seconds, at speed 2 so the window compresses too); the count must be exact."""
        rows = []
        for fn, base in (("a", 0.0), ("b", 0.35), ("c", 0.7)):
            t = base
            for gap in (0.6, 0.6, 5.0, 0.6, 5.0, 0.6, 0.6, 5.0, 0.6):
                rows.append((fn, t, 0.004))
                t += gap
            rows.append((fn, t, 0.004))
        trace = os.path.join(self.d, "t.csv")
        write21(trace, rows)
        colds = {}
        for ka in ("0", "2s", "10m"):
            r, doc = replay(trace, os.path.join(self.d, f"out-{ka}"), "--keep-alive", ka, "--speed", "2",
                            "--port", "22100")
            self.assertEqual(r.returncode, 0, r.stderr)
            rp = doc["replays"][0]
            c = rp["invocations"]["columns"]
            self.assertTrue(all(row[c.index("status")] == 200 for row in rp["invocations"]["rows"]))
            colds[ka] = sum(row[c.index("cold")] for row in rp["invocations"]["rows"])
        self.assertEqual(colds["0"], len(rows))
        self.assertEqual(colds["2s"], expected_colds(rows, 2.0))
        self.assertEqual(colds["2s"], 3 * 4)
        self.assertEqual(colds["10m"], 3)
        self.assertGreaterEqual(colds["0"], colds["2s"])
        self.assertGreaterEqual(colds["2s"], colds["10m"])

    def test_hybrid_policy_prewarms_a_regular_function(self):
        """A function invoked every 3 minutes (trace time, at speed 300: 0.6 s apart): once its
        histogram holds 10 idle times, each instance is stopped after its invocation and pre-warmed
        at the 5th percentile less 10% (108 s), kept to the 99th plus 10% (198 s): the next
        invocation is still warm, and idle memory-time falls below a fixed 4-hour keep-alive's."""
        rows = [("f", 180.0 * i, 0.002) for i in range(25)]
        trace = os.path.join(self.d, "t.csv")
        write21(trace, rows)
        idle = {}
        for ka in ("hybrid", "240m"):
            out = os.path.join(self.d, f"out-{ka}")
            r, doc = replay(trace, out, "--keep-alive", ka, "--speed", "300", "--port", "22600")
            self.assertEqual(r.returncode, 0, r.stderr)
            rp = doc["replays"][0]
            c = rp["invocations"]["columns"]
            inv = [dict(zip(c, row)) for row in rp["invocations"]["rows"]]
            self.assertTrue(all(v["status"] == 200 for v in inv), rp["first_error"])
            self.assertEqual(sum(v["cold"] for v in inv), 1, ka)
            ic = rp["instances"]["columns"]
            ins = [dict(zip(ic, row)) for row in rp["instances"]["rows"]]
            with open(os.path.join(out, "replay.csv")) as f:
                idle[ka] = float(next(csv.DictReader(f))["idle_gib_s"])
            if ka == "hybrid":
                self.assertEqual(doc["config"]["keep_alive_policy"], "hybrid")
                self.assertGreaterEqual(sum(i["prewarmed"] for i in ins), 10)
                self.assertGreaterEqual(sum(i["ended_by"] == "after-invocation" for i in ins), 10)
                # before 10 idle times: one instance kept; after: every invocation served by a pre-warmed one
                self.assertTrue(all(ins[v["instance"]]["prewarmed"] for v in inv[12:]))
            else:
                self.assertEqual(len(ins), 1)
        self.assertLess(idle["hybrid"], idle["240m"] * 0.8)

    def test_stall_shows_in_every_invocation_due_during_it(self):
        """One instance (--max-instances 1); it is stopped (SIGSTOP) for 400 ms mid-replay: every
        invocation due during the stall answers only after it, the ones long before do not wait."""
        rows = [("f", 0.02 * i, 0.001) for i in range(150)]
        trace = os.path.join(self.d, "t.csv")
        write21(trace, rows)
        out = os.path.join(self.d, "out")
        p = subprocess.Popen([EDGEBENCH, "replay", trace, "--out", out, "--max-instances", "1", "--port", "22200"],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        def instance():
            for k in children(p.pid):
                try:
                    with open(f"/proc/{k}/cmdline", "rb") as f:
                        if b"http-hello" in f.read():
                            return k
                except OSError:
                    pass
            return None

        # the replay's instance: one that is still there 300 ms later (the unmeasured priming
        # start before the replay is gone by then; CI once stopped that one and found no process)
        child = None
        deadline = time.monotonic() + 30
        while child is None and time.monotonic() < deadline:
            k = instance()
            if k is not None:
                time.sleep(0.3)
                if os.path.exists(f"/proc/{k}") and instance() == k:
                    child = k
                    break
            time.sleep(0.005)
        self.assertIsNotNone(child, "no instance appeared")
        time.sleep(0.7)
        stop_ns = time.monotonic_ns()
        os.kill(child, signal.SIGSTOP)
        time.sleep(0.4)
        cont_ns = time.monotonic_ns()
        os.kill(child, signal.SIGCONT)
        _, err = p.communicate(timeout=120)
        self.assertEqual(p.returncode, 0, err)
        with open(os.path.join(out, "results.json")) as f:
            rp = json.load(f)["replays"][0]
        t0 = rp["t0_monotonic_ns"]
        c = rp["invocations"]["columns"]
        inv = [dict(zip(c, row)) for row in rp["invocations"]["rows"]]
        during = [v for v in inv if stop_ns + 5e6 <= t0 + v["due_us"] * 1000 <= cont_ns - 5e6]
        before = [v for v in inv if t0 + v["due_us"] * 1000 < stop_ns - 200e6]
        self.assertGreater(len(during), 10)
        for v in during:
            self.assertGreaterEqual(t0 + v["done_us"] * 1000, cont_ns - 1e6, v)
        # the first one due in the stall waited nearly all of it
        self.assertGreater((during[0]["done_us"] - during[0]["due_us"]) / 1e3, 300)
        warm_before = sorted((v["done_us"] - v["due_us"]) / 1e3 for v in before if not v["cold"])
        self.assertLess(pct(warm_before, 50), 50)
        self.assertEqual(sum(v["cold"] for v in inv), 1)

    def test_drain_bounds_invocations_waiting_for_a_start(self):
        """--drain bounds what waits for an instance's start as well as what waits in the queue:
        2,000 functions due at once, one start at a time (--max-starting 1), a 300 ms drain; no
        instance is launched after the last arrival plus the drain (once, 251 invocations picked
        before it were each served by a start up to 60 s later, holding the replay open), and
        every invocation is served or counted dropped."""
        n = 2000
        rows = [(f"f{i}", 0.0, 0.001) for i in range(n)]
        trace = os.path.join(self.d, "t.csv")
        write21(trace, rows)
        out = os.path.join(self.d, "out")
        r, doc = replay(trace, out, "--max-starting", "1", "--drain", "300ms", "--port", "22700")
        self.assertEqual(r.returncode, 0, r.stderr)
        rp = doc["replays"][0]
        c = rp["invocations"]["columns"]
        inv = [dict(zip(c, row)) for row in rp["invocations"]["rows"]]
        ic = rp["instances"]["columns"]
        insts = [dict(zip(ic, row)) for row in rp["instances"]["rows"]]
        give_up_us = max(v["due_us"] for v in inv) + 300000
        self.assertGreater(len(insts), 0)
        for i in insts:   # the check and the launch's stamp are under one lock: microseconds apart
            self.assertLessEqual(i["launched_us"], give_up_us + 5000, i)
        ok = sum(1 for v in inv if v["status"] == 200)
        dropped = [v for v in inv if v["status"] == -62]   # -ETIME
        self.assertEqual(ok + len(dropped), n)
        self.assertEqual(rp["dropped"], len(dropped))
        self.assertGreater(len(dropped), n // 4)   # a start takes half a millisecond or more
        self.assertTrue(all(not v["cold"] and v["instance"] == -1 for v in dropped))
        # the queued starts hold places (up to 255 of the 256) but are no instances: the
        # timeline counts them apart, and "live" never exceeds what was started and not yet stopped
        tc = rp["timeline"]["columns"]
        tl = [dict(zip(tc, row)) for row in rp["timeline"]["rows"]]
        self.assertIn("waiting", tc)
        self.assertGreater(max(p["waiting"] for p in tl), 10)
        self.assertLessEqual(max(p["live"] + p["waiting"] for p in tl), 256)
        # a sample's sweep over the slots runs from its time to the next sample's (not one instant)
        for k, p in enumerate(tl):
            t1 = tl[k + 1]["t_us"] if k + 1 < len(tl) else 1e18
            up = sum(1 for i in insts if i["launched_us"] <= t1 and (i["stopped_us"] or 1e18) >= p["t_us"])
            self.assertLessEqual(p["live"], up, p)

    def test_figures_are_the_raw_rows_own(self):
        rows = [(f"f{i % 4}", 0.01 * i, 0.001 * (i % 7)) for i in range(120)]
        trace = os.path.join(self.d, "t.csv")
        write21(trace, rows)
        out = os.path.join(self.d, "out")
        r, doc = replay(trace, out, "--keep-alive", "300ms", "--port", "22300")
        self.assertEqual(r.returncode, 0, r.stderr)
        rp = doc["replays"][0]
        c = rp["invocations"]["columns"]
        inv = [dict(zip(c, row)) for row in rp["invocations"]["rows"]]
        with open(os.path.join(out, "replay.csv")) as f:
            row = next(csv.DictReader(f))
        lat = sorted((v["done_us"] - v["due_us"]) / 1e3 for v in inv if v["status"] == 200)
        self.assertAlmostEqual(float(row["p99_ms"]), pct(lat, 99), delta=0.002)
        self.assertAlmostEqual(float(row["p50_ms"]), pct(lat, 50), delta=0.002)
        self.assertEqual(int(row["cold"]), sum(v["cold"] for v in inv))
        self.assertEqual(int(row["invocations"]), 120)
        late = sorted((v["released_us"] - v["due_us"]) / 1e3 for v in inv)
        self.assertAlmostEqual(float(row["late_p99_ms"]), pct(late, 99), delta=0.002)
        self.assertEqual(int(row["fell_behind"]), int(pct(late, 99) > 1.0))
        # the instances still up at the end end at the replay's end, all at once: stopping them
        # afterwards (teardown_s) is no part of their life, so memory-time is peak x life exactly
        ci = rp["instances"]["columns"]
        ins = [dict(zip(ci, r_)) for r_ in rp["instances"]["rows"]]
        ended = [i for i in ins if i["ended_by"] == "end"]
        self.assertTrue(ended)
        self.assertEqual(len({i["stopped_us"] for i in ended}), 1)
        self.assertAlmostEqual(ended[0]["stopped_us"] / 1e6, rp["end_s"], delta=1e-5)
        self.assertGreaterEqual(rp["teardown_s"], 0)
        gib_s = sum(i["peak_bytes"] / 2**30 * (i["stopped_us"] - i["ready_us"]) / 1e6 for i in ins
                    if i["ready_us"] > 0 and i["stopped_us"] >= i["ready_us"])
        self.assertAlmostEqual(float(row["gib_s"]), gib_s, delta=max(6e-6, gib_s * 1e-3))   # the CSV has 5 decimals
        with open(os.path.join(out, "report.md")) as f:
            md = f.read()
        self.assertIn("## Which runtime for this traffic", md)
        self.assertIn("indicative only", md)   # one replay: no ranking claimed
        self.assertIn("Work: **wait**", md)
        for svg in ("replay_instances.svg", "replay_latency_cdf.svg"):
            self.assertTrue(os.path.getsize(os.path.join(out, svg)) > 500)
        # the report regenerates from results.json alone, identically
        os.rename(os.path.join(out, "report.md"), os.path.join(out, "first.md"))
        r = eb("report", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "report.md")) as f:
            self.assertEqual(f.read(), md)
        # compare: replays side by side, and never mixed with a suite run
        r = eb("compare", out, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("## Trace replays", r.stdout)
        self.assertRegex(r.stdout, r"\| native/native \| p99 ms \| [0-9.]+ \(")
        r = eb("compare", out, os.path.join(ROOT, "tests", "fixtures"))
        self.assertEqual(r.returncode, 2)

    def test_runtimes_side_by_side(self):
        rts = ["native"] + [rt for rt in ("wasmtime", "docker") if rt in REQUIRED]
        rows = [(f"f{i % 2}", 0.1 * i, 0.003) for i in range(12)]
        trace = os.path.join(self.d, "t.csv")
        write21(trace, rows)
        args = []
        for rt in rts:
            args += ["--runtime", rt]
        r, doc = replay(trace, os.path.join(self.d, "out"), *args, "--mode", "cache-warm", "--keep-alive", "0",
                        "--repeats", "2", "--seed", "5", "--port", "22400")
        self.assertEqual(r.returncode, 0, r.stderr)
        for x in doc["runtimes"]:
            self.assertEqual(x["status"], "ok", f"{x['runtime']}: {x['status']}")
        self.assertEqual(len(doc["replays"]), 2 * len(rts))
        for rp in doc["replays"]:
            c = rp["invocations"]["columns"]
            self.assertEqual([row[c.index("status")] for row in rp["invocations"]["rows"]], [200] * 12, rp["first_error"])
            self.assertGreater(rp["calibration"]["kernel_ns"], 0)
            self.assertIsNotNone(rp["memory_figure"])
        modes = {rp["runtime"]: rp["mode"] for rp in doc["replays"]}
        if "wasmtime" in modes:
            self.assertEqual(modes["wasmtime"], "cache-warm")
        # shuffled per repeat from the seed: both orders recorded
        order = [[rp["runtime"] for rp in doc["replays"] if rp["repeat"] == k] for k in (0, 1)]
        self.assertEqual(sorted(order[0]), sorted(rts))
        self.assertEqual(sorted(order[1]), sorted(rts))
        if "docker" in rts:
            names = subprocess.run(["docker", "ps", "-a", "--format", "{{.Names}}"], capture_output=True, text=True).stdout
            self.assertNotIn(f"edgebench-", names)

    def test_platform_functions_are_workloads_on_one_host(self):
        """wasmCloud's host mode as a platform: one running host; each instance a workload deployed on it
        (the cold start), reached by its own Host; keep-alive 0 deploys per invocation, 10m once per function."""
        if "wasmcloud/host" not in REQUIRED:
            self.skipTest("wasmcloud/host is not installed here: scripts/setup.sh wasmcloud2")
        rows = [(f"f{i % 2}", 0.4 * i, 0.002) for i in range(8)]
        trace = os.path.join(self.d, "t.csv")
        write21(trace, rows)
        for ka, colds in (("0", 8), ("10m", 2)):
            r, doc = replay(trace, os.path.join(self.d, f"out-{ka}"), "--runtime", "wasmcloud", "--mode", "host",
                            "--keep-alive", ka, "--port", "22500")
            self.assertEqual(r.returncode, 0, r.stderr)
            rp = doc["replays"][0]
            self.assertEqual(rp["mode"], "host")
            c = rp["invocations"]["columns"]
            self.assertEqual([row[c.index("status")] for row in rp["invocations"]["rows"]], [200] * 8, rp["first_error"])
            self.assertEqual(sum(row[c.index("cold")] for row in rp["invocations"]["rows"]), colds)
            self.assertGreater(rp["platform"]["ready_ms"], 0)
            self.assertGreater(rp["platform"]["cpu_s"], 0)
            with open(os.path.join(self.d, f"out-{ka}", "report.md")) as f:
                self.assertIn("is a platform", f.read())
        self.assertEqual([c for _, c in our_processes("wash")], [])
        self.assertEqual([c for _, c in our_processes("nats-server")], [])

    def test_unavailable_and_bad_input(self):
        trace = os.path.join(self.d, "t.csv")
        write21(trace, [("f", 0.0, 0.001)])
        r, _ = replay(trace, os.path.join(self.d, "o1"), "--runtime", "nosuch")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown runtime 'nosuch'", r.stderr)
        for args, word in ((("--speed", "0"), "--speed"), (("--keep-alive", "soon"), "--keep-alive"),
                           (("--work", "io"), "--work"), (("--max-instances", "0"), "--max-instances")):
            r, _ = replay(trace, os.path.join(self.d, "o2"), *args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(word, r.stderr)
            self.assertEqual(r.stderr.strip().count("\n"), 0)
        r, _ = replay(trace, os.path.join(self.d, "o3"), "--runtime", "wasmcloud", "--mode", "lattice")
        self.assertNotEqual(r.returncode, 0)
        self.assertRegex(r.stderr, r"wasmcloud/lattice (not replayed: each instance of this mode is a whole deployment|not available)")

    def test_malformed_traces_exit_2_naming_the_line(self):
        orc = "Logical Time Clock (minutes), Function ID, Runtime (ms), Model"
        cases = {
            "orc-number": (orc + "0.1, f1, 20, 3\n0.2, f1, x, 3\n", ":2:"),
            "orc-negative-time": (orc + "0.1, f1, 20, 3\n-0.2, f1, 5, 3\n", ":2:"),
            "orc-truncated": (orc + "0.1, f1, 20, 3\n0.2, f1\n", ":2:"),
            "empty": ("", ":1:"),
            "a21-negative-time": (HDR21 + "a,f,1,0.1\na,f,-5,0.1\n", ":3:"),
            "a21-truncated": (HDR21 + "a,f,1,0.1\na,f\n", ":3:"),
            "a19-number": ("HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,1,x\n", ":2:"),
            "a19-truncated": ("HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,1\n", ":2:"),
        }
        for name, (text, where) in cases.items():
            p = os.path.join(self.d, name + ".csv")
            with open(p, "w") as f:
                f.write(text)
            for cmd in (("replay", p, "--out", os.path.join(self.d, "o-" + name)), ("trace", p)):
                r = eb(*cmd)
                self.assertEqual(r.returncode, 2, (name, cmd, r.stderr))
                self.assertEqual(r.stderr.strip().count("\n"), 0, r.stderr)
                self.assertIn(p + where, r.stderr)
            self.assertFalse(os.path.exists(os.path.join(self.d, "o-" + name, "results.json")))


class Work(unittest.TestCase):
    def test_work_endpoint(self):
        port = free_port()
        p = subprocess.Popen([os.path.join(NATIVE, "http-hello"), "--port", str(port)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 5
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.01)
            for how in ("wait", "cpu"):
                t = time.monotonic()
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/work?us=80000&how={how}", timeout=5).read()
                took = time.monotonic() - t
                self.assertEqual(body, b"worked 80000")
                self.assertGreaterEqual(took, 0.08)
            for q in ("us=x", "us=5&how=io", "", "us=700000000"):
                with self.assertRaises(urllib.error.HTTPError) as e:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/work?{q}", timeout=5)
                self.assertEqual(e.exception.code, 400, q)
        finally:
            p.terminate()
            p.wait(timeout=5)


if __name__ == "__main__":
    unittest.main()
