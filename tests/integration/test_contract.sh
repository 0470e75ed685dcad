#!/usr/bin/env bash
# The timing contract (README "Timing"), for every registered strategy: each repetition's record
# carries the contract's timestamps, and they are in order: creating workers began <= every begin
# hook returned <= the clock started < the clock stopped <= the first end hook <= all joined; the
# durations are their differences. An ordering, not a timing threshold. A strategy this build or
# machine cannot run is skipped with its reason. Runs the null kernel and the null I/O op (quick).
source "$(dirname "$0")/lib.sh"

expect_status 0 "list strategies" "$GB" list strategies
cp out.txt strategies.txt
mapfile -t names < <(sed -n 's/^  \([a-z][a-z0-9-]*\) .*/\1/p' strategies.txt)
[ "${#names[@]}" -ge 6 ] && ok "the registry lists ${#names[@]} strategies" || not_ok "too few strategies listed"

rc=0
"$GB" run -w null,null-io -p quick --set tasks=200 --timeout 600 -s all -n 1,2 --reps 2 --warmup 0 -o run > run.out 2> run.err || rc=$?
[ "$rc" -eq 0 ] && ok "every cell of the null workloads ran" || { not_ok "gilbench run exited $rc"; tail -20 run.err; }

for s in "${names[@]}"; do
  why=$(sed -n "s/^  $s .*\[unavailable: \(.*\)\]$/\1/p" strategies.txt)
  r=0
  $PY - "$s" "$why" run/results.json > check.txt 2>&1 <<'EOF' || r=$?
import json, sys
name, why, path = sys.argv[1], sys.argv[2], sys.argv[3]
cells = [c for c in json.load(open(path))["cells"] if c["strategy"] == name]
if not cells:
    sys.exit("no cell of strategy %s in the results" % name)
skipped = [c for c in cells if c["status"] == "skipped"]
if skipped and len(skipped) == len(cells):
    print("SKIP %s: %s" % (name, skipped[0]["error"]))
    sys.exit(0)
checked = 0
for c in cells:
    where = "%s %s w=%d" % (c["workload"], name, c["workers"])
    if c["status"] != "ok":
        sys.exit("%s: status %s: %s" % (where, c["status"], c["error"]))
    for i, r in enumerate(c["reps"]):
        t = r["timing"]
        keys = ["create_ns", "begun_ns", "start_ns", "stop_ns", "first_end_ns", "joined_ns"]
        if t.get("hooks") is False:  # a library's own workers run no hooks: the coordinator's marks
            keys = ["create_ns", "start_ns", "start_ns", "stop_ns", "stop_ns", "joined_ns"]
        if any(not isinstance(t.get(k), int) for k in keys):
            sys.exit("%s rep %d: timing lacks a timestamp: %s" % (where, i, t))
        order = [t[k] for k in keys]
        if not (order[0] <= order[1] <= order[2] < order[3] <= order[4] <= order[5]):
            sys.exit("%s rep %d: out of order: %s" % (where, i, t))
        for got, a, b in ((r["wall_s"], "start_ns", "stop_ns"), (r["startup_s"], "create_ns", "start_ns"),
                          (r["teardown_s"], "stop_ns", "joined_ns")):
            if abs(got - (t[b] - t[a]) * 1e-9) > 1e-9:
                sys.exit("%s rep %d: a duration is not its timestamps' difference" % (where, i))
        checked += 1
print("ok %s: %d repetitions in order" % (name, checked))
EOF
  if [ "$r" -ne 0 ]; then
    not_ok "$s keeps the timing contract"; sed 's/^/  | /' check.txt
  elif grep -q '^SKIP' check.txt; then
    if [ -n "$why" ]; then ok "$s skipped: $why"; else echo "# $(cat check.txt)"; ok "$s skipped with a reason"; fi
  else
    ok "$s keeps the timing contract ($(cut -d: -f2- check.txt))"
  fi
done
finish
