"""Fault injection: each case starts a real run, injects one fault, and checks
four things: the exit status and the one-line error name the fault;
results.json is whole and tells the truth per cell; the raw logs of completed
cells are intact; nothing of ours is left (processes, temp dirs, ports).

Faults come from outside the harness: a signal to the server, a test-only
fault in http-hello (EDGEBENCH_HH_FAULT, which edgebench never sets), fake
servers, a tiny filesystem, signals to edgebench itself.
"""
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "e2e"))
from test_native import EDGEBENCH, NATIVE, ROOT, eb, free_port, our_processes  # noqa: E402

QUICK = ["--trials", "2", "--bursts", "1", "--density", "0", "--full-cold-trials", "0", "--rounds", "1", "--curve", "none", "--burst", "none"]


def load(path):
    with open(path) as f:
        return json.load(f)


def leftovers(marker):
    """Processes of ours, scratch dirs and cgroups of dead runs."""
    procs = our_processes(marker)
    dirs = []
    for root in ("/sys/fs/cgroup/memory", "/sys/fs/cgroup"):
        if os.path.isdir(root):
            for d in os.listdir(root):
                if d.startswith("edgebench-") and not os.path.exists(f"/proc/{d.split('-')[1]}"):
                    dirs.append(os.path.join(root, d))
    for d in os.listdir("/tmp"):
        if d.startswith("edgebench-") and d.rsplit("-", 1)[-1].isdigit():
            pid = int(d.rsplit("-", 1)[-1])
            if not os.path.exists(f"/proc/{pid}"):
                dirs.append(d)
    return procs, dirs


def port_free(port):
    """Nothing listens there (TIME_WAIT of closed connections does not count, as for a server)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


class Case(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="edgebench-faults-")
        self.out = os.path.join(self.tmp.name, "r")

    def tearDown(self):
        self.tmp.cleanup()

    def run_eb(self, *args, env=None, timeout=300):
        e = dict(os.environ)
        e.update(env or {})
        return subprocess.run([EDGEBENCH, "run", "--out", self.out, *args], cwd=ROOT, env=e,
                              capture_output=True, text=True, timeout=timeout)

    def assert_whole_and_clean(self, r, port=None):
        doc = load(os.path.join(self.out, "results.json"))
        self.assertFalse(os.path.exists(os.path.join(self.out, "results.json.tmp")))
        marker = f"http-hello --addr 127.0.0.1 --port {port}" if port else NATIVE
        procs, dirs = leftovers(marker)
        self.assertEqual(procs, [], "processes left")
        self.assertEqual(dirs, [], "scratch directories of dead runs left")
        if port:
            self.assertTrue(port_free(port), f"port {port} still taken")
        return doc

    def one_line(self, r, needle):
        lines = [l for l in r.stderr.splitlines() if needle in l]
        self.assertTrue(lines, r.stderr[-3000:])
        return lines[0]


class ServerDies(Case):
    """The server killed while it is measured: a failed cell naming the phase and the signal."""

    def killed_at(self, n_requests, phase_words, extra=()):
        port = free_port()
        r = self.run_eb("--runtime", "native", "--workload", "http-hello", "--workload", "hello",
                        "--port", str(port), "--hello-runs", "3", *QUICK, *extra,
                        env={"EDGEBENCH_HH_FAULT": f"kill-after={n_requests}"})
        self.assertEqual(r.returncode, 1, r.stderr[-3000:])
        line = self.one_line(r, "the instance exited (signal 9")
        for w in phase_words:
            self.assertIn(w, line)
        doc = self.assert_whole_and_clean(r, port)
        self.assertEqual(doc["status"], "failed")
        http = next(c for c in doc["cells"] if c["workload"] == "http-hello")
        self.assertEqual(http["status"], "failed")
        self.assertIn("signal 9", http["error"])
        with open(os.path.join(self.out, "report.md")) as f:
            self.assertIn("| native | native | http-hello | **crashed**: native/native/http-hello: the instance exited (signal 9", f.read())
        # the next cell still ran, its raw log whole
        hello = next(c for c in doc["cells"] if c["workload"] == "hello")
        self.assertEqual(hello["status"], "ok")
        raw = os.path.join(self.out, "raw", "native", "native", "hello", "run.log")
        with open(raw) as f:
            rows = [l for l in f.read().splitlines() if not l.startswith("#")]
        self.assertEqual(len(rows), 3)
        return http

    def test_killed_in_warmup(self):
        # every instance answers the probe (1 request); the warm one dies in its warm-up
        http = self.killed_at(3, ["during warm-up"])
        self.assertEqual(len(next(s for s in http["series"] if s["name"] == "cold_start")["samples"]), 2)
        self.assertFalse(any(s["name"].startswith("sustained") for s in http["series"]))

    def test_killed_under_sustained_load(self):
        # survives warm-up, sequential, /state and a burst; dies under sustained load
        http = self.killed_at(2000, ["during sustained keepalive load, round 1"], ("--duration", "2s"))
        # nothing measured against a dead server: no throughput of the round it died in
        self.assertFalse(any(s["name"] == "sustained_keepalive_throughput" for s in http["series"]))

    def test_killed_before_answering_a_cold_start(self):
        port = free_port()
        r = self.run_eb("--runtime", "native", "--workload", "http-hello", "--port", str(port), *QUICK,
                        env={"EDGEBENCH_HH_FAULT": "kill-after=0"})
        self.assertEqual(r.returncode, 1, r.stderr[-3000:])
        self.assertIn("server exited (signal 9 (Killed)) before answering", self.one_line(r, "native/native/http-hello"))
        doc = self.assert_whole_and_clean(r, port)
        self.assertEqual(doc["cells"][0]["status"], "failed")

    def test_killed_by_a_signal_from_outside(self):
        """SIGKILL from another process to the first instance that lives past 300 ms (the warm one)."""
        port = free_port()
        killed = []

        def killer():
            seen = {}
            deadline = time.monotonic() + 60
            while not killed and time.monotonic() < deadline:
                now = time.monotonic()
                for pid, _ in our_processes(f"http-hello --addr 127.0.0.1 --port {port}"):
                    if now - seen.setdefault(pid, now) > 0.3:
                        try:
                            os.kill(pid, signal.SIGKILL)
                            killed.append(pid)
                        except ProcessLookupError:
                            pass
                        break
                time.sleep(0.01)
        t = threading.Thread(target=killer)
        t.start()
        try:
            r = self.run_eb("--runtime", "native", "--workload", "http-hello", "--port", str(port),
                            "--trials", "40", "--bursts", "1", "--density", "0", "--duration", "3s", "--rounds", "1")
        finally:
            t.join()
        self.assertTrue(killed, "no instance lived long enough to be killed")
        self.assertEqual(r.returncode, 1, r.stderr[-3000:])
        self.assertIn("the instance exited (signal 9 (Killed)) during", self.one_line(r, "native/native/http-hello"))
        doc = self.assert_whole_and_clean(r, port)
        self.assertEqual(doc["cells"][0]["status"], "failed")
        # the 40 cold starts measured before it are kept
        self.assertEqual(len(next(s for s in doc["cells"][0]["series"] if s["name"] == "cold_start")["samples"]), 40)


class BadServers(Case):
    """Fake servers in place of http-hello: each misbehaviour is named, and removed."""

    def fake(self, python_body):
        art = os.path.join(self.tmp.name, "art")
        os.makedirs(art, exist_ok=True)
        server = os.path.join(art, "server.py")
        with open(server, "w") as f:
            f.write("import socket, sys, time\nport = int(sys.argv[sys.argv.index('--port') + 1])\n"
                    "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                    "s.bind(('127.0.0.1', port)); s.listen(64)\n" + python_body)
        for name, body in (("http-hello", f"exec {sys.executable} {server} \"$@\" # edgebench-fake-server"),
                           ("cpu-hash", "true"), ("hello", "true")):
            p = os.path.join(art, name)
            with open(p, "w") as f:
                f.write("#!/bin/sh\n" + body + "\n")
            os.chmod(p, 0o755)
        return art

    def start_fails(self, body, needle):
        port = free_port()
        r = self.run_eb("--runtime", "native", "--workload", "http-hello", "--artifacts", self.fake(body),
                        "--port", str(port), "--start-timeout", "1s", *QUICK)
        self.assertEqual(r.returncode, 1, r.stderr[-2000:])
        self.assertIn(needle, self.one_line(r, "edgebench run: native/native/http-hello"))
        doc = self.assert_whole_and_clean(r, port)
        self.assertEqual(doc["cells"][0]["status"], "failed")
        self.assertEqual(our_processes("edgebench-fake-server"), [])

    def test_accepts_and_never_answers(self):
        self.start_fails("c, _ = s.accept()\ntime.sleep(300)\n", "no HTTP 200 from 127.0.0.1:")

    def test_answers_garbage(self):
        self.start_fails("while True:\n c, _ = s.accept(); c.sendall(b'\\x00\\xffgarbage\\r\\n\\r\\n'); c.close()\n",
                         "no HTTP 200")

    def test_closes_mid_response(self):
        self.start_fails("while True:\n c, _ = s.accept(); c.recv(4096); "
                         "c.sendall(b'HTTP/1.1 200 OK\\r\\nContent-Length: 100\\r\\n\\r\\nhel'); c.close()\n",
                         "no HTTP 200")

    def test_answers_slower_than_the_timeout(self):
        self.start_fails("while True:\n c, _ = s.accept(); c.recv(4096); time.sleep(3); "
                         "c.sendall(b'HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\nhello'); c.close()\n",
                         "within 1.0 s")


class Environment(Case):
    def test_runtime_binary_gone_between_detection_and_launch(self):
        art = os.path.join(self.tmp.name, "art")
        os.makedirs(art)
        for name in ("http-hello", "cpu-hash", "hello"):
            os.symlink(os.path.join(NATIVE, name), os.path.join(art, name))
        # detection sees the binaries; the unmeasured warm-up run of cpu-hash removes hello's
        os.unlink(os.path.join(art, "cpu-hash"))
        with open(os.path.join(art, "cpu-hash"), "w") as f:
            f.write(f"#!/bin/sh\nrm -f {art}/hello\nexec {NATIVE}/cpu-hash \"$@\"\n")
        os.chmod(os.path.join(art, "cpu-hash"), 0o755)
        r = self.run_eb("--runtime", "native", "--workload", "cpu-hash", "--workload", "hello",
                        "--artifacts", art, "--iterations", "1000", "--hash-runs", "3", *QUICK)
        self.assertEqual(r.returncode, 1, r.stderr[-2000:])
        self.assertIn("No such file or directory", self.one_line(r, "cannot launch"))
        doc = self.assert_whole_and_clean(r)
        st = {c["workload"]: c["status"] for c in doc["cells"]}
        self.assertEqual(st, {"cpu-hash": "ok", "hello": "failed"})

    def test_port_taken_after_the_check(self):
        port = free_port()
        # http-hello's own bind fails: something else took the port
        holder = socket.socket()
        art = os.path.join(self.tmp.name, "art")
        os.makedirs(art)
        with open(os.path.join(art, "http-hello"), "w") as f:
            f.write(f"#!/bin/sh\n{sys.executable} -c 'import socket,time; s=socket.socket(); "
                    f"s.bind((\"127.0.0.1\", {port})); s.listen(); time.sleep(30)' & sleep 0.3\n"
                    f"exec {NATIVE}/http-hello \"$@\"\n")
        os.chmod(os.path.join(art, "http-hello"), 0o755)
        for name in ("cpu-hash", "hello"):
            os.symlink(os.path.join(NATIVE, name), os.path.join(art, name))
        r = self.run_eb("--runtime", "native", "--workload", "http-hello", "--artifacts", art,
                        "--port", str(port), *QUICK)
        holder.close()
        self.assertEqual(r.returncode, 1, r.stderr[-2000:])
        line = self.one_line(r, "native/native/http-hello")
        self.assertIn("server exited (exit", line)
        self.assertIn(f"bind 127.0.0.1:{port}: Address", line)   # musl: "Address in use"
        self.assert_whole_and_clean(r, port)

    def test_results_on_a_full_filesystem(self):
        if os.geteuid() != 0:
            self.skipTest("mounting a tiny tmpfs needs root")
        mnt = os.path.join(self.tmp.name, "tiny")
        os.makedirs(mnt)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "edgebench-faults", mnt]).returncode != 0:
            self.skipTest("cannot mount a tmpfs here")
        try:
            out = os.path.join(mnt, "r")
            r = subprocess.run([EDGEBENCH, "run", "--out", out, "--runtime", "native", "--workload", "http-hello",
                                *QUICK, "--duration", "1s"], cwd=ROOT, capture_output=True, text=True, timeout=300)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("No space left on device", r.stderr)
            # nothing half-written under a final name: results.json is either whole or absent
            path = os.path.join(out, "results.json")
            if os.path.exists(path):
                load(path)
            for root, _, files in os.walk(out):
                for f in files:
                    self.assertFalse(f.endswith(".tmp"), os.path.join(root, f))
            self.assertEqual(leftovers(NATIVE + "/http-hello")[0], [])
        finally:
            subprocess.run(["umount", mnt])


class DockerDaemon(Case):
    """The Docker daemon stopped in the middle of a container cell."""

    PIDFILE = "/run/edgebench-dockerd.pid"

    def docker(self, *args):
        cli = "/usr/bin/docker" if os.path.exists("/usr/bin/docker") else "docker"
        return subprocess.run([cli, *args], capture_output=True, text=True, timeout=60)

    def test_daemon_stopped_mid_cell(self):
        setup = os.path.join(ROOT, "scripts", "setup.sh")
        if subprocess.run([setup, "docker-answers"]).returncode != 0:
            self.skipTest("no Docker daemon answers")
        if not os.path.exists(self.PIDFILE):
            self.skipTest("the Docker daemon was not started by edgebench's setup: not ours to stop")
        port = free_port()
        p = subprocess.Popen([EDGEBENCH, "run", "--out", self.out, "--runtime", "docker", "--runtime", "gvisor",
                              "--workload", "http-hello", "--port", str(port), "--trials", "2", "--bursts", "1",
                              "--density", "0", "--full-cold-trials", "0", "--rounds", "1", "--duration", "8s",
                              "--order", "sequential"],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        dockerd = None
        try:
            # the sustained instance: a container serving our port for more than a second
            deadline = time.monotonic() + 120
            seen = {}
            while time.monotonic() < deadline:
                now = time.monotonic()
                for pid, _ in our_processes(f"/http-hello --addr 127.0.0.1 --port {port}"):
                    seen.setdefault(pid, now)
                if any(now - t0 > 1.5 and os.path.exists(f"/proc/{pid}") for pid, t0 in seen.items()):
                    break
                time.sleep(0.05)
            with open(self.PIDFILE) as f:
                dockerd = int(f.read())
            os.kill(dockerd, signal.SIGTERM)
            _, err = p.communicate(timeout=180)
        finally:
            if p.poll() is None:
                p.kill()
            # bring it back only once the old one is gone (a dying daemon still answers)
            deadline = time.monotonic() + 60
            while dockerd and time.monotonic() < deadline:
                try:
                    with open(f"/proc/{dockerd}/stat") as f:
                        if f.read().split(") ")[-1].startswith("Z"):
                            break   # exited; a zombie under a PID 1 that does not reap
                except FileNotFoundError:
                    break
                time.sleep(0.2)
            # the machine's daemon restored, not a process of this test: without our mark
            env = {k: v for k, v in os.environ.items() if k != "EDGEBENCH_TEST_MARK"}
            subprocess.run([setup, "docker-up"], capture_output=True, timeout=120, env=env)
        self.assertEqual(subprocess.run([setup, "docker-answers"]).returncode, 0, "the daemon did not come back")
        self.assertEqual(p.returncode, 1, err[-3000:])
        doc = load(os.path.join(self.out, "results.json"))
        st = {c["runtime"]: c for c in doc["cells"]}
        self.assertEqual(st["docker"]["status"], "failed")
        self.assertIn("the instance exited", st["docker"]["error"])
        # the cell after it says why it could not run, in its own words
        self.assertEqual(st["gvisor"]["status"], "failed")
        self.assertTrue(st["gvisor"]["error"], st["gvisor"])
        # the daemon is back: nothing of ours dangles there
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            names = self.docker("ps", "-aq", "--filter", "name=^edgebench-").stdout.split()
            if not names:
                break
            time.sleep(1)
        self.assertEqual(names, [], "containers left after the daemon came back")
        self.assertEqual(our_processes(f"--port {port}"), [])


class Signals(Case):
    def test_signals_at_random_moments(self):
        seed = int(os.environ.get("EDGEBENCH_FAULT_SEED", "20261128"))
        rng = random.Random(seed)
        n = int(os.environ.get("EDGEBENCH_FAULT_SIGNALS", "30"))
        for i in range(n):
            sig = rng.choice([signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
            delay = rng.uniform(0.05, 1.5)
            out = os.path.join(self.tmp.name, f"r{i}")
            port = free_port()
            p = subprocess.Popen([EDGEBENCH, "run", "--out", out, "--runtime", "native", "--port", str(port),
                                  "--trials", "3", "--bursts", "1", "--duration", "1s", "--density", "2",
                                  "--hash-runs", "2", "--hello-runs", "5", "--iterations", "200000"],
                                 cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            time.sleep(delay)
            p.send_signal(sig)
            _, err = p.communicate(timeout=60)
            with self.subTest(i=i, signal=sig.name, delay=round(delay, 3), seed=seed):
                self.assertIn(p.returncode, (0, 130), err[-1000:])
                doc = load(os.path.join(out, "results.json"))
                self.assertEqual(doc["status"], "complete" if p.returncode == 0 else "interrupted")
                self.assertFalse(os.path.exists(os.path.join(out, "results.json.tmp")))
                self.assertEqual(our_processes(f"http-hello --addr 127.0.0.1 --port {port}"), [])
                self.assertEqual(our_processes(f"{NATIVE}/"), [])
                self.assertEqual(leftovers(f"{NATIVE}/")[1], [], "scratch directories or cgroups left")


if __name__ == "__main__":
    unittest.main()
