"""procs.py: the cpython-processes strategy: a multiprocessing.Pool started by fork or spawn.

The coordinator makes the tasks' input payloads and the pool pickles them to a worker; the worker
runs the tasks and sends back each task's partial result and output payload, pickled; the
coordinator computes the task results. Dynamic schedule: the work is Pool.map(chunksize=chunk),
as a plain script hands a pool a list: every (task, input) pair is made first, the pool batches
them chunk by chunk, its feeder sends the batches in order to whichever worker asks, each task
comes back as (task, partial, output), and the results are checked once the map has returned.
Static: an item is one worker's whole list of chunks (those gb_sched_next would deal it).

Items and results are tuples of numbers and bytes, as a script's are, never lists: the garbage
collector stops tracking such tuples, while a list of 100000 one-task lists (items, and results
kept until the map returns) stays tracked and made every full collection in the coordinator walk
it (5 full collections, 0.14-0.21 s of a 2 s chunk-1 run, against 1 and 0.004-0.01 s for the
script's Pool.map), with the GIL held and the pool's feeder and result threads waiting.

Streaming instead (imap_unordered: inputs made lazily by the feeder thread, each result checked in
the main thread as it arrives) is other work for the coordinator's three threads under one GIL: a
wake-up per result. It ran 0.77x to 1.17x the time of Pool.map at chunk 1 depending on the load,
so it could not be compared with the plain Pool.map it stands for (scripts/bench-agreement.sh).

Pool processes have no end hook, so the strategy makes its own start and finish lines: W "ready"
calls and W "finish" calls that each wait at a Barrier of W parties, so each of the W processes
takes exactly one of each. A worker calls the worker hooks in its initializer (begin) and in its
finish call (end), which returns the report bytes; it samples once per chunk (every `chunk` tasks
it runs: the pool hands a worker whole batches). Worker death or a stuck start is detected, never
waited on forever."""
from __future__ import absolute_import

import multiprocessing
import os
import signal
import sys

from . import runner, task as tm

START_TIMEOUT_S = 120.0  # a spawn of many workers on a loaded machine, with margin
POLL_S = 0.2

# The worker process's state, set by _init.
_W = {}


def _init(desc, job, counter, barrier, interval):
    """Pool initializer, in each worker process: never raises (a failing initializer makes the pool
    respawn workers forever); the error is returned by the ready call instead."""
    try:
        # A forked worker inherits gilbench's SIGTERM and SIGINT handlers, which only set a flag:
        # Pool.terminate() must be able to end it.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        runner.IN_WORKER_PROCESS = True
        if interval and hasattr(sys, "setswitchinterval"):
            sys.setswitchinterval(interval)
        with counter.get_lock():
            index = counter.value
            counter.value += 1
        _W["index"] = index
        _W["barrier"] = barrier
        if runner.hooks is None:  # a spawned python3 that cannot load the module beside gilbench
            raise ImportError("cannot import _gilbench in a worker process (%s); sys.path: %s" %
                              (runner.HOOKS_ERROR, sys.path))
        _W["wl"] = runner.Workload(desc)
        _W["tasks"] = 0
        _W["chunk"] = _W["left"] = max(1, desc["chunk"])
        runner.hook_begin(index, job)
        _W["error"] = None
    except Exception:
        _W["error"] = runner.worker_failure("worker process %d (starting)" % os.getpid())


def _ready(_):
    """The start line: every worker process has started and run its initializer."""
    err = _W.get("error")
    _W["barrier"].wait(START_TIMEOUT_S)
    if err is not None:
        return ("error", err.summary, err.details)
    return ("ok", _W["index"], os.getpid())


def _run_task(item):
    """Dynamic schedule, as Pool.map's function: (task, input) -> (task, partial, output). The
    pool hands a worker whole batches of `chunk` tasks: sampling every `chunk` tasks is once a
    chunk."""
    t, inp = item
    inp = bytearray(inp)
    tm.received_in(t, inp)
    partial, payload = _W["wl"].execute(t, inp)
    _W["tasks"] += 1
    _W["left"] -= 1
    if _W["left"] <= 0:
        _W["left"] = _W["chunk"]
        runner.hook_sample()
    return t, partial, bytes(payload)


def _run_chunk(chunk):
    """Run a chunk ((task, input)...); [(task, partial, output)...] back to the coordinator."""
    wl, out = _W["wl"], []
    for t, inp in chunk:
        inp = bytearray(inp)
        tm.received_in(t, inp)
        partial, payload = wl.execute(t, inp)
        out.append((t, partial, bytes(payload)))
    _W["tasks"] += len(chunk)
    runner.hook_sample()
    return out


def _run_chunks(chunks):
    """Static schedule: one worker's whole list of chunks."""
    out = []
    for chunk in chunks:
        out.extend(_run_chunk(chunk))
    return out


def _finish(_):
    """The finish line: the worker's report from the end hook."""
    _W["barrier"].wait(START_TIMEOUT_S)
    return _W["index"], runner.hook_end(_W["index"], _W["tasks"])


def _serial_all(_):
    """cpython-serial-spawn, in the one spawned process: every task in order, the clock started
    after the begin hook (in _init) and stopped before the end hook, here (CLOCK_MONOTONIC is the
    machine's, so the coordinator can use these marks), so the figure is the standalone binary's
    own. Sampled once per chunk, as every strategy."""
    err = _W.get("error")
    if err is not None:
        return ("error", err.summary, err.details)
    wl, total = _W["wl"], 0
    chunk = max(1, wl.desc["chunk"])
    start = runner.now_ns()
    try:
        for b in range(0, wl.ntasks, chunk):
            for t in range(b, min(b + chunk, wl.ntasks)):
                total += tm.checksum_term(t, wl.run_local(t))
            runner.hook_sample()
    except Exception:
        e = runner.worker_failure("the standalone serial process")
        runner.hook_end(_W["index"], 0)
        return ("error", e.summary, e.details)
    stop = runner.now_ns()
    return ("ok", total, wl.ntasks, start, stop, runner.hook_end(_W["index"], wl.ntasks))


def run_serial_standalone(desc, wl):
    """cpython-serial-spawn: the serial loop in one fresh python3 (the binary a spawned pool's
    workers run) started as multiprocessing's spawn starts them; startup_s is that start."""
    ctx = multiprocessing.get_context("spawn")
    ctx.set_executable(desc["executable"])
    interval = desc["options"].get("switch_interval_us", 5000) * 1e-6
    counter, barrier = ctx.Value("i", 0), ctx.Barrier(1)
    clock = runner.Clock()
    clock.create()
    pool = ctx.Pool(1, initializer=_init, initargs=(desc, desc["job"], counter, barrier, interval))
    try:
        watch = _Watch(pool)
        r = _wait(pool.apply_async(_serial_all, (None,)), watch, 1e9)
        if r[0] == "error":
            raise runner.CellError(r[1], r[2])
        pool.close()
        pool.join()
        clock.joined()
    except BaseException:
        pool.terminate()
        pool.join()
        raise
    _, total, tasks, clock.marks[1], clock.marks[2], report = r  # the worker's own clock
    return runner.answer(total, tasks, clock, [report])


class _Watch(object):
    """The pool's processes, to tell a dead worker from a slow one."""

    def __init__(self, pool):
        self.pool = pool
        self.pids = set(p.pid for p in pool._pool)

    def check(self):
        procs = list(self.pool._pool)
        for p in procs:
            if p.exitcode is not None:
                raise runner.CellError("worker process %d died (exit code %s)" % (p.pid, p.exitcode))
        if set(p.pid for p in procs) != self.pids:  # the pool replaced one that died
            gone = sorted(self.pids - set(p.pid for p in procs))
            raise runner.CellError("worker process %s died mid-run (the pool replaced it)" %
                                   ", ".join(str(x) for x in gone))


def _wait(result, watch, timeout):
    """result.get() that notices dead workers and gives up after timeout seconds."""
    waited = 0.0
    while not result.ready():
        result.wait(POLL_S)
        waited += POLL_S
        if watch is not None:
            watch.check()
        if waited > timeout and not result.ready():
            raise runner.CellError("the pool's workers did not answer within %.0f s" % timeout)
    return _unwrap(result.get)


def _unwrap(fn, *args):
    """Call fn; an exception raised in a worker becomes a CellError with the worker's traceback."""
    try:
        return fn(*args)
    except (runner.CellError, multiprocessing.TimeoutError):
        raise
    except Exception as e:
        cause = getattr(e, "__cause__", None)  # multiprocessing's RemoteTraceback: the worker's
        details = str(cause).strip().strip('"').strip() if cause is not None else ""
        err = runner.worker_failure("a worker process")
        if details:  # the worker's own traceback says where; the coordinator's only re-raises
            err.details = details
        raise err


def _chunks(wl, items):
    """Each (begin, end) as ((task, input payload)...)."""
    for b, e in items:
        yield tuple((t, bytes(wl.make_input(t))) for t in range(b, e))


def _collect(wl, results):
    total = tasks = 0
    for t, partial, payload in results:
        out = bytearray(payload)
        tm.received_out(t, out)
        total += tm.checksum_term(t, tm.task_result(t, partial, out))
        tasks += 1
    return total, tasks


def run_processes(desc, wl):
    n = desc["workers"]
    start = desc["options"].get("start", "fork")
    ctx = multiprocessing.get_context(start)
    if start == "spawn":
        ctx.set_executable(desc["executable"])  # sys.executable of an embedded interpreter is not one
    interval = desc["options"].get("switch_interval_us", 5000) * 1e-6
    counter = ctx.Value("i", 0)
    barrier = ctx.Barrier(n)
    sched = runner.schedule_of(desc)
    clock = runner.Clock()
    clock.create()
    wdesc = dict(desc)
    wdesc.pop("secret", None)  # a worker gets its inputs only as payloads
    pool = ctx.Pool(n, initializer=_init, initargs=(wdesc, desc["job"], counter, barrier, interval))
    watch = None
    try:
        watch = _Watch(pool)
        for r in _wait(pool.map_async(_ready, range(n), chunksize=1), watch, START_TIMEOUT_S):
            if r[0] == "error":
                raise runner.CellError(r[1], r[2])
        clock.start()  # every worker's begin hook ran in its initializer, before its ready
        if sched.dynamic:  # Pool.map(chunksize=chunk): each batch in order to whichever worker asks
            items = [(t, bytes(wl.make_input(t))) for t in range(wl.ntasks)]
            res = _wait(pool.map_async(_run_task, items, chunksize=sched.chunk), watch, 1e9)
        else:  # one item per worker: its chunks
            items = [tuple(_chunks(wl, sched.chunks_of(w))) for w in range(n)]
            per_worker = _wait(pool.map_async(_run_chunks, items, chunksize=1), watch, 1e9)
            res = [r for rs in per_worker for r in rs]
        total, tasks = _collect(wl, res)
        clock.stop()  # the end hooks run in the finish calls below
        reports = [None] * n
        for i, rep in _wait(pool.map_async(_finish, range(n), chunksize=1), watch, START_TIMEOUT_S):
            reports[i] = rep
        pool.close()
        pool.join()
        clock.joined()
    except BaseException:
        pool.terminate()
        pool.join()
        raise
    return runner.answer(total, tasks, clock, reports)
