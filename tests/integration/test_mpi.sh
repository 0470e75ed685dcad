#!/usr/bin/env bash
# The mpi strategy: 1, 2 and 3 ranks return the reference checksum for a CPU workload (sumloop)
# and I/O workloads (tcp-io on one host, through the loopback server; sleep-io across hosts) with
# both schedules; every rank's figures come back named by host; ranks beyond the PUs are
# reported as oversubscribed (a metric per repetition, one grouped note at the end); the run secret is on no process's
# command line; a rank that aborts or hangs fails its cell naming the rank and host, and nothing is
# left running. Then the same across two hosts
# made of network and UTS namespaces (tests/mpi/ns_hosts.sh), started through a namespace-entering
# agent instead of ssh: the results name both hosts, meta.mpi describes both, and bytes crossed
# the veth pair between them (Open MPI's TCP transport).
source "$(dirname "$0")/lib.sh"
[ "$GBT" != "$GB" ] || { echo "needs gilbench-test (third argument)"; exit 1; }
why=$("$GB" list strategies | sed -n 's/^  mpi .*\[unavailable: \(.*\)\]$/\1/p')
if [ -n "$why" ]; then echo "SKIP: mpi strategy unavailable: $why"; exit 77; fi

# Ranks (of this build: other checkouts' runs may share the machine) and daemons still running,
# after giving killed ones up to 10 s to be gone (a loaded machine is slow to run their exits).
MINE="$GB __mpi-rank|$GBT __mpi-rank|orted "
leftovers() {
  local n
  for _ in $(seq 20); do
    n=$({ pgrep -f -- "$MINE" || true; } | wc -l)
    [ "$n" -eq 0 ] && break
    sleep 0.5
  done
  echo "$n"
}

cat > sched.ini <<'INI'
[suite]
workloads = sumloop, tcp-io
strategies = mpi, serial
workers = 1, 2, 3
profile = quick
reps = 1
warmup = 0
[set]
schedule = static, dynamic
INI

# check_cells RESULTS WANT_CELLS HOSTS_WANTED DESC: every cell ok with the reference checksum,
# every mpi repetition's workers named by a host, and the set of hosts seen as wanted.
check_cells() {
  if $PY - "$@" <<'PY'; then ok "$4"; else not_ok "$4"; fi
import json, sys
r = json.load(open(sys.argv[1]))
cells, want, hosts_wanted = r["cells"], int(sys.argv[2]), set(sys.argv[3].split(","))
bad = [c for c in cells if c["status"] != "ok" or c["checksum"] != c["reference"]]
for c in bad: print("  |", c["workload"], c["strategy"], c["workers"], c["params"], c["status"], c["error"])
seen = set()
for c in cells:
    if c["strategy"] != "mpi": continue
    for rep in c["reps"]:
        ws = rep["workers"]
        assert len(ws) == c["workers"], "one record per rank"
        assert sum(w["tasks"] for w in ws) == rep["tasks_done"], "ranks' tasks add up"
        assert all(w["cpu_s"] > 0 and w["pus_seen"] for w in ws), "every rank's CPU time and placement"
        seen |= {w["host"] for w in ws}
        assert rep["startup_s"] > 0 and rep["wall_s"] > 0
print("  | hosts seen:", sorted(seen), "meta.mpi.hosts:", sorted((r["meta"].get("mpi") or {}).get("hosts", {})))
if seen != hosts_wanted or set(r["meta"]["mpi"]["hosts"]) != hosts_wanted: sys.exit(1)
if any(h["hostname"] not in hosts_wanted for h in r["meta"]["mpi"]["hosts"].values()): sys.exit(1)
sys.exit(1 if bad or len(cells) != want else 0)
PY
}

# 1. One host.
expect_status 0 "mpi and serial, 1-3 ranks, sumloop and tcp-io, static and dynamic" \
  "$GB" run ./sched.ini -o "$WORK/one" -q --counters none
# More ranks than PUs: each such repetition says so (metric oversubscribed), and the run's end says
# so once, naming those cells, instead of a line per cell while it runs.
cp err.txt one-err.txt
$PY - "$WORK/one/results.json" one-err.txt <<'PY' > over.txt 2>&1 && ok "oversubscribed: in the results, and named once at the end" || { not_ok "oversubscribed"; sed 's/^/  | /' over.txt; }
import json, os, sys
d = json.load(open(sys.argv[1]))
pus = os.sysconf("SC_NPROCESSORS_ONLN")
over = []
for c in d["cells"]:
    if c["strategy"] != "mpi": continue
    for r in c["reps"]:
        assert r["metrics"]["oversubscribed"] == (1 if c["workers"] > pus else 0), (c["workers"], pus, r["metrics"])
    if c["workers"] > pus: over.append(c)
err = open(sys.argv[2]).read()
print(err)
n = err.count("more ranks than the %d PUs: oversubscribed" % d["meta"]["cpu"]["pus"])
assert n == (1 if over else 0), n
assert "gilbench: mpi: " not in err, "the old per-cell line"
if len(over) > 1: assert "applies to (%d): " % len(over) in err
PY
# mpi's text options (unset: "") are values a report accepts, as scripts/run.sh's report needs.
expect_status 0 "the report of a run with mpi cells" "$GB" report "$WORK/one" -o "$WORK/one-report"
check_cells "$WORK/one/results.json" 16 "$(hostname)" "one host: every cell has the reference checksum"

# The payloads really travel: a byte flipped in transit (test-only switch) is caught.
for dir in in out; do
  GILBENCH_TEST_FAULT=$dir:5 expect_status 1 "fault $dir:5 fails the mpi cell" \
    "$GB" run -w sumloop -s mpi -n 2 -p quick --reps 1 --warmup 0 --set schedule=static -o "$WORK/fault-$dir" -q
  expect_grep "differs from the reference" "$WORK/fault-$dir/results.json" "fault $dir: a checksum error"
done

# The run secret never travels on a command line (any user's ps shows those): while the ranks of
# a 2-rank cell run, every process's /proc/PID/cmdline is sampled; none holds the secret (the
# journal's header names it), in either byte order, and the cell still has the reference checksum
# (the secret reached rank 0 by its environment).
"$GB" run -w sleep-io -s mpi -n 2 --set tasks=400 --reps 1 --warmup 0 -o "$WORK/secret" -q --counters none &
gbpid=$!
$PY - "$gbpid" cmdlines.txt <<'PY'
import os, sys, time
pid, seen = int(sys.argv[1]), set()  # every process's: the secret must be on none
while os.path.exists("/proc/%d" % pid):
    for d in os.listdir("/proc"):
        try:
            c = open("/proc/%s/cmdline" % d, "rb").read() if d.isdigit() else b""
        except (IOError, OSError):
            continue
        if c and (b"__mpi-rank" in c or b"mpiexec" in c or b"orted" in c): seen.add(c.replace(b"\0", b" "))
    time.sleep(0.02)
open(sys.argv[2], "wb").write(b"\n".join(seen) + b"\n")
PY
wait "$gbpid" && ok "a 2-rank sleep-io cell runs" || not_ok "a 2-rank sleep-io cell (exit $?)"
if $PY - "$WORK/secret" cmdlines.txt "$GB" <<'PY'; then ok "no rank's, mpiexec's or daemon's command line holds the run secret"; else not_ok "the run secret on a command line"; fi
import binascii, json, struct, sys
out = sys.argv[1]
secret = json.loads(open(out + "/results.jsonl").readline())["secret"]
le = binascii.hexlify(struct.pack("<Q", int(secret, 16))).decode()  # as a struct's bytes in hex
lines = open(sys.argv[2]).read().splitlines()
ranks = [l for l in lines if sys.argv[3] + " __mpi-rank" in l]  # this run's, not another checkout's
c = json.load(open(out + "/results.json"))["cells"][0]
print("  | %d rank command lines seen; secret %s; cell %s" % (len(ranks), secret, c["status"]))
held = [l[:120] for l in lines if secret in l or le in l]
for l in held: print("  | holds it:", l)
sys.exit(0 if ranks and not held and c["status"] == "ok" and c["checksum"] == c["reference"] else 1)
PY

# A rank that aborts, and one that hangs: the cell fails naming the rank and host; nothing left.
for k in abort spin; do
  cat > "$k.ini" <<INI
[workload]
name = bad-$k
tasks = 6
schedule = static
[phase.1]
kernel = test-$k
worker = 1
n = 1000
INI
done
expect_status 1 "aborting and hanging ranks fail their cells" \
  "$GBT" run -w ./abort.ini,./spin.ini -s mpi -n 2 --reps 1 --warmup 0 --timeout 15 -o "$WORK/bad" -q --counters none
if $PY - "$WORK/bad/results.json" "$(hostname)" <<'PY'; then ok "abort: failed, rank 1 and host named; hang: timeout, rank 1 and host named"; else not_ok "rank failures"; fi
import json, sys
cells = {c["workload"]: c for c in json.load(open(sys.argv[1]))["cells"]}
h = sys.argv[2]
a, s = cells["bad-abort"], cells["bad-spin"]
print("  |", a["status"], a["error"]); print("  |", s["status"], s["error"])
ok = a["status"] == "failed" and ("rank 1 (host %s) exited on signal 6" % h) in a["error"]
ok = ok and s["status"] == "timeout" and ("rank 1 (host %s) did not return" % h) in s["error"]
sys.exit(0 if ok else 1)
PY
n=$(leftovers)
[ "$n" -eq 0 ] && ok "no rank or daemon left running" || { not_ok "$n processes left running"; pgrep -af -- "$MINE"; }

# A program to run is never taken from a file.
cat > agent.ini <<'INI'
[suite]
workloads = sumloop
strategies = mpi
[set]
mpi.agent = /bin/true
INI
expect_status 2 "mpi.agent from a suite file is refused" "$GB" run ./agent.ini --dry-run
expect_grep "agent.ini:[0-9]+: mpi.agent names a program to run" err.txt "the refusal names the file, line and option"
expect_status 1 "mpi.args may not start another program" \
  "$GB" run -w sumloop -s mpi -n 1 -p quick --reps 1 --warmup 0 --set "mpi.args=--mca plm_rsh_agent x" -o "$WORK/args" -q
expect_grep "not accepted" "$WORK/args/results.json" "the refused argument is named"

# 2. Two hosts made of namespaces.
if ! unshare --mount --net --propagation private true 2> ns.err; then
  echo "SKIP (two hosts): cannot create namespaces here: $(cat ns.err)"
  finish
  exit $?
fi
mkdir -p "$WORK/ns"
printf 'h1 slots=2\nh2 slots=2\n' > hostfile
sed -i 's/^workloads = .*/workloads = sumloop, sleep-io/' sched.ini
AGENT="$SRC/tests/mpi/ns_agent.sh"
# Inside: run the suite on h1 with ranks spread over h1 and h2 (--map-by node), then the abort
# case with rank 1 on h2; count the bytes h2 received over its veth; list leftovers on the way out.
cat > inside.sh <<EOF
set -u
"$GB" run ./sched.ini -o "$WORK/two" -q --counters none --set mpi.hostfile=$WORK/hostfile \
  --set mpi.agent=$AGENT --set "mpi.args=--map-by node"
echo "status \$?" > two.status
"$GBT" run -w ./abort.ini -s mpi -n 2 --reps 1 --warmup 0 --timeout 20 -o "$WORK/two-bad" -q --counters none \
  --set mpi.hostfile=$WORK/hostfile --set mpi.agent=$AGENT --set "mpi.args=--map-by node"
rx() { nsenter --net=\$GB_NS_DIR/h2.net awk -F'[: ]+' '\$2 == "to1" { print \$3 }' /proc/net/dev; }
before=\$(rx)
"$GB" run -w sumloop -s mpi -n 2 -p quick --reps 1 --warmup 0 --set input_bytes=1M --set output_bytes=1M \
  --set schedule=static -o "$WORK/two-big" -q --counters none --set mpi.hostfile=$WORK/hostfile \
  --set mpi.agent=$AGENT --set "mpi.args=--map-by node"
echo \$(( \$(rx) - before )) > h2.rx
for _ in \$(seq 20); do pgrep -f -- "$MINE" > /dev/null || break; sleep 0.5; done
pgrep -af -- "$MINE" | grep -v pgrep > ns.left || true
EOF
timeout 300 unshare --mount --net --propagation private "$SRC/tests/mpi/ns_hosts.sh" 2 "$WORK/ns" bash inside.sh > ns.out 2>&1 || true
sed 's/^/  | /' ns.out | tail -5
expect_grep "^status 0$" two.status "two hosts: the run passes"
check_cells "$WORK/two/results.json" 16 "h1,h2" "two hosts: every cell has the reference checksum; ranks on h1 and h2; meta.mpi describes both"
expect_grep '"hostfile": "[^"]*hostfile"' "$WORK/two/results.json" "the cells record the host file"
rx=$(cat h2.rx 2>/dev/null); rx=${rx:-0}
# Rank 1 (on h2) runs 4 of the 8 tasks and receives each one's 1 MiB input from rank 0 on h1.
[ "$rx" -gt 4000000 ] && ok "h2 received $rx bytes over the veth from h1 in a 1 MiB-payload cell (ranks talk TCP between the hosts)" \
  || not_ok "h2 received only $rx bytes in a 1 MiB-payload cell"
check_cells "$WORK/two-big/results.json" 1 "h1,h2" "the 1 MiB-payload cell across h1 and h2 has the reference checksum"
expect_grep "rank 1 \(host h2\) exited on signal 6" "$WORK/two-bad/results.json" "an aborting rank on h2 is named with its host"
[ ! -s ns.left ] && ok "nothing left running on either host" || { not_ok "left running:"; cat ns.left; }
finish
