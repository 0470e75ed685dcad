"""null: twin of workloads/kernels/null.c: no work; a hash of the task index and its input."""
from __future__ import absolute_import

from ..task import payload_hash, splitmix64

PARAMS = ()


def run(p, task, inp):
    return splitmix64(task ^ payload_hash(inp))
