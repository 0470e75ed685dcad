"""sleep: twin of workloads/io/sleep.c: a timer wait of `us` microseconds (time.sleep releases
the GIL; asyncio.sleep on a loop); the result depends on the task and the duration only."""
from __future__ import absolute_import

import time

from ..task import splitmix64

PARAMS = ("us",)


def result(p, task):
    return splitmix64(task ^ (p["us"] << 32) ^ 0x51EE9)


def min_ns(p):
    return p["us"] * 1000


def skipped(p):
    """What a worker that does not wait returns: the same result (the measured time catches it)."""
    return lambda task, inp: result(p, task)


def blocking(p, env):
    seconds = p["us"] * 1e-6

    def run(task, inp):
        time.sleep(seconds)
        return result(p, task)
    return run


def aio(p, env, state, asyncio):
    seconds = p["us"] * 1e-6

    def run(task, inp):
        yield asyncio.sleep(seconds)
        yield result(p, task)
    return run
