"""square: twin of workloads/kernels/square.c: x*x mod 2**64 with x = (n + task) ^ seed, mixed
with the task's seed."""
from ..task import kernel_mix, kernel_seed

M64 = 0xFFFFFFFFFFFFFFFF
PARAMS = ("n",)


def run(p, task, inp):
    seed = kernel_seed(task, inp)
    x = ((p["n"] + task) & M64) ^ seed
    return kernel_mix(seed, (x * x) & M64)
