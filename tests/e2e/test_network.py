"""The network conditions: --network loopback,veth and --firewall off,on.

Checks that a veth cell's traffic really crosses our veth pair (the server
binds the 198.18.0.0/15 address, the pair's counters move), that each
condition is a cell of its own with paired ratios between conditions, and
that nothing of ours is left on the host: no namespace, no veth, no nftables
table -- after a run, after Ctrl-C, and after SIGKILL (the next run removes
what a killed one left).  Needs root, ip and nft (scripts/setup.sh build).
"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from test_native import EDGEBENCH, ROOT, eb, guard_of, our_processes, wait_for

CAN = os.geteuid() == 0 and shutil.which("ip") and shutil.which("nft")
SMALL = ["--runtime", "native", "--workload", "http-hello", "--trials", "4", "--bursts", "1", "--duration", "900ms",
         "--rounds", "3", "--curve", "none", "--burst", "none", "--density-max", "0", "--full-cold-trials", "0"]


def ours(pid=None):
    """Namespaces, links and nftables tables of edgebench (of one run when pid is given)."""
    tag = str(pid) if pid else r"\d+"
    ns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    tables = subprocess.run(["nft", "list", "tables"], capture_output=True, text=True).stdout
    return (re.findall(rf"edgebench-{tag}-client", ns) + re.findall(rf"\bebh{tag}\b", links) +
            re.findall(rf"edgebench_{tag}\b", tables))


def kill_servers():
    """The native servers a SIGKILLed harness left on the veth address (each in its own process group)."""
    for pid, cmd in our_processes("build/native/http-hello"):
        if "198.18." in cmd:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@unittest.skipUnless(CAN, "needs root, ip (iproute2) and nft (nftables): scripts/setup.sh build")
class NetworkConditions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="edgebench-test-net-")
        cls.out = os.path.join(cls.tmp.name, "run")
        cls.result = eb("run", *SMALL, "--network", "loopback,veth", "--firewall", "off,on", "--firewall-rules", "80",
                        "--out", cls.out)
        with open(os.path.join(cls.out, "results.json")) as f:
            cls.doc = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def cell(self, net, fw):
        for c in self.doc["cells"]:
            if c.get("network") == net and c.get("firewall") == fw:
                return c
        self.fail(f"no cell {net}/{fw}")

    def test_a_cell_per_condition(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr[-2000:])
        self.assertEqual(self.doc["config"]["networks"], ["loopback", "veth"])
        self.assertEqual(self.doc["config"]["firewalls"], ["off", "on"])
        self.assertEqual(self.doc["config"]["firewall_rules"], 80)
        for net in ("loopback", "veth"):
            for fw in ("off", "on"):
                c = self.cell(net, fw)
                self.assertEqual(c["status"], "ok", c.get("error"))
                addr = re.search(r"--addr (\S+)", c["command"]).group(1)
                if net == "veth":
                    self.assertTrue(addr.startswith("198.18."), addr)
                    self.assertEqual(addr, self.doc["config"]["veth"]["server_address"])
                else:
                    self.assertEqual(addr, "127.0.0.1")
                names = {s["name"] for s in c["series"]}
                self.assertTrue({"cold_start", "sustained_keepalive_p50", "sustained_keepalive_p99",
                                 "sustained_keepalive_throughput"} <= names)

    def test_veth_traffic_crossed_the_pair(self):
        v = self.doc["config"]["veth"]
        requests = sum(self.cell("veth", fw)["values"]["sustained_keepalive"]["requests"] for fw in ("off", "on"))
        self.assertGreater(requests, 1000)
        # every keep-alive request is a segment into the servers' end, at least
        self.assertGreaterEqual(v["server_side_rx_packets"], requests)
        self.assertGreater(v["server_side_tx_packets"], 0)

    def test_conditions_compared(self):
        cc = self.doc["condition_comparisons"]
        kinds = {(c["comparison"], c["condition"], c["figure"]) for c in cc}
        for fig in ("cold start", "p50 latency under load", "p99 latency under load", "throughput"):
            self.assertIn(("veth vs loopback", "veth, firewall off", fig), kinds)
            self.assertIn(("firewall on vs off", "veth, firewall on", fig), kinds)
        for c in cc:
            self.assertLessEqual(c["ci95"][0], c["ratio"])
            self.assertLessEqual(c["ratio"], c["ci95"][1])
            self.assertGreater(c["n_pairs"], 0)
        with open(os.path.join(self.out, "report.md")) as f:
            md = f.read()
        self.assertIn("## Network path and firewall", md)
        self.assertIn("http-hello_network_conditions.svg", md)
        # the schedule interleaves conditions within a round
        rounds = {}
        for e in self.doc["schedule"]:
            if e["phase"] == "cold_start":
                rounds.setdefault(e["round"], set()).add((e["network"], e["firewall"]))
        self.assertTrue(any(len(v) == 4 for v in rounds.values()))

    def test_nothing_left_after_the_run(self):
        self.assertEqual(ours(), [])

    def test_bad_values(self):
        for args, msg in ((["--network", "ethernet"], "bad value 'ethernet' for --network"),
                          (["--firewall", "on,maybe"], "bad value 'on,maybe' for --firewall"),
                          (["--firewall-rules", "x"], "bad value 'x' for --firewall-rules")):
            r = eb("run", *args)
            self.assertEqual(r.returncode, 2)
            self.assertIn(msg, r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)

    def test_ctrl_c_removes_everything(self):
        out = os.path.join(self.tmp.name, "sigint")
        p = subprocess.Popen([EDGEBENCH, "run", *SMALL, "--duration", "30s", "--network", "veth", "--firewall", "on",
                              "--out", out], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any("edgebench_" in x for x in ours(p.pid)):
            time.sleep(0.05)
        self.assertTrue(any("edgebench_" in x for x in ours(p.pid)), "the firewall table never appeared")
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 130, err[-1500:])
        self.assertEqual(ours(p.pid), [])
        with open(os.path.join(out, "results.json")) as f:
            self.assertEqual(json.load(f)["status"], "interrupted")

    def start_veth_run(self, name):
        p = subprocess.Popen([EDGEBENCH, "run", *SMALL, "--duration", "30s", "--network", "veth", "--firewall", "on",
                              "--out", os.path.join(self.tmp.name, name)], cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        wait_for(lambda: len(ours(p.pid)) >= 2, 30)
        time.sleep(0.3)
        self.assertGreaterEqual(len(ours(p.pid)), 2, "the run's namespace and table never appeared")
        return p

    def test_sigkill_leftovers_go_with_its_guard(self):
        """SIGKILL of the run: its guard kills the servers in the namespace and removes it, the veth
        pair and the nftables table (edgebench _sweep), with no other run's help."""
        p = self.start_veth_run("sigkill")
        self.assertIsNotNone(guard_of(p.pid))
        p.kill()
        p.wait(timeout=30)
        self.assertEqual(wait_for(lambda: ours(p.pid) == [], 60), True, ours(p.pid))

    def test_sigkill_leftovers_go_with_the_next_run(self):
        """Its guard SIGKILLed too: the namespace stays, and the next run removes it."""
        p = self.start_veth_run("sigkill2")
        guard = guard_of(p.pid)
        self.assertIsNotNone(guard)
        os.kill(guard, signal.SIGKILL)
        p.kill()
        p.wait(timeout=30)
        kill_servers()
        left = ours(p.pid)
        self.assertNotEqual(left, [], "a SIGKILLed run without its guard should leave its namespace for the next run to clean")
        r = eb("run", "--runtime", "native", "--workload", "hello", "--hello-runs", "3",
               "--out", os.path.join(self.tmp.name, "next"))
        self.assertEqual(r.returncode, 0, r.stderr[-1500:])
        self.assertEqual(ours(p.pid), [])


if __name__ == "__main__":
    unittest.main()
