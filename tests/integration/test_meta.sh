#!/usr/bin/env bash
# Run metadata: the machine (CPU, topology, caches, frequencies, VM), the load and steal time at
# start and end, the build and the libraries, the command line; topology.xml beside results.json.
source "$(dirname "$0")/lib.sh"
expect_status 0 "a bound run" "$GB" run -w sumloop -s threads -n 2 -p quick --reps 1 --warmup 0 --bind compact -o "$WORK/list" -q
# ---- metadata and topology.xml ----
if $PY - "$WORK/list" <<'PY'; then ok "meta has the machine, the build, the libraries and the run"; else not_ok "meta is incomplete"; fi
import json, os, sys, xml.dom.minidom
d = sys.argv[1]; m = json.load(open(d + "/results.json"))["meta"]; bad = []
need = {"cpu": ["model", "vendor", "pus", "cores", "smt", "packages", "numa_nodes", "caches", "frequency"],
        "host": ["kernel", "virtualization", "loadavg_start", "loadavg_end", "steal_s_start", "steal_s_end"],
        "topology": ["pus", "cores", "packages", "numa_nodes", "caches", "xml"],
        "libraries": ["jansson", "gsl", "hwloc", "papi", "libuv", "python", "mpi"],
        "counters": ["requested", "backends", "events"]}
for k, fields in need.items():
    for f in fields:
        if f not in m.get(k, {}): bad.append(k + "." + f)
for f in ["gilbench", "git_commit", "command", "compiler", "c_flags", "python", "mpi", "started"]:
    if f not in m: bad.append(f)
if m["cpu"]["pus"] < 1 or not m["cpu"]["caches"]: bad.append("cpu values")
if not m["host"]["loadavg_end"]: bad.append("loadavg_end not filled")
if "--bind compact" not in m["command"]: bad.append("command line")
if m["topology"]["xml"]:
    x = xml.dom.minidom.parse(os.path.join(d, m["topology"]["xml"]))
    if not x.getElementsByTagName("object"): bad.append("topology.xml has no objects")
elif not m["topology"].get("xml_reason"): bad.append("no topology.xml and no reason")
for b in bad: print("  | missing or wrong:", b)
sys.exit(1 if bad else 0)
PY
if $PY - "$WORK/list" <<'PY'; then ok "meta values are plausible"; else not_ok "meta values"; fi
import json, sys
m = json.load(open(sys.argv[1] + "/results.json"))["meta"]
assert m["cpu"]["pus"] == m["topology"]["pus"] >= 1
assert m["cpu"]["cores"] * m["cpu"]["smt"] >= m["cpu"]["pus"]
v = m["host"]["virtualization"]
assert isinstance(v["vm"], bool) and v["evidence"]
if m["host"]["steal_s_start"] is not None: assert m["host"]["steal_s_end"] >= m["host"]["steal_s_start"]
PY
finish
