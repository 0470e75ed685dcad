#!/usr/bin/env bash
# run.sh: the main job. Set-up, build, then the default suite; ends by printing where the results
# are and a console summary. Extra arguments go to `gilbench run` (e.g. -p quick).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
status=0
./build/gilbench run default "$@" || status=$?
echo
echo "results: $(pwd)/results/latest/results.json"
exit $status
