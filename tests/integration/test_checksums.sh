#!/usr/bin/env bash
# Every native strategy x every workload at the quick profile yields the reference checksum, for
# workers 1, 2 and 3 and both schedules; and for the strategies' option variants. (The cpython-*
# family, 50-100x slower in its Python twins, has test_cpython*.sh; mpi, whose every repetition
# starts mpiexec, has test_mpi.sh.)
source "$(dirname "$0")/lib.sh"
workloads=$(for f in "$SRC"/workloads/*.ini; do basename "$f" .ini; done | grep -vx findings | paste -sd, -)

check_all_ok() { # check_all_ok DIR MIN_CELLS DESC
  if $PY - "$1/results.json" "$2" <<'PY'; then ok "$3"; else not_ok "$3"; fi
import json, sys
r = json.load(open(sys.argv[1]))
cells = r["cells"]
# A strategy this build lacks (e.g. openmp in the TSan build) is skipped with its reason: fine.
unavailable = lambda c: c["status"] == "skipped" and "built without" in (c["error"] or "")
bad = [c for c in cells if not unavailable(c) and
       (c["status"] != "ok" or c["checksum"] != c["reference"] or len(c["reps"]) != 1)]
for c in bad:
    print("  |", c["workload"], c["strategy"], c["workers"], c["status"], c["error"], c["checksum"], c["reference"])
if len(cells) < int(sys.argv[2]):
    print("  | only %d cells" % len(cells)); sys.exit(1)
sys.exit(1 if bad else 0)
PY
}

nw=$(echo "$workloads" | tr , '\n' | wc -l)
for sched in static dynamic; do
  expect_status 0 "all strategies x all workloads, workers 1,2,3, schedule=$sched" \
    "$GB" run -w "$workloads" -s native,-mpi -n 1,2,3 -p quick --reps 1 --warmup 0 --set schedule=$sched -o "$WORK/$sched" -q
  check_all_ok "$WORK/$sched" $((nw * 13)) "every cell ok with the reference checksum (schedule=$sched)"
done
# chunk > 1 splits tasks unevenly across workers
expect_status 0 "chunk=3 with 2 and 3 workers" \
  "$GB" run -w sumloop,nbody,binary-trees -s threads,processes,openmp,gil -n 2,3 -p quick --reps 1 --warmup 0 --set chunk=3 -o "$WORK/chunk" -q
check_all_ok "$WORK/chunk" 24 "chunked cells ok"
# processes: both transports; one slot in flight; no spinning (every wait is a futex sleep, so a
# lost wake-up hangs the cell); large chunks over several groups of different payload sizes.
expect_status 0 "processes over pipes, inflight 1" \
  "$GB" run -w sumloop,square,mandelbrot,convoy -s processes -n 1,2,3 -p quick --reps 1 --warmup 0 --set processes.transfer=pipe --set processes.inflight=1 -o "$WORK/pipe" -q
check_all_ok "$WORK/pipe" 12 "pipe cells ok"
expect_status 0 "processes over shared memory, no spinning, inflight 1" \
  "$GB" run -w sumloop,square,mandelbrot,convoy -s processes -n 1,2,3 -p quick --reps 1 --warmup 0 --set processes.spin_us=0 --set processes.inflight=1 -o "$WORK/shm" -q
check_all_ok "$WORK/shm" 12 "shm cells ok"
expect_status 0 "processes, both transports, chunk 700 over two groups" \
  "$GB" run -w convoy,square -s processes -n 2,3 -p quick --reps 1 --warmup 0 --set chunk=700 --set processes.spin_us=0 -o "$WORK/big" -q
check_all_ok "$WORK/big" 4 "chunk-700 cells ok"
expect_status 0 "old GIL model" \
  "$GB" run -w sumloop,nbody -s gil -n 2,3 -p quick --reps 1 --warmup 0 --set gil.model=old -o "$WORK/old" -q
check_all_ok "$WORK/old" 4 "old-model cells ok"
finish
