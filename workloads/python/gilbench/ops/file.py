"""file: twin of workloads/io/file.c, in the repetition's scratch folder. mode=write (1): the task
writes its own file (create, write, fsync if asked, close); mode=read (0): it reads the file the
harness wrote before timing. Each open, read, write, fsync and close is a blocking os call that
releases the GIL. The result hashes the bytes written or read, with the task. What is written
derives from the task's input (the harness reads every written file back after the repetition);
the read file's content derives from the run secret, which only the harness has. On an asyncio loop
the blocking op runs in the loop's default executor (asyncio has no file I/O of its own; that is
what users do)."""
from __future__ import absolute_import

import os

from ..task import payload_fill, payload_hash, splitmix64

PARAMS = ("bytes", "mode", "fsync")
READ, WRITE = 0, 1


def path(scratch, p, task):
    if p["mode"] == READ:
        return "%s/read-%d.dat" % (scratch, p["bytes"])
    return "%s/task-%d-%d.dat" % (scratch, task, p["bytes"])


def write_data(p, task, inp):
    return payload_fill(splitmix64(task ^ payload_hash(inp) ^ 0xF11E), p["bytes"])


def read_data(p, secret):
    return payload_fill(splitmix64(secret ^ (0xF11E0000 + p["bytes"])), p["bytes"])


def result(p, task, data):
    return splitmix64(payload_hash(data) ^ task ^ (p["mode"] << 40))


def min_ns(p):
    return 0


def skipped(p):
    """What a worker that does no I/O returns: what it would write, or a guess at the read file
    (it has no run secret)."""
    if p["mode"] == WRITE:
        return lambda task, inp: result(p, task, write_data(p, task, inp))
    return lambda task, inp: result(p, task, read_data(p, 0))


def run_blocking(p, scratch, task, inp):
    """The op itself, blocking (also what the asyncio twin runs in an executor thread)."""
    if not scratch:
        raise IOError("no scratch folder for this repetition")
    name, n = path(scratch, p, task), p["bytes"]
    if p["mode"] == WRITE:
        data = write_data(p, task, inp)
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            view, done = memoryview(data), 0
            while done < n:
                done += os.write(fd, view[done:])
            if p["fsync"]:
                os.fsync(fd)
        finally:
            os.close(fd)
        return result(p, task, data)
    fd = os.open(name, os.O_RDONLY)
    try:
        chunks, got = [], 0
        while got < n:
            b = os.read(fd, n - got)
            if not b:
                raise IOError("short read of %s" % name)
            chunks.append(b)
            got += len(b)
    finally:
        os.close(fd)
    return result(p, task, b"".join(chunks))


def blocking(p, env):
    scratch = env.get("scratch_dir")

    def run(task, inp):
        return run_blocking(p, scratch, task, inp)
    return run


def aio(p, env, state, asyncio):
    scratch = env.get("scratch_dir")

    def run(task, inp):
        loop = asyncio.get_event_loop()
        r = yield loop.run_in_executor(None, run_blocking, p, scratch, task, inp)
        yield r
    return run
