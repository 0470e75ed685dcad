#!/usr/bin/env bash
# bench-implementations.sh: the Python families side by side (printed, not asserted). For sumloop
# and nbody at 1 and 2 workers: each family's serial time relative to cpython-serial, its
# interpreter start-up, and its threads' speedup from 1 to 2 workers, beside the seed's claims
# (Jython's threads scale >= 1.6x; PyPy's do not, <= 1.15x, PyPy having its own GIL; PyPy's serial
# loop several times faster than CPython's). Medians over REPS repetitions (default 3), with range.
#   scripts/bench-implementations.sh [build/gilbench]
set -euo pipefail
cd "$(dirname "$0")/.."
GB=${1:-build/gilbench}
REPS=${REPS:-3}
OUT=$(mktemp -d /tmp/gilbench-impl.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
FAMS="cpython-serial,cpython-threads,pypy-serial,pypy-threads,jython-serial,jython-threads"
echo "# $(nproc) CPUs; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for w in sumloop nbody; do # quick sizes: sumloop 8 x 10M iterations, nbody 8 x 20000 steps
  "$GB" run -w $w -p quick -s "$FAMS" -n 1,2 --reps "$REPS" --warmup 1 --counters none \
    -o "$OUT/$w" -q 2>> "$OUT/err.txt" || true
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$OUT/sumloop/results.json" "$OUT/nbody/results.json" <<'PY'
import json, statistics, sys
cells = [c for f in sys.argv[1:] for c in json.load(open(f))["cells"]]
def walls(c): return [x["wall_s"] for x in c["reps"] if not x.get("error")]
def cpus(c): return [sum(w["cpu_s"] for w in x["workers"]) for x in c["reps"] if not x.get("error")]
def cell(w, s, n):
    for c in cells:
        if c["workload"] == w and c["strategy"] == s and c["workers"] == n and c["status"] == "ok":
            return c
def med(xs): return statistics.median(xs) if xs else float("nan")
def rng(xs): return "%.3f-%.3f" % (min(xs), max(xs)) if xs else "-"
for c in cells:
    if c["status"] != "ok": print("# %s %s %d: %s %s" % (c["workload"], c["strategy"], c["workers"], c["status"], (c.get("error") or "")[:160]))
for w in ("sumloop", "nbody"):
    base = cell(w, "cpython-serial", 1)
    b = med(walls(base)) if base else float("nan")
    bc = med(cpus(base)) if base else float("nan")
    print("\n%s (median wall over reps, range; time relative to cpython-serial; start-up apart)" % w)
    print("%-10s %10s %16s %10s %10s %12s %16s %s" % ("family", "serial s", "range", "vs cpython", "CPU vs", "start-up s",
                                                  "threads 1->2", "seed's claim"))
    for fam in ("cpython", "pypy", "jython"):
        s = cell(w, fam + "-serial", 1)
        t1, t2 = cell(w, fam + "-threads", 1), cell(w, fam + "-threads", 2)
        sw = walls(s) if s else []
        st = [x["metrics"]["interp_startup_s"] for x in (s["reps"] if s else []) if x["metrics"].get("interp_startup_s")]
        sp = med(walls(t1)) / med(walls(t2)) if t1 and t2 else float("nan")
        claim = {"cpython": "threads do not scale (the GIL)", "pypy": "serial several times faster; threads <= 1.15x",
                 "jython": "threads >= 1.6x"}[fam]
        sc = med(cpus(s)) if s else float("nan")
        print("%-10s %10.3f %16s %9.2fx %9.2fx %12.3f %15.2fx %s" % (fam, med(sw), rng(sw), med(sw) / b, sc / bc,
                                                                  med(st), sp, claim))
PY
