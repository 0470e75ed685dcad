#!/usr/bin/env bash
# What the console says. Grouped warnings: over the frozen run in tests/golden/report/run (four
# counters this VM cannot count, for the same causes; a skipped OpenMP cell, doubled here into two
# with the same reason; mpi cells added at 2, 3 and 4 ranks, the last two oversubscribed) `gilbench
# show` prints each reason once with what it applies to, exactly as tests/golden/console/warnings.txt
# has it (path-free, deterministic); its table and counters section are tests/golden/console/table.txt.
# Its notes, table rows and counters lines name cells by the model's labels: two gil cells that
# differ only by an option, and two nbody cells that differ only by a parameter, marked as varying
# by more than 5%, are four distinct names. Progress without a terminal:
# a run whose stderr is a file writes "progress:" lines with the round, the repetitions done of
# planned, the elapsed time and an estimate, at least every GILBENCH_PROGRESS_S seconds (10 s
# unless a test shortens it), including while one long repetition runs. A cell's own progress
# line names it with the parameters and options that tell it apart. A reps-auto run records what
# its estimate started from and replays (estimate-replay). GB_UPDATE_GOLDEN=1
# rewrites the golden file (review the diff).
source "$(dirname "$0")/lib.sh"
GOLD="$SRC/tests/golden/console"
# golden FILE WHAT: FILE (made here) must equal tests/golden/console/FILE; GB_UPDATE_GOLDEN=1
# copies it there instead (review the diff).
golden() {
  if [ -n "${GB_UPDATE_GOLDEN:-}" ]; then cp "$1" "$GOLD/$1"; fi
  if diff -u "$GOLD/$1" "$1" > diff.txt; then
    ok "$2: as in tests/golden/console/$1"
  else
    not_ok "$2: differs from tests/golden/console/$1"
    sed 's/^/  | /' diff.txt | head -40
  fi
}

# The fixture: the frozen run with its skipped openmp cell doubled (w=2 and w=4, one reason), its
# four unavailable counters in every repetition, mpi cells (a copy of sumloop's serial cell) at 2, 3
# and 4 ranks of which 3 and 4 report `oversubscribed`, and cv_high on the two sumloop gil cells at
# 2 workers (switch intervals 5000 and 1000) and on nbody's threads cell at 2 workers and a copy of
# it with another n.
$PY - "$SRC/tests/golden/report/run/results.json" > results.json <<'PY'
import copy, json, sys
d = json.load(open(sys.argv[1]))
omp = [c for c in d["cells"] if c["strategy"] == "openmp"][0]
twin = copy.deepcopy(omp)
twin["workers"] = 4
twin["key"] = twin["key"].replace("workers=2", "workers=4")
d["cells"].append(twin)
serial = [c for c in d["cells"] if c["strategy"] == "serial" and c["workload"] == "sumloop"][0]
for n in (2, 3, 4):
    mpi = copy.deepcopy(serial)
    mpi["strategy"], mpi["workers"] = "mpi", n
    mpi["key"] = mpi["key"].replace("strategy=serial", "strategy=mpi").replace("workers=1", "workers=%d" % n)
    for r in mpi["reps"]:
        r["metrics"] = {"ipc_bytes": 1.0, "ipc_messages": 1.0, "hosts": 1.0, "oversubscribed": float(n > 2)}
    d["cells"].append(mpi)
d["meta"]["metrics"]["oversubscribed"] = {"unit": "bool", "aggregate": "max", "help": "more ranks than PUs"}
def varied(c, cv):
    c["noise"] = dict(c.get("noise") or {}, cv=cv, cv_high=True)
for c in d["cells"]:
    if c["workload"] == "sumloop" and c["strategy"] == "gil" and c["workers"] == 2:
        varied(c, 0.07 if c["options"]["switch_interval_us"] == 5000 else 0.09)
threads = [c for c in d["cells"] if c["workload"] == "nbody" and c["strategy"] == "threads" and c["workers"] == 2][0]
varied(threads, 0.06)
other = copy.deepcopy(threads)
other["params"]["phase.1.n"] = 40000
other["key"] = other["key"].replace("phase.1.n=20000", "phase.1.n=40000")
varied(other, 0.08)
d["cells"].append(other)
# Every counter the run asked for, as each repetition would carry it (the frozen reps hold two).
ev = d["meta"]["counters"]["events"]
for c in d["cells"]:
    for r in c["reps"]:
        for k, e in ev.items():
            if e["status"] == "unavailable" and k not in r["counters"]:
                r["counters"][k] = {"status": "unavailable", "reason": e["reason"]}
json.dump(d, sys.stdout)
PY
expect_status 0 "show the frozen run" "$GB" show results.json
# The warning blocks: counters not counted in full, the cells not ok, and the notes.
awk '/^counters not counted in full/{on=1} /^not ok:/{on=1} /^note: /{on=1} on&&/^$/{on=0} on' out.txt > warnings.txt
golden warnings.txt "the grouped warnings"
# The main table and the counters section name each row as the notes do: the workload column
# carries the parameters that tell nbody's two sets apart, the strategy column the options that
# tell the gil cells apart, and each workload's parameter set is one block of rows.
awk '/^workload /{on=1} /^verdict/{on=0} /^counters and metrics/{on=1} /^counters not counted/{on=0} on' out.txt > table.txt
golden table.txt "the table and the counters section"
expect_grep "^nbody \(phase\.1\.n=40000\) threads +2 ok " table.txt "a table row names its parameter set"
expect_grep "^nbody \(phase\.1\.n=20000\) gil\[switch_interval_us=1000\] +2  gil_acquisitions" table.txt \
  "a counters line names its parameter set and options"
n=$(grep -c "^nbody (phase.1.n=20000) " table.txt || true)
if [ "$n" -ge 20 ]; then ok "nbody's first set: $n lines (table and counters)"; else not_ok "nbody's first set: $n lines"; fi
n=$(grep -c "no hardware counters in this VM (KVM)" warnings.txt || true)
if [ "$n" -eq 1 ]; then ok "PAPI's reason is printed once"; else not_ok "PAPI's reason printed $n times"; fi
expect_grep "applies to \(4\): PAPI_TOT_INS, PAPI_TOT_CYC, PAPI_BR_MSP, PAPI_L1_DCM" warnings.txt \
  "the counters PAPI's reason applies to follow it"
expect_grep "applies to \(3\): PAPI_TOT_INS, PAPI_TOT_CYC, PAPI_BR_MSP" warnings.txt \
  "perf's reason: the three counters perf has an event for"
expect_grep "applies to \(2\): sumloop/openmp/2, sumloop/openmp/4" warnings.txt "one skip reason, both cells"
n=$(grep -c "more ranks than the 2 PUs: oversubscribed" warnings.txt || true)
if [ "$n" -eq 1 ]; then ok "the oversubscription reason is printed once"; else not_ok "oversubscription printed $n times"; fi
expect_grep "^    applies to \(2\): sumloop/mpi/3, sumloop/mpi/4$" warnings.txt "it names the oversubscribed cells only"
# The cv note: four cells, four distinct names, told apart by an option or by a parameter.
$PY - warnings.txt <<'PY' > cv.txt 2>&1 && ok "the cv note names cells differing only by an option or a parameter apart" || { not_ok "the cv note's names"; sed 's/^/  | /' cv.txt; }
import re, sys
line = [l for l in open(sys.argv[1]) if l.startswith("note: 4 cells varied")][0]
names = re.findall(r" (\S+(?: \([^)]*\))?/\S+/\d+) \(\d+%\)", line)
print(names)
want = {"sumloop/gil[switch_interval_us=5000]/2", "sumloop/gil[switch_interval_us=1000]/2",
        "nbody (phase.1.n=20000)/threads/2", "nbody (phase.1.n=40000)/threads/2"}
assert len(names) == 4 and set(names) == want, names
PY

# Progress lines without a terminal, every 0.5 s here: sleep-io's repetitions at this size take
# about 2 s each, so lines must come from inside a repetition too.
cat > slow.ini <<'INI'
[workload]
name = slow
summary = four tasks that sleep 0.5 s each
kind = io
tasks = 4
[phase.1]
io = sleep
us = 500000
INI
rc=0
GILBENCH_PROGRESS_S=0.5 "$GB" run -w ./slow.ini -s serial --reps 2 --warmup 0 -o run > out.txt 2> err.txt || rc=$?
if [ "$rc" -eq 0 ]; then ok "a run with stderr to a file"; else not_ok "the run failed (exit $rc)"; sed 's/^/  | /' err.txt | head; fi
n=$(grep -c '^progress: round [0-9]+/[0-9]+, [0-9]+/2 reps done, elapsed [0-9]+ s, estimate [0-9]+ s in all, -?[0-9]+ s left \(now slow serial w=1\)$' -E err.txt || true)
if [ "$n" -ge 4 ]; then ok "$n progress lines: round, reps done of planned, elapsed, estimate, cell"; else
  not_ok "$n progress lines (wanted >= 4 over 4 s at one every 0.5 s)"; sed 's/^/  | /' err.txt | head -20; fi
if grep -q $'\r' err.txt; then not_ok "a terminal's carriage return in a file"; else ok "no carriage returns in a file"; fi
# a fixed-reps cell that ends ok gets its median and nothing of a failure's "kept" tail
if grep -Eq '^slow serial w=1 +ok +median [0-9.]+ s over 2 reps$' err.txt && ! grep -q 'finished ok, kept' err.txt; then
  ok "an ok cell's line has its median and no failure tail"
else
  not_ok "an ok cell's line"; grep '^slow ' err.txt | sed 's/^/  | /'
fi
$PY - run/results.json <<'PY' > dur.txt 2>&1 && ok "results record the first estimate and the time taken" || { not_ok "meta.duration"; sed 's/^/  | /' dur.txt; }
import json, sys
d = json.load(open(sys.argv[1]))["meta"]["duration"]
assert d["estimated_s"] > 3 and d["taken_s"] > 4, d
# fixed reps: the plan's figure is exact in count, so its upper bound is itself and the estimate
# is refined from the first repetition on
assert abs(d["estimated_max_s"] - d["estimated_s"]) < 1e-6, d
assert d["refined_s"] is not None and 0 < d["refined_at_s"] <= d["taken_s"], d
PY

# Reps auto: the plan's estimate is a range (every cell at min_reps .. at max_reps), and the
# running estimate is marked refined once every cell has 2 repetitions of its own.
sed 's/^us = .*/us = 20000/' slow.ini > quick.ini
sed -i 's/^name = slow/name = quick/' quick.ini
rc=0
"$GB" run -w ./quick.ini -s serial,threads -n 1,2 --reps auto --max-reps 12 -o auto > out.txt 2> err.txt || rc=$?
if [ "$rc" -eq 0 ]; then ok "a reps-auto run"; else not_ok "reps-auto run failed (exit $rc)"; sed 's/^/  | /' err.txt | head; fi
expect_grep "^estimated duration: [0-9]+ to [0-9]+ s, .*with reps auto each cell runs until its own spread allows, from 6 reps" err.txt \
  "with reps auto the plan's estimate is a range from min_reps to max_reps"
$PY - auto/results.json <<'PY' > dur.txt 2>&1 && ok "reps auto: the range and the refined estimate are recorded" || { not_ok "meta.duration (reps auto)"; sed 's/^/  | /' dur.txt; }
import json, sys
d = json.load(open(sys.argv[1]))["meta"]["duration"]
assert d["estimated_max_s"] > d["estimated_s"] > 0, d
assert d["refined_s"] is not None and d["refined_at_s"] > 0, d
assert d["refined_at_s"] < d["taken_s"], d  # refined before the end: after 2 reps of 6 or more
# what a replay needs: the references' times, the overhead, and when each repetition ended
assert d["estimated_min_s"] < d["estimated_s"] < d["estimated_max_s"], d
assert len(d["reference_s"]) == 1 and d["rep_overhead_s"] >= 0, d
at = [json.loads(l)["at_s"] for l in open(sys.argv[1].replace("results.json", "results.jsonl")).readlines()[1:]]
assert len(at) >= 18 and at == sorted(at) and 0 < at[-1] <= d["taken_s"], at
PY

# The run replayed through the running estimate (gilbench estimate-replay, scripts/bench-estimate.sh).
rc=0
"$GB" estimate-replay auto > replay.txt 2>&1 || rc=$?
if [ "$rc" -eq 0 ]; then ok "estimate-replay replays a run"; else not_ok "estimate-replay failed (exit $rc)"; sed 's/^/  | /' replay.txt | head; fi
expect_grep "references as recorded" replay.txt "the replay takes the run's own references"
expect_grep "^start: the plan says about [0-9]+ s \([0-9]+ to [0-9]+ s\): error [-+][0-9.]+%" replay.txt "the start figure against the time taken"
expect_grep "^at 50% \([0-9]+ s\): estimate [0-9]+ s, error [-+][0-9.]+% \(target 10%\)" replay.txt "the estimate at 50% of the run"
expect_grep "^within 10% from [0-9]+ s on \([0-9]+% of the run\); worst error from 20% on: [0-9.]+%" replay.txt "from when on it held"
rc=0
"$GB" estimate-replay no-such-dir > replay.txt 2>&1 || rc=$?
if [ "$rc" -eq 2 ]; then ok "estimate-replay: a missing folder is an error"; else not_ok "estimate-replay no-such-dir exited $rc"; fi

# Progress lines name a cell as the table does: a suite sweeping null's tasks and gil's switch
# interval gives each cell's line the parameter and the option that tell it apart.
cat > sweep.ini <<'INI'
[suite]
workloads = null
strategies = serial, gil
workers = 1
profile = quick
reps = 1
warmup = 0
[set]
tasks = 20, 30
gil.switch_interval_us = 5000, 1000
INI
expect_status 0 "a sweep of a parameter and an option" "$GB" run ./sweep.ini -o sweep
for name in "null (tasks=20) serial w=1" "null (tasks=30) serial w=1" \
  "null (tasks=20) gil[switch_interval_us=1000] w=1" "null (tasks=30) gil[switch_interval_us=5000] w=1"; do
  if grep -qF "$name " err.txt; then ok "a progress line names $name"; else not_ok "no progress line names $name"; fi
done
finish
