#!/usr/bin/env bash
# Topology and pinning: `gilbench topo` agrees with hwloc's own tools; --bind list:1 runs every
# worker of every strategy on PU 1 (as sched_getcpu saw it) and the results say the binding held;
# --bind scatter with 2 workers uses both PUs; bad binding values fail with exit 2.
source "$(dirname "$0")/lib.sh"

# ---- topo ----
expect_status 0 "gilbench topo" "$GB" topo
cp out.txt topo.txt
expect_grep '^pus: [0-9]+$' topo.txt "topo prints the PU count"
if command -v hwloc-calc > /dev/null && grep -q '^topology (hwloc' topo.txt; then
  cores=$(hwloc-calc --number-of core all)
  pus=$(hwloc-calc --number-of pu all)
  expect_grep "^cores: $cores\$" topo.txt "topo's core count agrees with hwloc-calc ($cores)"
  expect_grep "^pus: $pus\$" topo.txt "topo's PU count agrees with hwloc-calc ($pus)"
  lst=$(lstopo-no-graphics --only pu | wc -l)
  [ "$lst" -eq "$pus" ] && ok "lstopo lists as many PUs ($lst)" || not_ok "lstopo lists $lst PUs, hwloc-calc $pus"
else
  echo "ok - # SKIP hwloc-calc or an hwloc build not available"
fi
if grep -q '^topology (hwloc' topo.txt; then
  expect_status 0 "topo -n 3 on a synthetic machine" "$GB" topo -n 3 --synthetic "pack:2 core:2 pu:2"
  expect_grep '^  scatter  0,4,2' out.txt "scatter spreads over packages first"
  expect_grep '^  cores    0,2,4' out.txt "cores skips SMT siblings"
else
  expect_status 2 "without hwloc, a synthetic topology is refused" "$GB" topo --synthetic "pack:2 core:2 pu:2"
  expect_grep 'need hwloc' err.txt "and the reason is given"
  expect_grep '^topology \(sysfs \(built without hwloc\)\)' topo.txt "topo says where its topology came from"
fi
expect_status 2 "topo -n 0 is refused" "$GB" topo -n 0

npus=$(sed -n 's/^pus: //p' topo.txt)
pu=1
[ "$npus" -ge 2 ] || pu=0

# ---- --bind list:PU: every worker on that PU, held ----
expect_status 0 "--bind list:$pu, every strategy, 2 workers" \
  "$GB" run -w sumloop -s serial,threads,gil,processes,openmp -n 2 -p quick --reps 1 --warmup 0 \
  --bind list:$pu -o "$WORK/list" -q
if $PY - "$WORK/list/results.json" "$pu" <<'PY'; then ok "every worker ran only on PU $pu and bind_held is true"; else not_ok "binding to list:$pu"; fi
import json, sys
r = json.load(open(sys.argv[1])); pu = int(sys.argv[2]); bad = 0
for c in r["cells"]:
    assert c["binding"] == "list:%d" % pu, c["binding"]
    assert c["placement"] == [pu] * c["workers"], c["placement"]
    if c["workers"] > 1 and not (c["binding_note"] or "").startswith("%d workers on 1 listed PUs" % c["workers"]):
        print("  | no wrap-around note:", c["binding_note"]); bad = 1
    for rep in c["reps"]:
        for w in rep["workers"]:
            if w["pus_seen"] != [pu] or w["bind_held"] is not True or w["bound_pu"] != pu:
                print("  |", c["strategy"], w); bad = 1
sys.exit(bad)
PY

# ---- --bind scatter, 2 workers on 2 PUs: both used, one each ----
if [ "$npus" -ge 2 ]; then
  expect_status 0 "--bind scatter, 2 workers" \
    "$GB" run -w sumloop -s threads,gil,processes,openmp -n 2 -p quick --reps 1 --warmup 0 --bind scatter -o "$WORK/scatter" -q
  if $PY - "$WORK/scatter/results.json" <<'PY'; then ok "scatter: the 2 workers used 2 different PUs, each held"; else not_ok "scatter placement"; fi
import json, sys
r = json.load(open(sys.argv[1])); bad = 0
for c in r["cells"]:
    for rep in c["reps"]:
        seen = [tuple(w["pus_seen"]) for w in rep["workers"]]
        if len(set(seen)) != 2 or any(len(s) != 1 for s in seen) or not all(w["bind_held"] for w in rep["workers"]):
            print("  |", c["strategy"], seen); bad = 1
sys.exit(bad)
PY
else
  echo "ok - # SKIP one PU: scatter cannot use two"
fi

# ---- unbound: bind_held is null, not true ----
expect_status 0 "no --bind" "$GB" run -w sumloop -s threads -n 2 -p quick --reps 1 --warmup 0 -o "$WORK/none" -q
if $PY -c 'import json,sys; r=json.load(open(sys.argv[1])); c=r["cells"][0]; sys.exit(0 if c["placement"] is None and all(w["bind_held"] is None for w in c["reps"][0]["workers"]) else 1)' "$WORK/none/results.json"
then ok "unbound workers: placement and bind_held are null"; else not_ok "unbound workers"; fi

# ---- bad values: exit 2, a message, nothing runs ----
for b in bogus list: list:x list:1- list:3-1 "list:0;1" list:250; do
  expect_status 2 "--bind '$b' is refused" "$GB" run -w sumloop -s serial -p quick --bind "$b" -o "$WORK/bad" -q
  expect_grep "bind" err.txt "--bind '$b': the message names the option"
done
expect_grep "PU 250 is not one this process may run on" err.txt "a PU that does not exist is named"
[ ! -e "$WORK/bad/results.json" ] && ok "nothing ran" || not_ok "a refused run wrote results"
cat > bad-suite.ini <<'INI'
[suite]
workloads = sumloop
strategies = serial
bind = everywhere
INI
expect_status 2 "a suite with a bad bind" "$GB" check bad-suite.ini
expect_grep "bad-suite.ini:4: bind 'everywhere'" err.txt "suite bind errors carry file:line"
sed -i 's/everywhere/list:250/' bad-suite.ini
expect_status 2 "a suite binding to a missing PU" "$GB" run "$WORK/bad-suite.ini" -p quick -o "$WORK/bad2" -q
expect_grep "bad-suite.ini: bind 'list:250'" err.txt "the suite is named"
sed -i "s/list:250/list:$pu/" bad-suite.ini
expect_status 0 "a suite's bind flows to its cells" "$GB" run "$WORK/bad-suite.ini" -p quick --reps 1 --warmup 0 -o "$WORK/suite" -q
expect_grep "\"binding\": \"list:$pu\"" "$WORK/suite/results.json" "the suite's binding is the cell's"
expect_status 0 "--dry-run shows the placement" "$GB" run -w sumloop -s threads -n 3 -p quick --bind list:$pu --dry-run
expect_grep "bind PUs $pu,$pu,$pu \\(list:$pu\\): 3 workers on 1 listed PUs: wrapped around" out.txt "dry run: placement and wrap-around note"

finish
