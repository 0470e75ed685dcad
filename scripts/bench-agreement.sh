#!/usr/bin/env bash
# bench-agreement.sh: gilbench's cpython-* cells against the seed's own examples run as plain
# Python scripts and timed from outside by hyperfine (printed, not asserted; target: within 10%
# for every pair).
#   - heavy_computation (a counted loop of N iterations, default the seed's 10M) summed over 10
#     tasks: serially, in 4 threads and under multiprocessing.Pool(4);
#   - compute_square over range(M): Pool(4).map with its default chunking and with chunksize 1.
# The interpreter's start-up (python3 -c pass, timed by hyperfine) is subtracted from the scripts'
# times and printed; gilbench's figure is the cell's startup + wall + teardown (its own start-up
# is reported apart). Medians over RUNS runs (default 3) with their range.
#   scripts/bench-agreement.sh [build/gilbench]      N=10000000 M=100000 RUNS=3
set -euo pipefail
cd "$(dirname "$0")/.."
GB=${1:-build/gilbench}
N=${N:-10000000}
M=${M:-100000}
RUNS=${RUNS:-3}
PYEXE=$(sed -n 's/^Python3_EXECUTABLE:[A-Z]*=//p' "$(dirname "$GB")/CMakeCache.txt" 2>/dev/null || true)
PYEXE=${PYEXE:-/usr/bin/python3}
command -v hyperfine > /dev/null || { echo "bench-agreement: hyperfine is not installed (apt-get install hyperfine)"; exit 2; }
OUT=$(mktemp -d /tmp/gilbench-agree.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

cat > "$OUT/seed.py" <<'PY'
import sys, threading
from multiprocessing import Pool

def heavy_computation(n):
    s = 0
    for i in range(n):
        s += i
    return s

def compute_square(x):
    return x * x

if __name__ == "__main__":
    how, n = sys.argv[1], int(sys.argv[2])
    if how == "serial":
        total = sum(heavy_computation(n) for _ in range(10))
    elif how == "threads":
        out = []
        ts = [threading.Thread(target=lambda: out.append(heavy_computation(n))) for _ in range(10)]
        [t.start() for t in ts]; [t.join() for t in ts]
    elif how == "pool":
        with Pool(4) as p:
            total = sum(p.map(heavy_computation, [n] * 10))
    elif how == "square":
        with Pool(4) as p:
            total = sum(p.map(compute_square, range(n)))
    elif how == "square1":
        with Pool(4) as p:
            total = sum(p.map(compute_square, range(n), chunksize=1))
PY

echo "# $PYEXE; $(nproc) CPUs; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N --runs "$RUNS" --warmup 1 --export-json "$OUT/hf.json" \
  "$PYEXE -c pass" \
  "$PYEXE $OUT/seed.py serial $N" "$PYEXE $OUT/seed.py threads $N" "$PYEXE $OUT/seed.py pool $N" \
  "$PYEXE $OUT/seed.py square $M" "$PYEXE $OUT/seed.py square1 $M" > /dev/null 2>&1

# The matching cells: 10 tasks of sumloop (n = N; no payloads), and square over M tasks with
# Pool.map's default chunk (ceil(M / 16)) and chunk 1.
common=(--set input_bytes=0 --set output_bytes=0 --reps "$RUNS" --warmup 1 --counters none -q)
"$GB" run -w sumloop --set tasks=10 --set phase.1.n="$N" -s cpython-serial,cpython-threads,cpython-processes -n 4 \
  "${common[@]}" -o "$OUT/heavy" 2> /dev/null || true
"$GB" run -w square --set tasks="$M" --set chunk=$(((M + 15) / 16)) -s cpython-processes -n 4 "${common[@]}" \
  -o "$OUT/sq" 2> /dev/null || true
"$GB" run -w square --set tasks="$M" --set chunk=1 -s cpython-processes -n 4 "${common[@]}" -o "$OUT/sq1" 2> /dev/null || true
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

/usr/bin/python3 - "$OUT" <<'PY'
import json, statistics, sys
out = sys.argv[1]
hf = {r["command"].split()[-2] if "seed.py" in r["command"] else "start": r["times"] for r in json.load(open(out + "/hf.json"))["results"]}
start = statistics.median(hf["start"])
def gb(path, strategy):
    try:
        for c in json.load(open(path))["cells"]:
            if c["strategy"] == strategy and c["status"] == "ok":
                return [x["startup_s"] + x["wall_s"] + x["teardown_s"] for x in c["reps"]]
    except (OSError, ValueError):
        pass
    return []
pairs = [("heavy_computation x10, serial", "serial", out + "/heavy/results.json", "cpython-serial"),
         ("heavy_computation x10, 10 threads / 4 workers", "threads", out + "/heavy/results.json", "cpython-threads"),
         ("heavy_computation x10, Pool(4)", "pool", out + "/heavy/results.json", "cpython-processes"),
         ("compute_square, Pool.map default chunks", "square", out + "/sq/results.json", "cpython-processes"),
         ("compute_square, Pool.map chunksize 1", "square1", out + "/sq1/results.json", "cpython-processes")]
print("interpreter start-up (python3 -c pass), subtracted: %.3f s (range %.3f-%.3f)" % (start, min(hf["start"]), max(hf["start"])))
print("%-46s %18s %18s %8s %s" % ("example", "script - start-up", "gilbench cell", "ratio", "target"))
for name, key, path, strat in pairs:
    s = [t - start for t in hf[key]]
    g = gb(path, strat)
    if not g:
        print("%-46s %8.3f s         %18s" % (name, statistics.median(s), "cell failed")); continue
    ms, mg = statistics.median(s), statistics.median(g)
    ratio = mg / ms
    print("%-46s %7.3f (%.2f-%.2f) %7.3f (%.2f-%.2f) %7.2fx within 10%%: %s" % (
        name, ms, min(s), max(s), mg, min(g), max(g), ratio, "yes" if abs(ratio - 1) <= 0.10 else "NO"))
PY
