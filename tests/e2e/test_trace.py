"""`edgebench trace`: a real orcbench trace (the pinned generator setup installs, seeded) is
read to the same invocations, functions and clamped durations as Python's own reading of
the file; traces written here in the Azure 2019 and 2021 formats too; malformed ones fail
with one line naming the line."""
import os
import re
import subprocess
import tempfile
import unittest

from test_native import VERSIONS, eb

ORCBENCH = os.path.join(VERSIONS["EB_CACHE"], f"orcbench-{VERSIONS['ORCBENCH_VERSION']}", "bin", "orcbench")
HEADER = "Logical Time Clock (minutes), Function ID, Runtime (ms), Model"


def summary(out):
    inv = int(re.search(r"invocations\s+(\d+)", out).group(1))
    fns = int(re.search(r"functions\s+(\d+)", out).group(1))
    neg = re.search(r"(\d+) negative durations", out)
    return inv, fns, int(neg.group(1)) if neg else 0


class Trace(unittest.TestCase):
    def test_orcbench_as_python_reads_it(self):
        if not os.access(ORCBENCH, os.X_OK):
            self.skipTest(f"orcbench is not installed ({ORCBENCH}): scripts/setup.sh traces")
        with tempfile.TemporaryDirectory(prefix="edgebench-e2e-trace-") as d:
            path = os.path.join(d, "t.csv")
            subprocess.run([ORCBENCH, "trace", "--scale", "0.01", "--runtime", "2", "--seed", "7", "--out", path],
                           check=True, capture_output=True, timeout=300)
            with open(path) as f:
                text = f.read()
            self.assertTrue(text.startswith(HEADER))
            rows = [l.split(",") for l in text[len(HEADER):].splitlines() if l.strip()]
            self.assertTrue(all(len(r) == 4 for r in rows))
            r = eb("trace", path)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("(orcbench)", r.stdout)
            self.assertEqual(summary(r.stdout), (len(rows), len({r[1].strip() for r in rows}),
                                                 sum(float(r[2]) < 0 for r in rows)))
            # cut to the first 5 functions to appear and 30 s: the same as Python's cut
            first = []
            for row in rows:
                if row[1].strip() not in first:
                    first.append(row[1].strip())
            t0 = min(float(r[0]) for r in rows)
            kept = [r for r in rows if r[1].strip() in first[:5] and (float(r[0]) - t0) * 60 < 30]
            r = eb("trace", path, "--functions", "5", "--duration", "30s")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(summary(r.stdout)[0], len(kept))

    def test_azure_formats(self):
        with tempfile.TemporaryDirectory(prefix="edgebench-e2e-trace-") as d:
            p19, pd, p21 = (os.path.join(d, n) for n in ("inv.csv", "dur.csv", "2021.csv"))
            with open(p19, "w") as f:
                f.write("HashOwner,HashApp,HashFunction,Trigger," + ",".join(str(i) for i in range(1, 1441)) + "\n")
                f.write("o,a,f1,http," + ",".join("2" if i % 60 == 0 else "0" for i in range(1440)) + "\n")
                f.write("o,a,f2,timer," + ",".join("1" for _ in range(1440)) + "\n")
            with open(pd, "w") as f:
                f.write("HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum\no,a,f1,250,48,100,900\no,a,f2,15,1440,5,40\n")
            r = eb("trace", p19, "--durations", pd, "--seed", "3")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(summary(r.stdout)[:2], (48 + 1440, 2))
            self.assertIn("(azure2019)", r.stdout)
            self.assertIn("p50 15.0", r.stdout)
            with open(p21, "w") as f:
                f.write("app,func,end_timestamp,duration\n")
                for i in range(100):
                    f.write(f"a{i % 3},f,{10 + i * 0.5},{0.25}\n")
            r = eb("trace", p21)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(summary(r.stdout)[:2], (100, 3))

    def test_bad_input(self):
        with tempfile.TemporaryDirectory(prefix="edgebench-e2e-trace-") as d:
            p = os.path.join(d, "bad.csv")
            with open(p, "w") as f:
                f.write("app,func,end_timestamp,duration\na,f,1,0.1\na,f,two,0.1\n")
            r = eb("trace", p)
            self.assertEqual(r.returncode, 2)
            self.assertEqual(r.stderr.strip().count("\n"), 0)
            self.assertIn(f"{p}:3: end_timestamp 'two'", r.stderr)
            r = eb("trace", p, "--format", "csv")
            self.assertEqual(r.returncode, 2)
            self.assertIn("bad value 'csv' for --format", r.stderr)
            r = eb("trace", os.path.join(d, "missing.csv"))
            self.assertEqual(r.returncode, 2)
            self.assertIn("cannot read", r.stderr)


if __name__ == "__main__":
    unittest.main()
