#!/usr/bin/env bash
# The topology picture drawn by hwloc: over the frozen run in tests/golden/report/run (binding
# none, two PUs), the report's charts/topology-none.svg is lstopo's drawing (packages, caches,
# cores, PUs) with each PU's fill set by its share of the workers' time as the .dat says, the
# shares are the ones the results give (CPU time split over the PUs seen: the fixture predates
# pu_time_s), the legend says what the colour is a share of, and the HTML shows it with a link to
# the shaded topology. `gilbench topo --svg` writes the same picture; without lstopo the report
# falls back to gilbench's own drawing and says why. Skips (77) without lstopo or hwloc.
source "$(dirname "$0")/lib.sh"
FIX="$SRC/tests/golden/report"
if ! command -v lstopo-no-graphics > /dev/null && ! command -v lstopo > /dev/null; then
  echo "skip: no lstopo (Debian: hwloc)"; exit 77
fi
if "$GB" topo | grep -q "sysfs (built without hwloc)"; then echo "skip: built without hwloc"; exit 77; fi
cp -r "$FIX/run" run

expect_status 0 "report of the fixture" "$GB" report run --formats html,svg
C=run/report/charts
if $PY - run/results.json "$C" <<'PY' > check.txt 2>&1; then ok "topology-none: hwloc's drawing, shaded by the shares the results give"; else not_ok "topology-none"; sed 's/^/  | /' check.txt | head -20; fi
import json, os, re, sys
import xml.etree.ElementTree as ET
res, charts = json.load(open(sys.argv[1])), sys.argv[2]
secs = {}
for c in res["cells"]:
    if c["binding"] != "none": continue
    for r in c["reps"]:
        for w in r["workers"]:
            seen = w["pus_seen"]
            for p in seen: secs[p] = secs.get(p, 0) + w["cpu_s"] / len(seen)
total = sum(secs.values())
want = {p: s / total for p, s in secs.items()}
dat = {int(l.split()[0]): float(l.split()[2]) for l in open(os.path.join(charts, "topology-none.dat"))
       if l.strip() and not l.startswith("#")}
assert dat.keys() == want.keys() and all(abs(dat[p] - want[p]) < 1e-3 for p in want), (dat, want)
root = ET.parse(os.path.join(charts, "topology-none.svg")).getroot()
assert re.match(r"^0 0 \d+ \d+$", root.get("viewBox", "")), root.get("viewBox")
ns = "{http://www.w3.org/2000/svg}"
cls = {e.get("class") for e in root.iter() if e.get("class")}
assert {"Package", "Core", "PU"} <= cls and any(c.startswith("L") for c in cls), cls  # hwloc's objects
texts = " | ".join(t.text or "" for t in root.iter(ns + "text"))
assert "share of the workers' time" in texts and "with binding none" in texts and "white 0%" in texts, texts
for p, s in want.items():
    assert "P#%d %.0f%%" % (p, s * 100) in texts, (p, texts)
fills = {e.get("id"): e.get("fill") for e in root.iter(ns + "rect") if e.get("class") == "PU"}
def dark(f): return sum(int(x) for x in re.findall(r"\d+", f))
order = sorted(want, key=lambda p: want[p])  # more time, darker
assert dark(fills["PU_%d_rect" % order[0]]) > dark(fills["PU_%d_rect" % order[-1]]), fills
xml = open(os.path.join(charts, "topology-none.xml")).read()
assert xml.count('name="lstopoStyle"') == len(fills), "every PU styled"
PY
expect_grep 'id="chart-topology-none"' run/report/report.html "the HTML shows it"
expect_grep 'href="charts/topology-none.xml"' run/report/report.html "with a link to the shaded topology"

expect_status 0 "topo --svg --results" "$GB" topo --svg t.svg --results run
expect_grep "binding none" out.txt "topo --svg says which policy it drew"
if grep -q "P#0" t.svg && grep -q "share of the workers' time" t.svg; then ok "topo --svg: the same picture"; else not_ok "topo --svg"; fi
expect_status 0 "topo --svg (this machine)" "$GB" topo --svg m.svg
grep -q "class='PU'" m.svg && ok "this machine drawn" || not_ok "this machine drawn"
expect_status 2 "topo --svg --binding not in the run" "$GB" topo --svg x.svg --results run --binding scatter
expect_grep "no measured cell with binding scatter" err.txt "says so"
expect_status 2 "--results without --svg" "$GB" topo --results run

# A topology.xml is input like any other: words in it reach the picture as text, never as markup.
rm -rf run/report
if command -v hwloc-annotate > /dev/null; then
  hwloc-annotate run/topology.xml run/topology.xml root info lstopoLegend '</text><script>alert(1)</script>'
  expect_status 0 "report over a topology.xml with markup in it" "$GB" report run --formats html,svg
  if ! grep -qi "<script>alert" run/report/report.html run/report/charts/topology-none.svg &&
    grep -q "&lt;/text&gt;&lt;script&gt;" run/report/charts/topology-none.svg; then
    ok "markup from topology.xml is escaped in the picture and the HTML"
  else
    not_ok "markup from topology.xml reached the picture"
  fi
  cp "$FIX/run/topology.xml" run/topology.xml
  rm -rf run/report
fi
expect_status 0 "report without lstopo" env GILBENCH_LSTOPO=/nonexistent "$GB" report run --formats html,svg
expect_grep "topology drawn by gilbench instead of hwloc: GILBENCH_LSTOPO=/nonexistent" err.txt "stderr says why"
[ -s run/report/charts/topology.svg ] && [ ! -e run/report/charts/topology-none.svg ] && ok "gilbench's own drawing instead" || not_ok "fallback drawing"
expect_grep "Drawn by gilbench, not hwloc: GILBENCH_LSTOPO=/nonexistent is not an executable file" run/report/report.html "the caption says why"
finish
