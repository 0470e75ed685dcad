#!/usr/bin/env bash
# bench-overhead.sh: what taking counters at worker begin and end costs. Target: at most 1% of a
# 100 ms cell. Prints two figures: the hooks' own cost per worker (bench_hooks, precise), and the
# end-to-end difference of a ~100 ms serial cell run with --counters none and --counters default
# (alternated, medians; on a shared VM its noise is larger than the effect, so read it with the
# printed spread). Usage: scripts/bench-overhead.sh [BUILD_DIR]   (default: build)
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
