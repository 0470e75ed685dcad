#!/usr/bin/env bash
# make_fixture.sh GILBENCH GILBENCH_WITHOUT_OPENMP: remake run/, the frozen results the report's
# golden tests read. Everything in it comes from the real program:
#   - fixture.ini, run by GILBENCH (a results.json, GIL traces, topology.xml);
#   - one failed cell: sumloop/threads/2 with the test-only fault switch flipping a payload byte;
#   - one skipped cell: sumloop/openmp/2 from a build configured with
#     -DCMAKE_DISABLE_FIND_PACKAGE_OpenMP=ON, where openmp is "built without OpenMP";
# appended to the cells (so the trace files' cell numbers stay right). To keep the file small,
# each repetition and worker keeps four counters (two unavailable in this VM, two counted) and only the
# first repetition's GIL traces are kept. Then regenerate the golden files:
#   GB_UPDATE_GOLDEN=1 ctest -R integration.test_report
set -euo pipefail
GB=$(readlink -f "$1")
GBNO=$(readlink -f "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$GB" run "$HERE/fixture.ini" -o "$TMP/main" -q > /dev/null
GILBENCH_TEST_FAULT=in:3 "$GB" run -w sumloop -s threads -n 2 -p quick --reps 2 --warmup 0 -o "$TMP/failed" -q > /dev/null || true
GILBENCH_PATH="$HERE/../../../workloads" "$GBNO" run -w sumloop -s openmp -n 2 -p quick --reps 2 --warmup 0 -o "$TMP/skipped" -q > /dev/null || true
rm -rf "$HERE/run"
mkdir -p "$HERE/run"
python3 - "$TMP" "$HERE/run" <<'PY'
import json, sys, shutil, glob, os
tmp, out = sys.argv[1], sys.argv[2]
main = json.load(open(tmp + "/main/results.json"))
for extra in ("failed", "skipped"):
    cells = json.load(open("%s/%s/results.json" % (tmp, extra)))["cells"]
    assert len(cells) == 1 and cells[0]["status"] == extra, (extra, [c["status"] for c in cells])
    main["cells"].append(cells[0])
# Golden files hold no machine paths: the command and suite as run from the source tree's root.
main["meta"]["command"] = "gilbench run tests/golden/report/fixture.ini -o main -q"
main["meta"]["suite"] = "tests/golden/report/fixture.ini"
keep = ("PAPI_TOT_INS", "PAPI_TOT_CYC", "context-switches", "cpu-migrations")
for c in main["cells"]:
    for r in c["reps"]:
        r["counters"] = {k: v for k, v in r.get("counters", {}).items() if k in keep}
        for w in r.get("workers", []):
            if "counters" in w:
                w["counters"] = {k: v for k, v in w["counters"].items() if k in keep}
with open(out + "/results.json", "w") as f:
    json.dump(main, f, separators=(",", ":"))
    f.write("\n")
for t in glob.glob(tmp + "/main/cell-*-rep-0.gil-trace.tsv"):
    shutil.copy(t, out)
if os.path.exists(tmp + "/main/topology.xml"):
    shutil.copy(tmp + "/main/topology.xml", out)
PY
ls -la "$HERE/run"
