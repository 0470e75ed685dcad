#!/usr/bin/env bash
# bench-scale.sh: the scale suite (workloads/suites/scale.ini), RUNS times, and its targets, each
# figure the median over the runs with the range:
#   memory per idle `threads` worker (sleep-io at the most workers: peak less before-run RSS, per
#     worker; it includes the stack pages the thread touched) <= 100 KiB beyond its stack;
#   memory per in-flight `async` task (sleep-io, one loop holding every task: RSS growth per task
#     in flight, and the strategy's own heap_per_inflight_bytes) <= 4 KiB;
#   `gil` switch rate on sumloop at the most workers within 2x of 2 workers: the switches a drop
#     request forced (gil_forced_switches / wall: what the switch interval drives; a leaving
#     worker's last hand-off is not one). Measured in a step of its own, each run back to back
#     with real CPython (scripts/cpython-switch-rate.py: threads spinning in /usr/bin/python3,
#     counting the GIL's hand-offs) at the same thread counts, so that the model's ratio is read
#     beside CPython's own under the same load; the model's cycle at each count split into its
#     steps from the lock timeline (scripts/gil-trace-cycle.py);
# then, per workload and strategy, the fitted growth of per-task cost, memory per worker and
# context switches against workers (least squares on log-log: cost ~ n^b), and writes the report
# with the "cost as work grows" charts.
# Usage: scripts/bench-scale.sh [BUILD_DIR] [RUNS] [PROFILE] [WORKERS] [GILBENCH RUN ARGS...]
#   defaults: build 3 scale "1,2,4,16,64,256"  (processes stops at 64: the suite's max_workers);
#   further arguments go to the suite's `gilbench run` (e.g. -w sumloop -s gil --reps 1 on a busy
#   machine), not to the gil step.
#   BENCH_SCALE_GIL_ONLY=1: only the gil step (about a minute at 3 runs), no suite, no growth.
#   BENCH_SCALE_RT=1: the gil step's model and CPython both under SCHED_FIFO (chrt -f 1; root or
#     CAP_SYS_NICE): their wake-ups then wait for no other process, as on a quiet machine, while
#     other processes still share the caches. Only the gil step, whose threads spin one at a time.
#   BENCH_SCALE_CPYTHON_S: seconds CPython's switches are counted, per thread count (default 3);
#   BENCH_SCALE_PYTHON: the CPython measured beside the model (default /usr/bin/python3).
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
GIL_ONLY=${BENCH_SCALE_GIL_ONLY:-0}
CPY_S=${BENCH_SCALE_CPYTHON_S:-3}
PY=${BENCH_SCALE_PYTHON:-/usr/bin/python3}
WMAX=$(tr ',' '\n' <<< "$WORKERS" | sort -n | tail -1)
RT=()
if [ "${BENCH_SCALE_RT:-0}" = 1 ]; then
  chrt -f 1 true 2> /dev/null || { echo "bench-scale.sh: BENCH_SCALE_RT=1 needs chrt -f (root or CAP_SYS_NICE)" >&2; exit 2; }
  RT=(chrt -f 1)
  echo "gil step under SCHED_FIFO (chrt -f 1): wake-ups as on a quiet machine"
fi
for r in $(seq "$RUNS"); do
  if [ "$GIL_ONLY" != 1 ]; then
    "$B/gilbench" run scale -p "$PROFILE" -n "$WORKERS" --counters none -o "$out/run-$r" -q "${@:5}" > /dev/null || true
  fi
  # the gil step: the model at 2 and WMAX workers, then CPython at the same counts, back to back
  echo "gil step, run $r: load average before $(cut -d' ' -f1 /proc/loadavg)" >> "$out/gil-load.txt"
  "${RT[@]}" "$B/gilbench" run -w sumloop -s gil -p "$PROFILE" -n "2,$WMAX" --reps 1 --warmup 0 --counters none \
    --set gil.trace=1 -o "$out/gil-$r" -q > /dev/null || true
  for n in 2 "$WMAX"; do
    "${RT[@]}" "$PY" scripts/cpython-switch-rate.py "$n" "$CPY_S" > "$out/cpython-$r-$n.txt" || true
  done
done
[ "$GIL_ONLY" = 1 ] || "$B/gilbench" report "$out/run-1" -o "$out/report" --formats html,svg > /dev/null || true
/usr/bin/python3 - "$out" "$RUNS" "$GIL_ONLY" "$WMAX" "$("$PY" -c 'import sys; print(sys.version.split()[0])' 2> /dev/null || echo '?')" <<'PY'
import importlib.util, json, math, os, statistics, sys
out, runs, gil_only, gmax, pyver = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", int(sys.argv[4]), sys.argv[5]
spec = importlib.util.spec_from_file_location("gil_trace_cycle", "scripts/gil-trace-cycle.py")
gtc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gtc)
per = {}  # (workload, strategy, workers) -> list of per-run dicts
for r in range(1, 0 if gil_only else runs + 1):
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
if not gil_only:
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
def gil_step():
    """The gil step: the model's rates and cycle, CPython's rates, per run, at 2 and gmax."""
    model, cpy = {}, {}  # workers -> {run: figures}
    for r in range(1, runs + 1):
        try:
            cells = json.load(open("%s/gil-%d/results.json" % (out, r)))["cells"]
        except (OSError, ValueError) as e:
            print("  ! gil step, run %d: %s" % (r, e))
            cells = []
        traces = {}  # workers -> cycles: a timeline's cell is the one whose worker count it shows
        d = "%s/gil-%d" % (out, r)
        for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if f.endswith(".gil-trace.tsv"):
                cs, nw = gtc.cycles(os.path.join(d, f), with_workers=True)
                traces.setdefault(nw, []).extend(cs)
        for c in cells:
            if c["status"] != "ok" or c["checksum"] != c["reference"] or not c["reps"]:
                print("  ! gil step %d/%d: %s %s" % (r, c["workers"], c["status"], c["error"]))
                continue
            x, n = c["reps"][0], c["workers"]
            model.setdefault(n, {})[r] = {
                "forced": (x["metrics"].get("gil_forced_switches") or 0) / x["wall_s"],
                "all": (x["metrics"].get("gil_switches") or 0) / x["wall_s"],
                "steady": gtc.steady_rate(traces.get(n, [])),
                "cycles": traces.get(n, [])}
        for n in (2, gmax):
            try:
                f = open("%s/cpython-%d-%d.txt" % (out, r, n)).read().split()
                cpy.setdefault(n, {})[r] = float(f[f.index("rate") + 1])
            except (OSError, ValueError, IndexError) as e:
                print("  ! CPython at %d threads, run %d: %s" % (n, r, e))
    return model, cpy
def medr(v):
    return (statistics.median(v), "[%.4g-%.4g]" % (min(v), max(v))) if v else (None, "n/a")
def ratios(d, key=None):
    """Per-run ratio gmax over 2 (runs where both were measured) and the ratio of the medians."""
    val = lambda x: x if key is None else x[key]
    lo = [val(x) for x in d.get(2, {}).values() if val(x) is not None]
    hi = [val(x) for x in d.get(gmax, {}).values() if val(x) is not None]
    per_run = [val(d[gmax][r]) / val(x) for r, x in d.get(2, {}).items()
               if r in d.get(gmax, {}) and val(x) and val(d[gmax][r]) is not None]
    a, b = medr(lo)[0], medr(hi)[0]
    return lo, hi, (b / a if a and b else None), medr(per_run)[1]
model, cpy = gil_step()
print("\ngil beside CPython, sumloop, each run the model at 2 and %d workers then CPython at 2 and %d threads, back to back" % (gmax, gmax))
print("  (switches per second, median over %d runs [range]; %s)" % (runs, "; ".join(l.strip() for l in open(out + "/gil-load.txt"))))
lo, hi, rm, rr = ratios(model, "forced")
if rm is not None:
    print("  model, switches forced by the interval: %.0f/s %s at 2, %.0f/s %s at %d: ratio %.2f (per run %s)   target within 2x: %s"
          % (medr(lo)[0], medr(lo)[1], medr(hi)[0], medr(hi)[1], gmax, rm, rr, "met" if 0.5 <= rm <= 2 else "MISSED"))
alo, ahi, arm, arr = ratios(model, "all")
if arm is not None:
    print("    model, all switches (with each leaving worker's last hand-off): %.0f/s at 2, %.0f/s at %d: ratio %.2f"
          % (medr(alo)[0], medr(ahi)[0], gmax, arm))
slo, shi, srm, srr = ratios(model, "steady")
if srm is not None:
    print("    model, forced switches in the steady middle 80%% of each lock timeline (CPython's window): %.0f/s %s at 2, %.0f/s %s at %d: ratio %.2f (per run %s)"
          % (medr(slo)[0], medr(slo)[1], medr(shi)[0], medr(shi)[1], gmax, srm, srr))
clo, chi, crm, crr = ratios(cpy)
if crm is not None:
    print("  CPython %s, hand-offs between spinning threads: %.0f/s %s at 2, %.0f/s %s at %d: ratio %.2f (per run %s)"
          % (pyver, medr(clo)[0], medr(clo)[1], medr(chi)[0], medr(chi)[1], gmax, crm, crr))
    for n, m, c in ((2, slo, clo), (gmax, shi, chi)):
        if m and c:
            print("  model over CPython at %d (steady windows): %.2f" % (n, statistics.median(m) / statistics.median(c)))
for n in (2, gmax):
    cs = sum((x["cycles"] for x in model.get(n, {}).values()), [])
    if cs:
        sm = gtc.summary(cs)
        print("  model's cycle at %d (%d cycles), median [p90] ms: %s" % (n, sm["cycles"], ", ".join(
            "%s %.3f [%.3f]" % (k, v["median_ms"], v["p90_ms"]) for k, v in sm.items() if k != "cycles")))
if gil_only:
    sys.exit(0)
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
