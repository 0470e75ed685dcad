#!/usr/bin/env python3
"""gbench_check.py GBENCH.json RESULTS.json: check `gilbench export --format gbench` against what
Google Benchmark's tools/compare.py reads from a benchmark JSON file, and against the results it
was made from. Written from the format's description (the fields compare.py and its gbench
package use), not from their code. Prints one "ok"/"not ok" line per check; exit 1 on a failure."""
import json
import math
import statistics
import sys

fails = 0


def check(cond, what):
    global fails
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        fails += 1


doc = json.load(open(sys.argv[1]))
results = json.load(open(sys.argv[2]))
check(isinstance(doc, dict) and isinstance(doc.get("context"), dict) and isinstance(doc.get("benchmarks"), list),
      "a top-level object with a context object and a benchmarks list")
ctx = doc["context"]
for key, kind in (("date", str), ("host_name", str), ("executable", str), ("num_cpus", int),
                  ("mhz_per_cpu", int), ("caches", list), ("library_build_type", str), ("load_avg", list)):
    check(isinstance(ctx.get(key), kind), "context.%s is a %s" % (key, kind.__name__))
check(ctx.get("library_build_type") in ("debug", "release"), "context.library_build_type is debug or release")
check(all(set(c) >= {"type", "level", "size", "num_sharing"} and c["type"] in ("Data", "Instruction", "Unified")
          for c in ctx.get("caches", [])), "context.caches: type, level, size, num_sharing")
meta = results["meta"]
check(ctx.get("host_name") == meta["host"]["hostname"] and ctx.get("num_cpus") == meta["cpu"]["pus"]
      and ctx.get("date") == meta["started"], "context from the run's metadata (host, PUs, date)")

UNITS = {"ns": 1e9, "us": 1e6, "ms": 1e3, "s": 1.0}
bench = doc["benchmarks"]
runs = {}
for b in bench:
    good = (isinstance(b.get("name"), str) and isinstance(b.get("run_name"), str)
            and b.get("run_type") in ("iteration", "aggregate") and isinstance(b.get("repetitions"), int)
            and b["repetitions"] >= 1 and isinstance(b.get("iterations"), int) and b["iterations"] >= 1
            and isinstance(b.get("threads"), int) and b.get("time_unit") in UNITS
            and all(isinstance(b.get(k), (int, float)) and b[k] >= 0 for k in ("real_time", "cpu_time"))
            and isinstance(b.get("family_index"), int) and isinstance(b.get("per_family_instance_index"), int))
    if b.get("run_type") == "iteration":
        good = good and b["name"] == b["run_name"] and isinstance(b.get("repetition_index"), int) \
            and 0 <= b["repetition_index"] < b["repetitions"] and "aggregate_name" not in b
    else:
        good = good and b.get("aggregate_name") in ("mean", "median", "stddev", "cv") \
            and b["name"] == b["run_name"] + "_" + b["aggregate_name"] and "repetition_index" not in b
    if not good:
        check(False, "benchmark entry well formed: %s" % json.dumps(b)[:300])
    runs.setdefault(b["run_name"], []).append(b)
check(len(bench) > 0 and fails == 0, "every one of %d benchmark entries has the fields compare.py reads" % len(bench))

# Per run: its repetitions 0..n-1 once each, then its aggregates, which agree with them.
for name, entries in runs.items():
    its = [b for b in entries if b["run_type"] == "iteration"]
    aggs = {b["aggregate_name"]: b for b in entries if b["run_type"] == "aggregate"}
    n = its[0]["repetitions"] if its else 0
    ok = (sorted(b["repetition_index"] for b in its) == list(range(n)) and set(aggs) == {"mean", "median", "stddev"}
          and all(b["repetitions"] == n for b in entries)
          and entries.index(its[-1]) < min(entries.index(a) for a in aggs.values()))
    real = [b["real_time"] for b in its]
    want = {"mean": statistics.mean(real), "median": statistics.median(real),
            "stddev": statistics.stdev(real) if n > 1 else 0.0}
    ok = ok and all(math.isclose(aggs[k]["real_time"], v, rel_tol=1e-9, abs_tol=1e-12) for k, v in want.items())
    if not ok:
        check(False, "run %s: repetitions and aggregates agree" % name)
check(fails == 0, "every run (%d) has its repetitions and mean, median and stddev aggregates of them" % len(runs))

# Against the results: one run per ok cell, real_time its repetitions' wall time.
cells = [c for c in results["cells"] if c["status"] == "ok"]
check(len(runs) == len(cells), "one run per ok cell (%d runs, %d ok cells)" % (len(runs), len(cells)))
walls = sorted(round(r["wall_s"], 9) for c in cells for r in c["reps"] if not r.get("error"))
got = sorted(round(b["real_time"] / UNITS[b["time_unit"]], 9) for b in bench if b["run_type"] == "iteration")
check(walls == got, "iteration real_time is each repetition's wall time (%d repetitions)" % len(walls))

# compare.py pairs benchmarks of two files by name: names are unique per repetition.
keys = [(b["name"], b.get("repetition_index")) for b in bench]
check(len(keys) == len(set(keys)), "names are unique per repetition, so two files pair up by name")
sys.exit(1 if fails else 0)
