#!/usr/bin/env bash
# Proof of work, under every native strategy, with the test-only fault switches
# (GILBENCH_TEST_FAULT=KIND:TASK[,KIND:TASK...]; task.h):
#   in:3, out:3    one byte of task 3's input (output) payload flipped in transit;
#   skipcopy:3     the worker makes task 3's input itself (without the run secret) instead of
#                  reading the payload it received;
#   reuse:3        the worker returns its previous kernel result for task 3 instead of running it;
#   skipio:3       task 3's I/O ops return without doing their I/O: tcp without the server (its
#                  tally of requests catches it), file without writing (the harness reads every
#                  written file back) and sleep without waiting (its measured time catches it).
# Each fails every cell (with the check that caught it in the error), the run exits 1 and still
# writes a valid results file. reuse, skipcopy and skipio pass unnoticed on a build without these
# checks: nbody ignored its task and input, inputs were regenerable from the task index alone, and
# nothing counted what the server served, what was written or how long a sleep took.
source "$(dirname "$0")/lib.sh"
check() { # results.json, cells expected, error pattern for each workload (workload=regex ...)
  $PY - "$@" <<'PY'
import json, re, sys
cells = json.load(open(sys.argv[1]))["cells"]
want = dict(a.split("=", 1) for a in sys.argv[3:])
# A strategy this build lacks is skipped with its reason; every other cell must have failed.
unavailable = lambda c: c["status"] == "skipped" and "built without" in (c["error"] or "")
bad = [c for c in cells if not unavailable(c) and
       (c["status"] != "failed" or not re.search(want[c["workload"]], c["error"] or ""))]
for c in bad: print("  |", c["workload"], c["strategy"], c["status"], c["error"])
sys.exit(1 if bad or len(cells) != int(sys.argv[2]) else 0)  # workloads x (serial + 6 at w=2)
PY
}
run() { # fault, workloads, folder
  GILBENCH_TEST_FAULT=$1 expect_status 1 "fault $1 fails the run ($2)" \
    "$GB" run -w "$2" -s native -n 2 -p quick --reps 2 --warmup 0 -o "$WORK/$3" -q
}
SUM="differs from the reference"
for dir in in out; do
  run $dir:3 sumloop,square,tcp-io $dir
  pat=$SUM tcp=$SUM
  # A flipped input byte also changes task 3's request: the server's digest sees it first.
  [ $dir = in ] && tcp="the loopback server served 64 requests .*, digest [0-9a-f]+\); the plan implies 64"
  # (mpi's rank 0 is a process of its own: its check's wrong result fails the checksum)
  [ $dir = out ] && pat="task 3: the output payload received does not match its result|$SUM" tcp=$pat
    check "$WORK/$dir/results.json" 21 "sumloop=$pat" "square=$pat" "tcp-io=$tcp" &&
    ok "fault $dir: every cell failed ($pat)" || not_ok "fault $dir"
done
for f in reuse skipcopy; do
  run $f:3 nbody,spectral-norm $f
  check "$WORK/$f/results.json" 14 "nbody=$SUM" "spectral-norm=$SUM" &&
    ok "fault $f: every nbody and spectral-norm cell failed its checksum" || not_ok "fault $f"
done
run skipio:3 tcp-io,file-io,sleep-io skipio
check "$WORK/skipio/results.json" 21 \
  "tcp-io=the loopback server served 63 requests .*the plan implies 64" \
  "file-io=task 3: .*/task-3-16384\\.dat is missing" \
  "sleep-io=sleep op of task 3 took [0-9]+ ns, less than the 1000000 ns it must wait" &&
  ok "fault skipio: the server's tally, the written files and the sleeps' times each fail their cells" ||
  not_ok "fault skipio"
# Several switches at once, and a switch that cannot be read.
run reuse:5,skipcopy:2 nbody both
check "$WORK/both/results.json" 7 "nbody=$SUM" && ok "two switches at once" || not_ok "two switches"
GILBENCH_TEST_FAULT=reuse:x expect_status 2 "an unreadable switch is refused" "$GB" run -w nbody -s serial -o "$WORK/bad" -q
expect_grep "GILBENCH_TEST_FAULT=reuse:x: 'reuse:x': expected KIND:TASK" err.txt "the refusal names the switch"
# Without a switch the same runs pass (the tests above are not failing for another reason).
expect_status 0 "no fault: the same runs pass" "$GB" run -w sumloop,square,tcp-io,nbody,spectral-norm,file-io,sleep-io \
  -s native -n 2 -p quick --reps 1 --warmup 0 -o "$WORK/clean" -q
finish
