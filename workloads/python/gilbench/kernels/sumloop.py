"""sumloop: twin of workloads/kernels/sumloop.c: the sum of 0..n-1 in a counted loop, started at
the task's seed and scrambled (s ^= s >> 29, mod 2**64) after each block of 4096, then mixed with
the seed. The loop is interpreted bytecode on purpose: a C-level sum(range(n)) would never reach
the eval breaker, and this is the GIL's classic demonstration."""
from ..task import kernel_mix, kernel_seed

try:
    _range = xrange  # Python 2: no list of n numbers
except NameError:
    _range = range

M64 = 0xFFFFFFFFFFFFFFFF
PARAMS = ("n",)
BLOCK = 4096


def run(p, task, inp):
    seed = kernel_seed(task, inp)
    n, s, i = p["n"], seed, 0
    while i < n:
        end = min(i + BLOCK, n)
        for j in _range(i, end):
            s += j
        s &= M64
        s ^= s >> 29
        i = end
    return kernel_mix(seed, s)
