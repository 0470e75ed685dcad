#!/usr/bin/env python3
"""make_fixture.py: write results.json, the frozen run the findings tests read (tests/integration/
test_findings.sh). Synthetic on purpose: each cell's repetitions are chosen so that one rule in
rules.ini lands on each verdict (confirmed, contradicted, inconclusive by a straddling interval,
inconclusive by a disturbed cell, not measured by a missing or an unavailable strategy), whatever
machine the test runs on. The shape is gilbench-results/1 as `gilbench run` writes it."""
import json
import os

SPREAD = [1.00, 1.01, 0.99, 1.02, 0.98]


def cell(workload, strategy, workers, walls, params=None, baseline="serial", status="ok", error=None,
         startup=0.0, pss_kb=None, p99=None, noise=None):
    params = dict(params or {"tasks": 8, "phase.1.n": 1000})
    reps = []
    for i, w in enumerate(walls):
        pids = [100 + i * 10 + (k if strategy == "processes" else 0) for k in range(workers)]
        rep = {"wall_s": w, "startup_s": startup * SPREAD[i % 5], "teardown_s": 0.0, "user_s": w,
               "sys_s": 0.0, "checksum": "0123456789abcdef",
               "workers": [{"cpu_s": w, "pus_seen": [k], "migrations": 0, "bind_held": None,
                            "tasks": 1, "pid": pids[k], "maxrss_kb": 20000,
                            "pss_kb": pss_kb} for k in range(workers)],
               "latency_us": {"p50": 0, "p90": 0, "p99": 0, "p999": 0, "max": 0, "count": 0},
               "io_ops_per_s": 0}
        if pss_kb is None:
            for wk in rep["workers"]:
                del wk["pss_kb"]
        if p99 is not None:
            rep["latency_us"] = {"p50": p99 / 4, "p90": p99 / 2, "p99": p99 * SPREAD[i % 5],
                                 "p999": p99 * 2, "max": p99 * 3, "count": 100}
        reps.append(rep)
    c = {"workload": workload, "kind": "cpu", "measure": "wall", "params": params,
         "strategy": strategy, "options": {}, "workers": workers, "binding": "none",
         "status": status, "error": error, "checksum": "0123456789abcdef" if status == "ok" else None,
         "reps": reps if status == "ok" else [], "baseline": baseline}
    c["key"] = "workload=%s;params=%s;strategy=%s;options=;workers=%d;binding=none" % (
        workload, ",".join("%s=%s" % kv for kv in params.items()), strategy, workers)
    if noise is not None:
        c["noise"] = noise
    return c


def walls(median, spread=SPREAD):
    return [median * k for k in spread]


cells = [
    cell("sumloop", "serial", 1, walls(1.0)),
    cell("sumloop", "threads", 1, walls(1.0)),
    cell("sumloop", "threads", 2, walls(0.5), pss_kb=10240, startup=0.002),
    cell("sumloop", "gil", 2, walls(1.0)),
    # a wide spread: its speedup interval straddles 1.5
    cell("sumloop", "processes", 2, [0.45, 0.9, 0.66, 1.1, 0.55], pss_kb=10240, startup=0.02),
    # fast, but disturbed by other load while it ran
    cell("sumloop", "async", 2, walls(0.5),
         noise={"flagged": True, "reasons": ["other load 1.7 of 2 PUs"], "other_load": 1.7,
                "steal_fraction": 0.0, "cv": 0.02}),
    # measured quietly: noise present and not flagged
    cell("nbody", "serial", 1, walls(2.0)),
    cell("nbody", "threads", 2, walls(1.05),
         noise={"flagged": False, "reasons": [], "other_load": 0.1, "steal_fraction": 0.0, "cv": 0.01}),
    cell("sumloop", "openmp", 2, [], status="skipped", error="built without OpenMP"),
    cell("square", "serial", 1, walls(0.001), params={"tasks": 1000}),
    cell("square", "processes", 2, walls(0.05), params={"tasks": 1000}),
    cell("convoy", "gil", 2, walls(1.0), params={"group.cpu.tasks": 1, "group.io.tasks": 100}, p99=5000),
    cell("convoy", "threads", 2, walls(1.0), params={"group.cpu.tasks": 1, "group.io.tasks": 100}, p99=100),
]
for c in cells:
    if c["status"] == "ok":
        ws = sorted(r["wall_s"] for r in c["reps"])
        c["stats"] = {"wall_s": {"n": len(ws), "median": ws[len(ws) // 2],
                                 "median_ci95": [ws[0], ws[-1]], "min": ws[0], "max": ws[-1]}}
doc = {"schema": "gilbench-results/1",
       "meta": {"gilbench": "0.1.0", "started": "2026-11-30T00:00:00+0000", "reps": 5, "warmup": 1,
                "profile": "default", "command": "gilbench run (synthetic: make_fixture.py)"},
       "cells": cells}
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "results.json"), "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
