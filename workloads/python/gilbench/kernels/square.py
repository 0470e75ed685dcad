"""square: twin of workloads/kernels/square.c: x*x mod 2**64 with x = n + task."""
M64 = 0xFFFFFFFFFFFFFFFF
PARAMS = ("n",)


def run(p, task, inp):
    x = (p["n"] + task) & M64
    return (x * x) & M64
