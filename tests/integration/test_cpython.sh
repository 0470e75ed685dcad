#!/usr/bin/env bash
# The embedded CPython, in-process strategies: cpython-serial, -threads, -ext, -ext-held and
# -subinterp (skipped with its reason before 3.12) x every workload at the quick profile (convoy
# with a smaller CPU task) give the reference checksum; cpython.switch_interval_us reaches every cpython-* cell and meta.python
# describes the interpreter; a Python exception fails only its cell, with its traceback in the
# results and one readable console line; phases may mix python = twin, ext and ext-held; the
# test-only payload fault switch fails every
# cpython-* cell (the Python runner really moves and checks payloads).
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/integration/cpython_lib.sh"

expect_status 0 "cpython-serial, -threads, -ext, -ext-held, -subinterp x every workload" \
  "$GB" run -w "$WORKLOADS" -s cpython-serial,cpython-threads,cpython-ext,cpython-ext-held,cpython-subinterp \
  -n 2 -p quick --reps 1 --warmup 0 -o "$WORK/matrix" -q
cells_ok "$WORK/matrix/results.json" $((NWORKLOADS * 5)) "every in-process cpython-* cell has the reference checksum"
if [ -f "$SRC/workloads/convoy.ini" ]; then
  expect_status 0 "convoy (smaller CPU task) through the in-process cpython-* strategies" \
    "$GB" run -w convoy -s cpython-serial,cpython-threads,cpython-ext,cpython-ext-held -n 2 -p quick --reps 1 \
    --warmup 0 --set "$CONVOY_SMALL" -o "$WORK/convoy" -q
  cells_ok "$WORK/convoy/results.json" 4 "convoy cells have the reference checksum and every latency"
fi

# A workload whose phases say python = ext / ext-held beside a twin phase, with payload sizes that
# are not multiples of 8.
cat > mixed.ini <<'INI'
[workload]
name = mixed-py
summary = a twin phase between two C-kernel phases
kind = cpu
tasks = 6
input_bytes = 100
output_bytes = 30
[phase.1]
kernel = nbody
n = 2000
python = ext
[phase.2]
kernel = sumloop
n = 20000
[phase.3]
kernel = fannkuch-redux
n = 6
python = ext-held
INI
expect_status 0 "phases with python = ext and ext-held beside a twin" \
  "$GB" run -w "$WORK/mixed.ini" -s 'cpython-*,-cpython-futures,-cpython-joblib,-cpython-dask,-cpython-ray,-cpython-spark' -n 2 --reps 1 --warmup 0 --set cpython-processes.start=$SPAWN -o "$WORK/mixed" -q
cells_ok "$WORK/mixed/results.json" 7 "mixed python = modes give the reference checksum"

# Options and metadata: the family key, a strategy's own key winning over it, meta.python.
expect_status 0 "cpython.switch_interval_us and cpython-threads.switch_interval_us" \
  "$GB" run -w square -s cpython-serial,cpython-threads,gil -n 2 -p quick --reps 1 --warmup 0 \
  --set cpython.switch_interval_us=1000 --set cpython-threads.switch_interval_us=200 -o "$WORK/opts" -q
if $PY - "$WORK/opts/results.json" <<'PY'; then ok "options reach the cells; meta.python describes the interpreter"; else not_ok "options or meta.python"; fi
import json, sys
r = json.load(open(sys.argv[1]))
want = {"cpython-serial": 1000, "cpython-threads": 200}
got = {c["strategy"]: c["options"].get("switch_interval_us") for c in r["cells"]}
py = r["meta"]["python"]
print("  |", got, py)
ok = all(got[s] == v for s, v in want.items()) and got["gil"] == 5000
ok = ok and py["implementation"] == "CPython" and py["version"].startswith("3.") and py["gil_enabled"] in (True, False, None)
ok = ok and isinstance(py["free_threaded"], bool) and py["switch_interval_us_default"] == 5000
ok = ok and all(c["baseline"]["strategy"] == "cpython-serial" for c in r["cells"] if c["strategy"].startswith("cpython-"))
sys.exit(0 if ok else 1)
PY
# Like with like: cpython-ext is measured against the C kernels called serially from Python
# (cpython-ext-serial, added to the plan beside cpython-serial), not against the Python twins; the
# C-over-twin factor is reported apart. The bound is generous (a loaded 2-PU machine): before,
# cpython-ext at 1 worker on binary-trees reported 3.59x over cpython-serial.
expect_status 0 "cpython-ext beside cpython-serial at 1 worker" \
  "$GB" run -w binary-trees -s cpython-serial,cpython-ext -n 1 -p quick --reps 3 --warmup 1 -o "$WORK/like" -q
if $PY - "$WORK/like/results.json" <<'PY'; then ok "cpython-ext at 1 worker is near 1x its own baseline; the implementation factor is apart"; else not_ok "like with like"; fi
import json, sys
cells = {c["strategy"]: c for c in json.load(open(sys.argv[1]))["cells"]}
ext, es = cells.get("cpython-ext"), cells.get("cpython-ext-serial")
for c in cells.values(): print("  |", c["strategy"], c["baseline"], c["speedup"], c.get("implementation"))
ok = ext is not None and es is not None and ext["baseline"]["strategy"] == "cpython-ext-serial"
ok = ok and ext["speedup"] is not None and ext["speedup"] < 1.5 and ext.get("implementation") is None
impl = es.get("implementation") if es else None
# The factor itself is a measurement (C kernels over Python twins: above 1 in a plain build, below
# in a sanitizer build, whose instrumented kernels are the slow side): present and positive.
ok = ok and impl is not None and impl["reference"] == "cpython-serial" and impl["factor"] > 0
sys.exit(0 if ok else 1)
PY
if "$GB" show "$WORK/like" | grep -q "cpython-ext-serial .*against cpython-serial"; then
  ok "show lists the implementation factor apart"
else
  not_ok "show: implementation factor"
fi

expect_status 2 "cpython.NOPE is refused" "$GB" run -w square -s cpython-serial --set cpython.nope=1 -o "$WORK/bad" -q
expect_grep "cpython.nope: unknown option 'nope' of the cpython family" err.txt "the refusal names the option"

# A Python exception in a worker: only its cells fail, with the traceback; the run goes on.
GILBENCH_TEST_RAISE=3 expect_status 1 "an exception in the Python kernel of task 3 fails the run" \
  "$GB" run -w square -s serial,threads,cpython-serial,cpython-threads,cpython-ext,cpython-ext-held,cpython-subinterp -n 2 -p quick \
  --reps 2 --warmup 0 -o "$WORK/raise"
if $PY - "$WORK/raise/results.json" <<'PY'; then ok "the cpython-* cells failed with the traceback; the native ones passed"; else not_ok "exception cells"; fi
import json, os, re, sys
cells = json.load(open(sys.argv[1]))["cells"]
bad = []
for c in cells:
    err = c["error"] or ""
    # A long traceback (a long path makes it long) is cut, the whole of it in a file beside the
    # results: read it, so that nothing here depends on the length of a path.
    m = re.search(r"\[\.\.\. the whole traceback is in (\S+)\]", err)
    if m:
        err += open(os.path.join(os.path.dirname(sys.argv[1]), m.group(1))).read()
    if c["status"] == "skipped" and "need 3.12" in err:
        continue  # cpython-subinterp before 3.12
    if c["strategy"].startswith("cpython-"):
        first = err.split("\n")[0]
        if not (c["status"] == "failed" and "raised" in first and "InjectedError" in first
                and "Traceback (most recent call last)" in err and "in _raising" in err):
            bad.append(c)
    elif c["status"] != "ok":
        bad.append(c)
for c in bad: print("  |", c["strategy"], c["workers"], c["status"], c["error"])
sys.exit(1 if bad or len(cells) != 8 else 0)  # cpython-ext-serial joins as -ext's baseline
PY
if grep -q "cpython-threads .*failed .*raised .*InjectedError.*(the rest in results.json)" err.txt &&
   ! grep -q "Traceback" err.txt; then
  ok "the console has one readable line per failed cell"
else
  not_ok "console lines"; sed 's/^/  | /' err.txt | head -20
fi

# The payload fault switches fail every cpython-* cell: the Python runner checks payloads too (in:
# the checksum; out: the coordinator's check of each output against its result).
for dir in in out; do
  GILBENCH_TEST_FAULT=$dir:3 expect_status 1 "fault $dir:3 fails the cpython-* cells" \
    "$GB" run -w square -s cpython-serial,cpython-threads,cpython-ext,cpython-ext-held -n 2 -p quick \
    --reps 1 --warmup 0 -o "$WORK/fault-$dir" -q
  pat="differs from the reference"
  [ $dir = out ] && pat="ProofError: task 3: the output payload received does not match its result"
  if $PY - "$WORK/fault-$dir/results.json" "$pat" <<'PY'; then ok "fault $dir: $pat"; else not_ok "fault $dir"; fi
import json, re, sys
cells = json.load(open(sys.argv[1]))["cells"]
bad = [c for c in cells if c["status"] != "failed" or not re.search(sys.argv[2], c["error"] or "")]
for c in bad: print("  |", c["strategy"], c["status"], c["error"])
sys.exit(1 if bad or len(cells) != 5 else 0)  # with cpython-ext-serial
PY
done
# Proof of work under every cpython-* strategy (tests/integration/test_fault.sh has the native
# ones): a worker that reuses its previous kernel result, makes its own input instead of reading
# the payload, or skips its I/O fails its cell.
faulted() { # fault, workloads, folder, then workload=regex for each workload
  local f=$1 w=$2 d=$3
  shift 3
  GILBENCH_TEST_FAULT=$f expect_status 1 "fault $f fails the cpython-* cells ($w)" \
    "$GB" run -w "$w" -s 'cpython-*' -n 2 -p quick --reps 1 --warmup 0 -o "$WORK/$d" -q
  $PY - "$WORK/$d/results.json" "$@" <<'PY'
import json, re, sys
cells = json.load(open(sys.argv[1]))["cells"]
want = dict(a.split("=", 1) for a in sys.argv[2:])
# A strategy this machine cannot run (subinterp before 3.12, a library not installed) is skipped
# with its reason; every other cell must have failed, at least the six that need nothing more.
skipped = lambda c: c["status"] == "skipped" and (c["error"] or "")
bad = [c for c in cells if not skipped(c) and (c["status"] != "failed" or not re.search(want[c["workload"]], c["error"] or ""))]
for c in bad: print("  |", c["workload"], c["strategy"], c["status"], c["error"])
failed = [c for c in cells if c["status"] == "failed"]
sys.exit(1 if bad or len(failed) < 6 * len(want) else 0)
PY
}
for f in reuse skipcopy; do
  faulted $f:3 nbody $f "nbody=differs from the reference" && ok "fault $f: every cpython-* cell failed its checksum" || not_ok "fault $f"
done
faulted skipio:3 tcp-io,file-io,sleep-io skipio "tcp-io=the loopback server served 63 requests .*the plan implies 64" \
  "file-io=task 3: .*/task-3-16384\\.dat is missing" "sleep-io=sleep op of task 3 took [0-9]+ ns, less than the 1000000 ns" &&
  ok "fault skipio: the server's tally, the written files and the sleeps' times fail every cpython-* cell" || not_ok "fault skipio"
finish
