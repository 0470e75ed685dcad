"""task.py: the task model of DESIGN.md, bit for bit as harness/task.c computes it.

A task's input payload is the splitmix64 byte stream seeded with the task index; its result mixes
the phases' results, a hash of the input as the worker received it and a hash of the output as
the coordinator received it; the cell checksum is the sum of splitmix64(task ^ result) mod 2**64.
"""
from __future__ import absolute_import

import os
import struct

M64 = 0xFFFFFFFFFFFFFFFF
_GOLDEN = 0x9E3779B97F4A7C15
_HASH_START = 0x6A09E667F3BCC908


def splitmix64(x):
    """The first output of splitmix64 seeded with x (gb_splitmix64)."""
    z = (x + _GOLDEN) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def payload_fill(seed, length):
    """The input payload of task `seed` (or the output payload of a partial): `length` bytes of
    the splitmix64 stream seeded with `seed`, each word little-endian (gb_payload_fill)."""
    nwords = (length + 7) // 8
    words = []
    s = seed & M64
    for _ in range(nwords):
        s = (s + _GOLDEN) & M64
        z = ((s ^ (s >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        words.append(z ^ (z >> 31))
    return bytearray(struct.pack("<%dQ" % nwords, *words)[:length])


def payload_hash(buf):
    """Hash of a payload: word-wise splitmix64 chain, then the length (gb_payload_hash)."""
    length = len(buf)
    full = length // 8
    h = _HASH_START
    if full:
        for w in struct.unpack("<%dQ" % full, bytes(buf[:full * 8])):
            h = splitmix64(h ^ w)
    if length > full * 8:
        tail = bytes(buf[full * 8:]) + b"\0" * (8 - (length - full * 8))
        h = splitmix64(h ^ struct.unpack("<Q", tail)[0])
    return splitmix64(h ^ length)


def task_begin(task):
    """r before the first phase (gb_task_begin)."""
    return splitmix64(task)


def task_mix(r, phase_result):
    """r after a phase (gb_task_mix)."""
    return splitmix64(r ^ (phase_result & M64))


def task_finish(r, inp, out_len):
    """The worker's partial result and the output payload it sends back (gb_task_finish)."""
    partial = splitmix64(r ^ payload_hash(inp))
    return partial, payload_fill(partial, out_len)


def task_result(partial, out):
    """The coordinator's task result from the partial and the output as received."""
    return splitmix64((partial + payload_hash(out)) & M64)


def checksum_term(task, result):
    """The task's term of the cell checksum; add the terms mod 2**64."""
    return splitmix64(task ^ result)


def _fault(which):
    """The test-only fault switch GILBENCH_TEST_FAULT=in:TASK or out:TASK, as task.c reads it."""
    f = os.environ.get("GILBENCH_TEST_FAULT", "")
    if f.startswith(which + ":"):
        try:
            return int(f[len(which) + 1:])
        except ValueError:
            return -1
    return -1


_FAULT_IN = _fault("in")
_FAULT_OUT = _fault("out")


def received_in(task, buf):
    """Transit hook where an input payload arrives at the worker (gb_payload_received_in): does
    nothing unless the test-only fault switch names this task. buf is a bytearray."""
    if _FAULT_IN == task and len(buf) > 0:
        buf[len(buf) // 2] ^= 0x01


def received_out(task, buf):
    """Transit hook where an output payload arrives at the coordinator."""
    if _FAULT_OUT == task and len(buf) > 0:
        buf[len(buf) // 2] ^= 0x01
