#!/usr/bin/env bash
# gilbench report on the frozen results in tests/golden/report/run (made by make_fixture.sh: three
# workloads, a failed and a skipped cell, unavailable counters, I/O latency, GIL traces): the CSV
# and Markdown match their golden files, the HTML and every chart have the expected structure;
# counters unavailable in some cells are drawn as n/a; --formats; a missing gnuplot is a clear
# message; a malformed or truncated results file is exit 2. GB_UPDATE_GOLDEN=1 rewrites the
# golden files (review the diff).
source "$(dirname "$0")/lib.sh"
FIX="$SRC/tests/golden/report"
cp -r "$FIX/run" run # the report goes beside the results: keep the source tree clean

expect_status 0 "report of the fixture" "$GB" report run
expect_grep "run/report/report.html" out.txt "report prints where the HTML is"
for f in results.csv report.md; do
  if [ -n "${GB_UPDATE_GOLDEN:-}" ]; then cp "run/report/$f" "$FIX/$f"; fi
  if diff -u "$FIX/$f" "run/report/$f" > diff.txt; then ok "$f matches its golden file"; else not_ok "$f differs from $FIX/$f"; head -40 diff.txt | sed 's/^/  | /'; fi
done
# Golden files hold no machine paths, so the tests pass from any checkout.
if grep -rlE '/(work|home|tmp|root)/' "$SRC/tests/golden" > paths.txt; then
  not_ok "golden files hold machine paths: $(paste -sd' ' paths.txt)"
else ok "no golden file holds a machine path"; fi
if $PY "$SRC/tests/integration/report_check.py" run/report "$FIX/expect.json" > check.txt; then
  ok "HTML structure and charts ($(grep -c '^ok' check.txt) checks)"
else
  not_ok "HTML structure and charts"; grep '^not ok' check.txt | sed 's/^/  | /'
fi
# Every repetition of every cell is a CSV row; a cell that never ran is one row with no rep.
rows=$($PY -c "
import json; c = json.load(open('run/results.json'))['cells']
print(sum(max(1, len(x['reps'])) for x in c))")
[ "$(($(wc -l < run/report/results.csv) - 1))" -eq "$rows" ] && ok "CSV: one row per cell and repetition ($rows)" || not_ok "CSV rows"

# A counter counted in some cells and not in others: the others are drawn as n/a, not as 0.
$PY - run/results.json partial/results.json <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1]))
for c in r["cells"]:
    for rep in c["reps"]:
        if c["strategy"] == "processes":
            rep["counters"]["context-switches"] = {"status": "denied", "reason": "perf_event_paranoid=3"}
os.makedirs(os.path.dirname(sys.argv[2]), exist_ok=True)
json.dump(r, open(sys.argv[2], "w"))
PY
expect_status 0 "report with a partly denied counter" "$GB" report partial
dat=partial/report/charts/counter-context-switches.dat
if grep -q '"n/a" "denied"' "$dat" && grep -q '>n/a<' partial/report/charts/counter-context-switches.svg; then
  ok "denied counter drawn as n/a in the chart"
else not_ok "denied counter drawn as n/a"; fi
$PY - "$dat" <<'PY' && ok "no zero bar stands for a denied counter" || not_ok "a denied counter got a bar"
import sys
blocks = open(sys.argv[1]).read().split("\n\n\n")
procs = [b for b in blocks if b.startswith("# processes")]
sys.exit(1 if not procs or any(l and not l.startswith("#") and not l.startswith("?") for l in procs[0].splitlines()) else 0)
PY
expect_grep "perf_event_paranoid=3" partial/report/report.html "the reason is in the counters table"

# Families: the fixture's strategies renamed into the CPython, PyPy and another Python's families
# (a family field in the results wins over the name): report.md and report.html group them, each
# against its own serial baseline, with the time relative to cpython-serial worked out here.
$PY - run/results.json fam/results.json > fam-expect.txt <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1]))
ren = {("async", 1): ("cpython-serial", "cpython-serial"), ("async", 2): ("cpython-threads", "cpython-serial"),
       ("processes", 1): ("pypy-threads", "pypy-serial"), ("processes", 2): ("pypy-threads", "pypy-serial"),
       ("openmp", 2): ("py3.12-threads", "py3.12-serial")}
for c in r["cells"]:
    new = ren.get((c["strategy"], c["workers"]))
    if new: c.pop("family", None)  # renamed: read as a file from before cells recorded their family
    if new and isinstance(c.get("baseline"), dict):  # schema 3: {strategy, workers, kind, family}
        c["strategy"] = new[0]
        c["baseline"].update(strategy=new[1], family=new[1])
    elif new:
        c["strategy"], c["baseline"] = new
    if c["strategy"] == "threads": c["family"] = "jython"  # the results' field, as a descriptor may write it
os.makedirs("fam", exist_ok=True)
json.dump(r, open(sys.argv[2], "w"))
def med(c): return c["stats"]["wall_s"]["median"]
cells = [c for c in r["cells"] if c["workload"] == "sumloop" and c["status"] == "ok"]
cpy = [med(c) for c in cells if c["strategy"] == "cpython-serial"][0]
ser = [med(c) for c in cells if c["strategy"] == "serial" and c["workers"] == 1][0]
best_pypy = min(med(c) for c in cells if c["strategy"] == "pypy-threads")
print("%.2f %.2f" % (ser / cpy, best_pypy / cpy))
PY
read -r rel_native rel_pypy < fam-expect.txt
expect_status 0 "report of a run with several families" "$GB" report fam
expect_grep "^\| sumloop \| native \| [0-9.e+-]+ s \| ${rel_native}× \|" fam/report/report.md "report.md: native serial relative to cpython-serial (${rel_native}×)"
expect_grep "^\| sumloop \| cpython \| [0-9.e+-]+ s \| 1\.00× \|" fam/report/report.md "report.md: cpython-serial is its own reference"
expect_grep "^\| sumloop \| pypy \| – \| – \| pypy-threads \([12]\) \| [0-9.]+× \| ${rel_pypy}× \|$" fam/report/report.md \
  "report.md: pypy without its serial baseline, its fastest at ${rel_pypy}× cpython-serial"
expect_grep "^\| sumloop \| jython \|" fam/report/report.md "report.md: the results' family field is used"
expect_grep "^\| sumloop \| py3\.12 \| – \| – \| no cell succeeded \|" fam/report/report.md "report.md: another Python's family"
if $PY - fam/report/report.html "$rel_native" <<'PY'; then ok "report.html: the Families section and the cells grouped by family"; else not_ok "report.html families"; fi
import re, sys
html, rel = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2]
sec = re.search(r'<section id="families">(.*?)</section>', html, re.S)
assert sec, "no families section"
assert re.search(r'<td>native</td><td><code>serial</code></td>.*?>%s×</td>' % re.escape(rel), sec.group(1)), "native row"
wl = re.search(r'<section id="wl-sumloop".*?</section>', html, re.S).group(0)
fams = re.findall(r'<h3 class="family" data-family="([^"]+)"', wl)
print("  | families in sumloop:", fams)
assert fams == ["native", "cpython", "pypy", "jython", "py3.12"], fams
assert 'href="#families"' in html
PY
expect_status 0 "--formats md of a native-only run has no Families section" "$GB" report run --formats md -o nofam
! grep -q "^## Families" nofam/report.md && ok "no Families section without other families" || not_ok "a Families section for native models only"

# Names from a results file never reach gnuplot as commands (gnuplot can run shell commands): a
# name outside the name character set is refused, naming the cell (test_hostile.sh tries them all).
$PY - run/results.json evil/results.json <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1]))
for c in r["cells"]:
    if c["strategy"] == "threads":
        c["strategy"] = 'x"; system("touch PWNED"); print "'
    if c["workload"] == "convoy":
        c["workload"] = 'c" ; system("touch PWNED2") #'
os.makedirs("evil", exist_ok=True)
json.dump(r, open(sys.argv[2], "w"))
PY
expect_status 2 "report of a results file with hostile names is refused" "$GB" report evil
expect_grep "evil/results.json: cells\[[0-9]+\]\.(strategy|workload): not a name" err.txt "names the cell and the field"
[ ! -e PWNED ] && [ ! -e PWNED2 ] && [ ! -e evil/report ] \
  && ok "hostile names stay text" || not_ok "a name from the results ran as a gnuplot command"

# --formats and -o
expect_status 0 "--formats csv -o DIR" "$GB" report run --formats csv -o only-csv
[ -f only-csv/results.csv ] && [ ! -e only-csv/report.html ] && [ ! -e only-csv/charts ] && ok "only the CSV written" || not_ok "--formats csv wrote more"
expect_status 0 "--formats md,png" "$GB" report run --formats md,png -o pngs
[ -f pngs/charts/efficiency.png ] && head -c 8 pngs/charts/efficiency.png | od -c | grep -q 'P   N   G' && ok "PNG charts rendered" || not_ok "PNG charts"
expect_grep '\(charts/[a-z-]+\.png\)' pngs/report.md "Markdown links the PNGs when SVG was not asked for"
expect_status 2 "--formats with an unknown format" "$GB" report run --formats html,pdf
expect_grep "unknown format 'pdf'" err.txt "names the unknown format"

# The .gp scripts re-render on their own, from the charts folder.
(cd run/report/charts && gnuplot speedup-sumloop.gp && gnuplot -e 'fmt="png"' gil-timeline-convoy.gp) > /dev/null 2>&1 \
  && [ -s run/report/charts/gil-timeline-convoy.png ] && ok "a saved .gp re-renders" || not_ok "a saved .gp did not re-render"

# Without gnuplot: a clear message, the tables still written; asked-for charts make it exit 1.
GILBENCH_GNUPLOT= PATH=/nonexistent expect_status 0 "report without gnuplot" "$GB" report run -o nognuplot
expect_grep "gnuplot was not found on PATH: install it \(Debian: apt-get install gnuplot-nox" err.txt "says gnuplot is missing and how to get it"
expect_grep "No charts: gnuplot was not found" nognuplot/report.html "the HTML says why there are no charts"
[ -f nognuplot/charts/speedup-sumloop.gp ] && [ ! -e nognuplot/charts/speedup-sumloop.svg ] && ok "scripts and data still written" || not_ok "scripts without gnuplot"
GILBENCH_GNUPLOT= PATH=/nonexistent expect_status 1 "--formats svg without gnuplot exits 1" "$GB" report run --formats svg -o nognuplot2
GILBENCH_GNUPLOT=/bin/false expect_status 0 "a gnuplot that fails --version" "$GB" report run -o badgnuplot
expect_grep "/bin/false --version failed" err.txt "names the broken gnuplot"

# Bad input: exit 2 with the file and what is wrong.
head -c 3000 run/results.json > truncated.json
expect_status 2 "truncated results file" "$GB" report truncated.json
expect_grep "truncated.json:[0-9]+:[0-9]+: not a valid results file" err.txt "truncated: file, line and column"
echo '{"schema": "something-else", "cells": []}' > other.json
expect_status 2 "a JSON file that is not a results file" "$GB" report other.json
expect_grep "not a gilbench results file" err.txt "says it is not a results file"
echo '{"schema": "gilbench-results/1", "meta": {}, "cells": [{"workload": "w"}]}' > badcell.json
expect_status 2 "a cell without its identity" "$GB" report badcell.json
expect_status 2 "a missing file" "$GB" report does-not-exist.json
expect_status 2 "no argument" "$GB" report
finish
