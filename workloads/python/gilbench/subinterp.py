"""subinterp.py: the Python side of cpython-subinterp (3.12+). Each worker thread of gilbench runs
its own sub-interpreter, with its own GIL, and calls run_worker there: the tasks come from the
schedule the workers share in C (_gilbench.sched_next), so no Python object crosses interpreters;
the worker hooks are called by gilbench's thread around it. Returns (checksum share, tasks)."""
from __future__ import absolute_import

import sys

from . import runner
from . import task as tm


def run_worker(i, desc):
    if hasattr(sys, "setswitchinterval"):
        sys.setswitchinterval(desc["options"].get("switch_interval_us", 5000) * 1e-6)
    wl = runner.Workload(desc)
    total = tasks = 0
    try:
        while True:
            c = runner.hooks.sched_next()
            if c is None:
                break
            for t in range(c[0], c[1]):
                total += tm.checksum_term(t, wl.run_local(t))
                tasks += 1
            runner.hook_sample()
    finally:
        ops = sys.modules.get(__package__ + ".ops")
        if ops is not None:
            ops.worker_end()
    return total & tm.M64, tasks
