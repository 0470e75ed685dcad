#!/usr/bin/env bash
# gilbench export on the frozen fixture (tests/golden/report/run): the gbench output has every
# field Google Benchmark's compare.py reads and agrees with the results (gbench_check.py); gbench
# and jsonl match their golden files, csv is report's results.csv; -o FILE; bad usage and bad
# files exit 2. GB_UPDATE_GOLDEN=1 rewrites the golden files (review the diff).
source "$(dirname "$0")/lib.sh"
FIX="$SRC/tests/golden/report"
G="$SRC/tests/golden/export"
cp -r "$FIX/run" run

for f in gbench jsonl csv; do
  expect_status 0 "export --format $f" "$GB" export run --format $f
  cp out.txt "out.$f"
done
if [ -n "${GB_UPDATE_GOLDEN:-}" ]; then cp out.gbench "$G/fixture.gbench.json"; cp out.jsonl "$G/fixture.jsonl"; fi
for pair in "out.gbench $G/fixture.gbench.json" "out.jsonl $G/fixture.jsonl" "out.csv $FIX/results.csv"; do
  set -- $pair
  if diff -u "$2" "$1" > diff.txt; then ok "$1 matches $(basename "$2")"; else not_ok "$1 differs from $2"; head -30 diff.txt | sed 's/^/  | /'; fi
done
if $PY "$SRC/tests/integration/gbench_check.py" out.gbench run/results.json > check.txt; then
  ok "gbench output as compare.py reads it ($(grep -c '^ok' check.txt) checks)"
else
  not_ok "gbench output"; grep '^not ok' check.txt | sed 's/^/  | /'
fi
expect_status 0 "export --format gbench again" "$GB" export run --format gbench
expect_grep "2 cells not ok .*left out" err.txt "the cells left out of gbench are counted on standard error"
$PY - out.jsonl run/results.json <<'PY' && ok "jsonl: one object per cell and repetition, with label and baseline" || not_ok "jsonl lines"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
cells = json.load(open(sys.argv[2]))["cells"]
assert len(lines) == sum(max(1, len(c["reps"])) for c in cells), len(lines)
assert all({"workload", "label", "workers", "status", "wall_s", "baseline"} <= set(l) for l in lines)
assert any(l["label"] == "gil[switch_interval_us=1000]" for l in lines)
assert all(l["baseline"]["kind"] == "family" for l in lines if l["speedup"] is not None)
PY

expect_status 0 "export -o FILE" "$GB" export run --format gbench -o x.json
cmp -s x.json out.gbench && [ ! -s out.txt ] && ok "-o writes the file, nothing on standard output" || not_ok "-o FILE"
expect_status 2 "an unknown format" "$GB" export run --format xml
expect_grep "format xml: not one of gbench, csv, jsonl" err.txt "names the formats"
expect_status 2 "no format" "$GB" export run
expect_status 2 "a missing results file" "$GB" export nothere --format csv
head -c 3000 run/results.json > trunc.json
expect_status 2 "a truncated results file" "$GB" export trunc.json --format jsonl
expect_grep "trunc.json:[0-9]+:[0-9]+: not a valid results file" err.txt "names the file and where it breaks"
expect_status 3 "-o into a missing folder is a write failure (exit 3)" "$GB" export run --format csv -o nothere/x.csv
finish
