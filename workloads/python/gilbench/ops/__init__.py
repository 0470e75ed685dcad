"""The Python twins of the I/O ops (workloads/io/*.c), one module each: sleep, tcp, file, null. A twin
gives the same 64-bit result as the C op for the same task, input and parameters, and performs
the same I/O with blocking calls that release the GIL (time.sleep, socket, os.write...).

blocking_phase(ph, env) wraps a twin for a worker: it times each op into the worker's latency
histogram through _gilbench (as gb_io_phase_run does) and raises when the op fails, or when it took
less than the op's least time (a sleep that did not wait). Under the test-only fault skipio:TASK,
task TASK's ops return the result a worker can compute alone (each module's skipped), without I/O.
The asyncio twins are in gilbench/aio_ops.py (Python 3 syntax)."""
from __future__ import absolute_import

import threading
import time

from . import file, null, sleep, tcp
from ..task import fault

SKIPIO_TASK = fault("skipio")

from ..hooks import hooks as _hooks  # _gilbench, libgbhooks or gilbench itself (hooks.py)

OPS = {"sleep": sleep, "tcp": tcp, "file": file, "null": null}

if hasattr(time, "monotonic_ns"):
    now_ns = time.monotonic_ns
    CLOCK_SLACK_NS = 0
else:
    def now_ns():
        return int(getattr(time, "monotonic", time.time)() * 1e9)
    # A clock read as float seconds (Python 2.7, Jython: time.time) is off by up to a few hundred
    # ns at today's epoch: a sleep may measure that much short of what it asked for.
    CLOCK_SLACK_NS = 1000


def find(name):
    try:
        return OPS[name]
    except KeyError:
        raise KeyError("no Python twin of I/O op %r (twins: %s)" % (name, ", ".join(sorted(OPS))))


_sink = threading.local()


def set_latency_sink(lst):
    """Send the calling thread's op latencies (ns) to a list instead of the worker hooks' histogram
    (None: back to the hooks): for workers that a library owns, which never ran the begin hook."""
    _sink.lst = lst


def record(ns):
    """One op's latency into the calling worker's histogram (nothing without the module)."""
    lst = getattr(_sink, "lst", None)
    if lst is not None:
        lst.append(ns)
    elif _hooks is not None:
        _hooks.io_latency_add(ns)


def done(name, p, task, ns, slack_ns=0):
    """One op of task `task` took ns: its latency, and an IOError when the op cannot have been done
    in that time (gb_io_op_done; slack_ns: a clock's resolution the wait may end early by)."""
    record(ns)
    least = find(name).min_ns(p)
    if ns + slack_ns + CLOCK_SLACK_NS < least:
        raise IOError("%s op of task %d took %d ns, less than the %d ns it must wait" % (name, task, ns, least))


def blocking_phase(ph, env):
    """An I/O phase as a function (task, input) -> result, timed."""
    name, p = ph["op"], ph["params"]
    run, skipped = find(name).blocking(p, env), find(name).skipped(p)

    def phase(task, inp):
        t0 = now_ns()
        r = skipped(task, inp) if task == SKIPIO_TASK else run(task, inp)
        done(name, p, task, now_ns() - t0)
        return r
    return phase
