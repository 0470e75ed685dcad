#!/usr/bin/env bash
# The Python twins match the C kernels task by task: for every kernel, at several parameter values
# (defaults, small, edges) and several task numbers, the twin's 64-bit result equals the C
# kernel's, called through the _gilbench module the build made; and the Python task model (payload
# fill and hash) equals task.c's. Under every other interpreter found (python2.7 and newer CPythons
# from pyenv, when present) the twins give the same results without the module: the twins stay in
# the common subset of Python 2.7 and 3.x.
source "$(dirname "$0")/lib.sh"
MOD=$(dirname "$GB")/python
[ -d "$MOD" ] || { echo "SKIP: no $MOD (a build without CPython)"; exit 77; }
# The module is built for the interpreter the build embeds (CMakeCache.txt says which).
PY=$(sed -n 's/^Python3_EXECUTABLE:[A-Z]*=//p' "$(dirname "$GB")/CMakeCache.txt" 2>/dev/null || true)
PY=${PY:-/usr/bin/python3}
if ! "$PY" -c "import sys; sys.path.insert(0, '$MOD'); import _gilbench" > import.txt 2>&1; then
  echo "SKIP: $PY cannot import this build's _gilbench (a sanitizer build?): $(tail -1 import.txt)"; exit 77
fi
cat > cases.py <<'PY'
# (kernel, params, tasks): small values keep the pure-Python side fast.
CASES = [
    ("sumloop", {"n": 0}, [0, 1]), ("sumloop", {"n": 1}, [5]), ("sumloop", {"n": 100000}, [0, 7, 2**40]),
    ("square", {"n": 12345}, [0, 1, 99999]), ("square", {"n": 10**18}, [2**63]),
    ("nbody", {"n": 0}, [0]), ("nbody", {"n": 1}, [0]), ("nbody", {"n": 1000}, [3]),
    ("spectral-norm", {"n": 1}, [0]), ("spectral-norm", {"n": 7}, [0]), ("spectral-norm", {"n": 50}, [1]),
    ("mandelbrot", {"n": 1}, [0]), ("mandelbrot", {"n": 9}, [0]), ("mandelbrot", {"n": 64}, [2]),
    ("fannkuch-redux", {"n": 1}, [0]), ("fannkuch-redux", {"n": 3}, [0]), ("fannkuch-redux", {"n": 7}, [4]),
    ("binary-trees", {"n": 4}, [0]), ("binary-trees", {"n": 8}, [1]),
    ("parse", {"passes": 1}, [0, 1, 2]), ("parse", {"passes": 3}, [5]),
    ("null", {}, [0, 1, 2**63]),
]
INPUTS = [0, 1, 64, 2048]  # each case runs on task t's input payload of these sizes
PAYLOADS = [(0, 0), (1, 1), (3, 7), (4, 8), (5, 61), (2**64 - 1, 64), (123, 4096)]
PY
# Results of the twins, printed one per line, by any interpreter.
cat > twins.py <<'PY'
import sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from cases import CASES, PAYLOADS, INPUTS
from gilbench import kernels, task
only = set(sys.argv[3].split(","))  # the kernels this build has
for name, p, tasks in CASES:
    for t in tasks:
        for n in INPUTS if name in only else ():
            inp = task.payload_fill(t, n)
            print("%s %r %d %d %d" % (name, sorted(p.items()), t, n, kernels.find(name).run(p, t, inp)))
for seed, n in PAYLOADS:
    buf = task.payload_fill(seed, n)
    print("payload %d %d %d" % (seed, n, task.payload_hash(buf)))
PY
# The same, from the C side through _gilbench.
cat > cside.py <<'PY'
import sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import _gilbench
from cases import CASES, PAYLOADS, INPUTS
from gilbench import kernels
for name, p, tasks in CASES:
    if name not in dict(_gilbench.KERNELS):
        continue  # a twin written ahead of its kernel
    k = _gilbench.kernel_index(name)
    names = dict(_gilbench.KERNELS)[name]
    assert tuple(kernels.find(name).PARAMS) == names, (name, names)
    values = tuple(p[n] for n in names)
    for t in tasks:
        for n in INPUTS:
            inp = _gilbench.payload_fill(t, n)
            r = _gilbench.kernel(k, values, t, bytearray(inp))
            assert r == _gilbench.kernel_held(k, values, t, inp)
            print("%s %r %d %d %d" % (name, sorted(p.items()), t, n, r))
for seed, n in PAYLOADS:
    print("payload %d %d %d" % (seed, n, _gilbench.payload_hash(_gilbench.payload_fill(seed, n))))
PY
PKG="$SRC/workloads/python"
KERNELS=$($PY -c "import sys; sys.path[:0] = ['$MOD']; import _gilbench; print(','.join(n for n, _ in _gilbench.KERNELS))")
if $PY cside.py "$PKG" "$MOD" > c.txt 2> c.err; then ok "the C kernels through _gilbench"; else not_ok "the C kernels through _gilbench"; sed 's/^/  | /' c.err | tail -5; fi
if $PY twins.py "$PKG" "$PWD" "$KERNELS" > py.txt 2> py.err && diff c.txt py.txt > diff.txt; then
  ok "$($PY -V 2>&1): every twin matches its C kernel ($(wc -l < c.txt) results)"
else
  not_ok "$($PY -V 2>&1): twins differ from the C kernels"; sed 's/^/  | /' diff.txt py.err | head -20
fi
# Each kernel the C side registers has a twin.
if $PY -c "
import sys; sys.path[:0] = ['$PKG', '$MOD']
import _gilbench; from gilbench import kernels
missing = [n for n, _ in _gilbench.KERNELS if n not in kernels.TWINS]
print(missing); sys.exit(1 if missing else 0)" > twins-missing.txt; then ok "every C kernel has a Python twin"; else not_ok "kernels without a twin: $(cat twins-missing.txt)"; fi
# Other interpreters, when this machine has them: the twins alone (no module).
for py in python2.7 $(ls -d /root/.pyenv/versions/2.7*/bin/python /root/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null); do
  "$py" -c pass > /dev/null 2>&1 || continue # absent, or a pyenv shim without that version
  if "$py" twins.py "$PKG" "$PWD" "$KERNELS" > other.txt 2> other.err && diff -q c.txt other.txt > /dev/null; then
    ok "$("$py" -V 2>&1): the twins give the same results"
  else
    not_ok "$("$py" -V 2>&1): the twins differ"; sed 's/^/  | /' other.err | tail -5
  fi
done
finish
