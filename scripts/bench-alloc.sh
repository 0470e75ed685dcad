#!/usr/bin/env bash
# bench-alloc.sh: do binary-trees' repetitions and runs agree, whatever the strategy runs them on?
# The allocator policy's target (README, "The allocator policy"): within 5%. RUNS whole runs of
# binary-trees under serial, threads, gil, async, processes and openmp at 1 and 2 workers; per
# cell, each figure beside the 5% target:
#   cv     the coefficient of variation of the repetitions within a run (median over the runs,
#          worst run beside it);
#   modes  the slowest repetition over the fastest, within a run (a bimodal cell shows here even
#          when its median is stable);
#   runs   the spread of the cell's medians across runs: (max - min) / median;
#   /ser   the cell's median over serial's median in the same run (1 worker only: a strategy's
#          first worker should run like the serial baseline), median over the runs [range].
# Each is given for wall time and for the workers' own CPU time (on a loaded machine judge by the
# CPU time: wall time then includes the time other processes took the CPU), with the
# page faults a repetition took (median [range]: a heap trimmed and grown again, copy-on-write of
# the coordinator's heap or huge pages would each show there).
# A control workload runs in the same runs, interleaved with binary-trees: sumloop (an add loop
# that never allocates) by default. Modes it shares are the machine's, not the allocator's.
# Usage: scripts/bench-alloc.sh [BUILD_DIR] [RUNS] [REPS] [GILBENCH RUN ARGS...]
#   defaults: build 3 5; e.g. scripts/bench-alloc.sh build 3 5 --set alloc.threaded=0
#   CONTROL=WORKLOAD (default sumloop; empty: none); WORKERS=LIST (default 1,2);
#   BENCH_ALLOC_OUT=DIR keeps the runs' results
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
RUNS=${2:-3}
REPS=${3:-5}
[ -d "$B" ] || cmake -S . -B "$B" > /dev/null
cmake --build "$B" -j2 --target gilbench > /dev/null
if [ -n "${BENCH_ALLOC_OUT:-}" ]; then # keep the runs' results there
  tmp=$BENCH_ALLOC_OUT
  mkdir -p "$tmp"
else
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
fi
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); THP $(cat /sys/kernel/mm/transparent_hugepage/enabled 2> /dev/null || echo unknown)"
CONTROL=${CONTROL-sumloop}
WORKERS=${WORKERS:-1,2}
echo "$RUNS runs of binary-trees${CONTROL:+ and $CONTROL}, $REPS repetitions a cell; extra arguments: ${*:4}"
for r in $(seq "$RUNS"); do
  "$B/gilbench" run -w "binary-trees${CONTROL:+,$CONTROL}" -s serial,threads,gil,async,processes,openmp -n "$WORKERS" --reps "$REPS" \
    --counters os -o "$tmp/run-$r" -q "${@:4}" > /dev/null
  echo "run $r done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
done

/usr/bin/python3 - "$tmp" "$RUNS" << 'PY'
import json, statistics, sys
tmp, runs = sys.argv[1], int(sys.argv[2])
TARGET = 0.05
cells = {}  # (workload, strategy, workers) -> [per run: {"wall": [...], "cpu": [...], "faults": [...]}]
alloc = None
for r in range(1, runs + 1):
    res = json.load(open("%s/run-%d/results.json" % (tmp, r)))
    alloc = res["meta"].get("alloc", alloc)
    for c in res["cells"]:
        if c["status"] != "ok" or c["checksum"] != c["reference"]:
            sys.exit("%s/%d: %s (checksum %s, reference %s)" % (c["strategy"], c["workers"], c["status"], c["checksum"], c["reference"]))
        reps = [x for x in c["reps"] if x["status"] == "ok"]
        cells.setdefault((c["workload"], c["strategy"], c["workers"]), []).append({
            "wall": [x["wall_s"] for x in reps],
            "cpu": [sum(w["cpu_s"] for w in x["workers"]) for x in reps],
            "faults": [sum(w["counters"].get("page-faults", {}).get("value", 0) for w in x["workers"]) for x in reps]})
print("allocator policy: %s" % json.dumps({k: v for k, v in (alloc or {}).items() if k != "note"}))

def cv(xs):
    return statistics.pstdev(xs) / statistics.mean(xs) if len(xs) > 1 else 0.0

def verdict(x):
    return "ok" if x <= TARGET else "MISS"

order = ["serial", "threads", "gil", "async", "processes", "openmp"]
keys = sorted(cells, key=lambda k: (k[0] != "binary-trees", k[0], k[2], order.index(k[1]) if k[1] in order else 99))
misses = {"wall": 0, "cpu": 0}
for wl in sorted({k[0] for k in keys}, key=lambda w: w != "binary-trees"):
    for what in ("wall", "cpu"):
        print("\n%s, %s time (s): median of run medians [range]; cv, modes and runs against %.0f%%%s" % (
            wl, what, TARGET * 100, "" if wl == "binary-trees" else " (control: not a target)"))
        print("%-10s %2s %7s %15s %13s %13s %10s %22s %s" % ("strategy", "w", "median", "range over runs", "cv med/worst",
              "modes med/wst", "runs", "/serial med [range]", "faults/rep" if what == "wall" else ""))
        for k in (k for k in keys if k[0] == wl):
            runs_k = cells[k]
            meds = [statistics.median(x[what]) for x in runs_k]
            cvs = [cv(x[what]) for x in runs_k]
            modes = [max(x[what]) / min(x[what]) - 1 for x in runs_k]
            spread = (max(meds) - min(meds)) / statistics.median(meds)
            target_row = wl == "binary-trees"
            ratio = ""
            base = cells.get((wl, "serial", 1))
            if k[2] == 1 and base and k[1] != "serial":
                rs = [m / statistics.median(s[what]) for m, s in zip(meds, base)]
                rm = statistics.median(rs)
                ratio = "%.3f [%.3f-%.3f] %s" % (rm, min(rs), max(rs), verdict(abs(rm - 1)))
                misses[what] += target_row and abs(rm - 1) > TARGET
            misses[what] += target_row and (statistics.median(cvs) > TARGET or spread > TARGET)
            faults = [f for x in runs_k for f in x["faults"]]
            fl = "%d [%d-%d]" % (statistics.median(faults), min(faults), max(faults)) if what == "wall" and faults else ""
            print("%-10s %2d %7.3f %15s %6.1f%%/%4.1f%% %6.1f%%/%4.1f%% %5.1f%% %-4s %22s %s" % (
                k[1], k[2], statistics.median(meds), "[%.3f-%.3f]" % (min(meds), max(meds)),
                statistics.median(cvs) * 100, max(cvs) * 100, statistics.median(modes) * 100, max(modes) * 100,
                spread * 100, verdict(max(statistics.median(cvs), spread)), ratio, fl))
for what in ("wall", "cpu"):
    print("binary-trees %s-time figures over the 5%% target (cv median, runs spread, 1-worker ratio): %d" % (what, misses[what]))
print("(on a machine whose load average exceeds its CPUs, judge by CPU time: wall time is then mostly waiting for a CPU)")
PY
