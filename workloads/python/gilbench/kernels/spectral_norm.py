"""spectral_norm: twin of workloads/kernels/spectral_norm.c (10 power iterations of A^T A on an
n x n block of the infinite matrix). The result is the norm's IEEE-754 bits; sums are taken in
the C program's order. A task's run adds k = 1 + (seed mod 2**12) instead of 1 to every
denominator, and the result is mixed with the seed."""
import struct
from math import sqrt

from ..task import kernel_mix, kernel_seed

PARAMS = ("n",)


def _mult_av(n, k, u):
    # A(i, j) = 1 / ((i+j)(i+j+1)/2 + i + k): along a row the denominator grows by i+j+1.
    v = []
    for i in range(n):
        s = 0.0
        d = i * (i + 1) // 2 + i + k
        step = i + 1
        for uj in u:
            s += 1.0 / d * uj
            d += step
            step += 1
        v.append(s)
    return v


def _mult_atv(n, k, u):
    # A(j, i) along j: the denominator grows by i+j+2.
    v = []
    for i in range(n):
        s = 0.0
        d = i * (i + 1) // 2 + k
        step = i + 2
        for uj in u:
            s += 1.0 / d * uj
            d += step
            step += 1
        v.append(s)
    return v


def norm(n, k=1):
    u = [1.0] * n
    v = u
    for _ in range(10):
        v = _mult_atv(n, k, _mult_av(n, k, u))
        u = _mult_atv(n, k, _mult_av(n, k, v))
    vbv = vv = 0.0
    for i in range(n):
        vbv += u[i] * v[i]
        vv += v[i] * v[i]
    return sqrt(vbv / vv)


def run(p, task, inp):
    seed = kernel_seed(task, inp)
    return kernel_mix(seed, struct.unpack("<Q", struct.pack("<d", norm(p["n"], 1 + (seed & 0xFFF))))[0])
