#!/usr/bin/env bash
# bench-io.sh: the I/O benchmark targets, measured on this machine and printed beside them (not
# asserted): async with one loop completes the shipped tcp-io at least as fast as threads with 8
# workers; sleep-io under async with one loop takes at most 1.5x the longest single task's total
# sleep; one loop holds at least 10,000 sleep tasks in flight, with the heap growth per in-flight
# task at most 4 KiB. For context, the other strategies on tcp-io, sleep-io, file-io and web-mixed.
# usage: scripts/bench-io.sh [REPS] (default 3); GILBENCH=path/to/gilbench to override.
set -euo pipefail
cd "$(dirname "$0")/.."
GB=${GILBENCH:-./build/gilbench}
REPS=${1:-3}
[ -x "$GB" ] || { echo "bench-io: build first (scripts/build.sh)"; exit 2; }
out=$(mktemp -d /tmp/gilbench-bench-io.XXXXXX)
trap 'rm -rf "$out"' EXIT
cat > "$out/suite.ini" <<INI
[suite]
workloads = tcp-io, sleep-io, file-io, web-mixed
strategies = serial, gil, threads, processes, async
workers = 1, 8
reps = $REPS
warmup = 1
INI
# 10,000 tasks of one 0.2 s sleep: the loop starts them all before the first one wakes.
cat > "$out/sleep-10k.ini" <<'INI'
[workload]
name = sleep-10k
summary = 10,000 tasks of one 200 ms sleep
kind = io
tasks = 10000
[phase.1]
io = sleep
us = 200000
[profile.quick]
tasks = 100
INI
"$GB" run "$out/suite.ini" -o "$out/run" -q > /dev/null || true
"$GB" run -w "$out/sleep-10k.ini" -s async -n 1 --reps "$REPS" --warmup 1 -o "$out/10k" -q > /dev/null || true
/usr/bin/python3 - "$out/run/results.json" "$out/10k/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
cells = r["cells"] + json.load(open(sys.argv[2]))["cells"]
def med(c): return c["stats"]["wall_s"]["median"] if c and c["stats"].get("wall_s") else float("nan")
def find(w, s, n):
    for c in cells:
        if c["workload"] == w and c["strategy"] == s and c["workers"] == n and c["status"] == "ok": return c
    return None
def metric(c, name):
    v = sorted(rep["metrics"][name] for rep in c["reps"]) if c else []
    return v[len(v) // 2] if v else float("nan")
m = r["meta"]
print("gilbench bench-io: %s, %d PUs, %d reps, gilbench %s (%s)" % (m["cpu"]["model"], m["cpu"]["pus"], m["reps"], m["gilbench"], m.get("git_commit")))
for c in cells:
    if c["status"] != "ok": print("  NOT OK:", c["workload"], c["strategy"], c["workers"], c["status"], c["error"])
verdicts = []
def verdict(ok): verdicts.append(ok); return "ok" if ok else "MISSED"
print("\nmedian wall time (p50 latency of an I/O op) per strategy and workers:")
print("  %-10s %-10s %24s %24s" % ("workload", "strategy", "1 worker", "8 workers"))
for w in ("tcp-io", "sleep-io", "file-io", "web-mixed"):
    for s in ("serial", "gil", "threads", "processes", "async"):
        cols = []
        for n in (1, 8):
            c = find(w, s, n)
            cols.append("%9.1f ms (%8.1f us)" % (med(c) * 1e3, c["latency_us"]["p50"]) if c else "-")
        print("  %-10s %-10s %24s %24s" % (w, s, cols[0], cols[1]))
print("\ntargets:")
a1, t8 = find("tcp-io", "async", 1), find("tcp-io", "threads", 8)
print("  tcp-io (2000 round trips, 1 ms server delay): async 1 loop %.1f ms vs threads 8 workers %.1f ms:"
      " %.2fx (target: async at least as fast, >= 1x) %s" % (med(a1) * 1e3, med(t8) * 1e3, med(t8) / med(a1), verdict(med(a1) <= med(t8))))
s1 = find("sleep-io", "async", 1)
longest = 3 * 1000e-6  # each task sleeps 3 x 1 ms
print("  sleep-io (200 tasks x 3 x 1 ms): async 1 loop %.2f ms = %.2fx the longest task's total sleep (%.0f ms)"
      " (target <= 1.5x) %s" % (med(s1) * 1e3, med(s1) / longest, longest * 1e3, verdict(med(s1) <= 1.5 * longest)))
k = find("sleep-10k", "async", 1)
peak, per = metric(k, "peak_inflight"), metric(k, "heap_per_inflight_bytes")
print("  one loop, 10,000 tasks of one 200 ms sleep: peak in flight %.0f (target >= 10000) %s; heap growth %.0f"
      " bytes per in-flight task (target <= 4096) %s; wall %.1f ms" % (peak, verdict(peak >= 10000), per, verdict(per <= 4096), med(k) * 1e3))
print("\n%d of %d targets met" % (sum(verdicts), len(verdicts)))
PY
