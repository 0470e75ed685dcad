#!/usr/bin/env bash
# bench-contract.sh: what the timing contract costs, and whether it makes 1 worker equal serial.
# Prints, not asserts (a person reads each figure beside its target):
#  1. square and square-batched at 1 worker under threads, gil, openmp and async: median wall over
#     serial's, in one run each (shuffled rounds, so drift hits all alike); target: within 5%.
#  2. the contract's marks and the noise window per repetition (bench_contract, precise) over a
#     ~100 ms sumloop repetition's median wall; target: below 1%.
# Each figure is taken RUNS times (default 3) and printed as median [min, max], with the machine's
# state (load average and `gilbench doctor`'s load) before each.
# Usage: scripts/bench-contract.sh [BUILD_DIR] [RUNS]   (default: build 3)
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
RUNS=${2:-3}
[ -d "$B" ] || cmake -S . -B "$B" > /dev/null
cmake --build "$B" -j"$(nproc)" --target gilbench bench_contract > /dev/null 2>&1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

state() {
  local load
  load=$("$B/gilbench" doctor --json 2> /dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print([i["value"] for i in d["items"] if i["name"]=="load"][0])' || true)
  echo "  machine: loadavg $(cut -d' ' -f1-3 /proc/loadavg), other processes now: $load"
}

echo "== 1. square and square-batched at 1 worker: median wall / serial's (target: 0.95 .. 1.05)"
for r in $(seq "$RUNS"); do
  state
  "$B/gilbench" run -w square,square-batched -s serial,threads,gil,openmp,async -n 1 --reps 9 --warmup 1 \
    --seed "$r" -o "$tmp/sq-$r" -q > /dev/null 2>&1 || true
done
python3 - "$tmp" "$RUNS" <<'PY'
import json, statistics, sys
tmp, runs = sys.argv[1], int(sys.argv[2])
ratios, cpu = {}, {}
for r in range(1, runs + 1):
    cells = json.load(open("%s/sq-%d/results.json" % (tmp, r)))["cells"]
    ok = [c for c in cells if c["status"] == "ok"]
    med = {(c["workload"], c["strategy"]): c["stats"]["wall_s"]["median"] for c in ok}
    # the worker's own CPU time between its hooks: what it did, whatever else the machine ran
    wcpu = {(c["workload"], c["strategy"]): statistics.median(r["workers"][0]["cpu_s"] for r in c["reps"]) for c in ok}
    for (wl, s), m in med.items():
        if s != "serial" and (wl, "serial") in med:
            ratios.setdefault((wl, s), []).append(m / med[(wl, "serial")])
            cpu.setdefault((wl, s), []).append(wcpu[(wl, s)] / wcpu[(wl, "serial")])
print("  %-15s %-8s %-30s %s" % ("workload", "strategy", "wall / serial's", "worker CPU / serial's (less load-sensitive)"))
for (wl, s), v in sorted(ratios.items()):
    mid, c = statistics.median(v), cpu[(wl, s)]
    print("  %-15s %-8s %.3f [%.3f, %.3f] %-10s %.3f [%.3f, %.3f]   (%d runs)" % (wl, s, mid, min(v), max(v),
          "within 5%" if abs(mid - 1) <= 0.05 else "OUTSIDE 5%", statistics.median(c), min(c), max(c), len(v)))
PY

echo
echo "== 2. the contract's marks and the noise window per repetition, over a ~100 ms sumloop repetition (target: < 1%)"
for r in $(seq "$RUNS"); do
  state
  "$B/tests/bench_contract" 1000 > "$tmp/bc-$r.txt"
  "$B/gilbench" run -w sumloop -s serial -p quick --set phase.1.n=45000000 --reps 7 --warmup 1 -o "$tmp/sl-$r" -q \
    > /dev/null 2>&1 || true
done
python3 - "$tmp" "$RUNS" <<'PY'
import json, statistics, sys
tmp, runs = sys.argv[1], int(sys.argv[2])
share, marks, noise, walls = [], [], [], []
for r in range(1, runs + 1):
    f = dict(l.split() for l in open("%s/bc-%d.txt" % (tmp, r)))
    wall = json.load(open("%s/sl-%d/results.json" % (tmp, r)))["cells"][0]["stats"]["wall_s"]["median"]
    m, n = float(f["marks_us"]), float(f["noise_us"])
    marks.append(m), noise.append(n), walls.append(wall * 1e3)
    share.append((m + n) * 1e-6 / wall * 100)
fmt = lambda v, u: "%.3g%s [%.3g, %.3g]" % (statistics.median(v), u, min(v), max(v))
print("  marks + check: %s per rep; noise window: %s per rep; sumloop rep: %s" % (fmt(marks, " us"), fmt(noise, " us"), fmt(walls, " ms")))
mid = statistics.median(share)
print("  overhead: %.4f%% [%.4f, %.4f] of the repetition over %d runs  %s" % (mid, min(share), max(share), runs,
      "below 1%" if mid < 1 else "ABOVE 1%"))
print("  (the noise window lies outside wall_s: it lengthens the run, not the figure; only the two clock")
print("   marks sit at the timed region's edges)")
PY
