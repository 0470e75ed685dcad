#!/usr/bin/env bash
# gilbench findings over the frozen synthetic run in tests/golden/findings (make_fixture.py): each
# rule of rules.ini lands on the verdict it was built for (confirmed, contradicted, inconclusive by
# a straddling interval and by a disturbed cell, not measured by a missing and an unavailable
# strategy); --json is one object of the documented shape and the same on every run (the
# bootstrap is seeded); a malformed rule is an error naming file and line; the shipped rules and
# the default suite's parts validate; a report opens with the findings.
source "$(dirname "$0")/lib.sh"
FIX="$SRC/tests/golden/findings"

expect_status 0 "findings prints the findings" "$GB" findings "$FIX/results.json" --rules "$FIX/rules.ini"
cp out.txt text.txt
expect_grep '^confirmed +threads-scale' text.txt "text: threads-scale confirmed"
expect_grep '^not measured +pypy-missing' text.txt "text: a missing strategy is not measured"
expect_grep 'openmp is unavailable: built without OpenMP' text.txt "text: an unavailable strategy says why"
expect_grep '9 confirmed, 1 contradicted, 2 inconclusive, 2 not measured' text.txt "text: the counts"

expect_status 0 "findings --json" "$GB" findings "$FIX/results.json" --rules "$FIX/rules.ini" --json
cp out.txt a.json
"$GB" findings "$FIX/results.json" --rules "$FIX/rules.ini" --json > b.json
if cmp -s a.json b.json; then ok "--json is the same on every run (seeded bootstrap)"; else not_ok "--json differs between runs"; fi
if $PY - a.json <<'PY' > check.txt 2>&1; then ok "--json: verdicts, figures, intervals, cells"; else not_ok "--json: verdicts"; sed 's/^/  | /' check.txt; fi
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "gilbench-findings/1", d["schema"]
assert set(d) >= {"results", "rules", "counts", "findings", "table"}, list(d)
assert d["counts"] == {"confirmed": 9, "contradicted": 1, "inconclusive": 2, "not_measured": 2}, d["counts"]
f = {x["id"]: x for x in d["findings"]}
want = {"threads-scale": "confirmed", "threads-efficiency": "confirmed", "gil-scales": "contradicted",
        "processes-straddle": "inconclusive", "async-noisy": "inconclusive", "quiet-noise": "confirmed",
        "openmp-skipped": "not measured", "pypy-missing": "not measured", "memory": "confirmed",
        "rss-fallback": "confirmed", "startup": "confirmed", "overhead": "confirmed", "convoy": "confirmed",
        "p99": "confirmed"}
for k, v in want.items():
    assert f[k]["verdict"] == v, (k, f[k]["verdict"], f[k]["reason"])
for x in d["findings"]:
    assert set(x) >= {"id", "claim", "verdict", "statistic", "value", "ci95", "op", "threshold", "unit",
                      "cells", "reason", "contradiction", "p_value", "line"}, sorted(x)
s = f["threads-scale"]
assert abs(s["value"] - 2.0) < 1e-9 and s["ci95"][0] <= 2.0 <= s["ci95"][1] and s["ci95"][0] > 1.5, s
assert [c["role"] for c in s["cells"]] == ["cell", "baseline"] and s["cells"][0]["index"] == 2, s["cells"]
assert s["cells"][1]["index"] == 0 and s["cells"][0]["key"].startswith("workload=sumloop"), s["cells"]
st = f["processes-straddle"]
assert st["ci95"][0] < 1.5 < st["ci95"][1] and "straddles" in st["reason"], st
assert "disturbed" in f["async-noisy"]["reason"] and "other load" in f["async-noisy"]["reason"], f["async-noisy"]
assert f["async-noisy"]["ci95"][0] > 1.5, "noisy: inconclusive although the interval is clear"
assert f["pypy-missing"]["value"] is None and f["pypy-missing"]["cells"] == [], f["pypy-missing"]
assert "no cell matches" in f["pypy-missing"]["reason"], f["pypy-missing"]
assert "built without OpenMP" in f["openmp-skipped"]["reason"], f["openmp-skipped"]
assert abs(f["memory"]["value"] - 2.0) < 1e-9, f["memory"]  # 2 processes x 10 MiB vs 1 process / 2 workers
assert abs(f["overhead"]["value"] - 99.0) < 1e-6, f["overhead"]  # (2 x 50 ms - 1 ms) / 1000 tasks
assert abs(f["convoy"]["value"] - 50.0) < 1e-9, f["convoy"]
assert f["threads-scale"]["p_value"] < 0.05 and f["p99"]["p_value"] is None
rows = {r["approach"]: r for r in d["table"]}
assert rows["native-threads"]["gil"] == ["threads-scale", "threads-efficiency"], rows["native-threads"]
assert rows["native-threads"]["cost"] == ["memory"], rows["native-threads"]
assert rows["model-gil"]["verdict"].startswith("The measurement contradicts the seed"), rows["model-gil"]
assert rows["native-threads"]["verdict"].startswith("Measured as the seed says"), rows["native-threads"]
PY

# Malformed rules: file:line and exit 2.
bad() { # bad NAME LINE PATTERN: a rules file whose error is at LINE and says PATTERN
  local name=$1 line=$2 pat=$3
  cat > "$name.ini"
  expect_status 2 "malformed rule ($name) exits 2" "$GB" findings "$FIX/results.json" --rules "$name.ini"
  expect_grep "^$name\.ini:$line: .*$pat" err.txt "malformed rule ($name): file:line and what is wrong"
  expect_status 2 "gilbench check refuses it ($name)" "$GB" check "$name.ini"
}
bad badstat 4 "statistic: 'speed' is not one of" <<'INI'
[finding.x]
claim = c
cell = workload=sumloop
statistic = speed
expect = > 1
contradiction = no
INI
bad noclaim 2 "has no 'claim'" <<'INI'

[finding.x]
statistic = speedup
cell = workload=sumloop
expect = > 1
contradiction = no
INI
bad badsel 3 "cell: 'workers=lots'|workers=lots: expected a count" <<'INI'
[finding.x]
claim = c
cell = workload=sumloop workers=lots
statistic = speedup
expect = > 1
contradiction = no
INI
bad badexpect 5 "expect: 'about 1'" <<'INI'
[finding.x]
claim = c
cell = workload=sumloop
statistic = speedup
expect = about 1
contradiction = no
INI
bad badkey 7 "unknown key 'treshold'" <<'INI'
[finding.x]
claim = c
cell = workload=sumloop
statistic = speedup
expect = > 1
contradiction = no
treshold = 2
INI
bad badapproach 4 "no \[approach.nowhere\]" <<'INI'
[finding.x]
claim = c
cell = workload=sumloop
approach = nowhere
column = gil
statistic = speedup
expect = > 1
contradiction = no
INI
bad noversus 1 "ratio needs 'versus'" <<'INI'
[finding.x]
claim = c
cell = workload=sumloop
statistic = ratio
expect = > 1
contradiction = no
INI
bad dupkey 3 "set twice" <<'INI'
[finding.x]
claim = c
claim = d
INI
expect_status 2 "a missing rules file is an error" "$GB" findings "$FIX/results.json" --rules nowhere.ini
expect_status 2 "a missing results file is an error" "$GB" findings nowhere.json --rules "$FIX/rules.ini"

# The shipped rules and suites validate; findings.ini is not listed as a workload.
expect_status 0 "the shipped findings.ini validates" "$GB" check "$SRC/workloads/findings.ini"
expect_status 0 "the default suite (with parts) validates" "$GB" check "$SRC/workloads/suites/default.ini"
"$GB" list workloads > wl.txt
if grep -q findings wl.txt; then not_ok "findings.ini listed as a workload"; else ok "findings.ini is not a workload"; fi
expect_status 0 "the shipped rules over the frozen run" "$GB" findings "$FIX/results.json"
expect_grep '^confirmed +gil-model-cpu' out.txt "shipped rules: the GIL model takes turns (confirmed)"
expect_grep '^not measured +pypy-gil' out.txt "shipped rules: no pypy cell, not measured"

# Suite parts: each part is its own product; mistakes name file and line.
cat > parts.ini <<'INI'
[suite]
strategies = serial, threads
workers = 2
reps = 1
warmup = 0
profile = quick
[part.a]
workloads = sumloop
[part.b]
workloads = square
strategies = processes
workers = 1
[part.b.set]
tasks = 100, 200
INI
expect_status 0 "a suite with parts plans" "$GB" run parts.ini --dry-run
grep -E '^ +[0-9]+ ' out.txt | awk '{print $2, $3, $4}' | sort > cells.txt
printf '%s\n' "square processes w=1" "square processes w=1" "sumloop serial w=1" "sumloop threads w=2" | sort > want.txt
if diff -u want.txt cells.txt > d.txt; then ok "parts: exactly each part's cells"; else not_ok "parts: cells"; sed 's/^/  | /' d.txt; fi
printf '[suite]\nworkloads = sumloop\n[part.a]\nworkloads = square\n' > p1.ini
expect_status 2 "workloads in [suite] beside parts" "$GB" check p1.ini
expect_grep '^p1\.ini:1: ' err.txt "parts: [suite] workloads error names the line"
printf '[suite]\nreps = 1\n[part.a]\nworkloads = square\nreps = 2\n' > p2.ini
expect_status 2 "reps in a part" "$GB" check p2.ini
expect_grep "^p2\.ini:5: unknown key 'reps' in \[part\.a\]" err.txt "parts: a suite-only key names file and line"
printf '[suite]\n[part.a]\nworkloads = square\n[part.b.set]\ntasks = 3\n' > p3.ini
expect_status 2 "a [part.NAME.set] without its part" "$GB" check p3.ini
expect_grep '^p3\.ini:4: unknown section \[part\.b\.set\]' err.txt "parts: an orphan set names file and line"

# A report opens with the findings, above the verdict.
expect_status 0 "report with findings" "$GB" report "$FIX/results.json" -o rep --formats md,html --rules "$FIX/rules.ini"
if $PY - rep/report.md rep/report.html <<'PY' > check.txt 2>&1; then ok "report: findings table first, then the verdict"; else not_ok "report: findings"; sed 's/^/  | /' check.txt; fi
import sys
md, html = open(sys.argv[1]).read(), open(sys.argv[2]).read()
assert md.index("## Findings") < md.index("## Verdict"), "md order"
assert "| Native threads | Yes | speedup 2× [" in md, md[:2000]
assert "The measurement contradicts the seed here: the GIL model took turns" in md
assert html.index('id="findings"') < html.index('id="verdict"'), "html order"
assert 'id="finding-pypy-missing"' in html and 'href="#wl-' in html
PY
expect_status 2 "report with a malformed rules file" "$GB" report "$FIX/results.json" -o rep2 --formats md --rules badstat.ini
finish
