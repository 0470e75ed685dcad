#!/usr/bin/env bash
# The embedded CPython's multiprocessing and asyncio: cpython-processes (start=fork and spawn) and
# cpython-asyncio x every workload at the quick profile (convoy with a smaller CPU task) give the
# reference checksum, with both
# schedules; a spawned worker (a fresh python3) loads _gilbench and reports its CPU time and
# placement through the worker hooks, bound where --bind put it; an exception in a worker process
# fails its cell with the worker's traceback, and a worker process that dies fails its cell
# without hanging gilbench.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/integration/cpython_lib.sh"

# suite FILE WORKLOADS STRATEGIES WORKERS: a suite sweeping cpython-processes.start over fork, spawn.
suite() {
  printf '[suite]\nworkloads = %s\nstrategies = %s\nworkers = %s\nprofile = quick\nreps = 1\nwarmup = 0\n[set]\ncpython-processes.start = %s\n' \
    "$2" "$3" "$4" "$STARTS" > "$1"
}
NSTARTS=$(echo "$STARTS" | tr , '\n' | wc -l)
suite matrix.ini "$WORKLOADS" cpython-processes,cpython-asyncio 2
expect_status 0 "cpython-processes (fork, spawn) and cpython-asyncio x every workload" \
  "$GB" run "$WORK/matrix.ini" -o "$WORK/matrix" -q
cells_ok "$WORK/matrix/results.json" $((NWORKLOADS * (NSTARTS + 1))) "every cell has the reference checksum"
if [ -f "$SRC/workloads/convoy.ini" ]; then
  suite convoy.ini convoy cpython-processes,cpython-asyncio 2
  printf 'group.cpu.phase.1.n = 3000000\n' >> convoy.ini
  expect_status 0 "convoy (smaller CPU task) through processes and asyncio" "$GB" run "$WORK/convoy.ini" -o "$WORK/convoy" -q
  cells_ok "$WORK/convoy/results.json" $((NSTARTS + 1)) "convoy cells have the reference checksum and every latency"
fi
expect_status 0 "static schedule, chunk 3, 3 workers" \
  "$GB" run -w nbody,square -s cpython-processes,cpython-asyncio,cpython-threads -n 3 -p quick --reps 1 --warmup 0 \
  --set schedule=static --set chunk=3 -o "$WORK/static" -q
cells_ok "$WORK/static/results.json" 6 "static-schedule cells have the reference checksum"

# A spawned worker loads _gilbench and reports through the hooks (a forked one, where spawn is out).
expect_status 0 "$SPAWN workers, bound by --bind scatter" \
  "$GB" run -w nbody -s cpython-processes -n 2 -p quick --reps 1 --warmup 0 --set cpython-processes.start=$SPAWN \
  --bind scatter -o "$WORK/spawn" -q
if $PY - "$WORK/spawn/results.json" <<'PY'; then ok "each spawned worker reported CPU time, placement and its binding"; else not_ok "spawned workers' reports"; fi
import json, sys
c = json.load(open(sys.argv[1]))["cells"][0]
ws = c["reps"][0]["workers"]
for w in ws: print("  |", {k: w.get(k) for k in ("cpu_s", "pus_seen", "bound_pu", "bind_held", "tasks")})
ok = len(ws) == 2 and sum(w["tasks"] for w in ws) == 8
ok = ok and all(w["cpu_s"] > 0.01 and w["pus_seen"] for w in ws)
ok = ok and sorted(w.get("bound_pu") for w in ws) == [0, 1] and all(w.get("bind_held") for w in ws)
sys.exit(0 if ok else 1)
PY

# Like with like: a spawned pool's workers are fresh python3 processes, so its baseline is a serial
# run in that binary (cpython-serial-spawn, added beside cpython-serial), and how that binary differs
# from the embedded one is an implementation factor, apart from the speedup.
if [ "$SPAWN" = spawn ]; then
  expect_status 0 "a spawned pool beside cpython-serial" \
    "$GB" run -w square -s cpython-serial,cpython-processes -n 1 -p quick --reps 1 --warmup 0 \
    --set cpython-processes.start=spawn -o "$WORK/like" -q
  if $PY - "$WORK/like/results.json" <<'PY'; then ok "the spawned pool's baseline is a serial run in python3"; else not_ok "spawn baseline"; fi
import json, sys
cells = {c["strategy"]: c for c in json.load(open(sys.argv[1]))["cells"]}
for c in cells.values(): print("  |", c["strategy"], c["status"], c["baseline"], c.get("implementation"))
p, s = cells.get("cpython-processes"), cells.get("cpython-serial-spawn")
ok = p is not None and s is not None and p["baseline"]["strategy"] == "cpython-serial-spawn" and p["speedup"] is not None
ok = ok and s["status"] == "ok" and s["checksum"] == s["reference"]
ok = ok and (s.get("implementation") or {}).get("reference") == "cpython-serial"
sys.exit(0 if ok else 1)
PY
fi

# The work is Pool.map(chunksize=chunk), as the plain script of scripts/bench-agreement.sh does it: the
# repetition's own plan (taken through a cpython.exe that copies gilbench's lines to the host),
# replayed in plain python3 with every other way to hand out work disabled, hands the pool one
# (task, input) tuple per task, in order, each input made before the map, in one map call with
# chunksize = chunk, gets one (task, partial, output) tuple per task back, and gives the cell's
# checksum. Items and results are tuples of numbers and bytes, which the garbage collector stops
# tracking: one-task lists (as the cell had them) stayed tracked, and every full collection in the
# coordinator walked 200000 of them at 100000 tasks (0.14-0.21 s of a 2 s run, with the GIL held),
# which the script's Pool.map never pays.
# The replay needs python3 to import this build's module, and the cell to run in a python3 host:
# neither is so in a sanitizer build (see cpython_lib.sh), where it is left out and said so.
if [ "$SPAWN" = spawn ]; then
printf '#!/bin/sh\ntee -a "%s/host-in.txt" | "%s" "$@"\n' "$WORK" "$PYEXE" > "$WORK/tee-python"
chmod +x "$WORK/tee-python"
expect_status 0 "square, dynamic, chunk 3, through a host that keeps its plan" \
  "$GB" run -w square -s cpython-processes -n 2 -p quick --reps 1 --warmup 0 --set tasks=20 --set chunk=3 \
  --set schedule=dynamic --set cpython.exe="$WORK/tee-python" -o "$WORK/asmap" -q
if GB_PYDIR="$SRC/workloads/python" "$PYEXE" - "$WORK/host-in.txt" "$WORK/asmap/results.json" <<'PY'; then ok "the pool gets Pool.map's list in one map call, items and results untracked tuples, the checksum the cell's"; else not_ok "cpython-processes as Pool.map"; fi
import binascii, gc, json, os, sys
plan = next(json.loads(l)["plan"] for l in open(sys.argv[1]) if l.startswith('{"plan"'))
cell = json.load(open(sys.argv[2]))["cells"][0]
os.environ["GILBENCH_HOOKS"] = plan["hooks"]
sys.path.insert(0, os.environ["GB_PYDIR"])
from multiprocessing import pool as mpool
from gilbench import hooks, runner
calls = []
def refuse(name):
    def f(*a, **k): raise AssertionError("the work went out through Pool.%s" % name)
    return f
for name in ("imap", "imap_unordered", "apply_async", "starmap_async"):
    setattr(mpool.Pool, name, refuse(name))
map_async = mpool.Pool.map_async
def spy(self, func, items, chunksize=None, **k):
    items = list(items)
    res = map_async(self, func, items, chunksize, **k)
    calls.append((func.__name__, items, chunksize, res))
    return res
mpool.Pool.map_async = spy
plan["job"] = binascii.unhexlify(plan["job"].encode("ascii"))
hooks.hooks.load(plan["job"])
res = runner.run_cell(plan)
work = [c for c in calls if c[0] not in ("_ready", "_finish")]
print("  | calls:", [(f, len(i), c) for f, i, c, _ in calls], "checksum %016x" % res["checksum"], "cell", cell["checksum"])
ok = len(work) == 1 and work[0][2] == 3
items, back = (work[0][1], work[0][3].get()) if work else ([], [])
ok = ok and [t for t, _ in items] == list(range(20)) and [r[0] for r in back] == list(range(20))
ok = ok and all(type(it) is tuple and type(it[1]) is bytes and len(it[1]) == 8 for it in items)
ok = ok and all(type(r) is tuple and len(r) == 3 and type(r[2]) is bytes for r in back)
gc.collect()
tracked = [x for x in items + back if gc.is_tracked(x)]
print("  | items and results the collector still tracks after a collection:", len(tracked), tracked[:2])
ok = ok and len(items) > 0 and not tracked
ok = ok and "%016x" % res["checksum"] == cell["checksum"] and cell["checksum"] == cell["reference"]
sys.exit(0 if ok else 1)
PY
else
  echo "# Pool.map replay left out: $PYEXE cannot import this build's _gilbench"
fi

# An exception in a worker process, and a worker process that dies.
suite raise.ini square cpython-processes,cpython-asyncio,serial 2
GILBENCH_TEST_RAISE=3 expect_status 1 "an exception in a worker process fails the run" \
  "$GB" run "$WORK/raise.ini" -o "$WORK/raise" -q
if $PY - "$WORK/raise/results.json" "$NSTARTS" <<'PY'; then ok "the worker's traceback is in the results"; else not_ok "exception in a worker process"; fi
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
bad = [c for c in cells if (c["status"] != "ok") != c["strategy"].startswith("cpython-") or
       (c["strategy"].startswith("cpython-") and not ("InjectedError" in c["error"].split("\n")[0] and "in _raising" in c["error"]))]
for c in bad: print("  |", c["strategy"], c["options"], c["status"], c["error"])
sys.exit(1 if bad or len(cells) != 2 + int(sys.argv[2]) else 0)
PY
suite kill.ini nbody cpython-processes 2
GILBENCH_TEST_RAISE=kill:3 expect_status 1 "a worker process killed mid-run fails the run, no hang" \
  timeout 120 "$GB" run "$WORK/kill.ini" -o "$WORK/kill" -q
if $PY - "$WORK/kill/results.json" "$NSTARTS" <<'PY'; then ok "every cell says a worker process died"; else not_ok "dead worker process"; fi
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
bad = [c for c in cells if c["status"] != "failed" or "died" not in (c["error"] or "")]
for c in bad: print("  |", c["strategy"], c["options"], c["status"], c["error"])
sys.exit(1 if bad or len(cells) != int(sys.argv[2]) else 0)
PY
finish
