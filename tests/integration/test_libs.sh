#!/usr/bin/env bash
# Python's parallel libraries as strategies: cpython-futures (thread and process executors),
# cpython-joblib (loky, threading, multiprocessing), cpython-dask (threads, processes,
# distributed), cpython-ray and cpython-spark x a CPU loop, tiny tasks and sleeps give the
# reference checksum, each with the library's workers' figures (tasks that add up, PUs seen) and
# its start-up apart from its wall time; a library whose module is missing is unavailable with
# the import error; a worker that raises fails only its cell, with the library's message, and no
# process of the library (Ray's raylet and workers, Spark's JVM and Python workers, Dask's
# cluster) is left behind. Libraries absent here are skipped with their reason.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/integration/cpython_lib.sh"
export GILBENCH_TEST_MARK="$WORK"

LIBS=(cpython-futures cpython-joblib cpython-dask cpython-ray cpython-spark)
avail=()
for s in "${LIBS[@]}"; do
  line=$(grep "^  $s " strategies.txt || true)
  if [ -z "$line" ]; then
    not_ok "$s is registered"
  elif echo "$line" | grep -q '\[unavailable'; then
    echo "# skip $s: ${line#*\[unavailable: }"
  else
    avail+=("$s")
  fi
done
if [ ${#avail[@]} -eq 0 ]; then echo "SKIP: no library strategy can run here"; exit 77; fi
list=$(IFS=,; echo "${avail[*]}")

cat > tiny-sumloop.ini <<'INI'
[workload]
name = tiny-sumloop
summary = a counted loop, 8 tasks
kind = cpu
schedule = dynamic
chunk = 1
tasks = 8
input_bytes = 100
output_bytes = 24
[phase.1]
kernel = sumloop
n = 20000
INI
cat > tiny-square.ini <<'INI'
[workload]
name = tiny-square
summary = 240 tiny tasks, static chunks of 8, a C kernel called from Python
kind = cpu
schedule = static
chunk = 8
tasks = 240
input_bytes = 8
output_bytes = 8
[phase.1]
kernel = square
n = 12345
[phase.2]
kernel = sumloop
n = 1000
python = ext
INI
cat > tiny-sleep.ini <<'INI'
[workload]
name = tiny-sleep
summary = 12 tasks of two 500 us sleeps
kind = io
schedule = dynamic
chunk = 2
tasks = 12
input_bytes = 16
output_bytes = 16
[phase.1]
io = sleep
us = 500
[phase.2]
io = sleep
us = 500
INI
cat > libs.ini <<INI
[suite]
workloads = ./tiny-sumloop.ini, ./tiny-square.ini, ./tiny-sleep.ini
strategies = cpython-serial, $list
workers = 2
reps = 1
warmup = 0
[set]
cpython-futures.executor = thread, process
cpython-joblib.backend = loky, threading, multiprocessing
cpython-dask.scheduler = threads, processes, distributed
INI
expect_status 0 "every available library strategy x sumloop, square, sleep" "$GB" run libs.ini -o "$WORK/libs" -q
cells_ok "$WORK/libs/results.json" 6 "every library cell has the reference checksum"
if $PY - "$WORK/libs/results.json" <<'PY'; then ok "library workers' figures: tasks add up, PUs seen, start-up apart, latencies counted"; else not_ok "library workers' figures"; fi
import json, sys
bad = 0
for c in json.load(open(sys.argv[1]))["cells"]:
    if not c["strategy"].startswith("cpython-") or c["strategy"] == "cpython-serial" or c["status"] != "ok":
        continue
    for r in c["reps"]:
        tasks = sum(w["tasks"] for w in r["workers"])
        seen = [w for w in r["workers"] if w["pus_seen"]]
        name = "%s %s %s" % (c["workload"], c["strategy"], c["options"])
        if tasks != {"tiny-sumloop": 8, "tiny-square": 240, "tiny-sleep": 12}[c["workload"]]:
            print("  | %s: workers ran %d tasks" % (name, tasks)); bad = 1
        if not seen:
            print("  | %s: no worker was seen on a PU" % name); bad = 1
        if r["startup_s"] <= 0 or r["wall_s"] <= 0:
            print("  | %s: startup %s wall %s" % (name, r["startup_s"], r["wall_s"])); bad = 1
        if c["workload"] == "tiny-sleep" and r["latency_us"]["count"] != 24:
            print("  | %s: %s latencies, 24 planned" % (name, r["latency_us"]["count"])); bad = 1
sys.exit(bad)
PY

# A worker that raises fails only its cell, with the library's message; nothing is left running.
# Every process this test's gilbench starts inherits GILBENCH_TEST_MARK (Ray's raylet and workers,
# Spark's JVM and its Python workers, Dask's nannies): those still alive are this test's leftovers,
# whatever other programs on the machine are running.
export GILBENCH_TEST_MARK="$WORK"
leftovers() {
  local p
  for p in /proc/[0-9]*; do
    if tr '\0' '\n' < "$p/environ" 2>/dev/null | grep -qxF "GILBENCH_TEST_MARK=$WORK"; then
      echo "${p#/proc/} $(tr '\0' ' ' < "$p/cmdline" 2>/dev/null | cut -c1-150)"
    fi
  done
}
GILBENCH_TEST_RAISE=3 "$GB" run -w ./tiny-sumloop.ini -s "cpython-serial,$list" -n 2 --reps 1 --warmup 0 \
  -o "$WORK/raise" -q > raise.out 2> raise.err || true
if $PY - "$WORK/raise/results.json" <<'PY'; then ok "a raising worker fails each library's cell with its message"; else not_ok "a raising worker fails each library's cell"; fi
import json, sys
bad = 0
for c in json.load(open(sys.argv[1]))["cells"]:
    if c["strategy"] == "cpython-serial":
        continue
    if c["status"] != "failed" or "GILBENCH_TEST_RAISE" not in (c["error"] or ""):
        print("  |", c["strategy"], c["status"], (c["error"] or "")[:200]); bad = 1
sys.exit(bad)
PY
# A library worker process that dies (SIGKILL, test-only kill:TASK) fails its cell; no retries.
cat > kill.ini <<INI
[suite]
workloads = ./tiny-sumloop.ini
strategies = cpython-serial, $list
workers = 2
reps = 1
warmup = 0
[set]
cpython-futures.executor = process
cpython-dask.scheduler = distributed
INI
GILBENCH_TEST_RAISE=kill:3 "$GB" run kill.ini -o "$WORK/kill" -q > kill.out 2> kill.err || true
if $PY - "$WORK/kill/results.json" <<'PY'; then ok "a library worker process that dies fails its cell"; else not_ok "a dying library worker fails its cell"; fi
import json, sys
bad = 0
for c in json.load(open(sys.argv[1]))["cells"]:
    if c["strategy"] in ("cpython-serial",):
        continue
    threads_only = c["strategy"] == "cpython-joblib" and c["options"].get("backend") == "threading"
    if threads_only:
        continue
    if c["status"] != "failed" or not (c["error"] or "").startswith("a library worker raised"):
        print("  |", c["strategy"], c["options"], c["status"], (c["error"] or "")[:200]); bad = 1
sys.exit(bad)
PY
sleep 1
left=$(leftovers)
if [ -z "$left" ]; then ok "no library process outlives its repetition"; else not_ok "library processes left behind"; echo "$left" | sed 's/^/  | /'; fi

# A library that cannot be imported is unavailable with the import error as its reason.
if grep -q "^  cpython-ray .*No module named 'ray'" strategies.txt; then
  ok "cpython-ray unavailable with the import error (no Ray here)"
elif "$PY" -c 'import sys; sys.exit(0)' && [ -n "$(ls "$SRC/.venv/bin/python" 2>/dev/null)" ]; then
  ok "cpython-ray's availability follows the project's .venv (present)"
else
  not_ok "cpython-ray is available without a .venv"
fi
finish
