#!/usr/bin/env bash
# bench-convoy.sh: the convoy experiment, in one gilbench run on this machine. A tcp round trip
# (64 bytes, the server answering after 100 us) alone, then beside 1 and 2 CPU-bound workers,
# under `gil` at switch intervals of 5000, 1000 and 100 us and under `threads`; the lock switches
# per second against 1/interval; and the I/O rate beside one CPU-bound worker against the
# published model, requests/s = 1/(2 x interval) (a request and a reply, each a blocking call
# that waits an interval for the lock). Figures, not assertions: read them as ratios measured in
# the same run. What is known of CPython, and checked here: under the GIL a round trip that takes
# tens of microseconds alone takes on the order of the switch interval beside one CPU-bound
# worker; under threads it stays near its alone latency; a shorter interval raises the I/O rate
# roughly in proportion.
# usage: scripts/bench-convoy.sh [REPS] (default 3); GILBENCH=path/to/gilbench to override.
set -euo pipefail
cd "$(dirname "$0")/.."
GB=${GILBENCH:-./build/gilbench}
REPS=${1:-3}
[ -x "$GB" ] || { echo "bench-convoy: build first (scripts/build.sh)"; exit 2; }
out=$(mktemp -d /tmp/gilbench-bench-convoy.XXXXXX)
trap 'rm -rf "$out"' EXIT
# Three variants of the shipped convoy: no CPU work (alone), one and two CPU-bound tasks. Each CPU
# task (about 0.35 s) outlasts the 20 round trips even at the longest interval (20 x ~5 ms).
variant() { # variant NAME CPU_TASKS N
  sed -e "s/^name = convoy$/name = $1/" "workloads/convoy.ini" > "$out/$1.ini"
  cat >> "$out/$1.ini" <<INI
[profile.bench]
group.cpu.tasks = $2
group.cpu.phase.1.n = $3
group.io.tasks = 20
INI
}
variant convoy-alone 1 0
variant convoy-beside1 1 1200000000
variant convoy-beside2 2 1200000000
cat > "$out/suite.ini" <<INI
[suite]
workloads = $out/convoy-alone.ini, $out/convoy-beside1.ini, $out/convoy-beside2.ini
strategies = serial, gil, threads
workers = 1, 2, 3
profile = bench
reps = $REPS
warmup = 1
[set]
gil.switch_interval_us = 5000, 1000, 100
INI
"$GB" run "$out/suite.ini" -o "$out/run" -q > /dev/null || true
/usr/bin/python3 - "$out/run/results.json" <<'PY'
import json, math, sys
r = json.load(open(sys.argv[1]))
cells = r["cells"]
def find(w, s, n, iv=None):
    for c in cells:
        if c["workload"] == w and c["strategy"] == s and c["workers"] == n and c["status"] == "ok" \
           and (iv is None or c["options"].get("switch_interval_us") == iv):
            return c
    return None
def lat(c, k="p50"): return c["latency_us"][k] if c else float("nan")
def med(v): v = sorted(v); return v[len(v) // 2] if v else float("nan")
def per_wall(c, name): # a metric per second of the whole repetition
    return med([rep["metrics"][name] / rep["wall_s"] for rep in c["reps"]]) if c else float("nan")
def per_io(c, name): # a metric per second spent in round trips (they run back to back on one worker)
    return med([rep["metrics"][name] / (rep["latency_us"]["mean"] * rep["latency_us"]["count"] * 1e-6)
                for rep in c["reps"]]) if c else float("nan")
m = r["meta"]
print("gilbench bench-convoy: %s, %d PUs, %d reps, gilbench %s (%s)" % (m["cpu"]["model"], m["cpu"]["pus"], m["reps"], m["gilbench"], m.get("git_commit")))
for c in cells:
    if c["status"] != "ok": print("  NOT OK:", c["workload"], c["strategy"], c["workers"], c["status"], c["error"])
verdicts = []
def verdict(ok): verdicts.append(ok); return "ok" if ok else "MISSED"
# The I/O worker is the one the CPU tasks leave: workers = CPU tasks + 1.
alone = find("convoy-alone", "serial", 1)
a = lat(alone)
print("\ntcp round trip alone (serial, no CPU-bound work): p50 %.1f us, p90 %.1f us" % (a, lat(alone, "p90")))
print("\nround trip beside CPU-bound workers, p50 (p90) in us, and p50 / alone:")
print("  %-9s %-9s %-30s %-30s" % ("strategy", "interval", "beside 1 CPU-bound worker", "beside 2 CPU-bound workers"))
rows = [("gil", 5000), ("gil", 1000), ("gil", 100), ("threads", None)]
for s, iv in rows:
    cols = []
    for w, n in (("convoy-beside1", 2), ("convoy-beside2", 3)):
        c = find(w, s, n, iv)
        cols.append("%9.1f (%9.1f) %7.1fx" % (lat(c), lat(c, "p90"), lat(c) / a))
    print("  %-9s %-9s %-30s %-30s" % (s, "%d us" % iv if iv else "-", cols[0], cols[1]))
g5 = lat(find("convoy-beside1", "gil", 2, 5000))
t1 = lat(find("convoy-beside1", "threads", 2))
print("\n  gil at 5000 us beside 1: p50 %.0f us, on the order of the interval (0.5x .. 4x of 5000 us) %s"
      % (g5, verdict(2500 <= g5 <= 20000)))
print("  threads beside 1: p50 %.1f us, near its alone latency (within 3x of %.1f us) %s" % (t1, a, verdict(t1 <= 3 * a)))
print("\nlock switches per second (gil) against 1/interval. Beside 1: switches per second of round-trip")
print("time (the CPU-bound worker runs on alone once the round trips are done); beside 2: per second of")
print("the whole repetition, where the two CPU-bound workers trade the lock throughout:")
print("  %-9s %14s %8s %14s %8s %12s" % ("interval", "beside 1", "ratio", "beside 2", "ratio", "1/interval"))
for iv in (5000, 1000, 100):
    s1 = per_io(find("convoy-beside1", "gil", 2, iv), "gil_switches")
    s2 = per_wall(find("convoy-beside2", "gil", 3, iv), "gil_switches")
    print("  %-9s %12.0f/s %7.2fx %12.0f/s %7.2fx %10.0f/s" % ("%d us" % iv, s1, s1 * iv / 1e6, s2, s2 * iv / 1e6, 1e6 / iv))
print("\nI/O rate beside 1 CPU-bound worker (round trips back to back: 1 / mean latency) against the")
print("model requests/s = 1 / (2 x interval):")
print("  %-9s %12s %12s %10s" % ("interval", "measured", "model", "measured/model"))
rates = {}
for iv in (5000, 1000, 100):
    c = find("convoy-beside1", "gil", 2, iv)
    rate = 1e6 / c["latency_us"]["mean"] if c else float("nan")
    rates[iv] = rate
    model = 1e6 / (2 * iv)
    print("  %-9s %10.0f/s %10.0f/s %9.2fx" % ("%d us" % iv, rate, model, rate / model))
gain = rates[100] / rates[5000]
print("\n  5000 us -> 100 us raises the I/O rate %.1fx (the model: 50x; roughly in proportion means >= 10x) %s"
      % (gain, verdict(gain >= 10)))
print("\n%d of %d checks met" % (sum(verdicts), len(verdicts)))
PY
