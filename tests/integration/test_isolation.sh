#!/usr/bin/env bash
# Reliability: a repetition that crashes, aborts or hangs ends only its own cell (failed with the
# signal, or timeout), the other cells of the run succeed, and no process is left behind;
# SIGKILL mid-run then --resume gives every cell and repetition exactly once with the right
# checksums; SIGINT exits 130 with a valid results file; a damaged journal keeps its good lines.
source "$(dirname "$0")/lib.sh"
[ "$GBT" != "$GB" ] || { echo "needs gilbench-test (third argument)"; exit 1; }

leftovers() { pgrep -f -- "$1" | grep -v "^$$\$" | wc -l; }

for k in crash abort spin; do
  cat > "$k.ini" <<INI
[workload]
name = bad-$k
tasks = 4
schedule = static   ; so worker 1 surely gets tasks
[phase.1]
kernel = test-$k
worker = 1
n = 1000
[profile.quick]
tasks = 4
INI
done
cat > good.ini <<'INI'
[workload]
name = good
tasks = 4
[phase.1]
kernel = sumloop
n = 100000
INI
# Under AddressSanitizer, let SIGSEGV kill the process as it would without it.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:handle_segv=0"
expect_status 1 "a run with crashing, aborting and hanging cells exits 1" \
  "$GBT" run -w ./crash.ini,./abort.ini,./spin.ini,./good.ini -s serial,threads,processes,gil -n 2 --reps 2 --warmup 0 --timeout 3 -o "$WORK/iso" -q
$PY - "$WORK/iso/results.json" <<'PY' && ok "each misbehaving cell failed with its own reason; the others are ok" || not_ok "isolation statuses"
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
want = {"bad-crash": ("failed", "signal 11"), "bad-abort": ("failed", "signal 6"), "bad-spin": ("timeout", "timed out")}
bad = 0
for c in cells:
    w, s = c["workload"], c["strategy"]
    if w == "good" or s == "serial":   # serial runs as worker 0, which never misbehaves
        if c["status"] != "ok": print("  |", w, s, c["status"], c["error"]); bad = 1
        continue
    status, text = want[w]
    if s == "processes" and w != "bad-spin": text = ""   # the pool worker dies; the coordinator reports it
    if c["status"] != status or text not in (c["error"] or ""):
        print("  |", w, s, c["status"], c["error"]); bad = 1
sys.exit(bad)
PY
[ "$(leftovers "$WORK/iso")" -eq 0 ] && ok "no process left behind" || not_ok "processes left: $(pgrep -af -- "$WORK/iso")"

# A reference that crashes fails every cell of its workload, with the reason.
sed 's/worker = 1/worker = -1/' crash.ini > crash-all.ini
expect_status 1 "a crashing reference fails its cells" "$GBT" run -w ./crash-all.ini,./good.ini -s threads -n 2 --reps 1 --warmup 0 -o "$WORK/ref" -q
$PY -c "
import json,sys; c=json.load(open('$WORK/ref/results.json'))['cells']
sys.exit(0 if [x['status'] for x in c]==['failed','ok'] and 'reference' in c[0]['error'] else 1)" \
  && ok "reference failure named in the cell" || not_ok "reference failure"

# SIGKILL in the middle of a multi-cell run, then --resume.
args=(-w sumloop,nbody,square -p quick -s serial,threads,processes,gil -n 2 --reps 3 --warmup 1)
"$GB" run "${args[@]}" -o "$WORK/killed" -q > /dev/null 2>&1 &
pid=$!
for _ in $(seq 200); do [ "$(cat "$WORK/killed/results.jsonl" 2>/dev/null | wc -l)" -ge 8 ] && break; sleep 0.05; done
kill -9 $pid; wait $pid 2>/dev/null || true
sleep 0.3
[ "$(leftovers "$WORK/killed")" -eq 0 ] && ok "SIGKILL leaves no process behind" || not_ok "left after SIGKILL: $(pgrep -af -- "$WORK/killed")"
lines_before=$(wc -l < "$WORK/killed/results.jsonl")
expect_status 0 "--resume completes the run" "$GB" run --resume "$WORK/killed" -q
expect_grep "resuming: [0-9]+ repetitions restored" err.txt "resume says what it restored"
"$GB" run "${args[@]}" -o "$WORK/whole" -q > /dev/null 2>&1
# Inputs derive from a secret drawn per run: the resumed run keeps the interrupted run's (journal
# header, meta), so every repetition, from before the kill and after, matches the one reference;
# an uninterrupted run has a secret (and checksums) of its own.
$PY - "$WORK/killed" "$WORK/whole" "$lines_before" <<'PY' && ok "resumed results: every cell and repetition exactly once, all with the interrupted run's secret" || not_ok "resume results"
import json, sys
ra, rb = json.load(open(sys.argv[1] + "/results.json")), json.load(open(sys.argv[2] + "/results.json"))
a, b = ra["cells"], rb["cells"]
lines = open(sys.argv[1] + "/results.jsonl").read().splitlines()
header, reps = json.loads(lines[0]), [json.loads(l) for l in lines[1:]]
keys = [(r["key"], r["rep"]) for r in reps]
ok = len(a) == len(b) == 12 and all(len(c["reps"]) == 3 and c["status"] == "ok" for c in a) \
     and len(keys) == len(set(keys)) == 36 and int(sys.argv[3]) > 1 \
     and [c["key"] for c in a] == [c["key"] for c in b] \
     and all(c["checksum"] == c["reference"] and all(r["checksum"] == c["reference"] for r in c["reps"]) for c in a) \
     and len(header["secret"]) == 16 and header["secret"] == ra["meta"]["secret"] != rb["meta"]["secret"]
if not ok: print("  |", len(a), len(b), len(keys), len(set(keys)), sys.argv[3], header.get("secret"), ra["meta"].get("secret"))
sys.exit(0 if ok else 1)
PY
expect_status 2 "a finished run's folder is not silently appended to" "$GB" run "${args[@]}" -o "$WORK/whole" -q
expect_grep "already holds a run" err.txt "says why and how to resume"
# --resume refuses a journal without a run secret (its repetitions could not be checked)
cp -r "$WORK/whole" "$WORK/nosecret"
sed -i '1s/"secret":"[0-9a-f]*",//' "$WORK/nosecret/results.jsonl"
expect_status 2 "--resume refuses a journal without a run secret" "$GB" run --resume "$WORK/nosecret"
expect_grep "results.jsonl:1: the header has no run secret" err.txt "names the journal's header"
# --resume refuses when the plan changed (someone edited the journal's command)
sed -i '1s/"--reps","3"/"--reps","4"/' "$WORK/whole/results.jsonl"
expect_status 2 "--resume refuses a changed plan" "$GB" run --resume "$WORK/whole"
expect_grep "reps differs" err.txt "names the differing field"

# SIGINT mid-run: exit 130, a valid results file, nothing left behind.
"$GB" run -w sumloop -s threads,processes -n 2 --reps 50 --warmup 0 -o "$WORK/int" -q > /dev/null 2>"$WORK/int.err" &
pid=$!
for _ in $(seq 200); do [ "$(cat "$WORK/int/results.jsonl" 2>/dev/null | wc -l)" -ge 3 ] && break; sleep 0.05; done
kill -INT $pid
rc=0; wait $pid || rc=$?
[ $rc -eq 130 ] && ok "SIGINT exits 130" || not_ok "SIGINT exit status $rc"
$PY -c "import json; json.load(open('$WORK/int/results.json'))" && ok "results.json valid after SIGINT" || not_ok "results.json after SIGINT"
sleep 0.2
[ "$(leftovers "$WORK/int")" -eq 0 ] && ok "SIGINT leaves no process behind" || not_ok "left after SIGINT"

# A damaged journal: a truncated last line and a garbage line are reported by line; the good
# lines are kept.
cp -r "$WORK/killed" "$WORK/damaged"
rm "$WORK/damaged/results.json"
sed -i '5s/.*/this is not json/' "$WORK/damaged/results.jsonl"
head -c -40 "$WORK/damaged/results.jsonl" > "$WORK/damaged/j" && mv "$WORK/damaged/j" "$WORK/damaged/results.jsonl"
last=$(( $(wc -l < "$WORK/damaged/results.jsonl") + 1 ))
expect_status 0 "--resume over a damaged journal" "$GB" run --resume "$WORK/damaged" -q
expect_grep "results.jsonl:5: ignored" err.txt "garbage line named by number"
expect_grep "results.jsonl: its last line was cut off \([0-9]+ bytes\): kept in .*results.jsonl.damaged and removed" err.txt "a cut-off last line is set aside, not glued to"
tail -n +$last "$WORK/killed/results.jsonl" | head -1 | head -c -40 | cmp -s - <(head -c -1 "$WORK/damaged/results.jsonl.damaged") \
  && ok "results.jsonl.damaged keeps the cut-off bytes" || not_ok "results.jsonl.damaged"
$PY -c "
import json,sys
lines = open('$WORK/damaged/results.jsonl').read().split(chr(10))
bad = [i + 1 for i, l in enumerate(lines[:-1]) if i + 1 != 5 and not isinstance(json.loads(l), dict)]
sys.exit(1 if bad or lines[-1] != '' else 0)" 2>/dev/null && ok "every journal line after resume is whole: no record was lost" || not_ok "a record was glued onto the cut-off line"
cp -r "$WORK/damaged" "$WORK/damaged2"
expect_status 0 "a second resume of the repaired journal" "$GB" run --resume "$WORK/damaged2" -q
grep -q "truncated line\|cut off" err.txt && not_ok "the cut-off line is reported again" || ok "a later resume does not report the cut-off line again"
$PY -c "
import json,sys; c=json.load(open('$WORK/damaged/results.json'))['cells']
sys.exit(0 if all(len(x['reps'])==3 and x['status']=='ok' for x in c) else 1)" && ok "the lost repetitions were measured again" || not_ok "damaged resume"
finish
