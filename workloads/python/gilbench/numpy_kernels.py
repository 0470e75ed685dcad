"""numpy_kernels.py: NumPy twins of the C kernels that have an exact one (`python = numpy` in a
phase): the same 64-bit result per task as the C kernel and its pure-Python twin, computed by
NumPy's vectorized code. NumPy releases the GIL inside its loops over plain numbers, so Python
threads running these phases overlap where the pure-Python twins cannot: this is the seed's advice
"lean on NumPy" made measurable.

Each twin does the kernel's work in NumPy, not a closed form of it: sumloop materializes and adds
its n numbers (in blocks of BLOCK, so memory stays bounded), square squares its number in a
uint64 array (wrapping mod 2**64 as C does). Python 3 with NumPy only; importing this module
without NumPy raises ImportError, which fails the cell with that reason."""
from __future__ import absolute_import

import numpy as np

M64 = 0xFFFFFFFFFFFFFFFF
BLOCK = 1 << 20  # numbers per block: 8 MiB of uint64


class _Sumloop(object):
    PARAMS = ("n",)

    @staticmethod
    def run(p, task, inp):
        n = p["n"]
        total = np.uint64(0)
        with np.errstate(over="ignore"):
            for start in range(0, n, BLOCK):
                block = np.arange(start, min(n, start + BLOCK), dtype=np.uint64)
                total = total + np.add.reduce(block, dtype=np.uint64)
        return (int(total) + task) & M64


class _Square(object):
    PARAMS = ("n",)

    @staticmethod
    def run(p, task, inp):
        x = np.array([(p["n"] + task) & M64], dtype=np.uint64)
        with np.errstate(over="ignore"):
            return int(np.multiply(x, x)[0])


TWINS = {"sumloop": _Sumloop, "square": _Square}


def find(name):
    """The NumPy twin of kernel `name`; KeyError names those that exist."""
    try:
        return TWINS[name]
    except KeyError:
        raise KeyError("no NumPy twin of kernel %r (NumPy twins: %s)" % (name, ", ".join(sorted(TWINS))))
