"""binary_trees: twin of workloads/kernels/binary_trees.c (the Benchmarks Game's binary-trees,
min depth 4): allocate, check and drop perfect binary trees node by node. solve() gives the checks
the program prints. A task's run gives each node an item (a root 32 bits of the seed and the tree's
number, a right child its parent's + 1; only leaves keep theirs), walks each tree for its value (a
leaf: its item; a node: left ^ (right << 1), below 2**57) and chains the values from the seed
(chain * 0x100000001b3 + value, mod 2**64)."""
from ..task import kernel_mix, kernel_seed

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


def _make_items(d, item):
    if d == 0:
        return (None, item)
    d -= 1
    return (_make_items(d, item), _make_items(d, item + 1))


def _value(node):
    left, right = node
    if left is None:
        return right
    return _value(left) ^ (_value(right) << 1)


_PRIME = 0x100000001B3


def seeded(n, seed):
    """A task's run before the final mix: the chain of every tree's value, in the program's order
    (tree k's root item: 32 bits of the seed xor k * 0x9e3779b9)."""
    max_depth = max(MIN_DEPTH + 2, n)
    base = (seed >> 32) ^ seed
    chain = (seed * _PRIME + _value(_make_items(max_depth + 1, (base ^ 0) & 0xFFFFFFFF))) & M64
    long_lived = _make_items(max_depth, (base ^ 0x9E3779B9) & 0xFFFFFFFF)
    k = 2
    for d in range(MIN_DEPTH, max_depth + 1, 2):
        for _ in range(1 << (max_depth - d + MIN_DEPTH)):
            chain = (chain * _PRIME + _value(_make_items(d, (base ^ (k * 0x9E3779B9)) & 0xFFFFFFFF))) & M64
            k += 1
    return (chain * _PRIME + _value(long_lived)) & M64


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
    seed = kernel_seed(task, inp)
    return kernel_mix(seed, seeded(p["n"], seed))
