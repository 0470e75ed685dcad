"""mandelbrot: twin of workloads/kernels/mandelbrot.c: the n x n PBM bitmap of the Mandelbrot set
(50 iterations, limit 2.0); the result is the 64-bit FNV-1a hash of the PBM's bytes."""
M64 = 0xFFFFFFFFFFFFFFFF
PARAMS = ("n",)
_ITER = 50


def _fnv(h, data):
    for b in bytearray(data):
        h = ((h ^ b) * 0x100000001B3) & M64
    return h


def rows(n):
    """Each row of the bitmap, as a bytearray."""
    w = h = float(n)
    limit2 = 2.0 * 2.0
    for y in range(n):
        ci = 2.0 * y / h - 1.0
        row = bytearray()
        acc = 0
        bits = 0
        for x in range(n):
            zr = zi = tr = ti = 0.0
            cr = 2.0 * x / w - 1.5
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
    n = p["n"]
    h = _fnv(0xCBF29CE484222325, ("P4\n%d %d\n" % (n, n)).encode("ascii"))
    for row in rows(n):
        h = _fnv(h, row)
    return h
