#!/usr/bin/env bash
# bench-scale.sh: the scale suite (workloads/suites/scale.ini), RUNS times, and its targets, each
# figure the median over the runs with the range:
#   memory per idle `threads` worker (sleep-io at the most workers: peak less before-run RSS, per
#     worker; it includes the stack pages the thread touched) <= 100 KiB beyond its stack;
#   memory per in-flight `async` task (sleep-io, one loop holding every task: RSS growth per task
#     in flight, and the strategy's own heap_per_inflight_bytes) <= 4 KiB;
#   `gil` switch rate on sumloop at the most workers within 2x of 2 workers: the switches a drop
#     request forced (gil_forced_switches / wall: what the switch interval drives; a leaving
#     worker's last hand-off is not one), with all switches beside it;
# then, per workload and strategy, the fitted growth of per-task cost, memory per worker and
# context switches against workers (least squares on log-log: cost ~ n^b), and writes the report
# with the "cost as work grows" charts.
# Usage: scripts/bench-scale.sh [BUILD_DIR] [RUNS] [PROFILE] [WORKERS] [GILBENCH RUN ARGS...]
#   defaults: build 3 scale "1,2,4,16,64,256"  (processes stops at 64: the suite's max_workers);
#   further arguments go to `gilbench run` (e.g. -w sumloop -s gil --reps 1 on a busy machine)
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
RUNS=${2:-3}
PROFILE=${3:-scale}
WORKERS=${4:-1,2,4,16,64,256}
[ -d "$B" ] || cmake -S . -B "$B" > /dev/null
cmake --build "$B" -j2 --target gilbench > /dev/null
out=${BENCH_SCALE_OUT:-$(mktemp -d)}
mkdir -p "$out"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); $RUNS runs, profile $PROFILE, workers $WORKERS"
echo "default thread stack: $(ulimit -s) KiB reserved (virtual); only touched pages are resident"
for r in $(seq "$RUNS"); do
  "$B/gilbench" run scale -p "$PROFILE" -n "$WORKERS" --counters none -o "$out/run-$r" -q "${@:5}" > /dev/null || true
done
"$B/gilbench" report "$out/run-1" -o "$out/report" --formats html,svg > /dev/null || true
/usr/bin/python3 - "$out" "$RUNS" <<'PY'
import json, math, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
per = {}  # (workload, strategy, workers) -> list of per-run dicts
for r in range(1, runs + 1):
    for c in json.load(open("%s/run-%d/results.json" % (out, r)))["cells"]:
        if c["status"] != "ok" or c["checksum"] != c["reference"]:
            print("  ! %s/%s/%d: %s %s" % (c["workload"], c["strategy"], c["workers"], c["status"], c["error"]))
            continue
        med = lambda f: statistics.median(f(x) for x in c["reps"])
        per.setdefault((c["workload"], c["strategy"], c["workers"]), []).append({
            "task_us": med(lambda x: x["wall_s"]) / c["params"]["tasks"] * 1e6,
            "per_worker_kib": med(lambda x: (x["peak_rss_bytes"] - x["base_rss_bytes"]) / 1024 / c["workers"]),
            "csw": med(lambda x: x["ctx_switches"]),
            "growth_kib": med(lambda x: (x["peak_rss_bytes"] - x["base_rss_bytes"]) / 1024),
            "inflight": med(lambda x: x["metrics"].get("peak_inflight") or 0),
            "heap_per_inflight": med(lambda x: x["metrics"].get("heap_per_inflight_bytes") or float("nan")),
            "switch_rate": med(lambda x: (x["metrics"].get("gil_switches") or 0) / x["wall_s"]),
            # less each worker's one first acquisition and one last hand-off, which every thread
            # must make once however long the run: what is left is the interval-driven rate
            "forced_rate": med(lambda x: (x["metrics"].get("gil_forced_switches") or 0) / x["wall_s"]),
        })
def fig(key, f):
    v = [f(d) for d in per.get(key, [])]
    v = [x for x in v if x == x]
    if not v:
        return None, "n/a"
    return statistics.median(v), "[%.4g-%.4g]" % (min(v), max(v))
def wmax(wl, s):
    ws = [k[2] for k in per if k[0] == wl and k[1] == s]
    return max(ws) if ws else None
print("\ntargets (median over %d runs [range])" % runs)
w = wmax("sleep-io", "threads")
v, r = fig(("sleep-io", "threads", w), lambda d: d["per_worker_kib"])
print("  memory per idle threads worker, %s workers: %s KiB %s   target <= 100 KiB beyond its stack: %s"
      % (w, "n/a" if v is None else "%.1f" % v, r, "n/a" if v is None else ("met" if v <= 100 else "MISSED")))
v, r = fig(("sleep-io", "async", 1), lambda d: d["growth_kib"] * 1024 / d["inflight"] if d["inflight"] else float("nan"))
n, _ = fig(("sleep-io", "async", 1), lambda d: d["inflight"])
h, hr = fig(("sleep-io", "async", 1), lambda d: d["heap_per_inflight"])
print("  memory per in-flight async task (1 loop, %s in flight): RSS %s bytes %s, heap %s bytes %s   target <= 4096: %s"
      % (n, "n/a" if v is None else "%.0f" % v, r, "n/a" if h is None else "%.0f" % h, hr,
         "n/a" if v is None else ("met" if max(v, h or 0) <= 4096 else "MISSED")))
w = wmax("sumloop", "gil")
a, ar = fig(("sumloop", "gil", 2), lambda d: d["switch_rate"])
b, br = fig(("sumloop", "gil", w), lambda d: d["switch_rate"])
fa, far = fig(("sumloop", "gil", 2), lambda d: d["forced_rate"])
fb, fbr = fig(("sumloop", "gil", w), lambda d: d["forced_rate"])
if fa and fb:
    print("  gil switch rate on sumloop, forced by the interval: %.0f/s %s at 2 workers, %.0f/s %s at %d: ratio %.2f   target within 2x: %s"
          % (fa, far, fb, fbr, w, fb / fa, "met" if 0.5 <= fb / fa <= 2 else "MISSED"))
if a and b:
    print("    all switches (with each leaving worker's last hand-off): %.0f/s %s at 2, %.0f/s %s at %d: ratio %.2f"
          % (a, ar, b, br, w, b / a))
print("\ngrowth against workers (least-squares slope on log-log of the medians: cost ~ n^b)")
def slope(xs, ys):
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if y and y > 0]
    if len(pts) < 3:
        return float("nan")
    mx = sum(p[0] for p in pts) / len(pts); my = sum(p[1] for p in pts) / len(pts)
    d = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / d if d else float("nan")
name = lambda b: "n/a" if b != b else "falling" if b < -0.2 else "constant" if b < 0.2 else "sublinear" if b < 0.8 else "linear" if b < 1.2 else "superlinear" if b < 1.8 else "quadratic"
print("  %-9s %-10s %-22s %-24s %-24s %s" % ("workload", "strategy", "workers", "per task b", "per worker b", "switches b"))
for wl in ("sumloop", "square", "sleep-io"):
    for s in ("threads", "gil", "async", "processes"):
        ws = sorted(k[2] for k in per if k[0] == wl and k[1] == s)
        if not ws:
            continue
        col = lambda key: [fig((wl, s, x), lambda d: d[key])[0] for x in ws]
        t, m, c = slope(ws, col("task_us")), slope(ws, col("per_worker_kib")), slope(ws, col("csw"))
        print("  %-9s %-10s %-22s %-24s %-24s %s" % (wl, s, ",".join(map(str, ws)), "%.2f (%s)" % (t, name(t)),
              "%.2f (%s)" % (m, name(m)), "%.2f (%s)" % (c, name(c))))
print("\nreport with the charts: %s/report/index.html" % out)
PY
