#!/usr/bin/env bash
# Speedups never go blank, and cells are named by the options that tell them apart. Without its
# family's baseline in the plan a cell's speedup is over the same strategy at its fewest workers:
# results say baseline {strategy, workers, kind: self}, show stars those speedups and says over
# what, the report names the baseline; with the family's serial run it is kind family. A run
# sweeping an option labels its cells gil[switch_interval_us=...] in the progress lines, show and
# the report. The cpython family's case (cpython-ext, cpython-ext-held at 1 and 2 workers) runs
# when this build has the embedded CPython.
source "$(dirname "$0")/lib.sh"
TINY=(-p quick --reps 3 --warmup 0 --set phase.1.n=200000)

expect_status 0 "threads at 2 and 3 workers, no serial" "$GB" run -w sumloop -s threads -n 2,3 "${TINY[@]}" -o self -q
$PY - self/results.json <<'PY' && ok "every cell has a speedup over threads x2, kind self" || not_ok "self baseline in results"
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
assert len(cells) == 2 and all(c["status"] == "ok" for c in cells), [c["status"] for c in cells]
for c in cells:
    assert c["speedup"] is not None and c["efficiency"] is not None, c
    assert c["baseline"] == {"strategy": "threads", "workers": 2, "kind": "self", "family": "serial"}, c["baseline"]
    assert c["family"] == "native", c["family"]  # the descriptor's family: threads has none
two = [c for c in cells if c["workers"] == 2][0]
assert abs(two["speedup"] - 1) < 1e-12, two["speedup"]   # its own baseline
pus = json.load(open(sys.argv[1]))["meta"]["cpu"]["pus"]
three = [c for c in cells if c["workers"] == 3][0]  # ideal: min(3, PUs) over the baseline's min(2, PUs)
assert abs(three["ideal"]["speedup"] - min(3, pus) / min(2, pus)) < 1e-9, (three["ideal"], pus)
PY
expect_status 0 "show of it" "$GB" show self
if grep -E '^sumloop +threads +[23] +ok' out.txt | grep -q ' - '; then not_ok "a blank speedup in show"; else ok "show has no blank speedup"; fi
expect_grep '^sumloop +threads +3 +ok .* [0-9.]+x\* ' out.txt "show stars a speedup over the same strategy"
expect_grep "^\* speedup over the same strategy at its fewest workers.*sumloop/threads x2" out.txt "show says which baseline"
expect_status 0 "report of it" "$GB" report self --formats md,csv
expect_grep "baseline: the same strategy at 2 workers" self/report/report.md "the report names the baseline"

expect_status 0 "serial beside threads" "$GB" run -w sumloop -s serial,threads -n 1,2 "${TINY[@]}" -o fam -q
$PY - fam/results.json <<'PY' && ok "with serial in the plan, threads' baseline is serial x1, kind family" || not_ok "family baseline"
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
t = [c for c in cells if c["strategy"] == "threads"]
assert t and all(c["baseline"] == {"strategy": "serial", "workers": 1, "kind": "family", "family": "serial"}
                 for c in t), [c["baseline"] for c in t]
PY

# Option labels: a sweep of the GIL model's switch interval.
cat > sweep.ini <<'INI'
[suite]
workloads = sumloop
strategies = gil
workers = 2
profile = quick
reps = 2
warmup = 0

[set]
phase.1.n = 200000
gil.switch_interval_us = 5000, 1000
INI
expect_status 0 "a run sweeping gil.switch_interval_us" "$GB" run sweep.ini -o sweep
expect_grep "gil\[switch_interval_us=1000\] +w=2" err.txt "progress lines name the option that differs"
expect_grep "gil\[switch_interval_us=5000\] +w=2" err.txt "... for each cell"
"$GB" show sweep > show.txt
expect_grep "^sumloop +gil\[switch_interval_us=5000\] +2 +ok" show.txt "show labels the cells"
expect_status 0 "report of the sweep" "$GB" report sweep --formats md
expect_grep "gil\\[switch\\\\_interval\\\\_us=1000\\]" sweep/report/report.md "the report labels them (Markdown-escaped)"
expect_status 0 "a run with one option value" "$GB" run -w sumloop -s gil -n 2 "${TINY[@]}" -o plain
if grep -q "gil\[" err.txt; then not_ok "an option that does not differ is shown"; else ok "options that do not differ are not shown"; fi

# The cpython family, as a user first meets it: two workers against one, no cpython-serial.
"$GB" list strategies > strategies.txt
if grep -q '^  cpython-ext ' strategies.txt && ! grep -q '^  cpython-ext .*\[unavailable' strategies.txt; then
  expect_status 0 "cpython-ext, cpython-ext-held at 1 and 2 workers" \
    "$GB" run -w sumloop -s cpython-ext,cpython-ext-held -n 1,2 "${TINY[@]}" -o py -q
  $PY - py/results.json <<'PY' && ok "every cpython cell has a speedup over itself at 1 worker, kind self" || not_ok "cpython self baseline"
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
assert len(cells) == 4, [(c["strategy"], c["workers"]) for c in cells]
for c in cells:
    assert c["status"] == "ok" and c["speedup"] is not None, (c["strategy"], c["workers"], c["status"], c["error"])
    assert c["baseline"] == {"strategy": c["strategy"], "workers": 1, "kind": "self",
                             "family": "cpython-ext-serial"}, c["baseline"]
    assert c["family"] == "cpython", c["family"]  # the descriptor's field, recorded by the writer
PY
  "$GB" show py > show.txt
  if grep -E '^sumloop +cpython-ext' show.txt | grep -q ' - '; then not_ok "a blank in show"; else ok "show: no blank speedup"; fi
else
  echo "# cpython part skipped: $(grep '^  cpython-ext ' strategies.txt || echo 'no cpython-ext in this build')"
fi
finish
