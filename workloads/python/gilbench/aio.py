"""aio.py: the cpython-asyncio strategy (Python 3 only: async/await syntax). One event loop per
worker, each in its own thread, as users run several loops; in each loop `lanes` coroutines pull
chunks of tasks from the shared schedule and run them: CPU phases inline (blocking the loop, as a
CPU-bound coroutine does), I/O phases as awaitables (asyncio streams, asyncio.sleep). With only
CPU phases a loop runs its tasks one after another; with I/O they overlap."""
import asyncio

from . import runner, task as tm

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
                from . import aio_ops
                phs.append(aio_ops.async_phase(ph, io_env, state))
        out.append(phs)
    return out


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
            from . import aio_ops
            aio_ops.close_state(state)
            loop.run_until_complete(asyncio.sleep(0))  # let the transports close
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()

    pool = runner.Pool(desc["workers"], body, setup, cleanup)
    return pool.run()
