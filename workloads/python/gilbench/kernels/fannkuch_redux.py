"""fannkuch_redux: twin of workloads/kernels/fannkuch_redux.c: the most pancake flips over all
permutations of 0..n-1 and the alternating-sign checksum, in the permutation order of its first C
program. The result is (checksum << 8) | maxflips, mod 2**64."""
M64 = 0xFFFFFFFFFFFFFFFF
PARAMS = ("n",)


def solve(n):
    perm1 = list(range(n))
    count = [0] * n
    maxflips = 0
    checksum = 0
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
        # next permutation, by rotations of prefixes
        while True:
            if r == n:
                return checksum, maxflips
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
    checksum, maxflips = solve(p["n"])
    return (((checksum & M64) << 8) & M64) | maxflips
