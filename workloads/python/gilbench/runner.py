"""runner.py: one repetition of one cell, run Python's way. gilbench's cpython-* strategies call
run_cell(desc) in the embedded interpreter; desc describes the workload (groups, phases, kernel
parameters), the worker count, the schedule and the strategy's options (see cpython.c). The answer
is a dict: checksum, tasks, clock, wall_s, startup_s, teardown_s, workers (one worker_end report
each, as bytes) and metrics.

Timing follows the harness's contract (harness/task/job.h), through a Clock: it is marked when creating
the workers (threads, pool processes, loops) begins; it starts once every worker's begin hook has
returned (they wait at a start line); it stops when the last result is collected, before any
worker's end hook (they wait at a finish line); it is marked again when all are joined. Its four
CLOCK_MONOTONIC timestamps in ns ("clock") are what gilbench reads: it derives startup_s, wall_s
and teardown_s from them and checks their order against the hooks' own timestamps. Workers sample
once per chunk. Every worker calls the worker hooks of _gilbench (binding, counters, CPU time) in
itself, when the module is there.

A Python exception in any worker stops the others at their next task and fails the cell: run_cell
raises CellError, whose summary is one readable line and whose details are the worker's traceback.

GILBENCH_TEST_RAISE=TASK (test-only) makes the Python kernel of task TASK raise, to prove that a
failing worker fails only its cell, with its traceback.

Common subset of Python 2.7 and 3.x; the asyncio strategy lives in aio.py (3.x syntax)."""
from __future__ import absolute_import

import os
import sys
import threading
import time
import traceback

from . import kernels, task as tm
from .hooks import hooks, HOOKS_ERROR  # _gilbench, libgbhooks through ctypes, or from gilbench

now = getattr(time, "monotonic", time.time)
def _clock_monotonic_ns():
    """CLOCK_MONOTONIC in ns through ctypes (Python 2.7 has no time.monotonic): the clock the
    worker hooks stamp, so the timing contract's marks compare with theirs. None without ctypes."""
    try:
        import ctypes
        import ctypes.util

        class _Timespec(ctypes.Structure):
            _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        clock_gettime = libc.clock_gettime

        def monotonic_ns():
            ts = _Timespec()  # one per call: threads take marks at once
            clock_gettime(1, ctypes.byref(ts))  # CLOCK_MONOTONIC
            return ts.tv_sec * 1000000000 + ts.tv_nsec
        monotonic_ns()
        return monotonic_ns
    except Exception:  # Jython: no ctypes; its hooks come from outside and are not ordered
        return None


if hasattr(time, "monotonic_ns"):
    now_ns = time.monotonic_ns
else:  # Python 2.7 and 3.6: the monotonic clock through ctypes, else time's as a float
    now_ns = _clock_monotonic_ns()
    if now_ns is None:
        def now_ns():
            return int(now() * 1e9)


class Clock(object):
    """The timing contract's four marks for one repetition (see the module's docstring)."""

    def __init__(self):
        self.marks = [0, 0, 0, 0]

    def create(self):
        self.marks[0] = now_ns()

    def start(self):
        self.marks[1] = now_ns()

    def stop(self):
        self.marks[2] = now_ns()

    def joined(self):
        self.marks[3] = now_ns()


def _test_raise():
    """GILBENCH_TEST_RAISE=TASK (raise in task TASK's Python kernel) or kill:TASK (a worker
    process running task TASK dies by SIGKILL): test-only, as (task, kill)."""
    spec = os.environ.get("GILBENCH_TEST_RAISE", "")
    kill = spec.startswith("kill:")
    try:
        return int(spec[5:] if kill else spec), kill
    except ValueError:
        return -1, False


_RAISE_TASK, _RAISE_KILL = _test_raise()
IN_WORKER_PROCESS = False  # set in multiprocessing workers (procs.py)


class CellError(Exception):
    """The cell failed: summary is one line for the console, details the traceback."""

    def __init__(self, summary, details=""):
        Exception.__init__(self, summary)
        self.summary = summary
        self.details = details


class InjectedError(RuntimeError):
    """The test-only failure GILBENCH_TEST_RAISE asks for."""


def worker_failure(who, exc_info=None):
    """A CellError for an exception caught in a worker (sys.exc_info() by default)."""
    etype, value, tb = exc_info or sys.exc_info()
    last = "".join(traceback.format_exception_only(etype, value)).strip().splitlines()
    summary = "%s raised %s" % (who, last[-1] if last else etype.__name__)
    return CellError(summary, "".join(traceback.format_exception(etype, value, tb)))


# ---- the workload ------------------------------------------------------------------------------


def _raising(task):
    if _RAISE_KILL:
        if not IN_WORKER_PROCESS:
            return  # only a worker process may die; gilbench itself must not
        import signal
        os.kill(os.getpid(), signal.SIGKILL)
    raise InjectedError("GILBENCH_TEST_RAISE=%d: the Python kernel of task %d raises" % (task, task))


_REUSE_TASK = tm.fault("reuse")
_last = threading.local()  # the worker thread's previous kernel result (the reuse fault)


def _reusing(run):
    """run, under the test-only fault reuse:TASK: task TASK gets the worker's previous kernel
    result instead of a run (as task.c's gb_kernel_phase_run)."""
    if _REUSE_TASK < 0:
        return run

    def phase(task, inp):
        if task == _REUSE_TASK:
            return getattr(_last, "result", 0)
        _last.result = run(task, inp)
        return _last.result
    return phase


def _cpu_phase(ph):
    """A CPU phase as a function (task, input) -> result: the Python twin, or the C kernel through
    _gilbench with the GIL released (ext) or held (ext-held)."""
    return _reusing(_cpu_phase_run(ph))


def _cpu_phase_run(ph):
    mode = ph["python"]
    if mode == "twin":
        run, params = kernels.find(ph["kernel"]).run, ph["params"]

        def twin(task, inp):
            if task == _RAISE_TASK:
                _raising(task)
            return run(params, task, inp)
        return twin
    if mode == "numpy":
        from . import numpy_kernels  # NumPy is imported only by the phases that ask for it
        run, params = numpy_kernels.find(ph["kernel"]).run, ph["params"]

        def vectorized(task, inp):
            if task == _RAISE_TASK:
                _raising(task)
            return run(params, task, inp)
        return vectorized
    if hooks is None:
        raise RuntimeError("python = %s needs the worker hooks' C kernels, which are not loaded (%s)" %
                           (mode, HOOKS_ERROR))
    kernel = hooks.kernel if mode == "ext" else hooks.kernel_held
    index, values = ph["kernel_index"], tuple(ph["values"])

    def ext(task, inp):
        if task == _RAISE_TASK:
            _raising(task)
        return kernel(index, values, task, inp)
    return ext


class Group(object):
    """One task group: its tasks' range, payload sizes and phases (as functions)."""

    def __init__(self, g, first, io_env):
        self.first = first
        self.tasks = g["tasks"]
        self.input_bytes = g["input_bytes"]
        self.output_bytes = g["output_bytes"]
        self.phases = []
        self.has_io = False
        for ph in g["phases"]:
            if ph["kind"] == "cpu":
                self.phases.append(_cpu_phase(ph))
            else:
                from . import ops  # the I/O twins, imported only by workloads with I/O
                self.phases.append(ops.blocking_phase(ph, io_env))
                self.has_io = True


class Workload(object):
    """The workload of a cell, ready to run tasks."""

    def __init__(self, desc):
        self.desc = desc
        self.ntasks = desc["ntasks"]
        self.secret = desc.get("secret")  # the coordinator's only: a worker process has none
        if not isinstance(self.secret, (int, type(None))):  # hex text, from a JSON description
            self.secret = int(self.secret, 16)
        io_env = {"port": desc.get("io_port", 0), "scratch_dir": desc.get("scratch_dir")}
        self.groups = []
        first = 0
        for g in desc["groups"]:
            self.groups.append(Group(g, first, io_env))
            first += g["tasks"]

    def group_of(self, t):
        for g in self.groups:
            if t < g.first + g.tasks:
                return g
        raise IndexError("task %d beyond the workload's %d tasks" % (t, self.ntasks))

    def make_input(self, t):
        """The coordinator's side: task t's input payload, from the run secret."""
        if self.secret is None:
            raise RuntimeError("task %d: only the coordinator makes input payloads" % t)
        return tm.payload_input(self.secret, t, self.group_of(t).input_bytes)

    def execute(self, t, inp):
        """The worker's side: run t's phases on its input as received; (partial, output)."""
        g = self.group_of(t)
        r = tm.task_begin(t)
        for phase in g.phases:
            r = tm.task_mix(r, phase(t, inp))
        return tm.task_finish(r, inp, g.output_bytes)

    def run_local(self, t):
        """A shared-memory worker's whole task (gb_task_run_local): its result."""
        inp = self.make_input(t)
        tm.received_in(t, inp)
        partial, out = self.execute(t, inp)
        tm.received_out(t, out)
        return tm.task_result(t, partial, out)


class Schedule(object):
    """Hand-out of chunks of tasks, as gb_sched_next: static (worker w's k-th chunk starts at
    (k*W + w)*chunk) or dynamic (the next free chunk), safe across threads."""

    def __init__(self, ntasks, chunk, workers, dynamic):
        self.ntasks, self.chunk, self.workers, self.dynamic = ntasks, max(1, chunk), workers, dynamic
        self.next = 0
        self.lock = threading.Lock()

    def cursor(self):
        return [0]

    def take(self, w, cursor):
        """The next (begin, end) for worker w, or None."""
        if self.dynamic:
            with self.lock:
                b = self.next
                self.next += self.chunk
        else:
            b = (cursor[0] * self.workers + w) * self.chunk
            cursor[0] += 1
        if b >= self.ntasks:
            return None
        return b, min(b + self.chunk, self.ntasks)

    def chunks_of(self, w):
        """Every chunk worker w gets under the static schedule."""
        cur, out = self.cursor(), []
        while True:
            c = self.take(w, cur)
            if c is None:
                return out
            out.append(c)


def schedule_of(desc):
    return Schedule(desc["ntasks"], desc["chunk"], desc["workers"], desc["schedule"] == "dynamic")


# ---- the worker hooks ----------------------------------------------------------------------------

def hook_begin(i, job=None):
    if hooks is not None:
        if job is None:
            hooks.worker_begin(i)
        else:
            hooks.worker_begin(i, job)


def hook_end(i, tasks):
    """Worker i's report (bytes) from the hook, or zeros without the module. Closes the calling
    thread's connection to the loopback server first, as the native end hook does."""
    ops = sys.modules.get(__package__ + ".ops")
    if ops is not None:
        ops.tcp.close()
    if hooks is not None:
        return hooks.worker_end(i, tasks)
    return b""


def hook_sample():
    if hooks is not None:
        hooks.worker_sample()


def answer(checksum, tasks, clock, reports, metrics=None):
    c = clock.marks
    return {"checksum": checksum & tm.M64, "tasks": tasks, "clock": list(c),
            "wall_s": (c[2] - c[1]) * 1e-9, "startup_s": (c[1] - c[0]) * 1e-9,
            "teardown_s": (c[3] - c[2]) * 1e-9, "workers": reports, "metrics": metrics or {}}


# ---- serial ----------------------------------------------------------------------------------------


def run_serial(desc, wl):
    """One worker, in the calling thread, tasks in order (the serial strategy's timing)."""
    clock = Clock()
    clock.create()
    hook_begin(0)
    clock.start()
    total = 0
    chunk = max(1, desc["chunk"])
    try:
        for b in range(0, wl.ntasks, chunk):
            for t in range(b, min(b + chunk, wl.ntasks)):
                total += tm.checksum_term(t, wl.run_local(t))
            hook_sample()
    except Exception:
        failure = worker_failure("worker 0")
        hook_end(0, 0)
        raise failure
    clock.stop()
    report = hook_end(0, wl.ntasks)
    clock.joined()
    return answer(total, wl.ntasks, clock, [report])


# ---- threads (and ext, ext-held: the same pool, other CPU phases) --------------------------------


class Pool(object):
    """Threads that run setup(i) and their begin hook, start together at a start line, run body(i),
    wait at a finish line (the last one stops the clock), then run their end hook and cleanup(i);
    the first failure stops the others at their next task. body(i) returns (checksum share, tasks).
    setup and cleanup (optional) are outside the clock: an event loop is created and closed there."""

    def __init__(self, n, body, setup=None, cleanup=None):
        self.n, self.body, self.setup, self.cleanup = n, body, setup, cleanup
        self.clock = Clock()
        self.cv = threading.Condition()
        self.ready = 0
        self.go = False
        self.done = 0
        self.stop = False
        self.failure = None
        self.sums = [0] * n
        self.tasks = [0] * n
        self.reports = [None] * n

    def _fail(self, who):
        failure = worker_failure(who)
        with self.cv:
            if self.failure is None:
                self.failure = failure
            self.stop = True

    def _main(self, i):
        if self.setup is not None:
            try:
                self.setup(i)
            except Exception:
                self._fail("worker %d's setup" % i)
        hook_begin(i)
        with self.cv:
            self.ready += 1
            self.cv.notify_all()
            while not self.go:
                self.cv.wait()
        try:
            if not self.stop:
                self.sums[i], self.tasks[i] = self.body(i)
        except Exception:
            self._fail("worker %d" % i)
        with self.cv:  # the finish line: no end hook before the clock stops
            self.done += 1
            if self.done == self.n:
                self.clock.stop()
                self.cv.notify_all()
            while self.done < self.n:
                self.cv.wait()
        self.reports[i] = hook_end(i, self.tasks[i])
        if self.cleanup is not None:
            try:
                self.cleanup(i)
            except Exception:
                self._fail("worker %d's cleanup" % i)

    def run(self):
        self.clock.create()
        threads = [threading.Thread(target=self._main, args=(i,), name="gilbench-worker-%d" % i)
                   for i in range(self.n)]
        for th in threads:
            th.daemon = True
            th.start()
        with self.cv:
            while self.ready < self.n:
                self.cv.wait()
            self.clock.start()
            self.go = True
            self.cv.notify_all()
        for th in threads:
            th.join()
        self.clock.joined()
        if self.failure is not None:
            raise self.failure
        return answer(sum(self.sums), sum(self.tasks), self.clock, self.reports)


def run_threads(desc, wl):
    sched = schedule_of(desc)
    pool = None

    def body(i):
        total = tasks = 0
        cur = sched.cursor()
        while not pool.stop:
            c = sched.take(i, cur)
            if c is None:
                break
            for t in range(c[0], c[1]):
                total += tm.checksum_term(t, wl.run_local(t))
                tasks += 1
            hook_sample()
        return total, tasks

    pool = Pool(desc["workers"], body)
    return pool.run()


# ---- entry -----------------------------------------------------------------------------------------


def run_cell(desc):
    """Run one repetition; the answer dict, or CellError."""
    wl = Workload(desc)
    strategy = desc["strategy"]
    if strategy == "serial":
        return run_serial(desc, wl)
    if strategy == "threads":
        return run_threads(desc, wl)
    if strategy == "processes":
        from . import procs
        return procs.run_processes(desc, wl)
    if strategy == "serial-standalone":
        from . import procs
        return procs.run_serial_standalone(desc, wl)
    if strategy == "asyncio":
        from . import aio
        return aio.run_asyncio(desc, wl)
    from . import libs
    if strategy in libs.RUNNERS:
        return libs.RUNNERS[strategy](desc, wl)
    raise CellError("the Python runner has no strategy %r" % strategy)
