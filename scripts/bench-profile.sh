#!/usr/bin/env bash
# bench-profile.sh: where gilbench's own time goes when the work is nothing. `perf record -g -e
# cpu-clock` (a software event: it needs no hardware counters) of `gilbench run -w square -n 2`
# under each native strategy; the samples of the coordinator's children (its repetitions, and the
# one process that computes the reference checksum; the coordinator itself, which plans and writes
# the results, is left out) are split by where they fell (self time) into:
#   kernel     the workload's own code (symbols defined in workloads/kernels/)
#   payload    producing, copying and checking the payloads: gb_payload_*, the output check
#              (gb_task_result, gb_task_finish), memcpy/memmove
#   proof      the per-task checksum chain every strategy (and every Python twin) must compute bit
#              for bit: gb_task_begin, gb_task_mix, the splitmix64 steps of gb_task_finish and
#              gb_task_result, gb_checksum_term. These are inlined into whatever calls them, so
#              they are found by source line (addr2line -i on each sampled address), which is why
#              the profile is taken of a build with debug info: BUILD_DIR-profile, configured with
#              -g on the Release flags (-g changes no generated code)
#   os         the OS kernel ([kernel.kallsyms]: system calls, faults, scheduling) and the vdso
#   libc       the rest of libc (system call wrappers, pthread locks)
#   library    a strategy's library (libuv, libgomp, Open MPI)
#   harness    everything else gilbench runs: scheduling, dispatch, sampling, and waiting for work
#              where a strategy spins (processes' workers)
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
command -v addr2line > /dev/null || { echo "bench-profile: addr2line is not installed (binutils)"; exit 2; }
P=$B-profile # the same Release build with debug info, for the source lines
if [ ! -f "$P/CMakeCache.txt" ]; then
  cmake -S . -B "$P" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS=-g > /dev/null
fi
cmake --build "$P" -j2 --target gilbench > /dev/null
readelf -S "$P/gilbench" | grep -q debug_line || { echo "bench-profile: $P/gilbench has no debug info (configure it with -DCMAKE_C_FLAGS=-g)"; exit 2; }
if [ -n "${BENCH_PROFILE_OUT:-}" ]; then # keep the profiles and reports there
  tmp=$BENCH_PROFILE_OUT
  mkdir -p "$tmp"
else
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
fi
# The kernels' own symbols: what their object files define.
find "$P/" -path '*workloads/kernels*' -name '*.o' -print0 | xargs -0 -r nm --defined-only 2> /dev/null |
  awk 'NF == 3 && $2 ~ /[tTwW]/ {print $3}' | sort -u > "$tmp/kernel-syms"
[ -s "$tmp/kernel-syms" ] || { echo "bench-profile: no kernel object files under $P/workloads/kernels"; exit 2; }
nm --defined-only "$P/gilbench" | awk '$2 ~ /[tTwW]/ {print $1, $3}' > "$tmp/gilbench-syms"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); square, $TASKS tasks, 2 workers"
for s in $STRATS; do
  if ! perf record -q -g -e cpu-clock -F 10000 -o "$tmp/$s.data" -- "$P/gilbench" run -w square -s "$s" -n 2 \
    --set tasks="$TASKS" --reps 3 --warmup 0 --counters none -o "$tmp/run-$s" -q > /dev/null 2> "$tmp/$s.err"; then
    echo "$s: the run failed ($(tail -1 "$tmp/$s.err")); left out"
    continue
  fi
  # The repetitions' processes: every task perf saw but the one it started (the coordinator).
  perf report -i "$tmp/$s.data" --tasks 2> /dev/null | awk '$1 ~ /^[0-9]+$/ && $1 != 0 && $1 == $2 {print $1, $3}' > "$tmp/$s.tasks"
  root=$(awk '$2 == -1 {print $1; exit}' "$tmp/$s.tasks")
  pids=$(awk -v root="$root" '$1 != root {print $1}' "$tmp/$s.tasks" | paste -sd, -)
  [ -n "$pids" ] || pids=$root
  # Every sample's symbol, offset and object (self time: the call graph is left out).
  perf script -i "$tmp/$s.data" --pid "$pids" -F ip,sym,symoff,dso -G 2> /dev/null > "$tmp/$s.samples"
done

/usr/bin/python3 - "$tmp" "$TOP" "$P/gilbench" $STRATS << 'PY'
import collections, os, re, subprocess, sys
tmp, top, binary, strats = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
TARGET = 10.0
kernel = set(open(os.path.join(tmp, "kernel-syms")).read().split())
symaddr = {}
for line in open(os.path.join(tmp, "gilbench-syms")):
    a, name = line.split()
    symaddr.setdefault(name, int(a, 16))
payload_syms = re.compile(r"^(gb_payload_\w+|gb_task_result|gb_task_finish|out_mismatch|__(memcpy|memmove|memset)\w*|mem(cpy|move|set))$")
# The checksum chain: a sample whose innermost inlined function, past the splitmix64 steps, is
# one of the chain's own (gb_task_begin, gb_task_mix, gb_checksum_term), or a splitmix64 step of
# gb_task_finish or gb_task_result (their other lines, and the steps of gb_payload_fill or of the
# output check, are the payload's).
chain_fns = {"gb_task_begin", "gb_task_mix", "gb_checksum_term"}
mixing_fns = {"gb_task_finish", "gb_task_result"}
mixers = {"gb_splitmix64", "gb_splitmix64_next"}
sample = re.compile(r"\s*[0-9a-f]+\s+(.*?)(?:\+0x([0-9a-f]+))?\s+\((.*)\)\s*$")

def read(s):
    """Counter of (dso, sym, offset) for strategy s, or None when it has no samples."""
    path = os.path.join(tmp, s + ".samples")
    if not os.path.exists(path):
        return None
    n = collections.Counter()
    for line in open(path, errors="replace"):
        m = sample.match(line)
        if m:
            n[(os.path.basename(m.group(3)), m.group(1), int(m.group(2) or "0", 16))] += 1
    return n or None

counts = {s: read(s) for s in strats}
# Source lines of every sampled address in gilbench: one addr2line for all of them.
addrs = sorted({symaddr[sym] + off for c in counts.values() if c for (dso, sym, off) in c
                if dso == os.path.basename(binary) and sym in symaddr})
frames = {}
if addrs:
    out = subprocess.run(["addr2line", "-a", "-f", "-i", "-e", binary], input="".join("%x\n" % a for a in addrs),
                         capture_output=True, text=True, check=True).stdout.splitlines()
    cur = None
    for i, line in enumerate(out):
        if line.startswith("0x"):
            cur = int(line, 16)
            frames[cur] = []
        elif cur is not None and i + 1 < len(out) and not line.startswith("/") and ":" not in line:
            frames[cur].append((line, out[i + 1]))

def proof_step(addr):
    """The checksum step an address belongs to (its inlined function), or None."""
    mixed = False
    for fn, where in frames.get(addr, []):
        if fn in mixers:
            mixed = True
            continue
        return fn if fn in chain_fns or (mixed and fn in mixing_fns) else None
    return None

def classify(dso, sym, off):
    if dso.startswith("[kernel") or dso in ("[vdso]",):
        return "os", None
    if dso == os.path.basename(binary) and sym not in kernel and sym in symaddr:
        step = proof_step(symaddr[sym] + off)
        if step:
            return "proof", step
    if payload_syms.match(sym):
        return "payload", None
    if dso.startswith("libc.so") or dso.startswith("libc-"):
        return "libc", None
    if dso == os.path.basename(binary):
        return ("kernel" if sym in kernel else "harness"), None
    return "library", None

cats = ("kernel", "payload", "proof", "os", "libc", "library", "harness")
misses = 0
print("\nshare of the repetitions' samples (self time), per strategy; harness target: no function above %.0f%%" % TARGET)
print("%-10s " % "strategy" + " ".join("%8s" % c for c in cats) + "  %-32s %7s  %s" % ("largest harness function", "share", "verdict"))
tops, steps = {}, {}
for s in strats:
    c = counts[s]
    if not c:
        print("%-10s (no profile)" % s)
        continue
    total = sum(c.values())
    share = dict.fromkeys(cats, 0.0)
    harness, step = collections.Counter(), collections.Counter()
    for (dso, sym, off), n in c.items():
        cat, st = classify(dso, sym, off)
        share[cat] += 100.0 * n / total
        if cat == "harness":
            harness[sym] += 100.0 * n / total
        if st:
            step[st] += 100.0 * n / total
    tops[s] = harness.most_common(top)
    steps[s] = step.most_common()
    worst = tops[s][0] if tops[s] else ("-", 0.0)
    ok = worst[1] <= TARGET
    misses += not ok
    print("%-10s " % s + " ".join("%7.1f%%" % share[k] for k in cats) + "  %-32s %6.1f%%  %s" % (worst[0][:32], worst[1], "met" if ok else "MISSED"))
print("\nlargest harness functions (share of all the repetitions' samples):")
for s, h in tops.items():
    print("  %-10s " % s + ", ".join("%s %.1f%%" % (sym, pct) for sym, pct in h))
print("\nthe proof (checksum chain), by the step its source lines belong to:")
for s, h in steps.items():
    print("  %-10s " % s + (", ".join("%s %.1f%%" % (fn, pct) for fn, pct in h) or "-"))
print("\nstrategies with a harness function above %.0f%%: %d" % (TARGET, misses))
PY
