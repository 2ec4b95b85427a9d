"""wasmCloud 1.x as the study deployed it (runtime wasmcloud, mode lattice).

Runs where `scripts/setup.sh wasmcloud1` has built the stack of this
checkout's wasmcloud1/ sources (~20 minutes once; .ci/run builds it, and with
CI=true a missing stack fails rather than skips). Checks
that a deployment (NATS + JetStream, host, wadm, the HTTP server provider,
the application deployed through wadm) answers, that its stages are
recorded in order, that its footprint is the sum over its processes, and
that nothing is left afterwards: no process of the stack, no JetStream
store -- also when the host is killed in the middle of a run.
"""
import glob
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest

from test_native import BUILD, EDGEBENCH, ROOT, VERSIONS, eb, is_ours

# the build of these sources only, never the newest of any (a stale build tests stale code)
KEY = subprocess.run([os.path.join(ROOT, "scripts", "wasmcloud1-key.sh")], capture_output=True, text=True,
                     check=True).stdout.strip()
STACK = os.access(f"{VERSIONS['EB_CACHE']}/wasmcloud1-{KEY}/bin/eb-wasmcloud1", os.X_OK)
NATS = f"{VERSIONS['EB_CACHE']}/nats-server-{VERSIONS['NATS_VERSION']}/bin/nats-server"
READY = bool(STACK) and os.access(NATS, os.X_OK) and os.path.exists(
    os.path.join(BUILD, "wasm", "http-hello.component.wasm"))
WHY = f"wasmcloud/lattice: the wasmCloud 1.x stack of these sources (wasmcloud1-{KEY}) is not built here (scripts/setup.sh wasmcloud1: ~20 min of cargo once)"
SMALL = ["--runtime", "wasmcloud", "--mode", "lattice", "--workload", "http-hello", "--trials", "10", "--bursts", "1",
         "--duration", "900ms", "--rounds", "1", "--curve", "none", "--full-cold-trials", "0", "--start-timeout", "60s"]
STAGES = ["nats_accepting", "wadm_ready", "host_heartbeat", "wadm_knows_host", "manifest_deployed", "scheduled", "provider_up"]
NAMES = ("nats-server", "wasmcloud-host", "wadm", "eb-wasmcloud1", "http-server-pro")


def stack_processes():
    """Processes of the stack that this test run started (the environment mark), by role."""
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/comm") as f:
                comm = f.read().strip()
        except OSError:
            continue
        if (comm in NAMES or comm.startswith("http-server")) and is_ours(p):
            out.append((int(p), comm))
    return out


def provider_cache():
    """What the 1.x host extracted under /tmp/wasmcloudcache (its default temp dir)."""
    try:
        return set(os.listdir("/tmp/wasmcloudcache"))
    except FileNotFoundError:
        return set()


@unittest.skipUnless(READY, WHY)
class Lattice(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="edgebench-test-lattice-")
        cls.out = os.path.join(cls.tmp.name, "run")
        cls.before = stack_processes()
        cls.cache_before = provider_cache()
        cls.result = eb("run", *SMALL, "--out", cls.out, timeout=900)
        with open(os.path.join(cls.out, "results.json")) as f:
            cls.doc = json.load(f)
        cls.cell = next(c for c in cls.doc["cells"] if c["mode"] == "lattice")
        cls.series = {s["name"]: s for s in cls.cell.get("series", [])}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def log_tails(self):
        """The last lines of every log of the run: the evidence when a start failed."""
        logs = os.path.join(self.out, "logs")
        out = []
        for f in sorted(os.listdir(logs)) if os.path.isdir(logs) else []:
            with open(os.path.join(logs, f), errors="replace") as fh:
                out.append(f"\n--- {f}:\n" + "".join(fh.readlines()[-40:]))
        return "".join(out)[-12000:]

    def test_deploys_and_answers(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr[-3000:] + self.log_tails())
        self.assertEqual(self.cell["status"], "ok", self.cell.get("error"))
        # ten cold starts, none waiting for the host's 30 s heartbeat
        cold = self.series["cold_start"]["samples"]
        self.assertEqual(len(cold), 10)
        self.assertLess(max(cold), 5e9, cold)
        self.assertIn("lattice", self.cell["command"])
        self.assertEqual(self.cell["values"]["sustained_keepalive_errors"]["non_2xx"], 0)
        v = next(r for r in self.doc["runtimes"] if r["name"] == "wasmcloud")["version"]
        self.assertIn("wasmcloud-host 0.25.1", v)
        self.assertIn("wadm 0.21.0", v)
        self.assertIn(VERSIONS["NATS_VERSION"], v)

    def test_stages_in_order(self):
        cold = self.series["cold_start"]["samples"]
        per_trial = []
        for st in STAGES:
            s = self.series[f"cold_start_phase_{st}"]
            self.assertEqual(len(s["samples"]), len(cold), st)
            per_trial.append(s["samples"])
        for t in range(len(cold)):
            times = [p[t] for p in per_trial]
            self.assertEqual(times, sorted(times))
            self.assertLessEqual(times[-1], cold[t] + 1)   # the provider is up before the first 200

    def test_deployed_once_as_operators_do(self):
        """wadm knew the host before the one deploy; no duplicate provider starts
        ("Text file busy"); the host's allocator, wadm's status and every
        process's role recorded."""
        notes = self.cell["values"]["start_notes"]
        self.assertEqual(len(notes["allocator"]), 10)
        self.assertTrue(all(a in ("pooling",) or a.startswith("on-demand") for a in notes["allocator"]), notes)
        self.assertTrue(all(s.split(":")[0] in ("reconciling", "deployed") for s in notes["scheduled_status"]), notes)
        logs = os.path.join(self.out, "logs")
        text = "".join(open(os.path.join(logs, f), errors="replace").read() for f in os.listdir(logs))
        self.assertNotIn("Text file busy", text)
        roles = {p["role"] for p in self.cell["values"]["processes"]}
        self.assertTrue(any(r.startswith("HTTP server provider") for r in roles), roles)
        self.assertIn("wasmCloud 1.x host", roles)
        self.assertIn("wadm (the deployment manager)", roles)
        v = next(r for r in self.doc["runtimes"] if r["name"] == "wasmcloud")["version"]
        self.assertIn("opt-level z", v)

    def test_deploy_cold_start(self):
        """The lattice up, the application undeployed and deployed again: deploy -> first 200."""
        d = self.series["deploy_cold_start"]["samples"]
        self.assertEqual(len(d), 3)
        self.assertTrue(all(0 < v < 90e9 for v in d))

    def test_footprint_sums_the_stack(self):
        pss = self.series["pss_after_warmup"]["summary"]["median"]
        # four processes and the supervisor: tens of MB, not one small process
        self.assertGreater(pss, 20 * 2**20)

    def test_nothing_left(self):
        self.assertEqual([p for p in stack_processes() if p not in self.before], [])
        self.assertEqual(glob.glob("/tmp/edgebench-wasmcloud-*"), [])
        # the host's provider extractions go to the instance's scratch dir (TMPDIR), not /tmp
        self.assertEqual(provider_cache() - self.cache_before, set())

    def test_host_killed_mid_run(self):
        out = os.path.join(self.tmp.name, "killed")
        p = subprocess.Popen([EDGEBENCH, "run", *SMALL, "--duration", "60s", "--out", out], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        # the warm instance's host: the first one that lives 8 s (a cold-start trial's lives ~seconds)
        victim, seen = None, {}
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and victim is None and p.poll() is None:
            now = time.monotonic()
            for pid, comm in stack_processes():
                if comm == "wasmcloud-host":
                    seen.setdefault(pid, now)
                    if now - seen[pid] > 8:
                        victim = pid
            time.sleep(0.2)
        self.assertIsNotNone(victim, "no wasmcloud-host process appeared")
        os.kill(victim, signal.SIGKILL)
        _, err = p.communicate(timeout=600)
        self.assertNotEqual(p.returncode, 0)
        with open(os.path.join(out, "results.json")) as f:
            cell = next(c for c in json.load(f)["cells"] if c["mode"] == "lattice")
        self.assertEqual(cell["status"], "failed")
        self.assertEqual(len(cell["error"].splitlines()), 1)
        self.assertEqual([q for q in stack_processes() if q not in self.before], [])


if __name__ == "__main__":
    unittest.main()
