# lib.sh: helpers for the integration tests (sourced). $1 of the test: the gilbench binary;
# $2: the source tree; $3: gilbench-test (the binary with test-only kernels), when given. Each test works in its own temporary folder, removed on exit.
set -euo pipefail
GB=$(readlink -f "$1")
SRC=$(readlink -f "$2")
GBT=$(readlink -f "${3:-$1}")
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/gilbench-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
fails=0
passes=0

ok() { passes=$((passes + 1)); echo "ok - $*"; }
not_ok() { fails=$((fails + 1)); echo "not ok - $*"; }

# expect_status WANT DESC COMMAND...: run COMMAND, compare its exit status with WANT.
expect_status() {
  local want=$1 desc=$2 rc=0
  shift 2
  "$@" > out.txt 2> err.txt || rc=$?
  if [ "$rc" -eq "$want" ]; then ok "$desc"; else not_ok "$desc (exit $rc, wanted $want)"; sed 's/^/  | /' err.txt | head -20; fi
}

# expect_grep PATTERN FILE DESC: FILE contains PATTERN (extended regex).
expect_grep() {
  if grep -Eq -- "$1" "$2"; then ok "$3"; else not_ok "$3 (no /$1/ in $2)"; sed 's/^/  | /' "$2" | head -20; fi
}

# write_spin_workload FILE: a workload of 2 tasks whose kernel (test-spin, from the test build)
# never returns: a cell that hangs, for timeout tests.
write_spin_workload() {
  cat > "$1" <<'INI'
[workload]
name = spin
tasks = 2
schedule = static
[phase.1]
kernel = test-spin
worker = 1
n = 10
INI
}

finish() {
  echo "$passes passed, $fails failed"
  [ "$fails" -eq 0 ]
}
