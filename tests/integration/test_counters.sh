#!/usr/bin/env bash
# Counters through the real backends on this machine: the perf backend sees the GIL's context
# switches (more than free threads have); PAPI's hardware events are ok where papi_avail lists
# some and unavailable with a reason (never 0) where it lists none; getrusage counts what it can
# and says what it cannot; the kernel's refusal reaches the results as `denied` for an
# unprivileged user; bad counter options exit 2; `show` puts the GIL's metrics beside counters.
# (The fake backend drives multiplexed and denied end to end in tests/unit/test_counters.c.)
source "$(dirname "$0")/lib.sh"

expect_status 0 "list counters" "$GB" list counters
cp out.txt list.txt
expect_grep '^  papi ' list.txt "list counters: the PAPI backend"
expect_grep '^  perf ' list.txt "list counters: the perf backend"
expect_grep '^  rusage ' list.txt "list counters: the getrusage backend"
expect_grep '^  context-switches +ok +by (perf|rusage)' list.txt "list counters: context switches can be counted"
expect_grep '^  PAPI_TOT_INS\|instructions +(ok|unavailable|denied)' list.txt "list counters: instructions, with what counts them or why not"

# ---- perf: the GIL's switches ----
N=40000000 # ~90 ms of sumloop per repetition; a 1 ms switch interval gives the GIL ~90 handoffs
expect_status 0 "perf backend: gil and threads, 2 workers" \
  "$GB" run -w sumloop -s gil,threads -n 2 -p quick --set phase.1.n=$N --set gil.switch_interval_us=1000 --reps 2 --warmup 0 \
  --counters context-switches,cpu-migrations,task-clock --counters-backend perf -o "$WORK/perf" -q
if $PY - "$WORK/perf/results.json" <<'PY'; then ok "gil: non-zero context switches, more than threads"; else not_ok "gil vs threads context switches"; fi
import json, sys
r = json.load(open(sys.argv[1]))
cs = {}
for c in r["cells"]:
    tot = 0
    for rep in c["reps"]:
        v = rep["counters"]["context-switches"]
        assert v["status"] == "ok", v
        tot += v["value"]
        assert sum(w["counters"]["context-switches"]["value"] for w in rep["workers"]) == v["value"]
    cs[c["strategy"]] = tot
    assert r["meta"]["counters"]["events"]["context-switches"]["backend"] == "perf"
print("  | context switches over 2 reps:", cs)
sys.exit(0 if cs["gil"] > 0 and cs["gil"] > cs["threads"] else 1)
PY
"$GB" show "$WORK/perf" > show.txt
expect_grep '^sumloop +gil +2  gil_acquisitions [0-9.]+, gil_switches [0-9.]+' show.txt "show: GIL metrics beside the counters"
expect_grep 'gil_wait_s [0-9.]+m?s' show.txt "show: the GIL's lock wait"
expect_grep 'context-switches [1-9][0-9]*' show.txt "show: context switches"

# ---- PAPI: hardware events ok where the machine has them, unavailable (never 0) where not ----
expect_status 0 "papi backend forced" \
  "$GB" run -w sumloop -s serial -p quick --reps 1 --warmup 0 --counters PAPI_TOT_INS,PAPI_TOT_CYC \
  --counters-backend papi -o "$WORK/papi" -q
hw=none
if command -v papi_avail > /dev/null && ! papi_avail -a 2>/dev/null | grep -q "Of 0 available events"; then hw=some; fi
if $PY - "$WORK/papi/results.json" "$hw" <<'PY'; then ok "PAPI events follow papi_avail ($hw hardware events)"; else not_ok "PAPI events vs papi_avail"; fi
import json, sys
r = json.load(open(sys.argv[1])); hw = sys.argv[2]
papi = r["meta"]["libraries"]["papi"]
for name in ("PAPI_TOT_INS", "PAPI_TOT_CYC"):
    v = r["cells"][0]["reps"][0]["counters"][name]
    print("  |", name, v)
    if papi is None or hw == "none":
        assert v["status"] == "unavailable" and "value" not in v and len(v["reason"]) > 20, v
        assert papi is not None or "built without PAPI" in v["reason"], v
    else:
        assert v["status"] in ("ok", "multiplexed") and v["value"] > 0, v
if r["cells"][0]["reps"][0]["derived"] and hw == "none": sys.exit(1)  # no IPC from nothing
PY

# ---- getrusage: what it counts, and what it says it cannot ----
expect_status 0 "rusage backend forced" \
  "$GB" run -w sumloop -s threads -n 2 -p quick --reps 1 --warmup 0 --counters os --counters-backend rusage -o "$WORK/ru" -q
if $PY - "$WORK/ru/results.json" <<'PY'; then ok "rusage: switches and faults ok, migrations unavailable with a reason"; else not_ok "rusage backend"; fi
import json, sys
c = json.load(open(sys.argv[1]))["cells"][0]["reps"][0]["counters"]
for k in ("task-clock", "context-switches", "voluntary-context-switches", "involuntary-context-switches", "page-faults"):
    assert c[k]["status"] == "ok", (k, c[k])
assert c["task-clock"]["value"] > 5e6, c["task-clock"]
m = c["cpu-migrations"]
assert m["status"] == "unavailable" and "value" not in m and "getrusage has no" in m["reason"], m
PY

# ---- the kernel's own refusal: perf_event_paranoid for an unprivileged user ----
paranoid=$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 0)
# User nobody may not reach the binary where the tree was cloned (a 0700 folder): it runs a copy
# laid out as an installed tree (bin/ and share/gilbench/workloads) in the test's own folder.
NB="$WORK/nobody/prefix/bin/gilbench"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null && [ "$paranoid" -ge 2 ]; then
  chmod 755 "$WORK"
  mkdir -m 777 "$WORK/nobody"
  mkdir -p "$WORK/nobody/prefix/bin" "$WORK/nobody/prefix/share/gilbench"
  cp "$GB" "$NB" && cp -r "$SRC/workloads" "$WORK/nobody/prefix/share/gilbench/workloads"
  chmod -R a+rX "$WORK/nobody/prefix"
fi
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null && [ "$paranoid" -ge 2 ] && ! as_nobody "$NB" --version > /dev/null 2>&1; then
  echo "ok - # SKIP user nobody cannot run a copy of gilbench in $WORK (mounted noexec?)"
elif [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null && [ "$paranoid" -ge 2 ]; then
  rc=0
  as_nobody "$NB" run -w sumloop -s serial -p quick --reps 1 --warmup 0 \
    --counters context-switches --counters-backend perf -o "$WORK/nobody/out" -q > out.txt 2> err.txt || rc=$?
  [ "$rc" -eq 0 ] && ok "an unprivileged run with perf forced" || not_ok "unprivileged run (exit $rc)"
  if $PY - "$WORK/nobody/out/results.json" "$paranoid" <<'PY'; then ok "perf refused: denied with perf_event_paranoid=$paranoid, no value"; else not_ok "denied path"; fi
import json, sys
v = json.load(open(sys.argv[1]))["cells"][0]["reps"][0]["counters"]["context-switches"]
print("  |", v)
assert v["status"] == "denied" and "value" not in v and ("perf_event_paranoid=" + sys.argv[2]) in v["reason"], v
PY
  as_nobody "$NB" run -w sumloop -s serial -p quick --reps 1 --warmup 0 \
    --counters context-switches -o "$WORK/nobody/chain" -q > out.txt 2> err.txt || true
  if $PY - "$WORK/nobody/chain/results.json" <<'PY'; then ok "the chain falls back to getrusage and records why"; else not_ok "fallback after denial"; fi
import json, sys
r = json.load(open(sys.argv[1]))
e = r["meta"]["counters"]["events"]["context-switches"]
assert e["backend"] == "rusage" and "perf: " in e["passed_over"] and "perf_event_paranoid" in e["passed_over"], e
assert r["cells"][0]["reps"][0]["counters"]["context-switches"]["status"] == "ok"
PY
else
  echo "ok - # SKIP not root, no setpriv, or perf_event_paranoid < 2: cannot provoke a refusal"
fi

# ---- bad values ----
expect_status 2 "--counters with an unknown event" "$GB" run -w sumloop -s serial -p quick --counters NOPE_EVENT -o "$WORK/bad" -q
expect_grep "unknown counter 'NOPE_EVENT'" err.txt "the unknown event is named"
expect_status 2 "--counters-backend unknown" "$GB" run -w sumloop -s serial -p quick --counters-backend bogus -o "$WORK/bad" -q
expect_grep "--counters-backend bogus: unknown backend \(one of: papi, perf, rusage\)" err.txt "the backends are listed"
expect_status 2 "--counters empty" "$GB" run -w sumloop -s serial -p quick --counters , -o "$WORK/bad" -q
expect_grep "expected event names or a set" err.txt "what --counters takes is said"
[ ! -e "$WORK/bad/results.json" ] && ok "nothing ran" || not_ok "a refused run wrote results"
expect_status 0 "--counters none" "$GB" run -w sumloop -s serial -p quick --reps 1 --warmup 0 --counters none -o "$WORK/none" -q
expect_grep '"counters": \{\}' "$WORK/none/results.json" "no counters: an empty counters object"
finish
