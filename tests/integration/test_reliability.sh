#!/usr/bin/env bash
# Reliability and security (issue 11), as a hostile or careless user would try it: no name reaches
# a shell or gnuplot as code; a failed write is exit 3 with the file and the reason and the journal
# holds every repetition reported; one run per folder; no earlier result overwritten; every input
# bounded; one list parser; --dry-run measures nothing; a timeout is not retried and no failed
# repetition enters statistics; the recorded command round-trips through sh; the smaller points;
# a daemon started by a repetition is reaped.
source "$(dirname "$0")/lib.sh"
[ "$GBT" != "$GB" ] || { echo "needs gilbench-test (third argument)"; exit 1; }
export HOME="$WORK/home" # a payload that does `cd; touch pwned` would land here
mkdir -p "$HOME"
pwned() { find "$WORK" -maxdepth 3 -name 'pwned*' 2> /dev/null | head -1; }
small=(-s serial,threads -n 2 --reps 2 --warmup 0 -q)

# ---- 1. names: from a file name, a definition, a results file ----
mkdir -p inj
cat > "inj/bt\`cd;touch pwned\`.ini" <<'INI'
[workload]
tasks = 4
[phase.1]
kernel = sumloop
n = 1000
INI
expect_status 2 "a definition whose file name is not a name, without name =, is refused" \
  "$GB" run -w "inj/bt\`cd;touch pwned\`.ini" "${small[@]}" -o "$WORK/inj-run"
expect_grep "bt\`cd;touch pwned\`\.ini:1: the file name gives the workload the name .* add \`name = \.\.\.\`" err.txt \
  "the refusal names the file and line, and says to add name ="
[ -f "$WORK/inj-run/results.json" ] && "$GB" report "$WORK/inj-run" > /dev/null 2>&1 || true
[ -z "$(pwned)" ] && ok "no command ran from the file name" || not_ok "a command ran: $(pwned)"
printf '[workload]\nname = bt-named\ntasks = 4\n[phase.1]\nkernel = sumloop\nn = 1000\n' > "inj/q';touch pwned;'.ini"
expect_status 0 "the same file name with name = inside runs" "$GB" run -w "inj/q';touch pwned;'.ini" "${small[@]}" -o "$WORK/named"
printf '[workload]\nname = a"b`x`\ntasks = 4\n[phase.1]\nkernel = sumloop\n' > badname.ini
expect_status 2 "name = outside the character set is refused" "$GB" check badname.ini
expect_grep "badname.ini:2: name: 'a\"b\`x\`' is not a name \(\[A-Za-z0-9\]\[A-Za-z0-9\._\+-\]\{0,63\}\)" err.txt \
  "the refusal names file, line and the character set"
printf '[workload]\nname = a.b+c-d_e\ntasks = 4\n[phase.1]\nkernel = sumloop\nn = 1000\n' > odd.ini
expect_status 0 "every character of the set is accepted" "$GB" run -w ./odd.ini "${small[@]}" -o "$WORK/odd"
expect_status 0 "and reported (through gnuplot)" "$GB" report "$WORK/odd"

# A hand-edited results file: every payload in every name and key that reaches report and compare.
"$GB" run -w sumloop,convoy -p quick "${small[@]}" --counters os -o "$WORK/base" > /dev/null 2>&1 || true
touch marker
$PY - "$WORK/base/results.json" "$WORK" <<'PY'
import json, os, sys
base, work = sys.argv[1], sys.argv[2]
payloads = ["`touch %s/pwned-bt`" % work, 'x"; system("touch %s/pwned-sys"); print "' % work,
            "$(touch %s/pwned-dollar)" % work, "it's \"q\"", "a\nset output '%s/pwned-nl'" % work,
            "../../pwned-dotdot"]
def edits(cell, p):
    yield "workload", lambda c: c.__setitem__("workload", p)
    yield "strategy", lambda c: c.__setitem__("strategy", p)
    yield "family", lambda c: c.__setitem__("family", p)
    yield "baseline", lambda c: c.__setitem__("baseline", p)
    yield "baseline-object", lambda c: c.__setitem__("baseline", {"strategy": p, "workers": 1, "kind": "self"})
    yield "baseline-family", lambda c: c.__setitem__("baseline", {"strategy": "serial", "workers": 1, "kind": "self", "family": p})
    yield "binding", lambda c: c.__setitem__("binding", p)
    yield "option-key", lambda c: c["options"].__setitem__(p, 1)
    yield "option-value", lambda c: c["options"].__setitem__("model", p)
    yield "param-key", lambda c: c["params"].__setitem__(p, 1)
    yield "param-value", lambda c: c["params"].__setitem__("schedule", p)
    yield "counter", lambda c: c["reps"][0]["counters"].__setitem__(p, {"status": "ok", "value": 1})
    yield "metric", lambda c: c["reps"][0]["metrics"].__setitem__(p, 1)
n = 0
for i, p in enumerate(payloads):
    for field, apply in edits(None, p):
        r = json.load(open(base))
        apply(r["cells"][-1])
        d = "%s/evil-%d-%s" % (work, i, field)
        os.makedirs(d)
        json.dump(r, open(d + "/results.json", "w"))
        n += 1
print(n)
PY
refused=0 total=0
for d in "$WORK"/evil-*; do
  total=$((total + 2))
  rc=0; "$GB" report "$d" > out.txt 2> err.txt || rc=$?
  [ "$rc" -eq 2 ] && grep -q "results.json: cells\[[0-9]*\]\..*not a" err.txt && refused=$((refused + 1))
  rc=0; "$GB" compare "$WORK/base" "$d" -o "$d/cmp" > out.txt 2> err.txt || rc=$?
  [ "$rc" -eq 2 ] && grep -q "results.json: cells\[[0-9]*\]\." err.txt && refused=$((refused + 1))
done
[ "$refused" -eq "$total" ] && ok "report and compare refuse all $((total / 2)) hostile results files, naming the cell" \
  || not_ok "only $refused of $total report/compare runs refused a hostile name"
[ -z "$(pwned)" ] && ok "no payload ran" || not_ok "a payload ran: $(pwned)"
outside=$(find "$WORK" -mindepth 1 -newer marker ! -path "$WORK/evil-*" ! -name out.txt ! -name err.txt | head -3)
[ -z "$outside" ] && ok "no file appeared outside the output folders" || not_ok "files appeared: $outside"

# ---- 10. the recorded command round-trips through a POSIX shell ----
mkdir -p "$WORK/q dir"
cp "inj/q';touch pwned;'.ini" "$WORK/q dir/"
args=(run -w "$WORK/q dir/q';touch pwned;'.ini" -s serial -n 1 --reps 1 --warmup 0 --seed 7 -q
      -o "$WORK/cmd\`x\`")
"$GB" "${args[@]}" > /dev/null 2>&1 || true
cmd=$($PY -c "import json,sys; print(json.load(open(sys.argv[1]))['meta']['command'])" "$WORK/cmd\`x\`/results.json" 2>/dev/null || echo "")
printf '%s\0' "$GB" "${args[@]}" > want.bin
(cd "$WORK/home" && sh -c "set -- $cmd; for a; do printf '%s\\0' \"\$a\"; done" > "$WORK/got.bin" 2>/dev/null) || true
[ -n "$cmd" ] && cmp -s want.bin got.bin && ok "the command to reproduce pastes back to exactly the original arguments" \
  || not_ok "the recorded command does not round-trip: $cmd"
[ -z "$(pwned)" ] && [ ! -e "$WORK/home/x" ] && ok "pasting it runs nothing else" || not_ok "pasting ran a command"

# ---- 2. a full disk: exit 3, the file and the reason, the journal holds what was reported ----
journal_holds_reported() { # $1 journal, $2 console (stderr): each "ok ... over N reps" is in the journal
  $PY - "$1" "$2" <<'PY'
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()[1:] if l.strip()]
have = {}
for r in recs:
    k = dict(p.split("=", 1) for p in r["key"].split(";"))
    if r["status"] == "ok":
        have[(k["workload"], k["strategy"], k["workers"])] = have.get((k["workload"], k["strategy"], k["workers"]), 0) + 1
bad = 0
for line in open(sys.argv[2]):
    m = re.match(r"(\S+)\s+(\S+)\s+w=(\d+)\s+ok\s+median \S+ s over (\d+) reps", line)
    if m and have.get(m.groups()[:3], 0) < int(m.group(4)):
        print("  | reported but not in the journal:", line.strip()); bad = 1
sys.exit(bad)
PY
}
GILBENCH_TEST_FAULT=enospc:results.json expect_status 3 "results.json cannot be written: exit 3" \
  "$GB" run -w sumloop -p quick -s serial,threads -n 1,2 --reps 3 --warmup 0 -o "$WORK/full1"
expect_grep "full1/results.json: write failed: No space left on device" err.txt "names the file and the reason"
! grep -q "^results:" out.txt && ok "no 'results:' line on a failed write" || not_ok "prints results: on exit 3"
journal_holds_reported "$WORK/full1/results.jsonl" err.txt && ok "the journal holds every repetition reported" \
  || not_ok "reported repetitions missing from the journal"
GILBENCH_TEST_FAULT=in:99999,enospc:results.jsonl expect_status 3 "the journal cannot be written: exit 3 (a list of faults)" \
  "$GB" run -w sumloop -p quick "${small[@]}" -o "$WORK/full2"
expect_grep "full2/results.jsonl: writing the header failed: No space left on device" err.txt "names the journal and the reason"
GILBENCH_TEST_FAULT=enospc:report.html expect_status 3 "report.html cannot be written: exit 3" "$GB" report "$WORK/named"
expect_grep "report.html: write failed: No space left on device" err.txt "names report.html and the reason"
GILBENCH_TEST_FAULT=enospc:compare.md expect_status 3 "compare.md cannot be written: exit 3" "$GB" compare "$WORK/named" "$WORK/named" -o "$WORK/cmpfull"
# A real full disk: a 200 KiB tmpfs in a private mount namespace.
if [ "$(id -u)" -eq 0 ] && unshare -m true 2> /dev/null; then
  mkdir -p "$WORK/tmpfs"
  rc=0
  WORK="$WORK" unshare -m bash -c '
    mount -t tmpfs -o size=200k gbtest "$1" || exit 99
    shift; rc=0; "$@" 2> "$WORK/tmpfs.err" || rc=$?
    cp "$WORK/tmpfs/run/results.jsonl" "$WORK/tmpfs.jsonl" 2>/dev/null; exit $rc' \
    _ "$WORK/tmpfs" "$GB" run -w sumloop,square -p quick -s serial,threads,gil -n 1,2 --reps 200 --warmup 0 \
    --set tasks=2 -o "$WORK/tmpfs/run" > /dev/null || rc=$?
  if [ "$rc" -eq 99 ]; then
    echo "ok - # SKIP mount of a tmpfs refused in this namespace"
  else
    [ "$rc" -eq 3 ] && ok "a run on a full 200 KiB tmpfs exits 3" || not_ok "full tmpfs: exit $rc, wanted 3"
    grep -q "write failed: No space left on device" "$WORK/tmpfs.err" && ok "says which file and No space left on device" \
      || { not_ok "full tmpfs message"; tail -5 "$WORK/tmpfs.err" | sed 's/^/  | /'; }
    journal_holds_reported "$WORK/tmpfs.jsonl" "$WORK/tmpfs.err" && ok "the journal on the full disk holds every repetition reported" \
      || not_ok "full tmpfs: reported repetitions missing"
  fi
else
  echo "ok - # SKIP unshare -m refused (not root, or no user namespaces): the tmpfs test needs a private mount namespace"
fi

# ---- 4, 5. one run per folder; no earlier result overwritten; report stays allowed ----
printf '[workload]\nname = slow\ntasks = 2\n[phase.1]\nkernel = sumloop\nn = 100000000\n' > slow.ini
"$GB" run -w ./slow.ini -s serial -n 1 --reps 100 --warmup 0 -o "$WORK/locked" -q > /dev/null 2>&1 &
holder=$!
for _ in $(seq 300); do [ -s "$WORK/locked/results.jsonl" ] && [ -s "$WORK/locked/results.json" ] && break; sleep 0.05; done
expect_status 3 "a resume while the run is writing the folder is refused with exit 3" "$GB" run --resume "$WORK/locked" -q
expect_grep "in use by another gilbench run \(pid $holder," err.txt "names the holder's pid"
expect_status 3 "a second run on the same folder is refused with exit 3" "$GB" run -w ./slow.ini -s serial -n 1 -o "$WORK/locked" -q
expect_status 0 "re-rendering the report inside a running run's folder is allowed" "$GB" report "$WORK/locked" --formats csv
kill $holder 2> /dev/null || true; wait $holder 2> /dev/null || true
mkdir -p "$WORK/only-json" && cp "$WORK/named/results.json" "$WORK/only-json/"
sum=$(md5sum < "$WORK/only-json/results.json")
expect_status 2 "a folder holding only a results.json is not run into" "$GB" run -w sumloop -p quick "${small[@]}" -o "$WORK/only-json"
[ "$(md5sum < "$WORK/only-json/results.json")" = "$sum" ] && ok "the earlier results.json is untouched" || not_ok "results.json overwritten"
! grep -q "results:" out.txt && ok "an error exit prints no results line or old table" || not_ok "error exit printed results"

# ---- 6. bounded inputs, NUL bytes ----
expect_status 2 "check /dev/zero returns at once" timeout 5 "$GB" check /dev/zero
expect_grep "/dev/zero: not a regular file" err.txt "says it is not a regular file"
$PY -c "
import sys
with open('many.ini', 'w') as f:
    f.write('[workload]\ntasks = 1\n')
    for i in range(1, 70001): f.write('[phase.%d]\n' % i)
with open('keys.ini', 'w') as f:
    f.write('[workload]\ntasks = 1\n[phase.1]\nkernel = sumloop\n')
    for i in range(60000): f.write('k%d=1\n' % i)"
expect_status 2 "70,000 phases: refused in linear time" timeout 20 "$GB" check many.ini
expect_status 2 "60,000 keys in a section: refused in linear time" timeout 20 "$GB" check keys.ini
head -c 2000000 /dev/zero | tr '\0' '#' > huge.ini
expect_status 2 "a 2 MB definition is refused by size" timeout 20 "$GB" check huge.ini
expect_grep "larger than 1048576 bytes" err.txt "says the limit"
expect_status 2 "a synthetic topology of a million PUs is refused at once" timeout 20 "$GB" topo --synthetic 'pack:100 core:100 pu:100'
printf '[workload]\nname = ab\0cd\ntasks = 4\n[phase.1]\nkernel = sumloop\n' > nul.ini
expect_status 2 "a NUL byte in a definition is an error" "$GB" check nul.ini
expect_grep "nul.ini:2: a NUL byte" err.txt "names the file and line of the NUL byte"
$PY -c "
import json; r = json.load(open('$WORK/named/results.json')); r['cells'][0]['workload'] = 'ab\u0000cd'
json.dump(r, open('nulres.json', 'w'))"
expect_status 2 "a NUL in a results file's name is an error" "$GB" show nulres.json

# ---- 7. one list parser, empty selection exit 2 ----
printf '[suite]\nworkloads = sumloop\nstrategies = -gil\nworkers = 1\n' > excl.ini
expect_status 0 "a suite with strategies = -gil" "$GB" run ./excl.ini -p quick --dry-run
! grep -qE "^ +[0-9]+ sumloop +gil " out.txt && grep -qE "^ +[0-9]+ sumloop +threads " out.txt \
  && ok "strategies = -gil leaves out gil and only gil" || not_ok "-gil in a suite"
expect_status 0 "-s -serial" "$GB" run -w sumloop -p quick -s -serial -n 1 --dry-run
! grep -qE "^ +[0-9]+ sumloop +serial " out.txt && grep -qE "^ +[0-9]+ sumloop +threads " out.txt \
  && ok "-s -serial runs every strategy but serial" || not_ok "-s -serial"
expect_status 2 "-s -all selects nothing: exit 2" "$GB" run -w sumloop -p quick -s -all --dry-run
expect_grep "selects no strategy" err.txt "says the selection is empty"
expect_status 2 "-w '' is an error, not the default suite" "$GB" run -w '' --dry-run
expect_status 2 "-s 'serial,,threads' is an error" "$GB" run -w sumloop -s 'serial,,threads' --dry-run
printf '[suite]\nworkloads = sumloop\nstrategies = -all\n' > none.ini
expect_status 2 "a suite selecting no strategy is refused" "$GB" check none.ini
expect_grep "none.ini:3: strategies: '-all' selects no strategy" err.txt "at its line"

# ---- 8. --dry-run measures nothing ----
expect_status 0 "--dry-run with a reference that would take hours returns at once" \
  timeout 20 "$GB" run -w sumloop -s serial -n 1 --set phase.1.n=1e12 --dry-run
expect_grep "estimated duration: .*--dry-run measures nothing" out.txt "says how the estimate was made"

# ---- 9. a timeout is not retried; failed repetitions never enter statistics ----
write_spin_workload spin.ini
t0=$(date +%s)
expect_status 1 "a hanging cell" "$GBT" run -w ./spin.ini -s threads -n 2 --reps 3 --warmup 1 --timeout 2 -o "$WORK/spin"
t1=$(date +%s)
[ $((t1 - t0)) -lt 6 ] && ok "timed out once, not once per round ($((t1 - t0)) s for a 2 s timeout)" \
  || not_ok "the timeout was retried: $((t1 - t0)) s"
$PY - "$WORK/spin/results.json" <<'PY' && ok "the cell is timeout, with no fake time or checksum" || not_ok "timeout cell"
import json, sys
c = json.load(open(sys.argv[1]))["cells"][0]
assert c["status"] == "timeout" and "wall_s" not in c["stats"] and c["checksum"] is None, c
PY
! grep -qE "0\.0 us|WRONG" out.txt && ok "the console shows no 0 s and no WRONG checksum for it" \
  || { not_ok "console shows a timed-out cell as 0 s"; grep spin out.txt | sed 's/^/  | /'; }
cat > crash.ini <<'INI'
[workload]
name = crash
tasks = 2
schedule = static
[phase.1]
kernel = test-crash
worker = 1
n = 10
INI
ASAN_OPTIONS="${ASAN_OPTIONS:-}:handle_segv=0" expect_status 1 "a crashing cell" \
  "$GBT" run -w ./crash.ini -s threads -n 2 --reps 2 --warmup 0 -o "$WORK/crash" -q
$PY - "$WORK/crash/results.json" <<'PY' && ok "its failed repetition is shown failed, with no time, out of the statistics" || not_ok "failed repetition"
import json, sys
c = json.load(open(sys.argv[1]))["cells"][0]
r = c["reps"][0]
assert c["status"] == "failed" and r["status"] == "failed" and r["wall_s"] is None and "wall_s" not in c["stats"], c
PY

# ---- 12. the smaller points ----
expect_status 2 "show with an extra argument" "$GB" show "$WORK/named" extra
expect_status 2 "run --resume DIR with other arguments" "$GB" run --resume "$WORK/named" -w sumloop
expect_grep "takes no other argument" err.txt "says why"
expect_status 2 "check of a directory" "$GB" check "$WORK"
expect_grep "is a directory" err.txt "says it is a directory"
"$GB" run -w sumloop -p quick -s serial -n 1 --reps 2 --warmup 0 -o "$WORK/plan" -q > /dev/null 2>&1 || true
$PY - "$WORK/plan/results.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
h = json.loads(lines[0]); h["argv"] = [a.replace("serial", "threads") for a in h["argv"]]
open(sys.argv[1], "w").write("\n".join([json.dumps(h)] + lines[1:2]) + "\n")
PY
expect_status 2 "a changed plan is refused" "$GB" run --resume "$WORK/plan" -q
expect_grep "cell 0 was '.*strategy=serial.*', is now '.*strategy=threads" err.txt "naming the cell that changed"
"$GB" run -w square -p quick -s serial -n 1 --reps 2 --warmup 0 -o "$WORK/other" -q > /dev/null 2>&1 || true
expect_status 2 "compare with no common cell is not a pass" "$GB" compare "$WORK/named" "$WORK/other" --fail-if-slower -o "$WORK/nocommon"
expect_grep "no cell in common" err.txt "says nothing was compared"

# ---- a daemon started by a repetition is killed and reaped ----
cat > daemon.ini <<'INI'
[workload]
name = daemon
tasks = 4
schedule = static
[phase.1]
kernel = test-daemon
worker = 1
n = 10
INI
expect_status 0 "a repetition that starts a double-forked setsid daemon" \
  "$GBT" run -w ./daemon.ini -s threads,processes -n 2 --reps 2 --warmup 0 -o "$WORK/daemon" -q
sleep 0.3
left=$(pgrep -f -- "$WORK/daemon" | grep -vc "^$$\$" || true)
[ "$left" -eq 0 ] && ok "no process left behind, the daemon included" || not_ok "left behind: $(pgrep -af -- "$WORK/daemon")"
finish
