#!/usr/bin/env bash
# gilbench compare on synthetic runs made from the frozen fixture (8 repetitions a cell, a fixed
# spread): B 20% slower is significant in every cell and trips --fail-if-slower; two identical
# runs show no significant change; a 25% threshold hides a 20% change; differences of compiler
# and kernel are both named, steal time and load sampled around the run and its estimated and
# taken times are not; cells only in one run, failed cells, bad options and bad files.
source "$(dirname "$0")/lib.sh"
$PY - "$SRC/tests/golden/report/run/results.json" <<'PY'
import copy, json, os, sys
base = json.load(open(sys.argv[1]))
spread = [1.00, 1.012, 0.991, 1.021, 0.984, 1.006, 0.995, 1.015]

def run(factor, rotate, meta=None, drop_last=False):
    r = copy.deepcopy(base)
    if meta:
        for path, value in meta.items():
            o = r["meta"]
            keys = path.split(".")
            for k in keys[:-1]:
                o = o[k]
            o[keys[-1]] = value
    for c in r["cells"]:
        if c["status"] != "ok":
            continue
        wall = c["stats"]["wall_s"]["median"]
        p99 = c["latency_us"]["p99"] if c["latency_us"]["count"] else 0
        rep0 = c["reps"][0]
        c["reps"] = []
        for i in range(8):
            k = spread[(i + rotate) % 8] * factor
            rep = copy.deepcopy(rep0)
            rep["wall_s"] = wall * k
            if p99:
                rep["latency_us"] = dict(rep["latency_us"], p99=p99 * k)
            c["reps"].append(rep)
    if drop_last:
        r["cells"] = r["cells"][:-3]
    return r

for name, r in {"A": run(1.0, 0), "A2": run(1.0, 0), "B_same": run(1.0, 3), "B_slow": run(1.2, 5),
                "B_env": run(1.0, 0, {"compiler": "Clang 14.0.6", "host.kernel": "6.1.0-18-amd64"}),
                "B_fewer": run(1.0, 0, drop_last=True),
                # What the writer samples around every run (steal time, load, the run secret, the
                # estimated and taken times) differs between any two runs and is no difference of
                # environment.
                "B_noise": run(1.0, 0, {"host.steal_s_start": 81.5, "host.steal_s_end": 93.25,
                                        "host.steal_s_during": 11.75, "host.loadavg_start": [1.5, 1.0, 0.5],
                                        "host.loadavg_end": [1.75, 1.25, 0.5], "secret": "00000000deadbeef",
                                        "started": "2026-12-01T10:00:00+0000",
                                        "duration": {"estimated_s": 12.5, "estimated_max_s": 12.5, "refined_s": 11.0,
                                                     "refined_at_s": 2.0, "taken_s": 13.25}})}.items():
    os.makedirs(name)
    json.dump(r, open(name + "/results.json", "w"))
PY
ncmp=$($PY -c "import json; print(sum(c['status'] == 'ok' for c in json.load(open('A/results.json'))['cells']))")

expect_status 0 "compare a 20% slower run" "$GB" compare A B_slow
cp out.txt slow.txt
expect_grep "Geometric mean of the ratios over $ncmp cells: 1\.200 \(B slower\)\. $ncmp significantly slower, 0 significantly faster" slow.txt "every cell significantly slower, geometric mean 1.2"
[ "$(grep -c ' slower$' slow.txt)" -eq "$ncmp" ] && ok "each compared cell says slower" || not_ok "per-cell verdicts: $(grep -c ' slower$' slow.txt) of $ncmp"
expect_grep "sumloop · threads ×2 +wall +22\.[0-9] ms +27\.[0-9] ms +1\.200 \[1\.1[0-9]+, 1\.2[0-9]+\] +<0\.001 +slower" slow.txt "a row: medians, ratio with its interval, p-value"
expect_grep "convoy · threads ×2 +p99 latency" slow.txt "latency workloads compare their p99 latency"
expect_grep "checksum|failed in A, failed in B" slow.txt "the failed cell is not compared, and says why"
expect_grep "skipped in A, skipped in B" slow.txt "the skipped cell is not compared, and says why"
expect_status 1 "--fail-if-slower trips on a significant slowdown" "$GB" compare A B_slow --fail-if-slower
expect_grep "significantly slower in B \(--fail-if-slower\)" err.txt "says why it failed"
expect_status 0 "--threshold 25% hides a 20% slowdown" "$GB" compare A B_slow --threshold 25% --fail-if-slower
expect_grep " 0 significantly slower" out.txt "no cell beyond a 25% threshold"
expect_status 0 "--threshold as a fraction" "$GB" compare A B_slow --threshold 0.25

expect_status 0 "two identical runs" "$GB" compare A A2 --fail-if-slower
expect_grep "Geometric mean of the ratios over $ncmp cells: 1\.000 \(no difference\)\. 0 significantly slower, 0 significantly faster" out.txt "no significant change between identical runs"
expect_grep "environments match" out.txt "identical environments"
expect_status 0 "same spread, other order" "$GB" compare A B_same --fail-if-slower
expect_grep " 0 significantly slower, 0 significantly faster" out.txt "no significant change when only the order differs"

expect_status 0 "runs whose environments differ" "$GB" compare A B_env
expect_grep "environments differ \(2 fields\)" out.txt "two differences found"
expect_grep "^  compiler: GNU 12\.2\.0 -> Clang 14\.0\.6$" out.txt "the compiler difference, field by field"
expect_grep "^  host\.kernel: 6\.18\.44-fc-v595 -> 6\.1\.0-18-amd64$" out.txt "the kernel difference, field by field"

expect_status 0 "runs that differ only in steal time, load and secret" "$GB" compare A B_noise
expect_grep "environments match" out.txt "steal time, load and the run secret are not environment differences"
if grep -q "steal" out.txt; then not_ok "compare names steal"; sed 's/^/  | /' out.txt | grep steal; else ok "compare says nothing of steal"; fi
if grep -q "duration" out.txt; then not_ok "compare names meta.duration"; sed 's/^/  | /' out.txt | grep duration; else ok "compare says nothing of the estimated and taken times"; fi

expect_status 0 "cells only in one run" "$GB" compare A B_fewer
expect_grep "only in A" out.txt "cells missing from B are listed"

# The files: Markdown and HTML with the chart.
expect_status 0 "compare -o DIR" "$GB" compare A B_slow -o cmp
[ -s cmp/compare.md ] && [ -s cmp/compare.html ] && [ -s cmp/compare.gp ] && [ -s cmp/compare.dat ] && ok "compare.md, .html, .gp and .dat written" || not_ok "compare files"
expect_grep "^\| sumloop · threads ×2 \| wall \| .* \| \*\*slower\*\* \|$" cmp/compare.md "Markdown table row"
[ "$(grep -c '<svg' cmp/compare.html)" -eq 1 ] && ok "the HTML inlines its chart" || not_ok "HTML chart"
$PY -c "import xml.etree.ElementTree as E; r = E.parse('cmp/compare.svg').getroot(); assert r.get('viewBox'); t = ' '.join(x.text or '' for x in r.iter()); assert 'threads' in t and 'gil' in t" \
  && ok "compare.svg parses, with a viewBox and the strategies" || not_ok "compare.svg"
[ -f B_slow/compare/compare.html ] || expect_status 0 "default output beside B" "$GB" compare A B_slow
[ -f B_slow/compare/compare.html ] && ok "default output: a compare folder beside B" || not_ok "default output"
$GB compare A B_slow --seed 7 -o s1 > s1.txt && $GB compare A B_slow --seed 7 -o s2 > s2.txt
diff <(grep -v '^wrote' s1.txt) <(grep -v '^wrote' s2.txt) > /dev/null && ok "the same seed gives the same intervals" || not_ok "bootstrap not reproducible"

# Bad usage and bad files: exit 2.
expect_status 2 "one run only" "$GB" compare A
expect_status 2 "a bad threshold" "$GB" compare A B_slow --threshold lots
expect_grep "expected a percentage" err.txt "the threshold message says what is expected"
head -c 2000 A/results.json > truncated.json
expect_status 2 "a truncated results file" "$GB" compare A truncated.json
expect_grep "truncated.json:[0-9]+:[0-9]+: not a valid results file" err.txt "names the file and where it breaks"
finish
