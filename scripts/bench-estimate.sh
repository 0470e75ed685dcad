#!/usr/bin/env bash
# bench-estimate.sh: how close the run-time estimate comes to the time a recorded run took (issue
# 18's target: within 10%, as early in the run as it can). It measures nothing: `gilbench
# estimate-replay` rebuilds each recorded run's plan from its journal, feeds its repetitions in
# the order and at the times they ended to the running estimate (harness/run/estimate.c), and
# prints, beside the 10% target, what the estimate would have said at 10%, 20%, ... 90% of the run,
# the plan's start figure, the worst error from 20% of the run on, and from when on it stayed
# within 10%. Replay any run folder, old or new: results written since the estimate kept its
# inputs (meta.duration.reference_s, the journal's at_s) replay exactly; older ones re-time the
# references (their start figure is then today's, on this machine as loaded now) and take the
# repetitions' own clocks.
# Usage: scripts/bench-estimate.sh [BUILD_DIR] RESULTS_DIR[:QUIET_UNTIL_S]...
#   QUIET_UNTIL_S: a run a load stretched from then on, replayed as if the machine had stayed as
#   it was (each later repetition at its cell's mean time before then), e.g. full:1150.
# Exit status 0 when every run's worst error from 20% on is within 10%, 1 when one is not.
set -euo pipefail
cd "$(dirname "$0")/.."
B=build
if [ $# -gt 0 ] && [ -f "$1/CMakeCache.txt" ]; then
  B=$1
  shift
fi
if [ $# -eq 0 ]; then
  echo "usage: scripts/bench-estimate.sh [BUILD_DIR] RESULTS_DIR[:QUIET_UNTIL_S]..." >&2
  exit 2
fi
[ -d "$B" ] || cmake -S . -B "$B" > /dev/null
cmake --build "$B" -j2 --target gilbench > /dev/null
status=0
for arg in "$@"; do
  dir=${arg%%:*}
  args=("$dir")
  if [ "$arg" != "$dir" ]; then args+=(--quiet-until "${arg#*:}"); fi
  out=$("$B/gilbench" estimate-replay "${args[@]}")
  echo "$out"
  worst=$(sed -n 's/.*worst error from 20% on: \([0-9.]*\)%.*/\1/p' <<< "$out")
  from=$(sed -n 's/^within 10% from [0-9]* s on (\([0-9]*\)% of the run).*/\1/p' <<< "$out")
  echo "figure: worst error from 20% of the run on: ${worst}% (target: within 10%)"
  echo "figure: within 10% from ${from}% of the run on (target: as early as it can)"
  echo
  if awk -v w="$worst" 'BEGIN { exit !(w > 10) }'; then status=1; fi
done
exit $status
