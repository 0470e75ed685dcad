#!/usr/bin/env bash
# bench-agreement.sh: gilbench's cpython-* cells against plain Python scripts doing the same work,
# timed from outside by hyperfine (printed, not asserted; target: within 10% for every pair).
# The seed's examples, each in two forms:
#   - the plain script of the cell's own work: the same tasks (gilbench's twins and task model,
#     imported from workloads/python, with the cell's run secret) through plain Python: serially,
#     in concurrent.futures.ThreadPoolExecutor(4), under multiprocessing.Pool(4).map (its default
#     chunking, and chunksize 1), inputs made and results checked in the parent as the cell does.
#     Its checksum must equal the cell's (the same work, proved), and its time minus the start-up
#     of the same script doing nothing (interpreter, imports) is set beside the cell's
#     startup + wall + teardown (pool or threads created, the work, joined), with their ratio;
#   - the seed's literal function (heavy_computation's bare loop, compute_square's x * x), for
#     what the task model costs beside it: a difference in the work, not in the measurement.
# The sides alternate: RUNS rounds (after one warm-up round, not counted), each the cells with one
# repetition, then every script once with that round's run secrets; medians over the rounds.
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
SQCHUNK=$(((M + 15) / 16)) # Pool.map's default chunksize for 4 workers: ceil(M / (4 * 4))

cat > "$OUT/agree.py" <<'PY'
"""MODE TASKS N SECRET OUT: one example as plain Python; its checksum goes to OUT."""
import os, sys, threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool
sys.path.insert(0, os.environ["GB_PYDIR"])
from gilbench import task as tm
from gilbench.kernels import square, sumloop

def heavy_computation(n):  # the seed's
    s = 0
    for i in range(n):
        s += i
    return s

def compute_square(x):  # the seed's
    return x * x

KERNEL, N, SECRET = sumloop, 0, 0

def make(t):  # the parent's side: task t's input from the run secret (0 bytes, as in the cells),
    return t, bytes(tm.payload_input(SECRET, t, 0))  # sent as bytes, as the cell sends it

def work(arg):  # the worker's side: the kernel's twin in the task model, as a cell's worker runs it
    t, inp = arg[0], bytearray(arg[1])
    r = tm.task_mix(tm.task_begin(t), KERNEL.run({"n": N}, t, inp))
    partial, out = tm.task_finish(r, inp, 0)
    return t, partial, bytes(out)

def check(res):  # the parent's side: each task's result from the output received, summed
    return sum(tm.checksum_term(t, tm.task_result(t, p, bytearray(o))) for t, p, o in res) & tm.M64

def run(mode, tasks, n):
    if mode == "serial":
        return check(work(make(t)) for t in range(tasks))
    if mode == "threads":
        with ThreadPoolExecutor(4) as ex:
            return check(ex.map(lambda t: work(make(t)), range(tasks)))
    if mode in ("pool", "sq", "sq1"):
        with Pool(4) as p:
            args = [make(t) for t in range(tasks)]
            return check(p.map(work, args, chunksize=1) if mode == "sq1" else p.map(work, args))
    if mode == "seed-serial":
        return sum(heavy_computation(n) for _ in range(tasks))
    if mode == "seed-pool":
        with Pool(4) as p:
            return sum(p.map(heavy_computation, [n] * tasks))
    if mode == "seed-sq":
        with Pool(4) as p:
            return sum(p.map(compute_square, range(tasks)))
    return 0  # none: the start-up (interpreter and these imports) alone

if __name__ == "__main__":
    mode, tasks, N, SECRET = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4], 16)
    KERNEL = square if mode.startswith("sq") else sumloop
    total = run(mode, tasks, N)
    with open(sys.argv[5], "w") as f:
        f.write("%d\n" % total)
PY

echo "# $PYEXE; $(nproc) CPUs; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
# The two sides alternate: each round runs the cells (one repetition each), then each plain script
# once with that round's run secrets, so both see the same moment of the machine. Round 0 warms
# both up and is not counted.
one=(--set input_bytes=0 --set output_bytes=0 --reps 1 --warmup 0 --counters none -q)
secret() { /usr/bin/python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["secret"])' "$1/results.jsonl" 2> /dev/null || echo 1; }
SQN=$(sed -n 's/^n *= *//p' workloads/square.ini | head -1) # square's kernel parameter
export GB_PYDIR=$PWD/workloads/python
# The scripts run in the cells' own interpreter, with the host's flags (-E -s): the one the cells
# report (a project .venv's python when there is one), else the build's.
cellpy() { /usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["meta"]["pythons"]["cpython"]["executable"])' "$1/results.json" 2> /dev/null || true; }
cmd() { echo "$PYEXE -E -s $OUT/agree.py $1 $2 $3 $4 $OUT/$1.sum"; }
for r in $(seq 0 "$RUNS"); do
  d=$OUT/r$r && mkdir -p "$d"
  "$GB" run -w sumloop --set tasks=10 --set phase.1.n="$N" -s cpython-serial,cpython-threads,cpython-processes -n 4 \
    "${one[@]}" -o "$d/heavy" > /dev/null 2>&1 || true
  "$GB" run -w square --set tasks="$M" --set chunk=$SQCHUNK -s cpython-processes -n 4 "${one[@]}" -o "$d/sq" > /dev/null 2>&1 || true
  "$GB" run -w square --set tasks="$M" --set chunk=1 -s cpython-processes -n 4 "${one[@]}" -o "$d/sq1" > /dev/null 2>&1 || true
  SH=$(secret "$d/heavy") SQ=$(secret "$d/sq") SQ1=$(secret "$d/sq1")
  CP=$(cellpy "$d/heavy") && [ -n "$CP" ] && [ "$r" = 0 ] && PYEXE=$CP && echo "# the cells' interpreter: $PYEXE"
  hyperfine -N --runs 1 --export-json "$d/hf.json" \
    "$(cmd none 0 0 "$SH")" "$(cmd serial 10 "$N" "$SH")" "$(cmd threads 10 "$N" "$SH")" "$(cmd pool 10 "$N" "$SH")" \
    "$(cmd sq "$M" "$SQN" "$SQ")" "$(cmd sq1 "$M" "$SQN" "$SQ1")" \
    "$(cmd seed-serial 10 "$N" 1)" "$(cmd seed-pool 10 "$N" 1)" "$(cmd seed-sq "$M" 0 1)" > /dev/null 2>&1
  for k in serial threads pool sq sq1; do cp "$OUT/$k.sum" "$d/$k.sum" 2> /dev/null || true; done
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

/usr/bin/python3 - "$OUT" "$RUNS" <<'PY'
import json, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
rounds = ["%s/r%d" % (out, r) for r in range(1, runs + 1)]
hf = {}
for d in rounds:
    try:
        for res in json.load(open(d + "/hf.json"))["results"]:
            hf.setdefault(res["command"].split()[4], []).extend(res["times"])
    except (OSError, ValueError):
        pass
start = statistics.median(hf["none"])
def cells(run, strategy):  # the round's cell, per round: [(round, cell)]
    got = []
    for d in rounds:
        try:
            for c in json.load(open("%s/%s/results.json" % (d, run)))["cells"]:
                if c["strategy"] == strategy and c["status"] == "ok":
                    got.append((d, c))
        except (OSError, ValueError):
            pass
    return got
def total(cs): return [x["startup_s"] + x["wall_s"] + x["teardown_s"] for _, c in cs for x in c["reps"]]
def mr(xs): return "%7.3f (%.2f-%.2f)" % (statistics.median(xs), min(xs), max(xs))
def same(key, cs):  # each round's script checksum against that round's cell
    for d, c in cs:
        try:
            if int(open("%s/%s.sum" % (d, key)).read()) != int(c["checksum"], 16):
                return False
        except (OSError, ValueError):
            return False
    return bool(cs)
print("start-up of the same script doing nothing (interpreter, imports), subtracted: %.3f s (range %.3f-%.3f)"
      % (start, min(hf["none"]), max(hf["none"])))
print("the cell: startup_s + wall_s + teardown_s (pool or threads created, the work, joined); the script:")
print("its process's time minus that start-up. Same work: the twins' tasks, inputs from the cell's secret.")
print("%-44s %18s %18s %7s %9s %s" % ("example", "script - start-up", "gilbench cell", "ratio", "checksum", "target"))
pairs = [("heavy_computation x10, serial", "serial", "heavy", "cpython-serial"),
         ("heavy_computation x10, 4 threads", "threads", "heavy", "cpython-threads"),
         ("heavy_computation x10, Pool(4)", "pool", "heavy", "cpython-processes"),
         ("square, Pool(4).map default chunks", "sq", "sq", "cpython-processes"),
         ("square, Pool(4).map chunksize 1", "sq1", "sq1", "cpython-processes")]
for name, key, run, strat in pairs:
    s = [t - start for t in hf[key]]
    cs = cells(run, strat)
    if len(cs) < runs:
        print("%-44s %s %18s" % (name, mr(s), "cell failed")); continue
    g = total(cs)
    ratio = statistics.median(g) / statistics.median(s)
    sm = "same" if same(key, cs) else "DIFFERS"
    print("%-44s %s %s %6.2fx %9s within 10%%: %s" % (name, mr(s), mr(g), ratio, sm,
                                                    "yes" if abs(ratio - 1) <= 0.10 and sm == "same" else "NO"))
print("\nthe seed's literal functions beside the same script's twin tasks (a difference in the work):")
for name, seed, twin in (("heavy_computation x10, serial", "seed-serial", "serial"),
                         ("heavy_computation x10, Pool(4)", "seed-pool", "pool"),
                         ("compute_square, Pool(4).map default chunks", "seed-sq", "sq")):
    s, t = [x - start for x in hf[seed]], [x - start for x in hf[twin]]
    print("%-44s seed's %s  twin tasks %s  seed / twin %.2fx" % (name, mr(s), mr(t),
                                                                 statistics.median(s) / statistics.median(t)))
PY
