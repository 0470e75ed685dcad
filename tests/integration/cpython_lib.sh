# cpython_lib.sh: helpers of the cpython-* integration tests (sourced after lib.sh).
# Every shipped workload but convoy, whose quick CPU task (300M iterations, ~11 s in Python) the
# tests run smaller (CONVOY_SMALL), payload and tasksize (square and sumloop in other shapes,
# whose payloads the Python twin hashes slowly), null and null-io (fixed costs: test_contract runs
# them); findings.ini holds rules, not a workload.
WORKLOADS=$(for f in "$SRC"/workloads/*.ini; do basename "$f" .ini; done | grep -vx -e convoy -e findings -e payload -e tasksize -e null -e null-io | paste -sd, -)
NWORKLOADS=$(echo "$WORKLOADS" | tr , '\n' | wc -l)
CONVOY_SMALL="group.cpu.phase.1.n=3000000"
# The list once, in a file: grep -q on a pipe would end gilbench with SIGPIPE (pipefail).
"$GB" list strategies > strategies.txt
if ! grep -q '^  cpython-serial' strategies.txt; then
  echo "SKIP: this gilbench has no cpython-* strategies"; exit 77
fi
if grep -q '^  cpython-serial .*\[unavailable' strategies.txt; then
  echo "SKIP: cpython-* unavailable in this build: $(grep '^  cpython-serial' strategies.txt)"; exit 77
fi

# Whether the build's interpreter can import the _gilbench shared module, which multiprocessing's
# spawn children need. A sanitizer build's module cannot be (its instrumented code needs the
# sanitizer runtime, which only gilbench itself carries): spawn is then left out, and said so.
PYEXE=$(sed -n 's/^Python3_EXECUTABLE:[A-Z]*=//p' "$(dirname "$GB")/CMakeCache.txt" 2>/dev/null || true)
PYEXE=${PYEXE:-/usr/bin/python3}
if "$PYEXE" -c "import sys; sys.path.insert(0, '$(dirname "$GB")/python'); import _gilbench" > spawn-check.txt 2>&1; then
  STARTS="fork, spawn"
  SPAWN=spawn
else
  STARTS="fork"
  SPAWN=fork
  echo "# spawn left out: $PYEXE cannot import this build's _gilbench ($(tail -1 spawn-check.txt))"
fi

# cells_ok RESULTS MIN_CELLS DESC: every cell ok with the reference checksum, except strategies
# this build or interpreter lacks (skipped with their reason).
cells_ok() {
  if $PY - "$1" "$2" <<'PY'; then ok "$3"; else not_ok "$3"; fi
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
skip = lambda c: c["status"] == "skipped" and ("built without" in (c["error"] or "") or "need 3.12" in (c["error"] or ""))
bad = [c for c in cells if not skip(c) and (c["status"] != "ok" or c["checksum"] != c["reference"])]
for c in bad:
    print("  |", c["workload"], c["strategy"], c["workers"], c["options"], c["status"], (c["error"] or "")[:300], c["checksum"], c["reference"])
if len(cells) < int(sys.argv[2]):
    print("  | only %d cells" % len(cells)); sys.exit(1)
sys.exit(1 if bad else 0)
PY
}
