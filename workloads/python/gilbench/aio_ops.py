"""aio_ops.py: the asyncio twins of the I/O ops (Python 3): the same requests and results as
ops/*.py, awaited on the worker's loop: asyncio.sleep for sleep, asyncio streams for tcp (each loop
keeps up to `connections` connections to the server, as the native async strategy does; more
requests wait for a free one), and the blocking file op in the loop's default executor (asyncio
has no file I/O of its own; that is what users do)."""
import asyncio

from . import ops
from .ops import file as file_op
from .ops import null as null_op
from .ops import sleep as sleep_op
from .ops import tcp as tcp_op


class _TcpPool(object):
    """A loop's connections to the loopback server, opened on demand up to `limit`."""

    def __init__(self, port, limit):
        self.port, self.limit, self.opened = port, limit, 0
        self.idle = asyncio.Queue()

    async def get(self):
        if self.idle.empty() and self.opened < self.limit:
            self.opened += 1
            try:
                return await asyncio.wait_for(asyncio.open_connection("127.0.0.1", self.port), tcp_op.TIMEOUT_S)
            except BaseException:
                self.opened -= 1
                raise
        return await self.idle.get()

    def put(self, conn):
        self.idle.put_nowait(conn)

    def drop(self, conn):
        self.opened -= 1
        conn[1].close()

    def close(self):
        while not self.idle.empty():
            self.idle.get_nowait()[1].close()


def _sleep(p, env, state):
    seconds = p["us"] * 1e-6

    async def run(task, inp):
        await asyncio.sleep(seconds)
        return sleep_op.result(p, task)
    return run


def _tcp(p, env, state):
    n = p["bytes"]

    async def run(task, inp):
        if not env.get("port"):
            raise IOError("no loopback server runs for this repetition")
        pool = state.get("tcp")
        if pool is None:
            pool = state["tcp"] = _TcpPool(env["port"], p["connections"])
        conn = await pool.get()
        try:
            reader, writer = conn
            writer.write(tcp_op.request(p, task, inp))
            await writer.drain()
            reply = await asyncio.wait_for(reader.readexactly(n), tcp_op.TIMEOUT_S)
        except BaseException:
            pool.drop(conn)
            raise
        pool.put(conn)
        return tcp_op.result(reply)
    return run


def _file(p, env, state):
    scratch = env.get("scratch_dir")

    async def run(task, inp):
        loop = asyncio.get_event_loop()
        return await loop.run_in_executor(None, file_op.run_blocking, p, scratch, task, inp)
    return run


def _null(p, env, state):
    async def run(task, inp):
        return null_op.result(task, inp)
    return run


_ASYNC = {"sleep": _sleep, "tcp": _tcp, "file": _file, "null": _null}


# asyncio runs a timer up to its clock's resolution early (BaseEventLoop._run_once).
_SLACK_NS = 1000


def async_phase(ph, env, state):
    """An I/O phase as a coroutine function (task, input) -> result, timed into the worker's
    histogram (and checked, as ops.done does). state: the loop's own (its connections), closed by
    close_state."""
    name, p = ph["op"], ph["params"]
    run, skipped = _ASYNC[name](p, env, state), ops.find(name).skipped(p)

    async def phase(task, inp):
        t0 = ops.now_ns()
        r = skipped(task, inp) if task == ops.SKIPIO_TASK else await run(task, inp)
        ops.done(name, p, task, ops.now_ns() - t0, _SLACK_NS)
        return r
    return phase


def close_state(state):
    pool = state.get("tcp")
    if pool is not None:
        pool.close()
