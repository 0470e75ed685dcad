"""The Python twins of the I/O ops (workloads/io/*.c), one module each, listed in NAMES. A twin
gives the same 64-bit result as the C op for the same task, input and parameters, and performs
the same I/O with blocking calls that release the GIL (time.sleep, socket, os.write...).

An op's module holds (common subset of Python 2.7 and 3.x, no third-party imports):
  PARAMS            the parameter names, in the order of the C op's table;
  min_ns(p)         the least time one op can take (a sleep's), in ns;
  skipped(p)        fn(task, inp): the result a worker that skips the I/O can compute alone;
  blocking(p, env)  fn(task, inp) -> result: the op, blocking (env: port, scratch_dir);
  aio(p, env, state, asyncio)
                    fn(task, inp) for an asyncio event loop (only called where asyncio exists):
                    it returns the result at once, or a generator that yields what it waits for
                    (an awaitable, whose result is sent back in, or another such generator) and
                    then yields the result (not an awaitable). gilbench/aio.py drives it. No
                    async/await syntax, so the module parses under Python 2.7 and Jython too.
                    state: the loop's own dict (an op keeps its things under its name);
  worker_end()      optional: what a worker's end closes (the thread's connection);
  aio_close(state)  optional: close what aio kept in a loop's state.

blocking_phase(ph, env) wraps a twin for a worker: it times each op into the worker's latency
histogram through _gilbench (as gb_io_phase_run does) and raises when the op fails, or when it took
less than the op's least time (a sleep that did not wait). Under the test-only fault skipio:TASK,
task TASK's ops return the result a worker can compute alone (each module's skipped), without I/O.
Adding an op: its module here and its name in NAMES (docs/ARCHITECTURE.md, "Add an I/O op")."""
from __future__ import absolute_import

import importlib
import threading
import time

from ..task import fault

NAMES = ("sleep", "tcp", "file", "null")  # the registration list: one name per op module

SKIPIO_TASK = fault("skipio")

from ..hooks import hooks as _hooks  # _gilbench, libgbhooks or gilbench itself (hooks.py)

OPS = dict((name, importlib.import_module("." + name, __name__)) for name in NAMES)

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


def worker_end():
    """What a worker's end closes, for every op (the calling thread's connection to the server)."""
    for op in OPS.values():
        end = getattr(op, "worker_end", None)
        if end is not None:
            end()


def aio_close(state):
    """Close what the ops' asyncio twins kept in a loop's state."""
    for op in OPS.values():
        close = getattr(op, "aio_close", None)
        if close is not None:
            close(state)


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
