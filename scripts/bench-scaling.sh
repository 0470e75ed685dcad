#!/usr/bin/env bash
# bench-scaling.sh: in one gilbench run on this machine, the speedup at 2 workers on sumloop and
# nbody per strategy, the per-task dispatch overhead on square per strategy, what batching buys,
# and the pre-3.2 GIL model beside pyenv's Python 2.7 where present; mpi's speedup on sumloop
# (launch excluded: wall_s starts when every rank is ready, and the launch is printed apart) and
# its per-task cost at chunk 1 and 1000 beside processes; printed beside the targets of the
# foundation issue and the MPI issue. Figures, not assertions: the machine
# is shared and noisy, so read them as ratios measured in the same run.
# usage: scripts/bench-scaling.sh [REPS] (default 5); GILBENCH=path/to/gilbench to override.
set -euo pipefail
cd "$(dirname "$0")/.."
GB=${GILBENCH:-./build/gilbench}
REPS=${1:-5}
[ -x "$GB" ] || { echo "bench-scaling: build first (scripts/build.sh)"; exit 2; }
out=$(mktemp -d /tmp/gilbench-bench-scaling.XXXXXX)
trap 'rm -rf "$out"' EXIT
cat > "$out/suite.ini" <<INI
[suite]
workloads = sumloop, nbody, square, square-batched
strategies = serial, threads, processes, openmp, gil, mpi
workers = 1, 2
reps = $REPS
warmup = 1
[set]
gil.model = new, old
INI
"$GB" run "$out/suite.ini" -o "$out/run" -q > /dev/null || true
/usr/bin/python3 - "$out/run/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
cells = r["cells"]
def med(c): return c["stats"]["wall_s"]["median"] if c["stats"].get("wall_s") else float("nan")
def find(w, s, n, **opt):
    for c in cells:
        if c["workload"] == w and c["strategy"] == s and c["workers"] == n and c["status"] == "ok" \
           and all(c["options"].get(k) == v for k, v in opt.items()):
            return c
    return None
m = r["meta"]
print("gilbench bench-scaling: %s, %d PUs, %d reps, gilbench %s (%s)" % (m["cpu"]["model"], m["cpu"]["pus"], m["reps"], m["gilbench"], m.get("git_commit")))
bad = [c for c in cells if c["status"] != "ok"]
for c in bad: print("  NOT OK:", c["workload"], c["strategy"], c["workers"], c["status"], c["error"])
verdicts = []
def verdict(ok): verdicts.append(ok); return "ok" if ok else "MISSED"
print("\nspeedup at 2 workers (serial median / strategy median):")
print("  %-10s %-12s %8s  %s" % ("workload", "strategy", "speedup", "target"))
for w in ("sumloop", "nbody"):
    s1 = find(w, "serial", 1)
    for s, opt, lo, hi, tgt in (("threads", {}, 1.85, 99, ">= 1.85x"), ("openmp", {}, 1.85, 99, ">= 1.85x"),
                                ("processes", {}, 1.8, 99, ">= 1.8x"), ("gil", {"model": "new"}, 0.9, 1.1, "0.9x .. 1.1x")):
        c = find(w, s, 2, **opt)
        sp = med(s1) / med(c) if c and s1 else float("nan")
        print("  %-10s %-12s %7.2fx  %-13s %s" % (w, s + ("(new)" if opt else ""), sp, tgt, verdict(lo <= sp <= hi)))
    new, old = find(w, "gil", 2, model="new"), find(w, "gil", 2, model="old")
    if new and old:
        print("  %-10s %-12s %7.2fx  %-13s %s   (old-model wall / new-model wall)" % (w, "gil old/new", med(old) / med(new), "> 1.0x", verdict(med(old) > med(new))))
c1, c2 = find("sumloop", "serial", 1), find("sumloop", "mpi", 2)
if c2 is None:
    print("\nmpi: no ok cell at 2 ranks (unavailable in this build, or failed: see NOT OK above)")
else:
    sp = med(c1) / med(c2)
    launch = sorted(rep["startup_s"] for rep in c2["reps"])
    print("\nmpi, 2 ranks on sumloop: %.2fx over serial (target >= 1.7x) %s; launch (mpiexec until every rank is ready, "
          "not in wall): median %.3f s, range %.3f .. %.3f s" % (sp, verdict(sp >= 1.7), launch[len(launch) // 2], launch[0], launch[-1]))
print("\nper-task dispatch overhead on square, chunk 1: (workers x median wall - serial median wall) / tasks,")
print("the worker-time spent beyond the serial work (a perfect speedup costs nothing, so the speedup")
print("is not mixed in, and it cannot go below zero short of a superlinear run)")
sq1 = find("square", "serial", 1)
tasks = sq1["params"]["tasks"] if sq1 else 1
print("  %-12s %12s %12s  %s" % ("strategy", "1 worker", "2 workers", "target (2 workers)"))
targets = {"threads": 0.5, "processes": 20.0}
for s in ("threads", "processes", "openmp", "gil"):
    row = []
    for n in (1, 2):
        c = find("square", s, n, **({"model": "new"} if s == "gil" else {}))
        row.append((n * med(c) - med(sq1)) / tasks * 1e6 if c and sq1 else float("nan"))
    t = targets.get(s)
    print("  %-12s %9.3f us %9.3f us  %s" % (s, row[0], row[1], ("<= %g us %s" % (t, verdict(row[1] <= t))) if t else "-"))
print("\nper-task cost at 2 workers, chunk 1 (square) and chunk %s (square-batched): (2 x median wall - serial median wall) / tasks"
      % (find("square-batched", "serial", 1) or {"params": {}})["params"].get("chunk", "?"))
for s in ("processes", "mpi"):
    row = []
    for w in ("square", "square-batched"):
        base, c = find(w, "serial", 1), find(w, s, 2)
        row.append((2 * med(c) - med(base)) / base["params"]["tasks"] * 1e6 if c and base else float("nan"))
    print("  %-12s chunk 1: %9.3f us   chunk %s: %9.3f us" % (s, row[0], (find("square-batched", "serial", 1) or {"params": {}})["params"].get("chunk", "?"), row[1]))
sqp, sbp = find("square", "processes", 2), find("square-batched", "processes", 2)
if sqp and sbp:
    print("\nbatching under processes at 2 workers: square %.3f s, square-batched %.4f s: %.1fx faster (target >= 10x) %s"
          % (med(sqp), med(sbp), med(sqp) / med(sbp), verdict(med(sqp) / med(sbp) >= 10)))
old = find("sumloop", "gil", 2, model="old")
if old and find("sumloop", "serial", 1):
    cal = m.get("gil_old_bytecode") or {}
    print("\nthe pre-3.2 GIL: sumloop, 2 CPU-bound workers, wall over the serial wall (check_interval %s"
          " estimated bytecodes of %.2f ns: %s)" % (old["options"].get("check_interval"), cal.get("ns", float("nan")),
                                                   cal.get("source", "?")))
    print("  gil model=old: %.2fx the serial time" % (med(old) / med(find("sumloop", "serial", 1))))
print("\n%d of %d targets met" % (sum(verdicts), len(verdicts)))
PY
# The real pre-3.2 GIL, where pyenv has a Python 2.7: two CPU-bound threads against the same work
# done sequentially, in a standalone script (the figure gil model=old is compared with).
PY27=$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/2.7*/bin/python2.7 2>/dev/null | tail -1 || true)
if [ -n "$PY27" ] && [ -x "$PY27" ]; then
  "$PY27" - "$REPS" <<'PY'
import sys, threading, time
def sumloop(n):
    s = 0
    for i in xrange(n):
        s += i
    return s
N, reps = 3000000, int(sys.argv[1])
def seq():
    t = time.time(); sumloop(N); sumloop(N); return time.time() - t
def par():
    ts = [threading.Thread(target=sumloop, args=(N,)) for _ in range(2)]
    t = time.time()
    for th in ts: th.start()
    for th in ts: th.join()
    return time.time() - t
ratios = []
for _ in range(reps):
    ratios.append(par() / seq())
ratios.sort()
print("  Python %s, 2 threads over sequential (standalone script, %d reps): median %.2fx [%.2f-%.2f]"
      % (sys.version.split()[0], reps, ratios[len(ratios) // 2], ratios[0], ratios[-1]))
PY
else
  echo "  (no pyenv Python 2.7 here: the real pre-3.2 GIL is not measured)"
fi
