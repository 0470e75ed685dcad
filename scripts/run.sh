#!/usr/bin/env bash
# run.sh: the main job. Set-up, build, then the default suite; ends with a console summary, the
# report of the run (charts, HTML, Markdown, CSV) and where both are. Extra arguments go to
# `gilbench run` (e.g. -p quick).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with mpi # the default suite has the mpi strategy
scripts/build.sh
status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
./build/gilbench run default "$@" | tee "$log" || status=$?
# The folder this run wrote (the last "results: DIR/results.json" line; -o may have moved it).
results=$(sed -n 's/^results: //p' "$log" | tail -n 1)
results=${results:-results/latest/results.json}
echo
echo "results: $(readlink -f "$results")"
if [ -f "$results" ]; then
  ./build/gilbench report "$results" > /dev/null || { [ "$status" -ne 0 ] || status=1; }
  echo "report:  $(readlink -f "$(dirname "$results")")/report/report.html"
fi
exit $status
