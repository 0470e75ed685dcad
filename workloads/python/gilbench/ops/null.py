"""null: twin of workloads/io/null.c: returns at once, without a system call (on an asyncio loop
too); the result is a hash of the task index and its input."""
from __future__ import absolute_import

from ..task import payload_hash, splitmix64

PARAMS = ()


def result(task, inp):
    return splitmix64(task ^ payload_hash(inp) ^ 0x0A11)


def blocking(p, env):
    def run(task, inp):
        return result(task, inp)
    return run


def aio(p, env, state, asyncio):
    """Done at once on the loop too: the result, no generator."""
    return lambda task, inp: result(task, inp)


def min_ns(p):
    return 0


def skipped(p):
    """Nothing to skip: it does no I/O."""
    return lambda task, inp: result(task, inp)
