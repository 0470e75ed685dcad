#!/usr/bin/env bash
# Python hosts (docs/python-host.md; test_cpython and test_cpython_mp run the cpython-* matrix in
# its host): every family (cpython-serial, pypy, jython, pyenv's 2.7,
# 3.12 and 3.13 through --python) x sumloop, nbody, sleep-io and tcp-io at tiny sizes gives the
# reference checksum, or is skipped with the reason where the interpreter is absent; the payload
# fault switch and a Python exception fail host cells as they fail native ones; a host that crashes,
# hangs or prints garbage fails only its cell, with its stderr kept; a missing interpreter is
# reported unavailable; labels are checked; a free-threaded build (a stub that reports a disabled
# GIL) is labelled so and its -threads cells say the GIL was off; meta.pythons names each
# interpreter. Labelled `pythons`: kept out of the sanitizer stages.
source "$(dirname "$0")/lib.sh"

"$GB" list strategies > strategies.txt
if ! grep -q '^  pypy-serial' strategies.txt; then
  echo "SKIP: this gilbench has no Python hosts"; exit 77
fi
TINY=(-w sumloop,nbody,sleep-io,tcp-io --set tasks=4 --set phase.1.n=2000 --reps 1 --warmup 0 -q)

# cells_ok RESULTS MIN DESC: every cell ok with the reference checksum, or skipped with a reason.
cells_ok() {
  if $PY - "$1" "$2" <<'PY'; then ok "$3"; else not_ok "$3"; fi
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
bad = [c for c in cells if not (c["status"] == "skipped" and c["error"]) and
       (c["status"] != "ok" or c["checksum"] != c["reference"])]
for c in cells:
    if c["status"] == "skipped": print("  | skipped:", c["strategy"], c["error"])
for c in bad:
    print("  |", c["workload"], c["strategy"], c["workers"], c["status"], (c["error"] or "")[:400])
ran = [c for c in cells if c["status"] == "ok"]
if len(ran) < int(sys.argv[2]): print("  | only %d cells ran" % len(ran)); sys.exit(1)
sys.exit(1 if bad else 0)
PY
}

# The families shipped: cpython (its host), pypy, jython.
for fam in pypy jython; do
  if grep -q "^  $fam-serial .*\[unavailable" strategies.txt; then
    echo "# $fam skipped: $(grep "^  $fam-serial" strategies.txt | sed 's/.*\[unavailable: //')"
  fi
done
expect_status 0 "cpython, pypy and jython families x sumloop, nbody, sleep-io, tcp-io" \
  "$GB" run "${TINY[@]}" -s 'cpython-serial,pypy-*,jython-*' \
  -n 2 --set jython.timeout_s=300 -o "$WORK/fam"
cells_ok "$WORK/fam/results.json" 12 "every host cell has the reference checksum"
if $PY - "$WORK/fam/results.json" <<'PY'; then ok "jython-asyncio is skipped: no asyncio in 2.7; metadata and metrics"; else not_ok "jython-asyncio or metadata"; fi
import json, sys
r = json.load(open(sys.argv[1]))
cells, pys = r["cells"], r["meta"]["pythons"]
print("  |", {k: (v.get("implementation"), v.get("version"), v.get("gil_enabled"), v.get("unavailable")) for k, v in pys.items()})
ok = all("asyncio does not exist in Python 2.7" in (c["error"] or "") for c in cells if c["strategy"] == "jython-asyncio")
ok = ok and pys["cpython"]["implementation"] == "cpython" and pys["cpython"]["gil_enabled"] is True
ok = ok and pys["cpython"]["executable"] != "" and "pyenv" not in pys["cpython"]["executable"]
if "implementation" in pys.get("pypy", {}): ok = ok and pys["pypy"]["implementation"] == "pypy"
if "implementation" in pys.get("jython", {}): ok = ok and pys["jython"]["gil_enabled"] is False
for c in cells:
    if c["status"] != "ok": continue
    m = c["reps"][0]["metrics"]
    # start-up apart from the work, and every worker reported its CPU time and where it ran
    ok = ok and m["interp_startup_s"] > 0 and all(w["pus_seen"] for w in c["reps"][0]["workers"])
    ok = ok and (m["gil_enabled"] == 0) == c["strategy"].startswith("jython-")
sys.exit(0 if ok else 1)
PY

expect_status 0 "the report of the families" "$GB" report "$WORK/fam" --formats md -o "$WORK/famrep"
expect_grep '^\| sumloop \| cpython \| [0-9.e+-]+ s \| 1\.00× \|' "$WORK/famrep/report.md" \
  "report.md's Families table: cpython-serial is its own reference"
if grep -q "^  pypy-serial .*\[unavailable" strategies.txt; then :; else
  expect_grep '^\| nbody \| pypy \| [0-9.e+-]+ s \| [0-9.]+× \|' "$WORK/famrep/report.md" \
    "report.md's Families table: pypy against cpython-serial"
fi

# Jython's hooks come from gilbench: binding by thread id, CPU time from /proc.
if ! grep -q "^  jython-threads .*\[unavailable" strategies.txt; then
  expect_status 0 "jython-threads bound by --bind scatter" \
    "$GB" run -w sumloop --set tasks=4 --set phase.1.n=200000 -s jython-threads -n 2 --bind scatter --reps 1 \
    --warmup 0 -o "$WORK/jbind" -q
  if $PY - "$WORK/jbind/results.json" <<'PY'; then ok "each Jython worker bound, held there, with its CPU time"; else not_ok "Jython binding"; fi
import json, sys
c = json.load(open(sys.argv[1]))["cells"][0]
ws = c["reps"][0]["workers"]
for w in ws: print("  |", {k: w[k] for k in ("cpu_s", "pus_seen", "bound_pu", "bind_held", "tasks")})
sys.exit(0 if c["status"] == "ok" and all(w["bind_held"] is True and w["pus_seen"] == [w["bound_pu"]]
                                         and w["cpu_s"] > 0 and w["tasks"] > 0 for w in ws) else 1)
PY
fi

# Any Python by path: pyenv's where present.
PYENV=${PYENV_ROOT:-$HOME/.pyenv}/versions
ANY=()
for v in 2.7 3.12 3.13; do
  exe=$(ls -d "$PYENV"/$v.*/bin/python 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$exe" ] && [ -x "$exe" ]; then ANY+=(--python "py${v/./}=$exe"); else echo "# pyenv $v absent: not tried"; fi
done
if [ ${#ANY[@]} -gt 0 ]; then
  expect_status 0 "pyenv's interpreters through --python (${ANY[*]})" \
    "$GB" run "${TINY[@]}" "${ANY[@]}" -s 'py*-serial,py*-threads' -n 2 -o "$WORK/any"
  cells_ok "$WORK/any/results.json" 8 "every --python cell has the reference checksum"
  expect_status 0 "their processes, asyncio, ext and ext-held on sumloop" \
    "$GB" run -w sumloop --set tasks=4 --set phase.1.n=2000 --reps 1 --warmup 0 -q "${ANY[@]}" \
    -s 'py*-processes,py*-asyncio,py*-ext,py*-ext-held' -n 2 -o "$WORK/any2"
  cells_ok "$WORK/any2/results.json" 4 "and these cells too"
  if $PY - "$WORK/any2/results.json" <<'PY'; then ok "2.7's asyncio and processes are skipped with the reason"; else not_ok "2.7 reasons"; fi
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
ok = True
for c in cells:
    if c["strategy"] in ("py27-asyncio", "py27-processes"):
        ok = ok and c["status"] == "skipped" and "is Python 2.7" in c["error"]
sys.exit(0 if ok else 1)
PY
fi

# A free-threaded build: a stub that is python3 reporting Py_GIL_DISABLED and a disabled GIL.
cat > ft-python <<SH
#!/bin/sh
# Stub free-threaded interpreter for the test: the real python3, saying its GIL is off.
shift 2
exec /usr/bin/python3 -E -s -c 'import sys, runpy, sysconfig
sys._is_gil_enabled = lambda: False
g = sysconfig.get_config_var
sysconfig.get_config_var = lambda k: 1 if k == "Py_GIL_DISABLED" else g(k)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")' "\$@"
SH
chmod +x ft-python
expect_status 0 "a free-threaded interpreter through --python" \
  "$GB" run -w sumloop --set tasks=4 --set phase.1.n=2000 --python "ft3.13t=$WORK/ft-python" -s ft3.13t-serial,ft3.13t-threads \
  -n 2 --reps 1 --warmup 0 -o "$WORK/ft" -q
if $PY - "$WORK/ft/results.json" <<'PY'; then ok "labelled free-threaded; its -threads cell says the GIL was off"; else not_ok "free-threaded labelling"; fi
import json, sys
r = json.load(open(sys.argv[1]))
ft = r["meta"]["pythons"]["ft3.13t"]
th = [c for c in r["cells"] if c["strategy"] == "ft3.13t-threads"][0]
print("  |", ft.get("free_threaded"), ft.get("gil_enabled"), th["reps"][0]["metrics"])
sys.exit(0 if ft["free_threaded"] is True and ft["gil_enabled"] is False and th["status"] == "ok"
         and th["reps"][0]["metrics"]["gil_enabled"] == 0 else 1)
PY

# Hosts that crash, hang or print garbage fail only their cells, with their stderr kept; a missing
# interpreter is unavailable.
printf '#!/bin/sh\necho "crash-host: about to die" >&2\nkill -SEGV $$\n' > crash-python
# Their sleeps last a number of seconds unique to this test run, so the check below that none
# outlived its cell sees only this run's hosts, not another run's on the same machine.
HANG_S=$((600000 + $$ % 100000 * 2))
GARB_S=$((HANG_S + 1))
printf '#!/bin/sh\necho "hang-host: waiting forever" >&2\nexec sleep %d\n' "$HANG_S" > hang-python
printf '#!/bin/sh\necho "garbage-host: said something odd" >&2\necho "this is not JSON"\nexec sleep %d\n' "$GARB_S" > garbage-python
chmod +x crash-python hang-python garbage-python
expect_status 1 "crashing, hanging and garbage hosts fail the run" \
  timeout 120 "$GB" run -w sumloop --set tasks=4 --set phase.1.n=2000 -s serial,crash-serial,hang-serial,garbage-serial,ghost-serial \
  --python crash="$WORK/crash-python" --python hang="$WORK/hang-python" --python garbage="$WORK/garbage-python" \
  --python ghost=/nonexistent/python3 --set hang.timeout_s=3 --reps 1 --warmup 0 -o "$WORK/bad" -q
if $PY - "$WORK/bad/results.json" "$WORK/bad" <<'PY'; then ok "only the bad hosts' cells failed, each with why and its stderr"; else not_ok "bad hosts"; fi
import glob, json, os, sys
cells = {c["strategy"]: c for c in json.load(open(sys.argv[1]))["cells"]}
for c in cells.values(): print("  |", c["strategy"], c["status"], (c["error"] or "").replace("\n", " / ")[:300])
want = {"crash-serial": ("died of signal 11", "crash-host: about to die"),
        "hang-serial": ("did not answer within 3 s", "hang-host: waiting forever"),
        "garbage-serial": ("not the protocol: this is not JSON", "garbage-host: said something odd")}
ok = cells["serial"]["status"] == "ok"
for s, (why, stderr) in want.items():
    e = cells[s]["error"] or ""
    ok = ok and cells[s]["status"] in ("failed", "timeout") and why in e and stderr in e
ok = ok and cells["ghost-serial"]["status"] == "skipped" and "/nonexistent/python3 is not an executable" in cells["ghost-serial"]["error"]
kept = glob.glob(os.path.join(sys.argv[2], "*.host-stderr.txt"))
ok = ok and len(kept) == 3
sys.exit(0 if ok else 1)
PY
for _ in 1 2 3 4 5; do # a killed host may take a moment to be reaped on a loaded machine
  pgrep -f "^sleep ($HANG_S|$GARB_S)\$" > /dev/null || break
  sleep 1
done
if pgrep -f "^sleep ($HANG_S|$GARB_S)\$" > /dev/null; then
  not_ok "a bad host outlived its cell"
else
  ok "no bad host outlived its cell"
fi

# Labels: the name set, no built-in family, no strategy's name.
for bad in "cpython=/usr/bin/python3" "serial=/usr/bin/python3" "-x=/usr/bin/python3" "a b=/usr/bin/python3" "x="; do
  expect_status 2 "--python $bad is refused" "$GB" run -w sumloop -s serial --python "$bad" --dry-run -q
done

# The proof of work reaches the hosts: a flipped payload bit and a raising kernel fail their cells.
GILBENCH_TEST_FAULT=in:2 expect_status 1 "fault in:2 fails host cells" \
  "$GB" run -w sumloop --set tasks=4 --set phase.1.n=2000 -s cpython-serial,pypy-threads,jython-serial -n 2 --reps 1 \
  --warmup 0 -o "$WORK/fault" -q
if $PY - "$WORK/fault/results.json" <<'PY'; then ok "every host cell that ran has a checksum error"; else not_ok "fault in hosts"; fi
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
bad = [c for c in cells if c["status"] != "skipped" and "differs from the reference" not in (c["error"] or "")]
for c in bad: print("  |", c["strategy"], c["status"], c["error"])
sys.exit(1 if bad or not any(c["status"] == "failed" for c in cells) else 0)
PY
GILBENCH_TEST_RAISE=1 expect_status 1 "an exception in a host's Python kernel fails its cell" \
  "$GB" run -w sumloop --set tasks=4 --set phase.1.n=2000 -s cpython-threads,pypy-serial -n 2 --reps 1 --warmup 0 \
  -o "$WORK/raise" -q
expect_grep "InjectedError" "$WORK/raise/results.json" "the traceback is in the results"

# The embedded interpreter stays available.
expect_status 0 "cpython.host=embedded" \
  "$GB" run -w sumloop --set tasks=4 --set phase.1.n=2000 -s cpython-serial,cpython-threads -n 2 --reps 1 --warmup 0 \
  --set cpython.host=embedded -o "$WORK/emb" -q
cells_ok "$WORK/emb/results.json" 2 "embedded cells have the reference checksum"
finish
