#!/usr/bin/env bash
# The processes strategy's hand-out over its shared-memory rings:
# - with no spinning every wait is a futex sleep: the workers and the coordinator sleep and are
#   woken, every task runs exactly once (each repetition's tasks, per worker and in all), the
#   checksum is the reference, and the sleeps are batched (fewer futex calls than tasks at chunk 1;
#   one wake per chunk each way would be about 2 a task);
# - a short run is shared out: 8 tasks of a dynamic schedule at 2 workers give each worker some
#   (the first fill used to put a whole ring on worker 0);
# - both transports at the default depth (up to 32 chunks outstanding), at chunk 1 and 1000.
source "$(dirname "$0")/lib.sh"

check() { # check DIR DESC PYTHON-CONDITION-ON-(c, r): every repetition r of every cell c holds
  if $PY - "$1/results.json" "$3" <<'PY'; then ok "$2"; else not_ok "$2"; fi
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
bad = 0
for c in cells:
    if c["status"] != "ok" or c["checksum"] != c["reference"]:
        print("  |", c["workload"], c["workers"], c["status"], c["error"]); bad += 1; continue
    for r in c["reps"]:
        if not eval(sys.argv[2], {"c": c, "r": r, "n": c["params"]["tasks"]}):
            print("  |", c["workload"], c["workers"], "tasks", r["tasks_done"], [w["tasks"] for w in r["workers"]],
                  r["metrics"]); bad += 1
sys.exit(1 if bad or not cells else 0)
PY
}

expect_status 0 "no spinning: square at 1, 2 and 3 workers" \
  "$GB" run -w square -s processes -n 1,2,3 -p quick --reps 2 --warmup 0 --set processes.spin_us=0 -o "$WORK/sleep" -q
check "$WORK/sleep" "every task once, per worker and in all, with the reference checksum" \
  'r["tasks_done"] == n and sum(w["tasks"] for w in r["workers"]) == n'
check "$WORK/sleep" "the workers slept and were woken: futex calls made, fewer than one a task" \
  '0 < r["metrics"]["ipc_syscalls"] < n'

cat > "$WORK/eight.ini" << 'INI'
[workload]
name = eight
summary = 8 tasks of a dynamic schedule
kind = cpu
schedule = dynamic
chunk = 1
tasks = 8
[phase.1]
kernel = sumloop
n = 200000
INI
for tr in shm pipe; do
  expect_status 0 "$tr: 8 tasks at 2 workers" \
    "$GB" run -w "$WORK/eight.ini" -s processes -n 2 --reps 2 --warmup 0 --set processes.transfer=$tr -o "$WORK/eight-$tr" -q
  check "$WORK/eight-$tr" "$tr: each worker ran some of the 8 tasks" 'all(w["tasks"] > 0 for w in r["workers"])'
  expect_status 0 "$tr: the default depth, chunk 1 and 1000" \
    "$GB" run -w square,square-batched -s processes -n 1,2 -p quick --reps 1 --warmup 0 --set processes.transfer=$tr -o "$WORK/depth-$tr" -q
  check "$WORK/depth-$tr" "$tr: every cell ok, every task once" 'r["tasks_done"] == n'
done
finish
