#!/usr/bin/env bash
# The checksum really covers the payloads: with the test-only fault switch flipping one byte of
# one task's input (or output) payload in transit, every strategy's cell fails with a checksum
# error, the run exits 1 and still writes a valid results file.
source "$(dirname "$0")/lib.sh"
for dir in in out; do
  GILBENCH_TEST_FAULT=$dir:3 expect_status 1 "fault $dir:3 fails the run" \
    "$GB" run -w sumloop,square,tcp-io -s native -n 2 -p quick --reps 2 --warmup 0 -o "$WORK/$dir" -q
  if $PY - "$WORK/$dir/results.json" <<'PY'; then ok "fault $dir: every cell failed with a checksum error"; else not_ok "fault $dir"; fi
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
# A strategy this build lacks is skipped with its reason; every other cell must have failed.
unavailable = lambda c: c["status"] == "skipped" and "built without" in (c["error"] or "")
bad = [c for c in cells if not unavailable(c) and
       (c["status"] != "failed" or "differs from the reference" not in (c["error"] or ""))]
for c in bad: print("  |", c["workload"], c["strategy"], c["status"], c["error"])
sys.exit(1 if bad or len(cells) != 21 else 0)  # 3 workloads x (serial + 6 strategies at w=2)
PY
done
# Without the switch the same run passes (the test above is not failing for another reason).
expect_status 0 "no fault: the same run passes" "$GB" run -w sumloop,square,tcp-io -s native -n 2 -p quick --reps 1 --warmup 0 -o "$WORK/clean" -q
finish
