#!/usr/bin/env bash
# bench-libraries.sh [REPS]: what Python's parallel libraries cost, measured in one run beside
# multiprocessing.Pool and gilbench's native `processes`, at 2 workers:
#   - per-task overhead on tiny tasks (`square`, 1000 tasks): (median wall - cpython-serial's
#     median wall) / tasks, at chunk 1 (one library task per gilbench task) and at chunk 100
#     (batched: joblib batches as it likes on top);
#   - start-up: the library's own (pool, cluster, session) up to one no-op per worker, startup_s;
#   - speedup at 2 workers on sumloop (quick profile) over cpython-serial.
# Each figure is printed beside the seed's claim ("Dask / Ray / Spark: overhead for small tasks").
# Printed, not asserted. Needs the libraries (scripts/setup.sh --with python-libs); those missing
# are shown as unavailable.
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${1:-3}
GB=${GB:-build/gilbench}
[ -x "$GB" ] || scripts/build.sh > /dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PYEXE=$(sed -n 's/^Python3_EXECUTABLE:[A-Z]*=//p' "$(dirname "$GB")/CMakeCache.txt" 2>/dev/null || true)
PYEXE=${PYEXE:-/usr/bin/python3}

cat > "$tmp/tiny.ini" <<'INI'
[workload]
name = tiny
summary = 1000 one-multiplication tasks
kind = cpu
schedule = dynamic
chunk = 1
tasks = 1000
input_bytes = 8
output_bytes = 8
[phase.1]
kernel = square
n = 12345
INI
LIBS="cpython-futures, cpython-joblib, cpython-dask, cpython-ray, cpython-spark"
for chunk in 1 100; do
  cat > "$tmp/s$chunk.ini" <<INI
[suite]
workloads = $tmp/tiny.ini
strategies = serial, processes, cpython-serial, cpython-processes, $LIBS
workers = 2
reps = $REPS
warmup = 1
[set]
chunk = $chunk
cpython-futures.executor = thread, process
cpython-joblib.backend = loky, threading
cpython-dask.scheduler = threads, processes, distributed
INI
  echo "bench-libraries: tiny tasks at chunk $chunk ($REPS reps)..." >&2
  "$GB" run "$tmp/s$chunk.ini" --timeout 600 -o "$tmp/r$chunk" -q > /dev/null 2>&1 || true
done
cat > "$tmp/sum.ini" <<INI
[suite]
workloads = sumloop
strategies = cpython-serial, cpython-processes, $LIBS
workers = 2
profile = quick
reps = $REPS
warmup = 1
[set]
cpython-futures.executor = thread, process
cpython-dask.scheduler = threads, processes, distributed
INI
echo "bench-libraries: sumloop at 2 workers ($REPS reps)..." >&2
"$GB" run "$tmp/sum.ini" -o "$tmp/rsum" -q > /dev/null 2>&1 || true

# Python's own Pool on the same tiny tasks (pickled ints, one multiplication), chunksize 1 and 100.
"$PYEXE" - "$REPS" > "$tmp/pool.txt" <<'PY'
import multiprocessing, statistics, sys, time
def square(x):
    return (12345 + x) * (12345 + x) & 0xFFFFFFFFFFFFFFFF
if __name__ == "__main__":
    reps = int(sys.argv[1])
    with multiprocessing.Pool(2) as pool:
        pool.map(square, range(100))
        for cs in (1, 100):
            ts = []
            for _ in range(reps):
                t0 = time.perf_counter(); pool.map(square, range(1000), chunksize=cs); ts.append(time.perf_counter() - t0)
            print(cs, statistics.median(ts) / 1000 * 1e6, min(ts) / 1000 * 1e6, max(ts) / 1000 * 1e6)
PY

"$PYEXE" - "$tmp" <<'PY'
import json, os, statistics, sys
tmp = sys.argv[1]
def cells(name):
    p = os.path.join(tmp, name, "results.json")
    return json.load(open(p))["cells"] if os.path.exists(p) else []
def label(c):
    o = {k: v for k, v in c["options"].items() if k in ("executor", "backend", "scheduler")}
    return c["strategy"] + ("[%s]" % ",".join("%s=%s" % kv for kv in sorted(o.items())) if o else "")
def med(c, key="wall_s"):
    xs = [r[key] for r in c["reps"] if r.get(key) is not None]
    return (statistics.median(xs), min(xs), max(xs)) if xs else None
pool = {}
for line in open(os.path.join(tmp, "pool.txt")):
    cs, m, lo, hi = line.split(); pool[int(cs)] = (float(m), float(lo), float(hi))
CLAIM = "seed: 'overhead for small tasks'"
print("per-task overhead on 1000 tiny tasks, 2 workers: (median wall - own serial median) / tasks, us [min..max of wall/tasks]")
for chunk in (1, 100):
    cs = cells("r%d" % chunk)
    base = {c["strategy"]: med(c) for c in cs if c["strategy"] in ("serial", "cpython-serial") and c["status"] == "ok"}
    print("  chunk %d:" % chunk)
    if chunk in pool:
        m, lo, hi = pool[chunk]
        print("    %-42s %9.2f us/task   [%.2f..%.2f]   (plain python3, whole map)" % ("multiprocessing.Pool(2).map chunksize=%d" % chunk, m, lo, hi))
    for c in cs:
        if c["strategy"] in ("serial", "cpython-serial"):
            continue
        if c["status"] != "ok":
            print("    %-42s %s: %s" % (label(c), c["status"], (c["error"] or "").splitlines()[0][:90] if c["error"] else "")); continue
        b = base.get("serial" if c["strategy"] == "processes" else "cpython-serial")
        m = med(c)
        if not b or not m:
            continue
        per = (m[0] - b[0]) / 1000 * 1e6
        print("    %-42s %9.2f us/task   [%.2f..%.2f]" % (label(c), per, m[1] / 1000 * 1e6, m[2] / 1000 * 1e6))
print("start-up (library start to one no-op per worker answered; shut-down beside), s, median [min..max]:")
startups = {}
for c in cells("r1") + cells("r100"):
    if c["strategy"].startswith("cpython-") and c["strategy"] != "cpython-serial" and c["status"] == "ok":
        startups.setdefault(label(c), c)
for c in startups.values():
    if True:
        s, t = med(c, "startup_s"), med(c, "teardown_s")
        print("    %-42s startup %7.3f [%.3f..%.3f]   teardown %7.3f" % (label(c), s[0], s[1], s[2], t[0]))
print("speedup at 2 workers on sumloop (quick) over cpython-serial, median walls:")
cs = cells("rsum")
b = [med(c) for c in cs if c["strategy"] == "cpython-serial" and c["status"] == "ok"]
for c in cs:
    if c["strategy"] == "cpython-serial" or not b:
        continue
    if c["status"] != "ok":
        print("    %-42s %s" % (label(c), c["status"])); continue
    print("    %-42s %6.2fx" % (label(c), b[0][0] / med(c)[0]))
print("(a negative overhead: the overlap of the workers' Python-side work outweighed the overhead)")
print("(%s: compare each library's per-task figure with Pool's and the native processes')" % CLAIM)
PY
