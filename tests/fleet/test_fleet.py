"""The fleet run (deploy/fleet.yml) against two hosts of our own.

Each host is a network namespace this test creates and removes, joined to
ours by a veth pair addressed from 198.19.250.0/29 (the benchmarking range,
198.18.0.0/15), with an sshd of its own inside, reached by Ansible over SSH
with a throwaway key.  The hosts share this machine's filesystem, so each
gets its own edgebench_dir; everything else goes the way it goes on a real
fleet: the controller's commit is unpacked, scripts/setup.sh and make run on
the host, the suite runs with the fleet's seed, results.json comes back.

Checked: a host whose step fails is named with the step and its error;
both hosts return complete results with the same seed and the same
commit, each gets a report, `edgebench compare` sets them side by side and
fleet.json names both ok; then, with one host's sshd stopped while its suite
runs, that host is reported unreachable by name, the other's results are
kept and reported, the playbook exits non-zero, and nothing of ours is left.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "e2e"))
from test_native import EDGEBENCH, ROOT, TEST_MARK, VERSIONS, is_ours  # noqa: E402

PLAYBOOK = os.path.join(ROOT, "scripts", "fleet.sh")
ANSIBLE = os.path.join(VERSIONS["EB_CACHE"], f"ansible-core-{VERSIONS['ANSIBLE_CORE_VERSION']}", "bin", "ansible-playbook")
HOSTS = ("alpha", "beta")
SUITE = ("--runtime native --workload http-hello --workload hello --trials 3 --bursts 1 --duration 300ms "
         "--curve 20 --curve-duration 300ms --burst 1 --density-max 2 --hello-runs 3")


def sh(*cmd):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if r.returncode:
        raise AssertionError(f"{' '.join(cmd)}: {r.stderr.strip()}")
    return r.stdout


def wait_port(addr, port, timeout=20):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection((addr, port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing answered on {addr}:{port} within {timeout} s")


def processes_in(path):
    """Our processes (by the test mark) whose working directory or command line is under path."""
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit() or int(p) == os.getpid() or not is_ours(p):
            continue
        try:
            cwd = os.readlink(f"/proc/{p}/cwd")
            with open(f"/proc/{p}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cwd.startswith(path) or path in cmd:
            out.append((int(p), cwd, cmd))
    return out


def descendants(pid):
    """Every process below pid, read from /proc (a session sshd forks clears its environment,
    so the test's mark cannot find it)."""
    children = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(p))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def stop_sshd(listener):
    """An sshd of ours and every session it forked (they outlive a listener that is only stopped),
    as a host's SSH server going away: the sshd processes only.  What the sessions started (the
    suite, its instances) goes on and ends by itself, as on a real host; killing it too left an
    instance it was starting behind, which nothing stopped."""
    if listener.poll() is not None:
        return
    for pid in [listener.pid] + descendants(listener.pid):
        try:
            if os.readlink(f"/proc/{pid}/exe") == "/usr/sbin/sshd":
                os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, FileNotFoundError):
            pass
    listener.wait(timeout=10)


@unittest.skipUnless(os.geteuid() == 0 and shutil.which("ip") and os.path.exists("/usr/sbin/sshd"),
                     "needs root, iproute2 and openssh-server (scripts/setup.sh fleet-test)")
class Fleet(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        assert os.access(ANSIBLE, os.X_OK), f"{ANSIBLE} missing: scripts/setup.sh fleet"
        cls.tmp = tempfile.mkdtemp(prefix="eb-fleet-")
        cls.tag = f"{os.getpid() % 100000}"
        cls.ns, cls.sshd, cls.addr = {}, {}, {}
        cls.made_run_sshd = False
        try:
            cls._hosts()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def _hosts(cls):
        t = cls.tmp
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "edgebench-fleet-test", "-f", f"{t}/key")
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{t}/hostkey")
        if not os.path.isdir("/run/sshd"):   # sshd's privilege separation directory
            os.makedirs("/run/sshd", mode=0o755)
            cls.made_run_sshd = True
        for i, name in enumerate(HOSTS):
            ns, hif, nif = f"ebfl{cls.tag}{i}", f"ebfh{cls.tag}{i}", f"ebfn{cls.tag}{i}"
            here, there = f"198.19.250.{4 * i + 1}", f"198.19.250.{4 * i + 2}"
            sh("ip", "netns", "add", ns)
            cls.ns[name] = (ns, hif)
            sh("ip", "link", "add", hif, "type", "veth", "peer", "name", nif)
            sh("ip", "link", "set", nif, "netns", ns)
            sh("ip", "addr", "add", f"{here}/30", "dev", hif)
            sh("ip", "link", "set", hif, "up")
            sh("ip", "netns", "exec", ns, "ip", "addr", "add", f"{there}/30", "dev", nif)
            sh("ip", "netns", "exec", ns, "ip", "link", "set", nif, "up")
            sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")   # the host's own loopback: its servers
            conf = f"{t}/sshd-{name}.conf"
            with open(conf, "w") as f:
                f.write(f"ListenAddress {there}\nPort 22\nHostKey {t}/hostkey\nAuthorizedKeysFile {t}/key.pub\n"
                        "PermitRootLogin prohibit-password\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                        f"UsePAM no\nStrictModes no\nPidFile {t}/sshd-{name}.pid\n"
                        "Subsystem sftp /usr/lib/openssh/sftp-server\n")
            cls.sshd[name] = subprocess.Popen(["ip", "netns", "exec", ns, "/usr/sbin/sshd", "-D", "-e", "-f", conf],
                                              stdout=subprocess.DEVNULL, stderr=open(f"{t}/sshd-{name}.log", "w"))
            cls.addr[name] = there
            wait_port(there, 22)
        with open(f"{t}/inventory.ini", "w") as f:
            f.write("[edgebench]\n")
            for name in HOSTS:
                f.write(f"{name} ansible_host={cls.addr[name]} edgebench_dir={t}/hosts/{name}/edgebench\n")
            f.write(f"\n[edgebench:vars]\nansible_user=root\nansible_ssh_private_key_file={t}/key\n"
                    "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'\n"
                    "ansible_python_interpreter=/usr/bin/python3\n")

    @classmethod
    def tearDownClass(cls):
        for p in cls.sshd.values():
            try:
                stop_sshd(p)
            except Exception as e:   # the namespaces and files below go all the same
                print(f"fleet test: stopping an sshd: {e}", file=sys.stderr)
        for ns, hif in cls.ns.values():
            subprocess.run(["ip", "link", "del", hif], capture_output=True)
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        if cls.made_run_sshd:
            shutil.rmtree("/run/sshd", ignore_errors=True)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def playbook(self, run, wait=True, args=(), **override):
        extra = {"edgebench_setup": "build", "edgebench_make": "native",
                 "edgebench_args": SUITE, "edgebench_seed": 4242, "fleet_out": f"{self.tmp}/out",
                 "edgebench_timeout_s": 600, "edgebench_env": {"EDGEBENCH_TEST_MARK": TEST_MARK}, **override}
        # no SSH connection kept open after the playbook (ControlPersist would leave a master behind)
        env = dict(os.environ, EDGEBENCH_FLEET_RUN=run, ANSIBLE_HOME=f"{self.tmp}/ansible", ANSIBLE_NOCOLOR="1",
                   ANSIBLE_SSH_ARGS="-o ControlMaster=no -o ServerAliveInterval=5 -o ServerAliveCountMax=3",
                   ANSIBLE_SSH_CONTROL_PATH_DIR=f"{self.tmp}/ansible/cp")
        log = open(f"{self.tmp}/{run}.log", "w")
        p = subprocess.Popen([PLAYBOOK, f"{self.tmp}/inventory.ini", "-e", json.dumps(extra), *args], cwd=ROOT, env=env,
                             stdout=log, stderr=subprocess.STDOUT)
        if wait:
            try:
                p.wait(timeout=1500)
            finally:
                if p.poll() is None:
                    p.kill()
                    p.wait(timeout=30)
        return p

    def log(self, run):
        with open(f"{self.tmp}/{run}.log") as f:
            return f.read()

    def fleet_json(self, run):
        with open(f"{self.tmp}/out/{run}/fleet.json") as f:
            return json.load(f)

    def results(self, run, host):
        with open(f"{self.tmp}/out/{run}/{host}/results.json") as f:
            return json.load(f)

    def wait_gone(self, path, timeout=120):
        end = time.monotonic() + timeout
        while processes_in(path) and time.monotonic() < end:
            time.sleep(0.5)
        left = []
        for pid, cwd, cmd in processes_in(path):
            try:
                with open(f"/proc/{pid}/wchan") as f:
                    wchan = f.read()
                with open(f"/proc/{pid}/stat") as f:
                    ppid = f.read().rsplit(")", 1)[1].split()[1]
            except OSError:
                wchan = ppid = "?"
            left.append(f"pid {pid} ppid {ppid} in {wchan}: {cmd}")
        return left

    def test_0_failed_step_named(self):
        """A host whose step fails is named with the step and edgebench's own error; --limit is
        the run's host list (the limited-out host is neither failed nor unreachable)."""
        p = self.playbook("bad", args=("--limit", "beta"), edgebench_args="--runtime nosuch")
        out = self.log("bad")
        self.assertNotEqual(p.returncode, 0, out[-3000:])
        fleet = self.fleet_json("bad")
        self.assertEqual((fleet["hosts"], fleet["ok"], fleet["unreachable"]), (["beta"], [], []), out[-3000:])
        self.assertEqual(list(fleet["failed"]), ["beta"])
        self.assertTrue(fleet["failed"]["beta"].startswith("the suite, with the fleet's seed: "), fleet["failed"])
        self.assertIn("nosuch", fleet["failed"]["beta"])
        self.assertIn("no results from: beta", out)
        self.assertEqual(self.wait_gone(f"{self.tmp}/hosts"), [])

    def test_1_two_hosts_compared(self):
        p = self.playbook("both")
        self.assertEqual(p.returncode, 0, self.log("both")[-3000:])
        fleet = self.fleet_json("both")
        self.assertEqual(fleet["ok"], list(HOSTS))
        self.assertEqual((fleet["failed"], fleet["unreachable"]), ({}, []))
        docs = {h: self.results("both", h) for h in HOSTS}
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True).stdout.strip()
        for h, doc in docs.items():
            self.assertEqual(doc["status"], "complete", h)
            self.assertEqual(doc["config"]["seed"], "4242", h)
            self.assertEqual(doc["fingerprint"]["edgebench_commit"], head, h)   # the controller's commit, built there
            self.assertEqual(sorted(c["workload"] for c in doc["cells"]), ["hello", "http-hello"], h)
            self.assertTrue(all(c["status"] == "ok" for c in doc["cells"]), h)
            self.assertTrue(os.path.exists(f"{self.tmp}/out/both/{h}/report.md"), h)
        # the same schedule on both: the seed decides the order (when each step started differs)
        order = {h: [{k: v for k, v in step.items() if k != "started_ns"} for step in doc["schedule"]]
                 for h, doc in docs.items()}
        self.assertGreater(len(order["alpha"]), 10)
        self.assertEqual(order["alpha"], order["beta"])
        with open(f"{self.tmp}/out/both/compare.md") as f:
            cmp = f.read()
        for h in HOSTS:
            self.assertIn(f"{self.tmp}/out/both/{h}", cmp)
        self.assertIn("edgebench_commit", cmp)
        self.assertEqual(self.wait_gone(f"{self.tmp}/hosts"), [])

    def test_2_unreachable_host_fails_alone(self):
        p = self.playbook("cut", wait=False)
        try:
            self.cut_beta(p)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=30)
        out = self.log("cut")
        self.assertNotEqual(p.returncode, 0, out[-3000:])
        fleet = self.fleet_json("cut")
        self.assertEqual(fleet["ok"], ["alpha"], out[-3000:])
        self.assertEqual(fleet["unreachable"], ["beta"])
        self.assertEqual(fleet["compared"], [])
        self.assertIn("unreachable: beta", out)
        self.assertIn("no results from: beta", out)
        doc = self.results("cut", "alpha")
        self.assertEqual(doc["status"], "complete")
        self.assertTrue(os.path.exists(f"{self.tmp}/out/cut/alpha/report.md"))
        self.assertFalse(os.path.exists(f"{self.tmp}/out/cut/beta/results.json"))
        # beta's suite, cut off from its controller, ends by itself (bounded: async timeout); nothing stays
        self.assertEqual(self.wait_gone(f"{self.tmp}/hosts"), [])

    def cut_beta(self, p):
        beta = f"{self.tmp}/hosts/beta/edgebench"
        end = time.monotonic() + 600
        while time.monotonic() < end and p.poll() is None:
            if any("edgebench run" in cmd for _, cwd, cmd in processes_in(beta)):
                break
            time.sleep(0.2)
        self.assertIsNone(p.poll(), "the playbook ended before beta's suite started:\n" + self.log("cut")[-3000:])
        # beta's sshd stops while its suite runs: the listener and every session it serves
        stop_sshd(self.sshd["beta"])
        p.wait(timeout=1500)

    def test_3_no_connection_left(self):
        """No SSH client of ours and no session below our sshds once the playbooks are done."""
        for name, p in self.sshd.items():
            if p.poll() is None:
                self.assertEqual([d for d in descendants(p.pid) if os.path.exists(f"/proc/{d}/exe")
                                  and os.readlink(f"/proc/{d}/exe") == "/usr/sbin/sshd"], [], name)
        self.assertEqual(processes_in(f"{self.tmp}/key"), [])   # an ssh client names its key file


if __name__ == "__main__":
    unittest.main()
