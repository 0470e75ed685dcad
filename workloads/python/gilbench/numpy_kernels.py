"""numpy_kernels.py: NumPy twins of the C kernels that have an exact one (`python = numpy` in a
phase): the same 64-bit result per task as the C kernel and its pure-Python twin, computed by
NumPy's vectorized code. NumPy releases the GIL inside its loops over plain numbers, so Python
threads running these phases overlap where the pure-Python twins cannot: this is the seed's advice
"lean on NumPy" made measurable.

Each twin does the kernel's work in NumPy, not a closed form of it: sumloop materializes and adds
its n numbers (in blocks of BLOCK, so memory stays bounded; each of the kernel's 4096-number
blocks summed by NumPy, the seeded scramble between them in Python), square squares its number in
a uint64 array (wrapping mod 2**64 as C does). Both are seeded and mixed as the C kernels are
(task.kernel_seed, task.kernel_mix). Python 3 with NumPy only; importing this module without NumPy
raises ImportError, which fails the cell with that reason."""
from __future__ import absolute_import

import numpy as np

from .task import kernel_mix, kernel_seed

M64 = 0xFFFFFFFFFFFFFFFF
BLOCK = 1 << 20  # numbers per block: 8 MiB of uint64
KBLOCK = 4096  # the kernel's block: its sum is scrambled after each (sumloop.c)


class _Sumloop(object):
    PARAMS = ("n",)

    @staticmethod
    def run(p, task, inp):
        n = p["n"]
        seed = kernel_seed(task, inp)
        s = seed
        with np.errstate(over="ignore"):
            for start in range(0, n, BLOCK):  # BLOCK is a multiple of KBLOCK
                block = np.arange(start, min(n, start + BLOCK), dtype=np.uint64)
                sums = np.add.reduceat(block, np.arange(0, len(block), KBLOCK), dtype=np.uint64)
                for b in sums.tolist():
                    s = (s + b) & M64
                    s ^= s >> 29
        return kernel_mix(seed, s)


class _Square(object):
    PARAMS = ("n",)

    @staticmethod
    def run(p, task, inp):
        seed = kernel_seed(task, inp)
        x = np.array([((p["n"] + task) & M64) ^ seed], dtype=np.uint64)
        with np.errstate(over="ignore"):
            return kernel_mix(seed, int(np.multiply(x, x)[0]))


TWINS = {"sumloop": _Sumloop, "square": _Square}


def find(name):
    """The NumPy twin of kernel `name`; KeyError names those that exist."""
    try:
        return TWINS[name]
    except KeyError:
        raise KeyError("no NumPy twin of kernel %r (NumPy twins: %s)" % (name, ", ".join(sorted(TWINS))))
