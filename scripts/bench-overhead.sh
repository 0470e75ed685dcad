#!/usr/bin/env bash
# bench-overhead.sh: what taking counters at worker begin and end costs, and what each strategy
# costs by itself. Target for the counters: at most 1% of a 100 ms cell. Prints three figures: the
# hooks' own cost per worker (bench_hooks, precise); the end-to-end difference of a ~100 ms serial
# cell run with --counters none and --counters default (alternated, medians; on a shared VM its
# noise is larger than the effect, so read it with the printed spread); and every strategy's fixed
# cost per task and per repetition at 1 and 2 workers, from the null workload (no work, but its
# payloads still move) at two task counts: the slope of the median wall time is the cost per task,
# its intercept the cost per repetition inside the clock, and startup_s + teardown_s the cost
# outside it. Usage: scripts/bench-overhead.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
[ -d "$B" ] || cmake -S . -B "$B" > /dev/null
cmake --build "$B" -j"$(nproc)" --target gilbench bench_hooks > /dev/null 2>&1

echo "== worker hooks: one gb_worker_begin + gb_worker_end pair (median of 2000), per worker"
"$B/tests/bench_hooks" 2000
echo
echo "== end to end: sumloop, serial, ~100 ms per repetition"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for round in 1 2 3; do
  for c in none default; do
    "$B/gilbench" run -w sumloop -s serial -p quick --set phase.1.n=45000000 --reps 7 --warmup 1 \
      --counters "$c" -o "$tmp/$c-$round" -q > /dev/null
  done
done
python3 - "$tmp" <<'PY'
import glob, json, statistics, sys
walls = {}
for c in ("none", "default"):
    walls[c] = [r["wall_s"] for f in glob.glob(sys.argv[1] + "/%s-*/results.json" % c)
                for r in json.load(open(f))["cells"][0]["reps"]]
m = {c: statistics.median(v) for c, v in walls.items()}
spread = {c: (statistics.quantiles(v, n=4)[2] - statistics.quantiles(v, n=4)[0]) for c, v in walls.items()}
for c in ("none", "default"):
    print("  --counters %-8s median %.2f ms over %d reps (IQR %.2f ms)" % (c, m[c] * 1e3, len(walls[c]), spread[c] * 1e3))
d = (m["default"] - m["none"]) / m["none"] * 100
print("  difference: %+.2f%% of the cell (noise: the IQRs above)" % d)
PY
echo
echo "target: counters add at most 1% to a 100 ms cell (the '+counters' column above, as '% of a 100 ms cell')"
echo
echo "== fixed costs: the null workload (no work per task), every strategy, 1 and 2 workers"
echo "  machine: loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
N1=2000
N2=20000
for n in $N1 $N2; do
  "$B/gilbench" run -w null -s all -n 1,2 --set tasks=$n --reps 5 --warmup 1 -o "$tmp/null-$n" -q > /dev/null 2>&1 || true
done
python3 - "$tmp" $N1 $N2 <<'PY'
import json, statistics, sys
tmp, n1, n2 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def load(n):
    out = {}
    for c in json.load(open("%s/null-%d/results.json" % (tmp, n)))["cells"]:
        key = (c["strategy"], c["workers"])
        if c["status"] != "ok":
            out[key] = c["status"] + ": " + (c["error"] or "").splitlines()[0][:60]
            continue
        reps = c["reps"]
        out[key] = (statistics.median(r["wall_s"] for r in reps),
                    statistics.median(r["startup_s"] + r["teardown_s"] for r in reps))
    return out
a, b = load(n1), load(n2)
print("  %-18s %2s %14s %20s %22s" % ("strategy", "w", "per task", "per rep (in clock)", "startup+teardown"))
for key in a:
    s, w = key
    if isinstance(a[key], str) or isinstance(b.get(key), str) or key not in b:
        print("  %-18s %2d  %s" % (s, w, a[key] if isinstance(a[key], str) else b.get(key, "missing")))
        continue
    slope = (b[key][0] - a[key][0]) / (n2 - n1)
    icpt = a[key][0] - slope * n1
    print("  %-18s %2d %11.3f us %17.1f us %19.2f ms" % (s, w, slope * 1e6, icpt * 1e6, a[key][1] * 1e3))
print("  (per task: slope of the median wall between %d and %d tasks; per rep: its intercept, which noise" % (n1, n2))
print("   can push below zero; startup+teardown: creating and joining workers, outside the clock)")
PY
