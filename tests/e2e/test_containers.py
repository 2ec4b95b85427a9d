"""End-to-end tests of the docker and gvisor runtimes, for real, through the
Docker Engine.  They run when a daemon answers (CI starts one with
scripts/setup.sh docker-up) and are reported as skipped, with the reason,
when none does.
"""
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest

from test_native import EDGEBENCH, ROOT, chain, eb, free_port

DOCKER = "/usr/bin/docker" if os.path.exists("/usr/bin/docker") else "docker"


def docker(*args):
    return subprocess.run([DOCKER, *args], capture_output=True, text=True, timeout=120)


def daemon_reason():
    try:
        r = docker("version", "--format", "{{.Server.Version}}")
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"docker CLI unusable: {e}"
    return None if r.returncode == 0 else f"no Docker daemon answers: {r.stderr.strip()[:120]}"


def runsc_registered():
    r = docker("info", "--format", "{{range $k, $v := .Runtimes}}{{$k}} {{end}}")
    return r.returncode == 0 and "runsc" in r.stdout.split()


def leftovers():
    names = docker("ps", "-a", "--filter", "name=^edgebench-", "--format", "{{.Names}}").stdout.split()
    images = docker("images", "--filter", "reference=edgebench-workloads", "--format", "{{.Repository}}:{{.Tag}}").stdout.split()
    ctx = [d for d in os.listdir("/tmp") if d.startswith("edgebench-ctx-")]
    return names, images, ctx


SMALL = ["--trials", "3", "--full-cold-trials", "1", "--bursts", "1", "--duration", "500ms", "--curve", "50", "--curve-duration", "300ms", "--burst", "2", "--density-max", "10",
         "--hash-runs", "2", "--hello-runs", "3", "--iterations", "20000"]

REASON = daemon_reason()


@unittest.skipIf(REASON, REASON or "")
class ContainerSuite(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.runtimes = ["docker"] + (["gvisor"] if runsc_registered() else [])
        # a stale container of a run that died (its pid no longer exists) must be removed
        docker("create", "--name", "edgebench-999999-1", "--network", "host", "scratch-does-not-exist")
        cls.tmp = tempfile.TemporaryDirectory(prefix="edgebench-e2e-")
        cls.out = os.path.join(cls.tmp.name, "run")
        args = []
        for r in cls.runtimes:
            args += ["--runtime", r]
        cls.result = eb("run", *args, "--out", cls.out, *SMALL, timeout=900)
        with open(os.path.join(cls.out, "results.json")) as f:
            cls.doc = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def cells(self, workload):
        return [c for c in self.doc["cells"] if c["workload"] == workload]

    @staticmethod
    def series(cell, name):
        return next(s for s in cell["series"] if s["name"] == name)

    def test_gvisor_measured_or_explained(self):
        if "gvisor" not in self.runtimes:
            self.skipTest("runsc is not registered with this Docker daemon (scripts/setup.sh docker-up registers it)")
        self.assertIn("gvisor", {c["runtime"] for c in self.doc["cells"]})

    def test_run_complete(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr[-2000:])
        self.assertEqual(self.doc["status"], "complete")
        self.assertEqual({c["status"] for c in self.doc["cells"]}, {"ok"})
        for r in self.runtimes:
            self.assertIn(r, self.doc["fingerprint"]["runtime_versions"])
        self.assertIn("Docker Engine", self.doc["fingerprint"]["runtime_versions"]["docker"])
        self.assertIn("cgroup", self.doc["fingerprint"]["runtime_versions"]["docker"])

    def test_http_cold_starts_state_and_errors(self):
        for c in self.cells("http-hello"):
            with self.subTest(runtime=c["runtime"]):
                self.assertEqual(len(self.series(c, "cold_start")["samples"]), 3)
                self.assertTrue(c["checks"]["state_counts_exactly"], c["warnings"])
                self.assertTrue(c["checks"]["zero_errors"], c["warnings"])
                self.assertIn("--network host", c["command"])
                self.assertIn("--addr 127.0.0.1", c["command"])
                for name in ("full_cold_build", "full_cold_start"):
                    self.assertTrue(all(v > 0 for v in self.series(c, name)["samples"]))

    def test_footprint_comes_from_the_cgroup(self):
        for c in self.cells("http-hello"):
            with self.subTest(runtime=c["runtime"]):
                for name in ("cgroup_memory_after_warmup", "shim_pss_after_warmup",
                             "shared_daemon_pss_after_warmup", "sustained_keepalive_cgroup_memory"):
                    s = self.series(c, name)
                    self.assertTrue(s["samples"] and all(v > 0 for v in s["samples"]), name)
                self.assertEqual(len(self.series(c, "density_tree_pss")["samples"]), 10)
                self.assertTrue(all(v > 0 for v in self.series(c, "density_tree_pss")["samples"]))
                cpu = c["values"]["sustained_keepalive"]
                self.assertIn("cgroup", cpu["cpu_source"])
                self.assertGreater(cpu["cpu_user_ms"] + cpu["cpu_sys_ms"], 0)

    def test_batch_workloads(self):
        for c in self.cells("cpu-hash"):
            with self.subTest(runtime=c["runtime"]):
                self.assertEqual(c["values"]["expected_digest"], chain(20000))
                self.assertEqual(c["values"]["runs"]["done"], c["values"]["runs"]["planned"])
                self.assertTrue(all(v > 0 for v in self.series(c, "startup_overhead")["samples"]))
        for c in self.cells("hello"):
            self.assertEqual(len(self.series(c, "run")["samples"]), c["values"]["runs"]["planned"])

    def test_nothing_left_behind(self):
        names, images, ctx = leftovers()
        self.assertEqual(names, [], "containers left")
        self.assertEqual(images, [], "images left")
        self.assertEqual(ctx, [], "build contexts left")


@unittest.skipIf(REASON, REASON or "")
class ContainerInterrupt(unittest.TestCase):
    def test_sigint_removes_the_container(self):
        with tempfile.TemporaryDirectory(prefix="edgebench-e2e-") as d:
            out = os.path.join(d, "r")
            p = subprocess.Popen([EDGEBENCH, "run", "--runtime", "docker", "--workload", "http-hello",
                                  "--port", str(free_port()), "--out", out, "--trials", "2",
                                  "--full-cold-trials", "0", "--duration", "30s"],
                                 cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not leftovers()[0]:
                time.sleep(0.2)
            time.sleep(1.5)   # into the sustained phase, with a live container
            self.assertTrue(leftovers()[0], "a container should be running mid-run")
            p.send_signal(signal.SIGINT)
            _, err = p.communicate(timeout=60)
            self.assertEqual(p.returncode, 130, err)
            self.assertEqual(leftovers(), ([], [], []))
            with open(os.path.join(out, "results.json")) as f:
                self.assertEqual(json.load(f)["status"], "interrupted")


if __name__ == "__main__":
    unittest.main()
