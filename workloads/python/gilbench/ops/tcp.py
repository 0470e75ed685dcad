"""tcp: twin of workloads/io/tcp.c: one request/response round trip to the loopback server the
harness starts for the repetition. The request is a 16-byte header (magic, body length, delay,
0; little-endian) and a body derived from the task and its input payload; the server answers
body-length bytes after delay_us; the result is the hash of the reply. A blocking worker keeps one
connection (opened on first use, per thread), as a client library's session does. On an asyncio
loop, asyncio streams: each loop keeps up to `connections` connections to the server, as the native
async strategy does; more requests wait for a free one."""
from __future__ import absolute_import

import socket
import struct
import threading

from ..task import payload_fill, payload_hash, splitmix64

PARAMS = ("bytes", "delay_us", "connections")
MAGIC = 0x67626970  # "gbip"
HEADER = 16
TIMEOUT_S = 60.0  # a server that stops answering fails the op, not the run


def request(p, task, inp):
    n = p["bytes"]
    seed = splitmix64(task ^ payload_hash(inp) ^ 0x7C9)
    return struct.pack("<4I", MAGIC, n, p["delay_us"] & 0xFFFFFFFF, 0) + bytes(payload_fill(seed, n))


def result(reply):
    return payload_hash(reply)


def min_ns(p):
    return 0


def reply_of(body):
    """The server's answer to a request body: reversed, each byte xor 0xa5 (gb_tcp_reply_make)."""
    r = bytearray(body)
    r.reverse()
    for i in range(len(r)):
        r[i] ^= 0xA5
    return bytes(r)


def skipped(p):
    """What a worker that does not talk to the server returns: the reply it can work out itself
    (the server's tally of requests catches it)."""
    return lambda task, inp: result(reply_of(request(p, task, inp)[HEADER:]))


_local = threading.local()


def _connection(env):
    s = getattr(_local, "sock", None)
    if s is None or getattr(_local, "port", None) != env["port"]:
        if not env.get("port"):
            raise IOError("no loopback server runs for this repetition")
        s = socket.create_connection(("127.0.0.1", env["port"]), TIMEOUT_S)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        _local.sock, _local.port = s, env["port"]
    return s


def worker_end():
    """Close the calling thread's connection (a worker's end)."""
    s = getattr(_local, "sock", None)
    if s is not None:
        s.close()
        _local.sock = None


def blocking(p, env):
    n = p["bytes"]

    def run(task, inp):
        s = _connection(env)
        try:
            s.sendall(request(p, task, inp))
            chunks, got = [], 0
            while got < n:
                b = s.recv(n - got)
                if not b:
                    raise IOError("recv: the server closed the connection")
                chunks.append(b)
                got += len(b)
        except Exception:
            worker_end()
            raise
        return result(b"".join(chunks))
    return run


class _Pool(object):
    """A loop's connections to the loopback server, opened on demand up to `limit`."""

    def __init__(self, asyncio, port, limit):
        self.asyncio, self.port, self.limit, self.opened = asyncio, port, limit, 0
        self.idle = asyncio.Queue()

    def get(self):
        """A connection (reader, writer), for the asyncio driver: an idle one, a new one while
        under the limit, else the next one put back."""
        if self.idle.empty() and self.opened < self.limit:
            self.opened += 1
            try:
                opening = self.asyncio.open_connection("127.0.0.1", self.port)
                conn = yield self.asyncio.wait_for(opening, TIMEOUT_S)
            except BaseException:
                self.opened -= 1
                raise
        else:
            conn = yield self.idle.get()
        yield conn

    def put(self, conn):
        self.idle.put_nowait(conn)

    def drop(self, conn):
        self.opened -= 1
        conn[1].close()

    def close(self):
        while not self.idle.empty():
            self.idle.get_nowait()[1].close()


def aio(p, env, state, asyncio):
    n = p["bytes"]

    def run(task, inp):
        if not env.get("port"):
            raise IOError("no loopback server runs for this repetition")
        pool = state.get("tcp")
        if pool is None:
            pool = state["tcp"] = _Pool(asyncio, env["port"], p["connections"])
        conn = yield pool.get()
        try:
            reader, writer = conn
            writer.write(request(p, task, inp))
            yield writer.drain()
            reply = yield asyncio.wait_for(reader.readexactly(n), TIMEOUT_S)
        except BaseException:
            pool.drop(conn)
            raise
        pool.put(conn)
        yield result(reply)
    return run


def aio_close(state):
    pool = state.get("tcp")
    if pool is not None:
        pool.close()
