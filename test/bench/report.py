"""Turn the benchmark's raw measurements into results.csv, results.md and scale-median.csv,
and check the targets (issue: "Benchmark harness"). Run by bench.sh: report.py OUT_DIR."""
import csv
import os
import statistics
import sys

OUT = sys.argv[1]


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(p / 100.0 * len(v) + 0.5)) - 1))]


def load(name):
    with open(os.path.join(OUT, name)) as f:
        return list(csv.DictReader(f))


raw = load("raw.csv")
groups = {}
for r in raw:
    groups.setdefault((r["subject"], r["verb"]), []).append(r)
stats = {}
for (subject, verb), rows in groups.items():
    wall = [int(r["wall_us"]) / 1000.0 for r in rows]
    cpu = [int(r["cpu_us"]) / 1000.0 for r in rows]
    rss = [int(r["maxrss_kb"]) / 1024.0 for r in rows]
    stats[(subject, verb)] = dict(n=len(rows), wall_med=statistics.median(wall), wall_p99=pct(wall, 99),
                                  cpu_med=statistics.median(cpu), rss_max=max(rss))

with open(os.path.join(OUT, "results.csv"), "w") as f:
    w = csv.writer(f)
    w.writerow(["subject", "verb", "runs", "wall_median_ms", "wall_p99_ms", "cpu_median_ms", "peak_rss_mib"])
    for (subject, verb), s in stats.items():
        w.writerow([subject, verb, s["n"], "%.3f" % s["wall_med"], "%.3f" % s["wall_p99"],
                    "%.3f" % s["cpu_med"], "%.2f" % s["rss_max"]])

scale = load("scale.csv")
by_scale = {}
for r in scale:
    by_scale.setdefault((r["subject"], int(r["existing"])), []).append(int(r["wall_us"]) / 1000.0)
subjects = sorted({s for s, _ in by_scale})
counts = sorted({k for _, k in by_scale})
with open(os.path.join(OUT, "scale-median.csv"), "w") as f:
    f.write("existing " + " ".join('"%s"' % s for s in subjects) + "\n")
    for k in counts:
        f.write("%d %s\n" % (k, " ".join("%.3f" % statistics.median(by_scale[(s, k)]) if (s, k) in by_scale else "NaN"
                                          for s in subjects)))
machine = open(os.path.join(OUT, "machine.txt")).read().strip().splitlines()


def get(subject, verb, key):
    s = stats.get((subject, verb))
    return s[key] if s else None


def cycle(subject, key):
    a, d = get(subject, "ADD", key), get(subject, "DEL", key)
    return a + d if a is not None and d is not None else None


targets = []


def target(name, value, limit, ok, explain):
    targets.append((name, value, limit, "met" if ok else "MISSED", explain))


ours, floor, ref = "osvif bridge, os-vif addresses", "floor", "reference bridge, host-local"
for verb in ("ADD", "DEL"):
    for key, what in (("wall_med", "wall"), ("cpu_med", "CPU")):
        o, fl = get(ours, verb, key), get(floor, verb, key)
        if o and fl:
            r = o / fl
            target("%s median %s vs floor" % (verb, what), "%.2f×" % r, "≤ 1.2×", r <= 1.2,
                   "%.2f ms vs %.2f ms" % (o, fl))
for key, what, limit in (("wall_med", "wall", 3.0), ("cpu_med", "CPU", 5.0)):
    o, rf = cycle(ours, key), cycle(ref, key)
    if o and rf:
        r = rf / o
        target("ADD+DEL %s, reference bridge + host-local / osvif" % what, "%.1f×" % r, "≥ %.0f×" % limit,
               r >= limit, "%.2f ms vs %.2f ms" % (rf, o))
# an SR-IOV VF (a veth standing in): osvif's hostdev row against its floor and host-device
vf, vffloor, vfref = "osvif hostdev, os-vif addresses", "floor vf", "reference host-device, static"
for verb in ("ADD", "DEL"):
    for key, what in (("wall_med", "wall"), ("cpu_med", "CPU")):
        o, fl = get(vf, verb, key), get(vffloor, verb, key)
        if o and fl:
            r = o / fl
            target("VF %s median %s vs floor" % (verb, what), "%.2f×" % r, "≤ 1.2×", r <= 1.2,
                   "%.2f ms vs %.2f ms" % (o, fl))
o, rf = cycle(vf, "cpu_med"), cycle(vfref, "cpu_med")
if o and rf:
    r = rf / o
    target("VF ADD+DEL CPU, host-device + static / osvif", "%.1f×" % r, "≥ 3×", r >= 3.0,
           "%.2f ms vs %.2f ms" % (rf, o))
# VIFDirect: a macvlan against the floor's macvlan and the reference macvlan plugin
dour, dfloor, dref = "osvif direct, os-vif addresses", "floor macvlan", "reference macvlan, static"
for verb in ("ADD", "DEL"):
    for key, what in (("wall_med", "wall"), ("cpu_med", "CPU")):
        o, fl = get(dour, verb, key), get(dfloor, verb, key)
        if o and fl:
            r = o / fl
            target("direct %s median %s vs floor macvlan" % (verb, what), "%.2f×" % r, "≤ 1.2×", r <= 1.2,
                   "%.2f ms vs %.2f ms" % (o, fl))
o, rf = cycle(dour, "cpu_med"), cycle(dref, "cpu_med")
if o and rf:
    r = rf / o
    target("ADD+DEL CPU, reference macvlan + static / osvif direct", "%.1f×" % r, "≥ 3×", r >= 3.0,
           "%.2f ms vs %.2f ms" % (rf, o))
# the baselines measured beside each osvif subject at every scale point (bench.sh, baseline())
BASELINE = {"osvif bridge": "floor", "osvif ovs": "ovs-vsctl sequence"}
for s in subjects:
    if s not in BASELINE:
        continue
    one, top = by_scale.get((s, min(counts))), by_scale.get((s, max(counts)))
    if one and top:
        r = statistics.median(top) / statistics.median(one)
        detail = "%.2f ms vs %.2f ms" % (statistics.median(top), statistics.median(one))
        b1, bt = by_scale.get((BASELINE[s], min(counts))), by_scale.get((BASELINE[s], max(counts)))
        if b1 and bt:
            detail += "; %s: %.2f ms vs %.2f ms (%.2f×)" % (
                BASELINE[s], statistics.median(bt), statistics.median(b1),
                statistics.median(bt) / statistics.median(b1))
        target("%s: ADD with %d existing vs %d" % (s, max(counts), min(counts)), "%.2f×" % r, "≤ 1.2×", r <= 1.2,
               detail)
rss = max(get(ours, v, "rss_max") or 0 for v in ("ADD", "CHECK", "DEL"))
target("peak RSS (osvif, no IPAM)", "%.2f MiB" % rss, "≤ 3 MiB", rss <= 3.0, "ru_maxrss of the plugin process")

with open(os.path.join(OUT, "results.md"), "w") as f:
    f.write("Measured on: " + "; ".join(machine) + "\n\n")
    f.write("| subject | verb | runs | wall median (ms) | wall p99 (ms) | CPU median (ms) | peak RSS (MiB) |\n")
    f.write("|---|---|---:|---:|---:|---:|---:|\n")
    for (subject, verb), s in stats.items():
        if "@" in subject:
            continue
        f.write("| %s | %s | %d | %.2f | %.2f | %.2f | %.2f |\n" % (
            subject, verb, s["n"], s["wall_med"], s["wall_p99"], s["cpu_med"], s["rss_max"]))
    f.write("\nADD latency (median ms) with pods already attached:\n\n| existing | " +
            " | ".join(subjects) + " |\n|---:|" + "---:|" * len(subjects) + "\n")
    for k in counts:
        f.write("| %d | %s |\n" % (k, " | ".join("%.2f" % statistics.median(by_scale[(s, k)]) if (s, k) in by_scale else "-"
                                                for s in subjects)))
    f.write("\nTargets:\n\n| target | measured | wanted | verdict | detail |\n|---|---:|---:|---|---|\n")
    for t in targets:
        f.write("| %s | %s | %s | %s | %s |\n" % t)
    conc = os.path.join(OUT, "concurrency.md")
    if os.path.exists(conc):
        f.write("\n" + open(conc).read())
print(open(os.path.join(OUT, "results.md")).read())
