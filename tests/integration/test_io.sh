#!/usr/bin/env bash
# I/O phases end to end: `list ops`; bad I/O parameters fail `gilbench check` with file:line; a
# plan that needs more descriptors than the open-files limit is refused with the numbers; the
# convoy effect (gil's median round trip beside a CPU-bound worker is many times threads'); every
# repetition carries latency_us and io_ops_per_s with one latency per planned op; and the loopback
# server (and the scratch folder) never outlive a run: not after a normal run, a failed cell, or
# SIGINT (isolated repetitions, and in-process ones where the server shares Ctrl-C's group).
source "$(dirname "$0")/lib.sh"

expect_status 0 "list ops" "$GB" list ops
for op in sleep tcp file; do expect_grep "^  $op " out.txt "list ops shows $op"; done
expect_grep "connections +default 64" out.txt "list ops shows the parameters as data"

# ---- one list each: the C ops and their Python twins are the same ops with the same parameters ----
# (list ops prints each op at two spaces, its parameters at six, in table order)
awk '/^  [^ ]/ {op = $1; printf "\n%s:", op} /^      [^ ]/ {printf " %s", $1} END {print ""}' out.txt | sed '/^$/d' > c_ops.txt
PYTHONPATH="$SRC/workloads/python" $PY - > py_ops.txt 2>&1 <<'PY'
from gilbench import ops
for name in ops.NAMES:
    print("%s:%s" % (name, "".join(" " + p for p in ops.find(name).PARAMS)))
PY
if [ -s c_ops.txt ] && diff c_ops.txt py_ops.txt > diff.txt; then ok "the Python list names the C ops, in order, with their parameters"
else not_ok "C and Python op lists differ: $(cat diff.txt py_ops.txt | head -20)"; fi

# ---- bad parameters: file:line ----
bad() { # bad NAME LINE PATTERN BODY
  printf '%b' "$4" > "$WORK/$1.ini"
  expect_status 2 "check refuses $1" "$GB" check "$WORK/$1.ini"
  expect_grep "^$WORK/$1.ini:$2: .*$3" err.txt "$1: the message names file:line"
}
bad negative-bytes 5 "bytes: expected an integer in \[1, " "[workload]\nname = x\n[phase.1]\nio = tcp\nbytes = -64\n"
bad zero-connections 5 "connections: expected an integer in \[1, " "[workload]\nname = x\n[phase.1]\nio = tcp\nconnections = 0\n"
bad unknown-op 4 "unknown I/O op 'ftp' \(known: sleep, tcp, file, null\)" "[workload]\nname = x\n[phase.1]\nio = ftp\n"
bad negative-file 6 "bytes: expected an integer" "[workload]\nname = x\n[phase.1]\nio = file\nmode = read\nbytes = -1k\n"
bad profile-zero-conn 7 "connections: expected an integer" "[workload]\nname = x\n[phase.1]\nio = tcp\n[profile.quick]\nphase.1.bytes = 8\nphase.1.connections = 0\n"

# ---- the open-files limit ----
expect_status 2 "a plan needing more descriptors than the limit is refused" \
  bash -c "ulimit -n 200 && exec \"$GB\" run -w tcp-io -s async -n 2 -p quick --set connections=500 --dry-run"
expect_grep "needs about [0-9]+ open files .* the open-files limit is 200" err.txt "the refusal gives the numbers"
expect_status 0 "the same plan within the limit is fine" \
  bash -c "ulimit -n 4096 && exec \"$GB\" run -w tcp-io -s async -n 2 -p quick --set connections=500 --dry-run"

# ---- the convoy effect ----
# The switch interval is 20 ms here (5 ms by default) so that the gap to threads stays wide on a
# loaded test machine; the CPU task (about 0.3 s) outlasts the I/O group's 8 round trips under
# the GIL (8 x 20 ms).
expect_status 0 "convoy under gil and threads" "$GB" run -w convoy -s gil,threads -n 2 --reps 2 --warmup 0 \
  --set group.cpu.phase.1.n=1000000000 --set group.io.tasks=8 --set gil.switch_interval_us=20000 -o "$WORK/convoy" -q
if $PY - "$WORK/convoy/results.json" <<'PY'; then ok "gil's median round trip beside a CPU-bound worker is at least 5x threads'"; else not_ok "convoy ratio"; fi
import json, sys
cells = {c["strategy"]: c for c in json.load(open(sys.argv[1]))["cells"]}
g, t = cells["gil"]["latency_us"], cells["threads"]["latency_us"]
print("  | p50 gil %.1f us, threads %.1f us, ratio %.1f" % (g["p50"], t["p50"], g["p50"] / t["p50"]))
assert g["count"] == t["count"] == 16, (g["count"], t["count"])
sys.exit(0 if g["p50"] >= 5 * t["p50"] else 1)
PY

# ---- latency in the results ----
expect_status 0 "every I/O workload once under threads" "$GB" run -w sleep-io,tcp-io,file-io,web-mixed,convoy \
  -s threads -n 2 -p quick --reps 2 --warmup 0 -o "$WORK/lat" -q
if $PY - "$WORK/lat/results.json" <<'PY'; then ok "latency_us and io_ops_per_s per repetition and per cell"; else not_ok "latency fields"; fi
import json, sys
planned = {"sleep-io": 16 * 3, "tcp-io": 64, "file-io": 16 * 2, "web-mixed": 40, "convoy": 6}
bad = 0
for c in json.load(open(sys.argv[1]))["cells"]:
    n = planned[c["workload"]]
    for r in c["reps"]:
        l = r["latency_us"]
        if l["count"] != n or not (0 < l["p50"] <= l["p90"] <= l["p99"] <= l["p999"] <= l["max"]) or r["io_ops_per_s"] <= 0 \
           or sum(b[2] for b in r["latency_hist"]["buckets"]) != n:
            print("  |", c["workload"], l, r["io_ops_per_s"]); bad = 1
    if c["latency_us"]["count"] != 2 * n or c["io_ops_per_s"] <= 0:
        print("  | cell", c["workload"], c["latency_us"]); bad = 1
    if c["workload"] == "sleep-io" and c["latency_us"]["p50"] < 1000:
        print("  | a 1 ms sleep took", c["latency_us"]["p50"], "us"); bad = 1
sys.exit(bad)
PY
ls -d "$WORK"/lat/scratch.* > /dev/null 2>&1 && not_ok "scratch folders left behind" || ok "no scratch folder left after file-io"

# ---- the server never outlives a run ----
# listening PORT: is anything listening on 127.0.0.1:PORT?
listening() { $PY -c "
import sys
port = '%04X' % int(sys.argv[1])
for l in open('/proc/net/tcp').readlines()[1:]:
    f = l.split()
    if f[1].endswith(':' + port) and f[3] == '0A': sys.exit(0)
sys.exit(1)" "$1"; }
# left MARK: processes whose command line has MARK (the server is forked, so it shares it)
left() { pgrep -f -- "$1" || true; }
ports_of() { $PY - "$1" <<'PY'
import json, sys
print(" ".join(str(r["server_port"]) for c in json.load(open(sys.argv[1]))["cells"] for r in c["reps"] if "server_port" in r))
PY
}
no_leftovers() { # no_leftovers DIR DESC
  local procs ports p busy=""
  procs=$(left "$1")
  ports=$(ports_of "$1/results.json")
  for p in $ports; do listening "$p" && busy="$busy $p"; done
  if [ -z "$procs" ] && [ -n "$ports" ] && [ -z "$busy" ] && ! ls -d "$1"/scratch.* > /dev/null 2>&1; then ok "$2"
  else not_ok "$2 (processes: ${procs:-none}; ports used: ${ports:-none}; still listening:${busy:- none})"; fi
}
expect_status 0 "a normal tcp run" "$GB" run -w tcp-io,file-io -s threads,processes,async -n 2 -p quick --reps 2 --warmup 0 -o "$WORK/normal" -q
no_leftovers "$WORK/normal" "after a normal run: no server process, no listening port, no scratch folder"
GILBENCH_TEST_FAULT=out:3 expect_status 1 "a failing tcp cell" "$GB" run -w tcp-io -s threads -n 2 -p quick --reps 1 --warmup 0 -o "$WORK/failed" -q
expect_grep '"status": "failed"' "$WORK/failed/results.json" "the cell failed"
no_leftovers "$WORK/failed" "after a failed cell: no server process, no listening port"

# SIGINT in the middle of a long tcp repetition, isolated (default) and in-process (where the
# server shares the run's process group, so it gets the SIGINT too, and must ignore it).
modes=default
"$GB" run -w sumloop -p quick --no-isolation --dry-run > /dev/null 2>&1 && modes="default in-process"
for mode in $modes; do
  dir="$WORK/int-$mode"
  extra=""
  [ "$mode" = in-process ] && extra="--no-isolation"
  setsid "$GB" run -w tcp-io -s threads -n 2 --reps 3 --warmup 0 $extra -o "$dir" -q > /dev/null 2>&1 &
  pid=$!
  srv=""
  for _ in $(seq 1 200); do # wait for the server of the first repetition
    for p in $(left "$dir"); do [ "$(cat /proc/$p/comm 2>/dev/null)" = gilbench-srv ] && srv=$p; done
    [ -n "$srv" ] && break
    sleep 0.05
  done
  port=$($PY - "${srv:-none}" <<'PY'
import os, sys
pid = sys.argv[1]
if pid == "none": sys.exit(0)
inodes = {os.readlink("/proc/%s/fd/%s" % (pid, fd))[8:-1] for fd in os.listdir("/proc/%s/fd" % pid)
          if os.readlink("/proc/%s/fd/%s" % (pid, fd)).startswith("socket:[")}
for l in open("/proc/net/tcp").readlines()[1:]:
    f = l.split()
    if f[3] == "0A" and f[9] in inodes: print(int(f[1].split(":")[1], 16))
PY
)
  kill -INT -- -"$pid" # the whole group, as Ctrl-C does
  rc=0
  timeout 30 tail --pid="$pid" -f /dev/null || rc=$?
  wait "$pid" || rc=$?
  [ -n "$srv" ] && [ -n "$port" ] && [ "$rc" -eq 130 ] && ok "SIGINT ($mode) during a tcp repetition: exit 130" || not_ok "SIGINT ($mode): exit $rc, server '$srv', port '$port'"
  sleep 0.2
  procs=$(left "$dir")
  if [ -z "$procs" ] && ! listening "${port:-0}" && ! ls -d "$dir"/scratch.* > /dev/null 2>&1; then ok "after SIGINT ($mode): no server process, port $port closed"
  else not_ok "after SIGINT ($mode): processes '${procs}', port $port listening?"; fi
done
finish
