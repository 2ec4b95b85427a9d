"""Every summary edgebench writes, recomputed independently from the raw
samples with Python's `statistics` (docs/statistics.md names the definitions):

- each series' n, min, max, mean, sample stddev, p50/p90/p99/p99.9 (linear
  between closest ranks = statistics.quantiles(method="inclusive")) and the
  median's 95% interval (exact binomial ranks, from math.comb);
- each sustained round's p50/p99 (a series of its own) from that round's latencies;
- each latency-curve point's percentiles from its own series;
- each paired comparison's ratio and t interval (t quantiles from a table);
- results.csv: its header, and every row against the JSON.
"""
import csv
import json
import math
import os
import statistics
import tempfile
import unittest

from test_native import eb

RUN = ["run", "--runtime", "native", "--trials", "7", "--rounds", "4", "--duration", "1200ms", "--bursts", "2",
       "--curve", "25,75", "--curve-duration", "400ms", "--burst", "2", "--density-max", "4", "--full-cold-trials", "0",
       "--hash-runs", "5", "--hello-runs", "9", "--iterations", "50000"]
T975 = {1: 12.7062047, 2: 4.3026527, 3: 3.1824463, 4: 2.7764451, 5: 2.5705818, 6: 2.4469119, 7: 2.3646243,
        8: 2.3060041, 9: 2.2621572, 10: 2.2281389}


def pct(data, p):
    """Percentile p (0..100) by linear interpolation between closest ranks."""
    s = sorted(data)
    if len(s) == 1:
        return s[0]
    if p == 50:
        return statistics.median(s)
    n = {90: 10, 99: 100, 99.9: 1000}[p]
    k = {90: 9, 99: 99, 99.9: 999}[p]
    return statistics.quantiles(s, n=n, method="inclusive")[k - 1]


def median_ci(data):
    """Exact binomial ranks: integers up to n = 2000, log-space sums (math.lgamma) above."""
    n = len(data)
    if n < 6:
        return None
    k = 0
    if n <= 2000:
        cum, c = 0, 1
        for j in range(n + 1):
            cum += c
            if 40 * cum > 2 ** n:
                break
            k = j + 1
            c = c * (n - j) // (j + 1)
    else:
        cum = 0.0
        for j in range(n // 2):
            cum += math.exp(math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1) - n * math.log(2))
            if cum > 0.025:
                break
            k = j + 1
    s = sorted(data)
    return [s[k - 1], s[n - k]]


def stdev(v):
    """Sample standard deviation, two-pass with math.fsum (statistics.stdev is exact but slow on 10^5 samples)."""
    if len(v) < 2:
        return 0.0
    m = math.fsum(v) / len(v)
    return math.sqrt(math.fsum((x - m) ** 2 for x in v) / (len(v) - 1))


def close(a, b, rel=1e-9):
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-6)


class Summaries(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="edgebench-e2e-sum-")
        cls.out = os.path.join(cls.tmp.name, "run")
        r = eb(*RUN, "--out", cls.out, timeout=600)
        assert r.returncode == 0, r.stderr[-2000:]
        with open(os.path.join(cls.out, "results.json")) as f:
            cls.doc = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def series(self):
        for c in self.doc["cells"]:
            for s in c.get("series", []):
                yield c, s

    def test_every_series_summary(self):
        checked = 0
        for c, s in self.series():
            v = s["samples"]
            got = s["summary"]
            with self.subTest(cell=f"{c['workload']}", series=s["name"]):
                self.assertEqual(got["n"], len(v))
                self.assertEqual(got["min"], min(v))
                self.assertEqual(got["max"], max(v))
                self.assertTrue(close(got["mean"], statistics.fmean(v)), (got["mean"], statistics.fmean(v)))
                self.assertTrue(close(got["stddev"], stdev(v) if len(v) > 2000 else
                                      (statistics.stdev(v) if len(v) > 1 else 0.0), 1e-7))
                for key, p in (("median", 50), ("p90", 90), ("p99", 99), ("p999", 99.9)):
                    self.assertTrue(close(got[key], pct(v, p)), (key, got[key], pct(v, p)))
                ci = median_ci(v)
                if ci is None:
                    self.assertNotIn("median_ci95", got)
                else:
                    self.assertEqual(got["median_ci95"], ci)
                checked += 1
        self.assertGreater(checked, 20)

    def test_per_round_figures(self):
        cell = next(c for c in self.doc["cells"] if c["workload"] == "http-hello")
        by = {s["name"]: s for s in cell["series"]}
        lat = by["sustained_keepalive_latency"]
        rounds = sorted(set(lat["trials"]))
        self.assertEqual(len(rounds), 4)
        for name, p in (("sustained_keepalive_p50", 50), ("sustained_keepalive_p99", 99)):
            fig = dict(zip(by[name]["trials"], by[name]["samples"]))
            for t in rounds:
                mine = [x for x, tr in zip(lat["samples"], lat["trials"]) if tr == t]
                self.assertTrue(close(fig[t], pct(mine, p)), (name, t, fig[t], pct(mine, p)))

    def test_curve_points(self):
        cell = next(c for c in self.doc["cells"] if c["workload"] == "http-hello")
        by = {s["name"]: s for s in cell["series"]}
        points = cell["values"]["latency_curve"]
        self.assertEqual([p["percent"] for p in points], [25, 75])
        for p in points:
            v = by[f"curve_{p['percent']}pct_latency"]["samples"]
            for key, q in (("p50_ns", 50), ("p90_ns", 90), ("p99_ns", 99), ("p999_ns", 99.9)):
                self.assertTrue(close(p[key], pct(v, q)), (p["percent"], key))
            # every due request was answered, left unanswered or never sent (errors aside)
            self.assertGreaterEqual(p["due"], p["requests"] + p["in_flight_at_end"] + p["unsent"])
            self.assertIn("generator_bound", p)

    def test_comparisons(self):
        """Each paired ratio and its interval from the trials' medians (Python, a t table)."""
        cells = {(c["runtime"], c["mode"], c["workload"]): c for c in self.doc["cells"]}
        n_checked = 0
        for cmp in self.doc["comparisons"]:
            x = cells[(cmp["runtime"], cmp["mode"], cmp["workload"])]
            b = cells[("native", "native", cmp["workload"])]
            sx = next(s for s in x["series"] if s["name"] == cmp["series"])
            sb = next(s for s in b["series"] if s["name"] == cmp["series"])

            def per_trial(s):
                out = {}
                for v, t in zip(s["samples"], s["trials"]):
                    out.setdefault(t, []).append(v)
                return {t: statistics.median(v) for t, v in out.items()}
            fx, fb = per_trial(sx), per_trial(sb)
            logs = [math.log(fx[t] / fb[t]) for t in sorted(set(fx) & set(fb))]
            self.assertEqual(cmp["n_pairs"], len(logs))
            m = statistics.fmean(logs)
            self.assertTrue(close(cmp["ratio"], math.exp(m)))
            if len(logs) >= 2 and len(logs) - 1 in T975:
                h = T975[len(logs) - 1] * statistics.stdev(logs) / math.sqrt(len(logs))
                if len(logs) <= 5:
                    h = max([h] + [1.05 * abs(v - m) for v in logs])
                self.assertTrue(close(cmp["ci95"][0], math.exp(m - h), 1e-6), cmp)
                self.assertTrue(close(cmp["ci95"][1], math.exp(m + h), 1e-6), cmp)
                n_checked += 1
        # a native-only run compares nothing with itself
        self.assertEqual(n_checked, len([c for c in self.doc["comparisons"] if 2 <= c["n_pairs"] <= 11]))

    def test_csv_matches_json(self):
        with open(os.path.join(self.out, "results.csv"), newline="") as f:
            rows = list(csv.reader(f))
        self.assertEqual(rows[0], ["runtime", "mode", "workload", "network", "firewall", "status", "series", "unit", "n",
                                   "median", "median_ci95_lo", "median_ci95_hi", "p90", "p99", "p999", "min", "max",
                                   "mean", "stddev", "error"])
        want = []
        for c, s in self.series():
            g = s["summary"]
            ci = g.get("median_ci95")
            want.append([c["runtime"], c["mode"], c["workload"], c.get("network", ""), c.get("firewall", ""), c["status"],
                         s["name"], s["unit"], g["n"], g["median"], ci[0] if ci else "", ci[1] if ci else "",
                         g["p90"], g["p99"], g["p999"], g["min"], g["max"], g["mean"], g["stddev"]])
        got = rows[1:]
        self.assertEqual(len(got), len(want))
        for r, w in zip(got, want):
            self.assertEqual(r[:8], [str(x) for x in w[:8]])
            self.assertEqual(int(r[8]), w[8])
            for a, e in zip(r[9:19], w[9:19]):
                if e == "":
                    self.assertEqual(a, "")
                else:
                    self.assertTrue(close(float(a), e, 1e-9), (r, w))   # the JSON keeps 12 digits


if __name__ == "__main__":
    unittest.main()
