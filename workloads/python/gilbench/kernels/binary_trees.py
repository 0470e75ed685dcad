"""binary_trees: twin of workloads/kernels/binary_trees.c (the Benchmarks Game's binary-trees,
min depth 4): allocate, check and drop perfect binary trees node by node. The result is the sum of
every check it prints, mod 2**64."""
M64 = 0xFFFFFFFFFFFFFFFF
PARAMS = ("n",)
MIN_DEPTH = 4


def _make(d):
    if d == 0:
        return (None, None)
    d -= 1
    return (_make(d), _make(d))


def _check(node):
    left, right = node
    if left is None:
        return 1
    return 1 + _check(left) + _check(right)


def solve(n):
    """(max depth, stretch check, [(iterations, depth, check)], long-lived check)."""
    max_depth = max(MIN_DEPTH + 2, n)
    stretch = _check(_make(max_depth + 1))
    long_lived = _make(max_depth)
    levels = []
    for d in range(MIN_DEPTH, max_depth + 1, 2):
        iters = 1 << (max_depth - d + MIN_DEPTH)
        check = 0
        for _ in range(iters):
            check += _check(_make(d))
        levels.append((iters, d, check))
    return max_depth, stretch, levels, _check(long_lived)


def run(p, task, inp):
    _, stretch, levels, long_check = solve(p["n"])
    return (stretch + long_check + sum(c for _, _, c in levels)) & M64
