"""The Python twins of the C kernels (workloads/kernels/*.c), one module each, keyed by the name
definitions use. A twin is run(p, task, inp) -> the same 64-bit result as the C kernel, with p
the parameter values by name (PARAMS lists them in the C table's order)."""
from __future__ import absolute_import

from . import (binary_trees, fannkuch_redux, mandelbrot, nbody, null, parse, spectral_norm,
               square, sumloop)

TWINS = {
    "sumloop": sumloop,
    "square": square,
    "nbody": nbody,
    "spectral-norm": spectral_norm,
    "mandelbrot": mandelbrot,
    "fannkuch-redux": fannkuch_redux,
    "binary-trees": binary_trees,
    "parse": parse,
    "null": null,
}


def find(name):
    """The twin module of kernel `name`; KeyError names what exists."""
    try:
        return TWINS[name]
    except KeyError:
        raise KeyError("no Python twin of kernel %r (twins: %s)" % (name, ", ".join(sorted(TWINS))))
