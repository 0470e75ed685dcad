"""tcp: twin of workloads/io/tcp.c: one request/response round trip to the loopback server the
harness starts for the repetition. The request is a 16-byte header (magic, body length, delay,
0; little-endian) and a body derived from the task and its input payload; the server answers
body-length bytes after delay_us; the result is the hash of the reply. A blocking worker keeps one
connection (opened on first use, per thread), as a client library's session does."""
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


def close():
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
            close()
            raise
        return result(b"".join(chunks))
    return run
