"""libs.py: Python's parallel libraries as cpython-* strategies: concurrent.futures, joblib, Dask,
Ray and Spark, each driven through its own API.

Every library runs the same work as the other strategies: the coordinator makes each chunk's input
payloads, the library carries a chunk to one of its workers (pickled, as the library does it), the
worker runs the tasks' phases on the bytes it received and sends back each task's partial result
and output payload, and the coordinator computes the task results and the checksum from what came
back. The unit the library schedules is one chunk of the workload's schedule: with the dynamic
schedule, one chunk per library task (the library decides where it runs); with the static one, the
whole list of chunks gb_sched_next would deal worker w, as one library task.

Timing (the harness's contract, for a library): startup_s is the library's own start-up (pool,
cluster, session) up to the moment one no-op task per worker has answered; wall_s runs from the
first chunk handed to the library to the last result back; teardown_s is the library's shut-down.

The library owns its workers, so gilbench cannot call the worker hooks in them. Instead each chunk
reports where it ran: the process and thread ids, the PU it was on (from /proc), the thread's CPU
time over the chunk and the latency of each I/O op; the coordinator adds these up per worker
(distinct thread) into the answer's "worker_stats", which the harness turns into the per-worker
figures of the results (cpu_s, pus_seen, tasks, latency). Library workers are never bound.

Each library is imported only by its own strategy; a missing one fails with its ImportError, which
the harness reports as the reason the strategy is unavailable. Common subset of Python 2.7 and
3.x in this file's top level; the libraries themselves need Python 3."""
from __future__ import absolute_import

import os
import re
import threading
import time

from . import runner, task as tm

# The worker side's cached workload: (token, Workload), one per process, rebuilt when a new
# repetition's description arrives.
_CACHE = {}
_CACHE_LOCK = threading.Lock()


def worker_desc(desc, token):
    """What a worker needs of the repetition's description (not the coordinator's job bytes)."""
    keep = ("groups", "ntasks", "io_port", "scratch_dir")
    d = dict((k, desc.get(k)) for k in keep)
    d["token"] = token
    d["coordinator"] = os.getpid()
    return d


def _workload(wdesc):
    # A worker process of the library's own (not a thread of the coordinator) may die on purpose:
    # GILBENCH_TEST_RAISE=kill:TASK, as a multiprocessing worker may.
    runner.IN_WORKER_PROCESS = os.getpid() != wdesc["coordinator"]
    with _CACHE_LOCK:
        cached = _CACHE.get("wl")
        if cached is None or cached[0] != wdesc["token"]:
            cached = (wdesc["token"], runner.Workload(wdesc))
            _CACHE["wl"] = cached
        return cached[1]


def _thread_cpu():
    f = getattr(time, "thread_time", None)
    return f() if f is not None else time.clock()  # Python 2: process CPU time


def _tid():
    f = getattr(threading, "get_native_id", None)
    return f() if f is not None else os.getpid()


def _pu():
    """The PU the calling thread last ran on (field 39 of /proc/thread-self/stat), or -1."""
    try:
        with open("/proc/thread-self/stat", "rb") as f:
            text = f.read()
        return int(text.rsplit(b")", 1)[1].split()[36])
    except (IOError, OSError, IndexError, ValueError):
        return -1


def noop(wdesc, i):
    """The start line's no-op task: builds the worker's workload, answers where it runs."""
    _workload(wdesc)
    return os.getpid(), _tid(), _pu(), i


def run_chunk(wdesc, chunk):
    """Worker side: chunk is [(task, input payload)...]; returns ([(task, partial, output)...],
    (pid, tid, pu, cpu_s, tasks, [latency ns...]))."""
    from . import ops
    wl = _workload(wdesc)
    lat = []
    ops.set_latency_sink(lat)
    c0 = _thread_cpu()
    out = []
    try:
        for t, inp in chunk:
            inp = bytearray(inp)
            tm.received_in(t, inp)
            partial, payload = wl.execute(t, inp)
            out.append((t, partial, bytes(payload)))
    finally:
        ops.set_latency_sink(None)
    return out, (os.getpid(), _tid(), _pu(), _thread_cpu() - c0, len(chunk), lat)


def run_chunks(wdesc, chunks):
    """Static schedule: one worker's whole list of chunks as one library task."""
    results, stats = [], []
    for chunk in chunks:
        r, s = run_chunk(wdesc, chunk)
        results.extend(r)
        stats.append(s)
    return results, stats


def spark_partition(bdesc):
    """A Spark mapPartitions function: each partition holds one item (a chunk or a static list)."""
    def run(items):
        for item in items:
            kind, payload = item
            if kind == "chunks":
                r, s = run_chunks(bdesc.value, payload)
                yield r, s
            else:
                r, s = run_chunk(bdesc.value, payload)
                yield r, [s]
    return run


class Plan(object):
    """The coordinator's side: the library tasks (items) to hand out and the collection."""

    def __init__(self, desc, wl):
        self.wl = wl
        self.n = desc["workers"]
        self.sched = runner.schedule_of(desc)
        self.static = not self.sched.dynamic
        self._items = None
        self.total = 0
        self.tasks = 0
        self.workers = {}  # (pid, tid) -> [cpu_s, tasks, set of PUs, [latency ns]]
        self.order = []

    @property
    def items(self):
        """The library tasks, made at first use: the runners first touch them after the clock
        starts, so making the input payloads is timed as in every other strategy."""
        if self._items is None:
            sched = self.sched
            if self.static:
                self._items = [[self._inputs(c) for c in sched.chunks_of(w)] for w in range(self.n)]
            else:
                ranges, cur = [], sched.cursor()
                c = sched.take(0, cur)
                while c is not None:
                    ranges.append(c)
                    c = sched.take(0, cur)
                self._items = [self._inputs(c) for c in ranges]
        return self._items

    def _inputs(self, c):
        return [(t, bytes(self.wl.make_input(t))) for t in range(c[0], c[1])]

    def function(self):
        return run_chunks if self.static else run_chunk

    def tagged(self):
        """The items as (kind, payload), for Spark's one-function-per-partition."""
        kind = "chunks" if self.static else "chunk"
        return [(kind, it) for it in self.items]

    def collect(self, answer):
        """One library task's answer: results, then one stat or a list of them."""
        results, stats = answer
        for t, partial, payload in results:
            out = bytearray(payload)
            tm.received_out(t, out)
            self.total += tm.checksum_term(t, tm.task_result(t, partial, out))
            self.tasks += 1
        for pid, tid, pu, cpu, tasks, lat in (stats if isinstance(stats, list) else [stats]):
            key = (pid, tid)
            w = self.workers.get(key)
            if w is None:
                w = self.workers[key] = [0.0, 0, set(), []]
                self.order.append(key)
            w[0] += cpu
            w[1] += tasks
            if pu >= 0:
                w[2].add(pu)
            w[3].extend(lat)

    def answer(self, t_start, t_go, t_done, t_end, extra=None):
        stats = []
        for key in self.order:
            cpu, tasks, pus, lat = self.workers[key]
            stats.append({"pid": key[0], "tid": key[1], "cpu_s": cpu, "tasks": tasks,
                          "pus": sorted(pus), "latency_ns": lat})
        metrics = {"lib_workers_seen": float(len(stats)),
                   "lib_processes_seen": float(len(set(k[0] for k in self.order)))}
        metrics.update(extra or {})
        clock = runner.Clock()  # the timing contract's marks; the library's workers run no hooks
        clock.marks = [int(t * 1e9) for t in (t_start, t_go, t_done, t_end)]  # runner.now: monotonic
        a = runner.answer(self.total, self.tasks, clock, [b""] * self.n, metrics)
        a["worker_stats"] = stats
        return a


def _child_pythonpath(*modules):
    """Make the processes a library starts (Ray's agents and workers, Spark's Python workers) find
    gilbench's package and the libraries themselves: they run the interpreter's executable, which
    may not see the virtual environment this interpreter imported them from."""
    dirs = [os.path.dirname(os.path.dirname(os.path.abspath(__file__)))]
    import glob
    import sys
    for d in sys.path:  # the _gilbench module (python = ext phases in the library's workers)
        if d and glob.glob(os.path.join(d, "_gilbench*.so")):
            dirs.append(d)
            break
    for m in modules:
        dirs.append(os.path.dirname(os.path.dirname(os.path.abspath(m.__file__))))
    old = os.environ.get("PYTHONPATH")
    if old:
        dirs.append(old)
    seen, keep = set(), []
    for d in os.pathsep.join(dirs).split(os.pathsep):
        if d and d not in seen:
            seen.add(d)
            keep.append(d)
    os.environ["PYTHONPATH"] = os.pathsep.join(keep)
    return os.environ["PYTHONPATH"]


class LibraryLog(object):
    """While a library starts, its processes' standard error (Spark's JVM and its log4j lines,
    Ray's start-up notices) goes to a temporary file instead of gilbench's console: they inherit
    the redirected descriptor for their whole life. When the cell fails, the log's tail joins the
    error's details; the file is removed either way."""

    def __init__(self):
        import tempfile
        fd, self.path = tempfile.mkstemp(prefix="gilbench-library-", suffix=".log")
        self.saved = os.dup(2)
        os.dup2(fd, 2)
        os.close(fd)

    def restore(self):
        if self.saved is not None:
            os.dup2(self.saved, 2)
            os.close(self.saved)
            self.saved = None

    def close(self, failure=None):
        self.restore()
        try:
            if failure is not None:
                with open(self.path, "rb") as f:
                    tail = f.read()[-6000:].decode("utf-8", "replace")
                if tail.strip():
                    failure.details = "%s\n--- the library's own log (its end) ---\n%s" % (
                        failure.details, tail)
        finally:
            os.unlink(self.path)


def _with_log(run):
    """Run run(log) with the library's chatter in a LibraryLog."""
    log = LibraryLog()
    try:
        result = run(log)
    except runner.CellError as e:
        log.close(e)
        raise
    except BaseException:
        log.close()
        raise
    log.close()
    return result


def _token():
    return "%d-%d-%f" % (os.getpid(), threading.current_thread().ident or 0, time.time())


def _warm(results, n):
    """The start line's answers: every no-op answered; how many distinct processes ran them."""
    answers = list(results)
    if len(answers) != n:
        raise runner.CellError("the library answered %d of %d start-line tasks" % (len(answers), n))
    return answers


# ---- concurrent.futures --------------------------------------------------------------------------


def run_futures(desc, wl):
    from concurrent import futures
    plan, n = Plan(desc, wl), desc["workers"]
    wdesc = worker_desc(desc, _token())
    kind = desc["options"].get("executor", "thread")
    t_start = runner.now()
    if kind == "process":
        ex = futures.ProcessPoolExecutor(max_workers=n)
    else:
        ex = futures.ThreadPoolExecutor(max_workers=n)
    try:
        _warm([f.result() for f in [ex.submit(noop, wdesc, i) for i in range(n)]], n)
        t_go = runner.now()
        fn = plan.function()
        pending = [ex.submit(fn, wdesc, it) for it in plan.items]
        for f in futures.as_completed(pending):
            plan.collect(_library_result(f.result))
        t_done = runner.now()
    except BaseException:
        ex.shutdown(wait=False, cancel_futures=True)
        raise
    ex.shutdown(wait=True)
    return plan.answer(t_start, t_go, t_done, runner.now())


_PY_EXC = re.compile(r"[\s:]*([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)): (.+)")


def _library_result(get, *args, **kw):
    """A library call's result; a worker's exception becomes the cell's error: its summary names
    the Python exception the worker raised (found in a Java or remote traceback's text, as Spark
    and Ray wrap it), the details keep the library's whole message."""
    try:
        return get(*args, **kw)
    except runner.CellError:
        raise
    except Exception as e:
        err = runner.worker_failure("a library worker")
        found = None
        for line in str(e).splitlines():
            if line.startswith("\tat "):  # a Java stack: the Python part is above it
                break
            m = _PY_EXC.match(line)
            if m:
                found = "%s: %s" % (m.group(1), m.group(2).strip())
        if not found:  # the exception's class and its message's first line
            first = [ln.strip() for ln in str(e).splitlines() if ln.strip()]
            found = "%s.%s: %s" % (type(e).__module__, type(e).__name__, first[0] if first else "")
        err.summary = "a library worker raised %s" % found
        raise err


# ---- joblib ----------------------------------------------------------------------------------------


def run_joblib(desc, wl):
    import joblib
    plan, n = Plan(desc, wl), desc["workers"]
    wdesc = worker_desc(desc, _token())
    backend = desc["options"].get("backend", "loky")
    batch = desc["options"].get("batch_size", 0)
    batch = "auto" if not batch else int(batch)
    t_start = runner.now()
    par = joblib.Parallel(n_jobs=n, backend=backend, batch_size=batch)
    t_done = None
    with par:
        _warm(par(joblib.delayed(noop)(wdesc, i) for i in range(n)), n)
        t_go = runner.now()
        fn = joblib.delayed(plan.function())
        for a in _library_result(par, (fn(wdesc, it) for it in plan.items)):
            plan.collect(a)
        t_done = runner.now()
    if backend == "loky":  # loky keeps its workers for the next call: shutting them down is ours
        from joblib.externals.loky import get_reusable_executor
        get_reusable_executor().shutdown(wait=True)
    return plan.answer(t_start, t_go, t_done, runner.now())


# ---- Dask --------------------------------------------------------------------------------------------


def run_dask(desc, wl):
    import dask
    plan, n = Plan(desc, wl), desc["workers"]
    wdesc = worker_desc(desc, _token())
    scheduler = desc["options"].get("scheduler", "threads")
    fn = dask.delayed(plan.function(), pure=False)
    t_start = runner.now()
    if scheduler == "distributed":
        return _with_log(lambda log: _dask_distributed(desc, plan, wdesc, fn, t_start))
    from concurrent import futures
    if scheduler == "processes":
        import multiprocessing
        ctx = multiprocessing.get_context(dask.config.get("multiprocessing.context", "spawn"))
        pool = futures.ProcessPoolExecutor(max_workers=n, mp_context=ctx)
    else:
        pool = futures.ThreadPoolExecutor(max_workers=n)
    try:
        warm = [dask.delayed(noop, pure=False)(wdesc, i) for i in range(n)]
        _warm(dask.compute(*warm, scheduler=scheduler, pool=pool, num_workers=n), n)
        t_go = runner.now()
        answers = _library_result(dask.compute, *[fn(wdesc, it) for it in plan.items],
                                  scheduler=scheduler, pool=pool, num_workers=n)
        for a in answers:
            plan.collect(a)
        t_done = runner.now()
    finally:
        pool.shutdown(wait=True)
    return plan.answer(t_start, t_go, t_done, runner.now())


def _dask_distributed(desc, plan, wdesc, fn, t_start):
    import logging
    from distributed import Client, LocalCluster
    logging.getLogger("distributed").setLevel(logging.ERROR)
    n = desc["workers"]
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    client = Client(cluster)
    try:
        client.wait_for_workers(n)
        answers = client.run(noop, wdesc, 0)  # on every worker: one no-op each
        _warm(answers.values(), n)
        t_go = runner.now()
        futs = client.compute([fn(wdesc, it) for it in plan.items])
        for a in _library_result(client.gather, futs):
            plan.collect(a)
        t_done = runner.now()
    finally:
        client.close()
        cluster.close()
    return plan.answer(t_start, t_go, t_done, runner.now())


# ---- Ray ---------------------------------------------------------------------------------------------


def run_ray(desc, wl):
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray
    plan, n = Plan(desc, wl), desc["workers"]
    wdesc = worker_desc(desc, _token())
    _child_pythonpath(ray)
    return _with_log(lambda log: _ray(ray, desc, plan, wdesc, n))


def _ray(ray, desc, plan, wdesc, n):
    t_start = runner.now()
    ray.init(num_cpus=n, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        # No retries: a task whose worker died fails the cell, as in every other strategy, instead
        # of being run again behind the measurement's back.
        remote_noop = ray.remote(num_cpus=1, max_retries=0)(noop)
        _warm(ray.get([remote_noop.remote(wdesc, i) for i in range(n)]), n)
        t_go = runner.now()
        ref = ray.put(wdesc)
        remote = ray.remote(num_cpus=1, max_retries=0)(plan.function())
        for a in _library_result(ray.get, [remote.remote(ref, it) for it in plan.items]):
            plan.collect(a)
        t_done = runner.now()
    finally:
        ray.shutdown()
    return plan.answer(t_start, t_go, t_done, runner.now())


# ---- Spark -------------------------------------------------------------------------------------------


def run_spark(desc, wl):
    from pyspark import SparkConf, SparkContext
    plan, n = Plan(desc, wl), desc["workers"]
    wdesc = worker_desc(desc, _token())
    import pyspark
    path = _child_pythonpath(pyspark)
    os.environ.setdefault("PYSPARK_PYTHON", desc.get("executable") or "python3")
    conf = (SparkConf().setMaster("local[%d]" % n).setAppName("gilbench")
            .set("spark.ui.enabled", "false").set("spark.python.worker.reuse", "true")
            .set("spark.ui.showConsoleProgress", "false").set("spark.task.maxFailures", "1")
            .set("spark.executorEnv.PYTHONPATH", path))
    return _with_log(lambda log: _spark(SparkContext, conf, plan, wdesc, n))


def _spark(SparkContext, conf, plan, wdesc, n):
    t_start = runner.now()
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    try:
        bdesc = sc.broadcast(wdesc)
        warm = sc.parallelize(range(n), n).map(lambda i: noop(bdesc.value, i)).collect()
        _warm(warm, n)
        t_go = runner.now()
        rdd = sc.parallelize(plan.tagged(), len(plan.items) or 1)
        for a in _library_result(rdd.mapPartitions(spark_partition(bdesc)).collect):
            plan.collect(a)
        t_done = runner.now()
    finally:
        sc.stop()
    return plan.answer(t_start, t_go, t_done, runner.now())


RUNNERS = {"futures": run_futures, "joblib": run_joblib, "dask": run_dask, "ray": run_ray,
           "spark": run_spark}
