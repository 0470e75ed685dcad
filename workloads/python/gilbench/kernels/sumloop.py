"""sumloop: twin of workloads/kernels/sumloop.c: the sum of 0..n-1 in a counted loop, plus the
task number, mod 2**64. The loop is interpreted bytecode on purpose: a C-level sum(range(n))
would never reach the eval breaker, and this is the GIL's classic demonstration."""
try:
    _range = xrange  # Python 2: no list of n numbers
except NameError:
    _range = range

M64 = 0xFFFFFFFFFFFFFFFF
PARAMS = ("n",)


def run(p, task, inp):
    s = 0
    for i in _range(p["n"]):
        s += i
    return (s + task) & M64
