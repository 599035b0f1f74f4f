"""The concurrency runs side by side (test/bench/concurrency.sh): concurrency.md, with the
targets of the issue "ADDs that scale with cores" checked. Run by bench.sh, or by hand:
concurrency_report.py OUT_DIR. Ratios are taken within one repetition (the subjects of a
repetition run back to back, under the same load), then the median over repetitions."""
import csv
import os
import statistics
import sys

OUT = sys.argv[1]
SUBJECTS = [("osvif-static", "osvif, static"), ("ref-static", "reference bridge, static"),
            ("osvif-hostlocal", "osvif, host-local"), ("ref-hostlocal", "reference bridge, host-local")]


def load(name):
    with open(os.path.join(OUT, name)) as f:
        return list(csv.DictReader(f))


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(p / 100.0 * len(v) + 0.5)) - 1))]


rows = load("concurrency.csv")
lat = load("concurrency-latency.csv")
pars = sorted({int(r["parallelism"]) for r in rows})
reps = sorted({int(r["rep"]) for r in rows})
rate = {}  # (subject, par, rep, verb) -> pods/s
for r in rows:
    rate[(r["subject"], int(r["parallelism"]), int(r["rep"]), r["verb"])] = int(r["pods"]) / float(r["seconds"])
failures = sum(int(r["failures"]) for r in rows)
leftovers = max(int(r["leftovers"]) for r in rows)
loads = [float(r["load"]) for r in rows]
p99 = {}
for s, _ in SUBJECTS:
    for p in pars:
        v = [int(r["wall_us"]) / 1000.0 for r in lat
             if r["subject"] == s and int(r["parallelism"]) == p and r["verb"] == "ADD"]
        if v:
            p99[(s, p)] = pct(v, 99)


def med(subject, par, verb):
    v = [rate[(subject, par, k, verb)] for k in reps if (subject, par, k, verb) in rate]
    return statistics.median(v) if v else None


def ratio(a, pa, b, pb, verb="ADD"):
    v = [rate[(a, pa, k, verb)] / rate[(b, pb, k, verb)] for k in reps
         if (a, pa, k, verb) in rate and (b, pb, k, verb) in rate]
    return statistics.median(v) if v else None


lines = []
lines.append("Concurrency: %d pods on one Linux bridge (it exists already), each pod in a netns of its own,"
             " %d repetitions; pods/s is the median over repetitions, p99 over all of them. Load average"
             " (1 min) while these ran: %.1f to %.1f on %d cores.\n" % (
                 int(rows[0]["pods"]), len(reps), min(loads), max(loads), os.cpu_count()))
for verb in ("ADD", "DEL"):
    lines.append("\n%s pods/s%s:\n" % (verb, " (p99 latency in ms)" if verb == "ADD" else ""))
    lines.append("| parallelism | " + " | ".join(n for _, n in SUBJECTS) + " |")
    lines.append("|---:|" + "---:|" * len(SUBJECTS))
    for p in pars:
        cells = []
        for s, _ in SUBJECTS:
            m = med(s, p, verb)
            c = "-" if m is None else "%.0f" % m
            if verb == "ADD" and (s, p) in p99:
                c += " (%.1f)" % p99[(s, p)]
            cells.append(c)
        lines.append("| %d | %s |" % (p, " | ".join(cells)))

targets = []


def target(name, value, limit, ok):
    targets.append((name, value, limit, "met" if ok else "MISSED"))


if 1 in pars and 8 in pars:
    r = ratio("osvif-static", 8, "osvif-static", 1)
    target("osvif ADD pods/s, parallelism 8 / parallelism 1", "%.2f×" % r, "≥ 1.6×", r >= 1.6)
for p in pars:
    r = ratio("osvif-static", p, "ref-static", p)
    target("osvif / reference bridge, static IPAM, ADD pods/s at parallelism %d" % p, "%.2f×" % r, "≥ 3×",
           r >= 3.0)
for p in pars:
    r = ratio("osvif-hostlocal", p, "ref-hostlocal", p)
    targets.append(("(no target) osvif / reference bridge, host-local, ADD pods/s at parallelism %d" % p,
                    "%.2f×" % r, "-", "-"))
target("failures", str(failures), "0", failures == 0)
target("leftovers after the DELs (ports, links of ours, locks, leases)", str(leftovers), "0", leftovers == 0)

mixed_path = os.path.join(OUT, "mixed.csv")
if os.path.exists(mixed_path):
    mixed = load("mixed.csv")
    lines.append("\nMixed: half the pods on the bridge, then the other half added while the first half is"
                 " deleted (ADD and DEL in turn), parallelism %s:\n" % mixed[0]["parallelism"])
    lines.append("| subject | operations/s | failures | leftovers |\n|---|---:|---:|---:|")
    for s, n in SUBJECTS:
        m = [r for r in mixed if r["subject"] == s]
        if m:
            ops = statistics.median(int(r["operations"]) / float(r["seconds"]) for r in m)
            f = sum(int(r["failures"]) for r in m)
            left = max(int(r["leftovers"]) for r in m)
            lines.append("| %s | %.0f | %d | %d |" % (n, ops, f, left))
            if s.startswith("osvif"):
                target("mixed run, %s: failures and leftovers" % n, "%d, %d" % (f, left), "0, 0",
                       f == 0 and left == 0)

lines.append("\nTargets:\n\n| target | measured | wanted | verdict |\n|---|---:|---:|---|")
for t in targets:
    lines.append("| %s | %s | %s | %s |" % t)
text = "\n".join(lines) + "\n"
with open(os.path.join(OUT, "concurrency.md"), "w") as f:
    f.write(text)
print(text)
