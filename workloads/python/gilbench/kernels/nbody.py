"""nbody: twin of workloads/kernels/nbody.c (the Benchmarks Game's n-body, n steps of 0.01). The
result is the final energy's IEEE-754 bits. Every floating-point operation is in the C program's
order, so the bits agree (C is compiled with -ffp-contract=off). A task's run moves the planets'
x and y by the seed's eight bytes times 2**-40 first, and the result is mixed with the seed."""
import struct
from math import sqrt

from ..task import kernel_mix, kernel_seed

try:
    _range = xrange
except NameError:
    _range = range

PARAMS = ("n",)
PI = 3.141592653589793
SOLAR_MASS = 4 * PI * PI
DAYS_PER_YEAR = 365.24

# x, y, z, vx, vy, vz, mass: sun, Jupiter, Saturn, Uranus, Neptune
_INITIAL = (
    (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, SOLAR_MASS),
    (4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
     1.66007664274403694e-03 * DAYS_PER_YEAR, 7.69901118419740425e-03 * DAYS_PER_YEAR,
     -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS),
    (8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
     -2.76742510726862411e-03 * DAYS_PER_YEAR, 4.99852801234917238e-03 * DAYS_PER_YEAR,
     2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS),
    (1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
     2.96460137564761618e-03 * DAYS_PER_YEAR, 2.37847173959480950e-03 * DAYS_PER_YEAR,
     -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS),
    (1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
     2.68067772490389322e-03 * DAYS_PER_YEAR, 1.62824170038242295e-03 * DAYS_PER_YEAR,
     -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS),
)
_OFFSET_UNIT = 2.0 ** -40
_PAIRS = tuple((i, j) for i in range(5) for j in range(i + 1, 5))


def _energy(b):
    e = 0.0
    for i in range(5):
        bi = b[i]
        e += 0.5 * bi[6] * (bi[3] * bi[3] + bi[4] * bi[4] + bi[5] * bi[5])
        for j in range(i + 1, 5):
            bj = b[j]
            dx = bi[0] - bj[0]
            dy = bi[1] - bj[1]
            dz = bi[2] - bj[2]
            e -= (bi[6] * bj[6]) / sqrt(dx * dx + dy * dy + dz * dz)
    return e


def _offset_momentum(b):
    px = py = pz = 0.0
    for bi in b:
        px += bi[3] * bi[6]
        py += bi[4] * bi[6]
        pz += bi[5] * bi[6]
    b[0][3] = -px / SOLAR_MASS
    b[0][4] = -py / SOLAR_MASS
    b[0][5] = -pz / SOLAR_MASS


def simulate(n, seed=None):
    """The energies before and after n steps (seeded: the task's own initial positions)."""
    b = [list(body) for body in _INITIAL]
    if seed is not None:
        for k in range(8):
            b[1 + k // 2][k % 2] += float((seed >> (8 * k)) & 0xFF) * _OFFSET_UNIT
    _offset_momentum(b)
    e0 = _energy(b)
    dt = 0.01
    pairs = [(b[i], b[j]) for i, j in _PAIRS]
    for _ in _range(n):
        for bi, bj in pairs:
            dx = bi[0] - bj[0]
            dy = bi[1] - bj[1]
            dz = bi[2] - bj[2]
            d2 = dx * dx + dy * dy + dz * dz
            mag = dt / (d2 * sqrt(d2))
            mj = bj[6]
            mi = bi[6]
            bi[3] -= dx * mj * mag
            bi[4] -= dy * mj * mag
            bi[5] -= dz * mj * mag
            bj[3] += dx * mi * mag
            bj[4] += dy * mi * mag
            bj[5] += dz * mi * mag
        for bi in b:
            bi[0] += dt * bi[3]
            bi[1] += dt * bi[4]
            bi[2] += dt * bi[5]
    return e0, _energy(b)


def run(p, task, inp):
    seed = kernel_seed(task, inp)
    return kernel_mix(seed, struct.unpack("<Q", struct.pack("<d", simulate(p["n"], seed)[1]))[0])
