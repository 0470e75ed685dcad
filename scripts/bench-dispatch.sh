#!/usr/bin/env bash
# bench-dispatch.sh: what handing out one task costs, gilbench beside Python's own pools, each
# figure beside its target. Per task (wall / tasks, microseconds) on `square` (chunk 1) and
# `square-batched` (chunk 1000), at 1 and 2 workers, for every native strategy and for Python's
# multiprocessing.Pool.map and concurrent.futures.ThreadPoolExecutor.map over the same task count;
# then the ratios, and the physical limits measured here by a ping-pong between two processes
# (cache line, futex, pipe). Each figure is the median over RUNS whole runs (each of them the
# median of its repetitions), with the range over the runs.
# Usage: scripts/bench-dispatch.sh [BUILD_DIR] [RUNS] [TASKS]   (defaults: build 3 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
RUNS=${2:-3}
TASKS=${3:-100000}
[ -d "$B" ] || cmake -S . -B "$B" > /dev/null
cmake --build "$B" -j2 --target gilbench bench_pingpong > /dev/null
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); $RUNS runs of $TASKS tasks"

for r in $(seq "$RUNS"); do
  "$B/gilbench" run -w square,square-batched -s serial,processes,threads,gil,openmp,async -n 1,2 \
    --set tasks="$TASKS" --reps 5 --warmup 1 --counters none -o "$tmp/gb-$r" -q > /dev/null
  "$PY" - "$TASKS" > "$tmp/py-$r.json" <<'PY'
import concurrent.futures, json, multiprocessing, statistics, sys, time
def square(x):
    return x * x
n = int(sys.argv[1])
out = {}
for workers in (1, 2):
    for chunk in (1, 1000):
        with multiprocessing.Pool(workers) as pool:
            pool.map(square, range(1000), chunksize=chunk)  # warm
            ts = []
            for _ in range(3):
                t0 = time.perf_counter(); pool.map(square, range(n), chunksize=chunk); ts.append(time.perf_counter() - t0)
        out["Pool/%d/%d" % (chunk, workers)] = statistics.median(ts) / n * 1e6
        with concurrent.futures.ThreadPoolExecutor(workers) as ex:
            list(ex.map(square, range(1000)))
            ts = []
            for _ in range(3):
                t0 = time.perf_counter(); list(ex.map(square, range(n), chunksize=chunk)); ts.append(time.perf_counter() - t0)
        out["ThreadPoolExecutor/%d/%d" % (chunk, workers)] = statistics.median(ts) / n * 1e6
json.dump(out, sys.stdout)
PY
  "$B/tests/bench_pingpong" 20000 > "$tmp/pp-$r.txt"
done

"$PY" - "$tmp" "$RUNS" <<'PY'
import glob, json, statistics, sys
tmp, runs = sys.argv[1], int(sys.argv[2])
fig = {}  # (who, chunk, workers) -> [per-task us, one per run]
for r in range(1, runs + 1):
    for c in json.load(open("%s/gb-%d/results.json" % (tmp, r)))["cells"]:
        if c["status"] != "ok" or c["checksum"] != c["reference"]:
            sys.exit("%s/%s/%d: %s (checksum %s, reference %s)" % (c["workload"], c["strategy"], c["workers"], c["status"], c["checksum"], c["reference"]))
        chunk = c["params"]["chunk"]
        fig.setdefault((c["strategy"], chunk, c["workers"]), []).append(c["stats"]["wall_s"]["median"] / c["params"]["tasks"] * 1e6)
    for k, v in json.load(open("%s/py-%d.json" % (tmp, r))).items():
        who, chunk, w = k.split("/")
        fig.setdefault((who, int(chunk), int(w)), []).append(v)
    for line in open("%s/pp-%d.txt" % (tmp, r)):
        how, med, lo, hi = line.split()
        fig.setdefault(("pingpong", how, 0), []).append(float(med))
med = {k: statistics.median(v) for k, v in fig.items()}
rng = lambda k: "[%.3f-%.3f]" % (min(fig[k]), max(fig[k]))
# Targets (us per task, at 2 workers unless said): issue "dispatch at the limit".
target = {("processes", 1): 5.0, ("processes", 1000): 0.06}
for s in ("threads", "gil", "openmp", "async"):
    target[(s, 1)] = 0.1
print("\nper task, microseconds (median over %d runs [range]); 'over serial' subtracts serial's per-task time (the task's own work)" % runs)
print("%-20s %5s %2s %10s %16s %11s %8s  %s" % ("who", "chunk", "w", "per task", "range", "over serial", "target", "verdict"))
for chunk in (1, 1000):
    for who in ("serial", "processes", "threads", "gil", "openmp", "async", "Pool", "ThreadPoolExecutor"):
        for w in (1, 2):
            k = (who, chunk, w)
            if k not in med:
                continue
            over = med[k] - med.get(("serial", chunk, 1), 0.0) if who not in ("Pool", "ThreadPoolExecutor") else float("nan")
            t = target.get((who, chunk)) if w == 2 else None
            verdict = "" if t is None else ("met" if med[k] <= t else "MISSED")
            print("%-20s %5d %2d %10.3f %16s %11s %8s  %s" % (who, chunk, w, med[k], rng(k),
                  "" if over != over else "%.3f" % over, "" if t is None else "<= %.2f" % t, verdict))
print("\nratios at 2 workers (Python's time / gilbench's; targets: processes >= 8x Pool at chunk 1, >= 10x at chunk 1000)")
for chunk in (1, 1000):
    for who in ("processes", "threads", "gil", "openmp", "async"):
        p, t = med[("Pool", chunk, 2)], med[("ThreadPoolExecutor", chunk, 2)]
        print("  chunk %4d %-10s Pool/it %7.1fx   ThreadPoolExecutor/it %7.1fx" % (chunk, who, p / med[(who, chunk, 2)], t / med[(who, chunk, 2)]))
print("\nphysical limits here, one hop between two processes (median over runs [range]):")
names = {"line": "cache-line transfer (spin on a shared line)", "futex": "futex wake + context switch", "pipe": "1-byte pipe write + blocking read"}
for how in ("line", "futex", "pipe"):
    k = ("pingpong", how, 0)
    print("  %-46s %8.3f us %s" % (names[how], med[k], rng(k)))
PY
