#!/usr/bin/env bash
# Noise is measured and said: every repetition's record carries noise {other_load, steal_fraction,
# freq_mhz} and every cell noise {flagged, reasons, other_load, steal_fraction, cv}; a cell measured
# beside a busy loop this test starts is flagged for other_load, the console ends with a warning
# naming it, and the Markdown and HTML reports carry a banner. --reps auto stops at its target,
# at --max-reps or at --max-cell-seconds and records which, also across --resume. The results
# schema is 2; show, report and compare read 1 and refuse other versions, naming both.
source "$(dirname "$0")/lib.sh"

# ---- a normal cell has the fields (whatever the machine is doing) ----
expect_status 0 "a run" "$GB" run -w null -p quick -s serial,threads -n 1 --reps 3 --warmup 0 -o plain -q
$PY - plain/results.json > f.txt 2>&1 <<'EOF' && ok "every rep and cell carries its noise fields" || not_ok "noise fields: $(cat f.txt)"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "gilbench-results/3", d["schema"]
for c in d["cells"]:
    n = c["noise"]
    assert isinstance(n["flagged"], bool) and isinstance(n["reasons"], list), n
    assert set(n["reasons"]) <= {"other_load", "steal", "frequency"}, n
    assert n["flagged"] == bool(n["reasons"]), n
    for k in ("other_load", "steal_fraction", "cv"):
        assert isinstance(n[k], float) and n[k] >= 0, (k, n)
    for r in c["reps"]:
        rn = r["noise"]
        assert isinstance(rn["other_load"], float) and 0 <= rn["steal_fraction"] <= 1, rn
        assert rn["freq_mhz"] is None or rn["freq_mhz"] > 0, rn
        if rn["freq_mhz"] is None:
            assert rn["freq_reason"], rn  # null with its reason
    assert n["other_load"] == max(r["noise"]["other_load"] for r in c["reps"])
EOF

# ---- a loaded machine: two busy loops beside a cell of about 0.3 s a repetition ----
$PY -c 'while True: pass' & b1=$!
$PY -c 'while True: pass' & b2=$!
trap 'kill $b1 $b2 2>/dev/null || true; rm -rf "$WORK"' EXIT
sleep 0.3
rc=0
"$GB" run -w sumloop -s serial --set n=30000000 --set tasks=4 --reps 2 --warmup 0 -o loaded > out.txt 2> err.txt || rc=$?
kill $b1 $b2 2>/dev/null || true
[ "$rc" -eq 0 ] && ok "the loaded run completes" || not_ok "the loaded run exited $rc"
$PY - loaded/results.json > f.txt 2>&1 <<'EOF' && ok "the cell is flagged for other_load ($(cat f.txt))" || not_ok "not flagged: $(cat f.txt)"
import json, sys
c = json.load(open(sys.argv[1]))["cells"][0]
assert c["noise"]["flagged"] and "other_load" in c["noise"]["reasons"], c["noise"]
assert c["noise"]["other_load"] > 0.5, c["noise"]
print("other_load %.2f CPUs" % c["noise"]["other_load"])
EOF
tail -4 err.txt > tail.txt
expect_grep "^warning: 1 of 1 cells were measured under noise" tail.txt "the console ends with the warning"
expect_grep "^  sumloop serial w=1: other processes used [0-9.]+ CPUs \(other_load\)" tail.txt "naming the cell and why"
expect_status 0 "show of it" "$GB" show loaded
expect_grep "^  sumloop serial w=1: other processes used" out.txt "show repeats the warning"
expect_status 0 "report of it" "$GB" report loaded -o rep --formats md,html
expect_grep "^> \*\*Warning: measured under noise.\*\* 1 of 1 cells" rep/report.md "the Markdown report has the banner"
expect_grep 'class="note noise" id="noise"><strong>Warning: measured under noise' rep/report.html "the HTML report has the banner"
expect_status 0 "report of the plain run" "$GB" report plain -o rep2 --formats md
if $PY -c 'import json,sys; sys.exit(any(c["noise"]["flagged"] for c in json.load(open("plain/results.json"))["cells"]))'; then
  grep -q "measured under noise" rep2/report.md && not_ok "a banner without a flagged cell" || ok "no banner without a flagged cell"
else
  echo "# the plain run was itself disturbed (a busy machine): its banner is not checked"
fi

# ---- --reps auto ----
expect_status 2 "--reps auto:abc is refused" "$GB" run -w null -p quick -s serial --reps auto:abc --dry-run
expect_grep "auto:TARGET" err.txt "naming the form"
expect_status 0 "auto, a wide target" "$GB" run -w null -p quick -s serial,threads -n 1 --reps auto:50% --warmup 0 -o auto1 -q
expect_status 0 "auto, an unreachable target, 7 reps at most" "$GB" run -w null -p quick -s serial --reps auto:0.0001% --max-reps 7 --warmup 0 -o auto2 -q
expect_status 0 "auto, a 1 ms budget per cell" "$GB" run -w null -p quick -s serial --reps auto:0.0001% --max-cell-seconds 0.001 --warmup 0 -o auto3 -q
$PY - > f.txt 2>&1 <<'EOF' && ok "each stops where it should and says why" || not_ok "reps auto: $(cat f.txt)"
import json
def cells(d): return json.load(open(d + "/results.json"))["cells"]
for c in cells("auto1"):
    a = c["reps_auto"]
    assert a["target"] == 0.5 and len(c["reps"]) >= 6, a
    assert (a["stopped_by"] == "target") == a["reached"] and a["stopped_by"] in ("target", "max-reps", "max-cell-seconds"), a
    assert not a["reached"] or a["rel_halfwidth"] <= 0.5, a
(c,) = cells("auto2")
assert c["reps_auto"]["stopped_by"] == "max-reps" and not c["reps_auto"]["reached"] and len(c["reps"]) == 7, c["reps_auto"]
(c,) = cells("auto3")
assert c["reps_auto"]["stopped_by"] == "max-cell-seconds" and len(c["reps"]) == 3, c["reps_auto"]
assert json.load(open("auto2/results.json"))["meta"]["reps_auto"] == 1e-6
EOF
# resume: keep the header and 3 repetitions of the journal, then --resume completes to 7.
head -4 auto2/results.jsonl > j && mv j auto2/results.jsonl && rm auto2/results.json
expect_status 0 "--resume of an auto run" "$GB" run --resume auto2 -q
$PY -c 'import json; (c,) = json.load(open("auto2/results.json"))["cells"]; assert len(c["reps"]) == 7 and c["reps_auto"]["stopped_by"] == "max-reps", c["reps_auto"]' \
  && ok "it goes on to its limit" || not_ok "resumed auto run"
$PY - auto2/results.jsonl <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
h = json.loads(lines[0])
h["reps_auto"]["target"] = 0.05  # as if the interrupted run had another target
open(sys.argv[1], "w").write("\n".join([json.dumps(h)] + lines[1:]) + "\n")
EOF
expect_status 2 "--resume of a journal with another target is refused" "$GB" run --resume auto2 -q
expect_grep "the reps_auto differs" err.txt "naming reps_auto"

# ---- the schema version ----
sed 's/"gilbench-results\/3"/"gilbench-results\/1"/' plain/results.json > v1.json
expect_status 0 "show reads schema 1" "$GB" show v1.json
expect_status 0 "report reads schema 1" "$GB" report v1.json -o rep1 --formats md
expect_status 0 "compare reads schema 1 beside 2" "$GB" compare v1.json plain/results.json -o cmp
sed 's/"gilbench-results\/3"/"gilbench-results\/9"/' plain/results.json > v9.json
for cmd in show report; do
  expect_status 2 "$cmd refuses schema 9" "$GB" $cmd v9.json
  expect_grep 'schema "gilbench-results/9" is not one this gilbench reads: it reads "gilbench-results/3" and the previous "gilbench-results/2" and "gilbench-results/1"' err.txt "$cmd names every version"
done
expect_status 2 "compare refuses schema 9" "$GB" compare plain/results.json v9.json
expect_grep 'gilbench-results/9.*"gilbench-results/3".*"gilbench-results/2".*"gilbench-results/1"' err.txt "compare names every version"
finish
