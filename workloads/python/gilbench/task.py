"""task.py: the task model of docs/ARCHITECTURE.md, bit for bit as harness/base/payload.c and harness/task/task.c compute it.

A task's input payload is the splitmix64 byte stream seeded from the task index and the run
secret; every kernel's result depends on the task and every byte of its input (kernel_seed); the
task's result mixes the phases' results and a hash of the input as the worker received it, and its
output payload is the stream seeded with that, checked byte for byte by the coordinator; the cell
checksum is the sum of splitmix64(task ^ result) mod 2**64.
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


def kernel_seed(task, inp):
    """The seed of a kernel run (gb_kernel_seed): the payload hash's chain, started from the task."""
    length = len(inp)
    full = length // 8
    h = _HASH_START ^ ((task * _GOLDEN) & M64)
    if full:
        for w in struct.unpack("<%dQ" % full, bytes(inp[:full * 8])):
            h = splitmix64(h ^ w)
    if length > full * 8:
        tail = bytes(inp[full * 8:]) + b"\0" * (8 - (length - full * 8))
        h = splitmix64(h ^ struct.unpack("<Q", tail)[0])
    return splitmix64(h ^ length)


def kernel_mix(seed, r):
    """A kernel's result from its seed and what its work gave (gb_kernel_mix)."""
    return splitmix64((r & M64) ^ seed)


def payload_input(secret, task, length):
    """The coordinator's side: task `task`'s input payload, derived from the run secret
    (gb_payload_input)."""
    return payload_fill(splitmix64(task ^ secret), length)


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


class ProofError(RuntimeError):
    """An output payload received that is not the one its task's result implies."""


def task_result(task, partial, out):
    """The coordinator's task result (gb_task_result): the output payload as received must be
    exactly the stream seeded with the partial result, else ProofError."""
    want = payload_fill(partial, len(out))
    if want != out:
        at = next(i for i in range(len(out)) if want[i] != out[i])
        raise ProofError("task %d: the output payload received does not match its result (first "
                         "difference at byte %d)" % (task, at))
    return splitmix64((partial + len(out)) & M64)


def checksum_term(task, result):
    """The task's term of the cell checksum; add the terms mod 2**64."""
    return splitmix64(task ^ result)


FAULT_KINDS = ("in", "out", "skipcopy", "reuse", "skipio")


def fault_parse(spec):
    """GILBENCH_TEST_FAULT=KIND:TASK[,KIND:TASK...] as task.c's gb_fault_parse reads it: a dict
    kind -> task; ValueError on anything else."""
    faults = {}
    for item in spec.split(",") if spec else ():
        kind, sep, arg = item.partition(":")
        if kind not in FAULT_KINDS or not sep or not arg.isdigit():
            raise ValueError("GILBENCH_TEST_FAULT: '%s': expected KIND:TASK with KIND one of %s" %
                             (item, ", ".join(FAULT_KINDS)))
        faults[kind] = int(arg)
    return faults


try:
    FAULTS = fault_parse(os.environ.get("GILBENCH_TEST_FAULT", ""))
except ValueError:
    FAULTS = {}  # gilbench refused it at start-up already; a plain interpreter runs without


def fault(kind):
    """The task the test-only fault `kind` names, or -1."""
    return FAULTS.get(kind, -1)


_FAULT_IN = fault("in")
_FAULT_OUT = fault("out")
_FAULT_SKIPCOPY = fault("skipcopy")


def received_in(task, buf):
    """Transit hook where an input payload arrives at the worker (gb_payload_received_in): does
    nothing unless a test-only fault switch names this task. buf is a bytearray."""
    if _FAULT_SKIPCOPY == task:
        buf[:] = payload_fill(task, len(buf))  # regenerated, without the run secret
    if _FAULT_IN == task and len(buf) > 0:
        buf[len(buf) // 2] ^= 0x01


def received_out(task, buf):
    """Transit hook where an output payload arrives at the coordinator."""
    if _FAULT_OUT == task and len(buf) > 0:
        buf[len(buf) // 2] ^= 0x01
