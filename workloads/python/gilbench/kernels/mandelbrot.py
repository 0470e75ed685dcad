"""mandelbrot: twin of workloads/kernels/mandelbrot.c: the n x n PBM bitmap of the Mandelbrot set
(50 iterations, limit 2.0); the result is the 64-bit FNV-1a hash of the PBM's bytes. A task's run
shifts the plane's corner by two 16-bit fields of its seed times 2**-26, and the result is mixed
with the seed."""
from ..task import kernel_mix, kernel_seed

M64 = 0xFFFFFFFFFFFFFFFF
_UNIT = 2.0 ** -26
PARAMS = ("n",)
_ITER = 50


def _fnv(h, data):
    for b in bytearray(data):
        h = ((h ^ b) * 0x100000001B3) & M64
    return h


def rows(n, r0=1.5, i0=1.0):
    """Each row of the bitmap, as a bytearray (the plane's left and bottom edges: -r0, -i0)."""
    w = h = float(n)
    limit2 = 2.0 * 2.0
    for y in range(n):
        ci = 2.0 * y / h - i0
        row = bytearray()
        acc = 0
        bits = 0
        for x in range(n):
            zr = zi = tr = ti = 0.0
            cr = 2.0 * x / w - r0
            i = 0
            while i < _ITER and tr + ti <= limit2:
                zi = 2.0 * zr * zi + ci
                zr = tr - ti + cr
                tr = zr * zr
                ti = zi * zi
                i += 1
            acc = (acc << 1) & 0xFF
            if tr + ti <= limit2:
                acc |= 1
            bits += 1
            if bits == 8:
                row.append(acc)
                acc = 0
                bits = 0
        if bits:
            row.append((acc << (8 - bits)) & 0xFF)
        yield row


def run(p, task, inp):
    seed = kernel_seed(task, inp)
    n = p["n"]
    h = _fnv(0xCBF29CE484222325, ("P4\n%d %d\n" % (n, n)).encode("ascii"))
    r0 = 1.5 - float(seed & 0xFFFF) * _UNIT
    i0 = 1.0 - float((seed >> 16) & 0xFFFF) * _UNIT
    for row in rows(n, r0, i0):
        h = _fnv(h, row)
    return kernel_mix(seed, h)
