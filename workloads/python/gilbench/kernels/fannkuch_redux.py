"""fannkuch_redux: twin of workloads/kernels/fannkuch_redux.c: the most pancake flips over all
permutations of 0..n-1 and the alternating-sign checksum, in the permutation order of its first C
program. The result is (checksum << 8) | maxflips, mod 2**64. A task's run starts from the
permutation its seed shuffles (Fisher-Yates on the splitmix64 stream), chains the flip counts in
the order visited (FNV-1a), and the result is mixed with the seed."""
from ..task import kernel_mix, kernel_seed, splitmix64

M64 = 0xFFFFFFFFFFFFFFFF
PARAMS = ("n",)
_GOLDEN = 0x9E3779B97F4A7C15


def solve(n, seed=None):
    perm1 = list(range(n))
    if seed is not None:
        s = seed
        for i in range(n - 1, 0, -1):
            j = splitmix64(s) % (i + 1)
            s = (s + _GOLDEN) & M64
            perm1[i], perm1[j] = perm1[j], perm1[i]
    count = [0] * n
    maxflips = 0
    checksum = 0
    order = 0xCBF29CE484222325
    permcount = 0
    r = n
    while True:
        while r != 1:
            count[r - 1] = r
            r -= 1
        perm = perm1[:]
        flips = 0
        k = perm[0]
        while k != 0:
            perm[:k + 1] = perm[k::-1]
            flips += 1
            k = perm[0]
        if flips > maxflips:
            maxflips = flips
        checksum += flips if permcount % 2 == 0 else -flips
        order = ((order ^ flips) * 0x100000001B3) & M64
        # next permutation, by rotations of prefixes
        while True:
            if r == n:
                return checksum, maxflips, order
            perm0 = perm1[0]
            for i in range(r):
                perm1[i] = perm1[i + 1]
            perm1[r] = perm0
            count[r] -= 1
            if count[r] > 0:
                break
            r += 1
        permcount += 1


def run(p, task, inp):
    seed = kernel_seed(task, inp)
    checksum, maxflips, order = solve(p["n"], seed)
    return kernel_mix(seed, splitmix64(order ^ ((((checksum & M64) << 8) & M64) | maxflips)))
