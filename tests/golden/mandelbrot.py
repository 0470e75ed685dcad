#!/usr/bin/env python3
"""Independent reference for the mandelbrot kernel: the Computer Language Benchmarks Game's
algorithm (50 iterations, escape limit 2.0, plane [-1.5,0.5]x[-1,1]) in plain Python, writing the
PBM bitmap ("P4\\nN N\\n" then rows of bits, MSB first, each row padded to a byte).

Regenerate the golden file used by tests/unit/test_kernels.c with:
    python3 tests/golden/mandelbrot.py 200 > tests/golden/mandelbrot-200.pbm
"""
import sys


def mandelbrot(n, iterations=50, limit=2.0):
    w = h = n
    out = bytearray(b"P4\n%d %d\n" % (w, h))
    limit2 = limit * limit
    for y in range(h):
        ci = 2.0 * y / h - 1.0
        acc, bits = 0, 0
        for x in range(w):
            cr = 2.0 * x / w - 1.5
            zr = zi = tr = ti = 0.0
            i = 0
            while i < iterations and tr + ti <= limit2:
                zi = 2.0 * zr * zi + ci
                zr = tr - ti + cr
                tr = zr * zr
                ti = zi * zi
                i += 1
            acc = (acc << 1) | (1 if tr + ti <= limit2 else 0)
            bits += 1
            if bits == 8:
                out.append(acc)
                acc, bits = 0, 0
        if bits:
            out.append((acc << (8 - bits)) & 0xFF)
    return bytes(out)


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    sys.stdout.buffer.write(mandelbrot(size))
