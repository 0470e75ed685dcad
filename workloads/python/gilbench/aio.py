"""aio.py: the cpython-asyncio strategy (Python 3 only: async/await syntax). One event loop per
worker, each in its own thread, as users run several loops; in each loop `lanes` coroutines pull
chunks of tasks from the shared schedule and run them: CPU phases inline (blocking the loop, as a
CPU-bound coroutine does), I/O phases through each op's asyncio form (`aio` in gilbench/ops/NAME.py:
asyncio streams, asyncio.sleep...), driven here. With only CPU phases a loop runs its tasks one
after another; with I/O they overlap."""
import asyncio
import inspect

from . import ops, runner, task as tm

LANES = 64  # tasks in flight per loop, at most


def _phases(wl, io_env, state):
    """Per group, its phases as coroutine functions (task, input) -> result, for one loop (state:
    that loop's own, its connections)."""
    out = []
    for g, gd in zip(wl.groups, wl.desc["groups"]):
        phs = []
        for ph, fn in zip(gd["phases"], g.phases):
            if ph["kind"] == "cpu":
                phs.append(_inline(fn))
            else:
                phs.append(_io_phase(ph, io_env, state))
        out.append(phs)
    return out


# asyncio runs a timer up to its clock's resolution early (BaseEventLoop._run_once).
_SLACK_NS = 1000


async def _drive(gen):
    """Run an op's asyncio form written as a generator (see gilbench/ops/__init__.py): await what it
    yields and send the result back in (an exception is thrown in, so its except clauses see it),
    run a generator it yields the same way, and return the first thing it yields that is neither.
    The generator then runs to its end (so it is never closed at a yield)."""
    value, exc = None, None
    while True:
        try:
            step = gen.throw(exc) if exc is not None else gen.send(value)
        except StopIteration:
            raise RuntimeError("an I/O op's asyncio form ended without a result")
        value = exc = None
        if inspect.isgenerator(step):
            step = _drive(step)
        elif not inspect.isawaitable(step):
            try:
                gen.send(None)
            except StopIteration:
                return step
            raise RuntimeError("an I/O op's asyncio form went on after its result")
        try:
            value = await step
        except BaseException as e:  # cancellation too: the op drops what it holds
            exc = e


def _io_phase(ph, env, state):
    """An I/O phase as a coroutine function (task, input) -> result, timed into the worker's
    histogram and checked (ops.done). state: the loop's own (its connections), closed by
    ops.aio_close."""
    name, p = ph["op"], ph["params"]
    op = ops.find(name)
    run, skipped = op.aio(p, env, state, asyncio), op.skipped(p)

    async def phase(task, inp):
        t0 = ops.now_ns()
        if task == ops.SKIPIO_TASK:
            r = skipped(task, inp)
        else:
            r = run(task, inp)
            if not isinstance(r, int):  # waits: a generator
                r = await _drive(r)
        ops.done(name, p, task, ops.now_ns() - t0, _SLACK_NS)
        return r
    return phase


def _inline(fn):
    async def cpu(task, inp):
        return fn(task, inp)
    return cpu


async def _task(wl, phases, t):
    g = wl.group_of(t)
    inp = wl.make_input(t)
    tm.received_in(t, inp)
    r = tm.task_begin(t)
    for ph in phases[wl.groups.index(g)]:
        r = tm.task_mix(r, await ph(t, inp))
    partial, out = tm.task_finish(r, inp, g.output_bytes)
    tm.received_out(t, out)
    return tm.task_result(t, partial, out)


async def _loop_main(i, wl, phases, sched, pool):
    state = {"sum": 0, "tasks": 0}
    cur = sched.cursor()

    async def lane():
        while not pool.stop:
            c = sched.take(i, cur)
            if c is None:
                return
            for t in range(c[0], c[1]):
                res = await _task(wl, phases, t)
                state["sum"] += tm.checksum_term(t, res)
                state["tasks"] += 1
            runner.hook_sample()

    has_io = any(ph["kind"] != "cpu" for g in wl.desc["groups"] for ph in g["phases"])
    lanes = [asyncio.ensure_future(lane()) for _ in range(LANES if has_io else 1)]
    try:
        await asyncio.gather(*lanes)
    finally:
        for ln in lanes:
            ln.cancel()
    return state["sum"], state["tasks"]


def run_asyncio(desc, wl):
    sched = runner.schedule_of(desc)
    io_env = {"port": desc.get("io_port", 0), "scratch_dir": desc.get("scratch_dir")}
    pool = None

    loops = {}  # worker -> (loop, state, phases): created before the clock starts, closed after

    def setup(i):
        loop = asyncio.new_event_loop()
        state = {}
        loops[i] = (loop, state, None)
        loops[i] = (loop, state, _phases(wl, io_env, state))

    def body(i):
        loop, state, phases = loops[i]
        return loop.run_until_complete(_loop_main(i, wl, phases, sched, pool))

    def cleanup(i):
        loop, state, _ = loops.pop(i)
        if state:
            ops.aio_close(state)
            loop.run_until_complete(asyncio.sleep(0))  # let the transports close
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()

    pool = runner.Pool(desc["workers"], body, setup, cleanup)
    return pool.run()
