"""gilbench's Python side: twins of the C kernels and I/O ops, the task model, and the runner that
the embedded CPython strategies (and later PyPy and Jython) drive.

Everything here is in the common subset of Python 2.7 and 3.x and imports nothing from outside
the standard library, so the same files run on every interpreter gilbench may drive. The C
extension module _gilbench (built into gilbench, and beside it as a shared module) is optional:
without it the twins still compute the same results, only the worker hooks are skipped."""
