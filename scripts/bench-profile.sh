#!/usr/bin/env bash
# bench-profile.sh: where gilbench's own time goes when the work is nothing. `perf record -g -e
# cpu-clock` (a software event: it needs no hardware counters) of `gilbench run -w square -n 2`
# under each native strategy; the samples of the coordinator's children (its repetitions, and the
# one process that computes the reference checksum; the coordinator itself, which plans and writes
# the results, is left out) are split by symbol (self time, `perf report --no-children`) into:
#   kernel     the workload's own code (symbols defined in workloads/kernels/)
#   payload    producing, copying and checking the payloads: gb_payload_*, the output check
#              (gb_task_result), memcpy/memmove
#   os         the OS kernel ([kernel.kallsyms]: system calls, faults, scheduling) and the vdso
#   libc       the rest of libc (system call wrappers, pthread locks)
#   library    a strategy's library (libuv, libgomp, Open MPI)
#   harness    everything else gilbench runs: scheduling, dispatch, result mixing, sampling, and
#              waiting for work where a strategy spins (processes' workers)
# and the largest harness symbols are printed with their share of all samples beside the target:
# no harness function above 10% (issue 13, "Profiles of the harness itself").
# Usage: scripts/bench-profile.sh [BUILD_DIR] [TASKS] [STRATEGIES] [TOP]
#   defaults: build 1000000 "serial threads gil processes openmp async mpi" 5
#   BENCH_PROFILE_OUT=DIR keeps the perf data and the reports there (perf report -i DIR/S.data)
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
TASKS=${2:-1000000}
STRATS=${3:-serial threads gil processes openmp async mpi}
TOP=${4:-5}
command -v perf > /dev/null || { echo "bench-profile: perf is not installed (apt-get install linux-perf)"; exit 2; }
[ -d "$B" ] || cmake -S . -B "$B" > /dev/null
cmake --build "$B" -j2 --target gilbench > /dev/null
if [ -n "${BENCH_PROFILE_OUT:-}" ]; then # keep the profiles and reports there
  tmp=$BENCH_PROFILE_OUT
  mkdir -p "$tmp"
else
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
fi
# The kernels' own symbols: what their object files define.
find "$B" -path '*workloads/kernels*' -name '*.o' -print0 | xargs -0 nm --defined-only 2> /dev/null |
  awk 'NF == 3 && $2 ~ /[tTwW]/ {print $3}' | sort -u > "$tmp/kernel-syms"
[ -s "$tmp/kernel-syms" ] || { echo "bench-profile: no kernel object files under $B/workloads/kernels"; exit 2; }
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); square, $TASKS tasks, 2 workers"
for s in $STRATS; do
  if ! perf record -q -g -e cpu-clock -F 10000 -o "$tmp/$s.data" -- "$B/gilbench" run -w square -s "$s" -n 2 \
    --set tasks="$TASKS" --reps 3 --warmup 0 --counters none -o "$tmp/run-$s" -q > /dev/null 2> "$tmp/$s.err"; then
    echo "$s: the run failed ($(tail -1 "$tmp/$s.err")); left out"
    continue
  fi
  # The repetitions' processes: every task perf saw but the one it started (the coordinator).
  perf report -i "$tmp/$s.data" --tasks 2> /dev/null | awk '$1 ~ /^[0-9]+$/ && $1 != 0 && $1 == $2 {print $1, $3}' > "$tmp/$s.tasks"
  root=$(awk '$2 == -1 {print $1; exit}' "$tmp/$s.tasks")
  pids=$(awk -v root="$root" '$1 != root {print $1}' "$tmp/$s.tasks" | paste -sd, -)
  [ -n "$pids" ] || pids=$root
  perf report -i "$tmp/$s.data" --no-children --pid "$pids" --percentage relative --sort dso,sym --stdio -g none --percent-limit 0 \
    2> /dev/null | awk '$1 ~ /%$/ {print}' > "$tmp/$s.report"
done

/usr/bin/python3 - "$tmp" "$TOP" $STRATS << 'PY'
import os, re, sys
tmp, top, strats = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
TARGET = 10.0
kernel = set(open(os.path.join(tmp, "kernel-syms")).read().split())
payload_syms = re.compile(r"^(gb_payload_\w+|gb_task_result|gb_task_finish|out_mismatch|__(memcpy|memmove|memset)\w*|mem(cpy|move|set))$")
def classify(dso, sym):
    if dso.startswith("[kernel") or dso in ("[vdso]",):
        return "os"
    if payload_syms.match(sym):
        return "payload"
    if dso.startswith("libc.so") or dso.startswith("libc-"):
        return "libc"
    if dso == "gilbench":
        return "kernel" if sym in kernel else "harness"
    return "library"
cats = ("kernel", "payload", "os", "libc", "library", "harness")
misses = 0
print("\nshare of the repetitions' samples (self time), per strategy; harness target: no function above %.0f%%" % TARGET)
print("%-10s " % "strategy" + " ".join("%8s" % c for c in cats) + "  %-40s %7s  %s" % ("largest harness function", "share", "verdict"))
tops = {}
for s in strats:
    path = os.path.join(tmp, s + ".report")
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        print("%-10s (no profile)" % s)
        continue
    share = dict.fromkeys(cats, 0.0)
    harness = []
    for line in open(path):
        m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[[.k]\]\s+(.*\S)", line)
        if not m:
            continue
        pct, dso, sym = float(m.group(1)), m.group(2), m.group(3)
        c = classify(dso, sym)
        share[c] += pct
        if c == "harness":
            harness.append((pct, sym))
    harness.sort(reverse=True)
    tops[s] = harness[:top]
    worst = harness[0] if harness else (0.0, "-")
    ok = worst[0] <= TARGET
    misses += not ok
    print("%-10s " % s + " ".join("%7.1f%%" % share[c] for c in cats) + "  %-40s %6.1f%%  %s" % (worst[1][:40], worst[0], "met" if ok else "MISSED"))
print("\nlargest harness functions (share of all the repetitions' samples):")
for s, h in tops.items():
    print("  %-10s " % s + ", ".join("%s %.1f%%" % (sym, pct) for pct, sym in h))
print("\nstrategies with a harness function above %.0f%%: %d" % (TARGET, misses))
PY
