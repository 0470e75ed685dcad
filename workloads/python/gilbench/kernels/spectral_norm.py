"""spectral_norm: twin of workloads/kernels/spectral_norm.c (10 power iterations of A^T A on an
n x n block of the infinite matrix). The result is the norm's IEEE-754 bits; sums are taken in
the C program's order."""
import struct
from math import sqrt

PARAMS = ("n",)


def _mult_av(n, u):
    # A(i, j) = 1 / ((i+j)(i+j+1)/2 + i + 1): along a row the denominator grows by i+j+1.
    v = []
    for i in range(n):
        s = 0.0
        d = i * (i + 1) // 2 + i + 1
        step = i + 1
        for uj in u:
            s += 1.0 / d * uj
            d += step
            step += 1
        v.append(s)
    return v


def _mult_atv(n, u):
    # A(j, i) along j: the denominator grows by i+j+2.
    v = []
    for i in range(n):
        s = 0.0
        d = i * (i + 1) // 2 + 1
        step = i + 2
        for uj in u:
            s += 1.0 / d * uj
            d += step
            step += 1
        v.append(s)
    return v


def norm(n):
    u = [1.0] * n
    v = u
    for _ in range(10):
        v = _mult_atv(n, _mult_av(n, u))
        u = _mult_atv(n, _mult_av(n, v))
    vbv = vv = 0.0
    for i in range(n):
        vbv += u[i] * v[i]
        vv += v[i] * v[i]
    return sqrt(vbv / vv)


def run(p, task, inp):
    return struct.unpack("<Q", struct.pack("<d", norm(p["n"])))[0]
