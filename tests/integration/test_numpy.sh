#!/usr/bin/env bash
# python = numpy: sumloop and square through their NumPy twins under cpython-serial, -threads,
# -processes and -asyncio give the reference checksum (the C kernels' results, task by task), and
# the phase mixes with twin and ext phases; a kernel with no NumPy twin is refused with the file
# and line. Skipped where the build's python3 has no NumPy.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/integration/cpython_lib.sh"
if ! "$PYEXE" -c 'import numpy' 2> numpy-check.txt; then
  echo "SKIP: $PYEXE has no NumPy ($(tail -1 numpy-check.txt))"; exit 77
fi

cat > np-sum.ini <<'INI'
[workload]
name = np-sum
summary = sumloop and square through NumPy, between a twin and a C phase
kind = cpu
tasks = 10
input_bytes = 24
output_bytes = 12
[phase.1]
kernel = sumloop
n = 3000000
python = numpy
[phase.2]
kernel = square
n = 99
python = numpy
[phase.3]
kernel = sumloop
n = 2000
[phase.4]
kernel = square
n = 7
python = ext
INI
expect_status 0 "python = numpy phases through the cpython-* strategies" \
  "$GB" run -w ./np-sum.ini -s cpython-serial,cpython-threads,cpython-processes,cpython-asyncio,serial -n 1,2 \
  --reps 1 --warmup 0 -o "$WORK/np" -q
cells_ok "$WORK/np/results.json" 8 "every python = numpy cell has the reference checksum"

printf '[workload]\nname = np-bad\nkind = cpu\ntasks = 2\n[phase.1]\nkernel = nbody\nn = 10\npython = numpy\n' > np-bad.ini
expect_status 2 "python = numpy on a kernel without a NumPy twin is refused" "$GB" check np-bad.ini
expect_grep 'np-bad.ini:5: python = numpy: kernel .nbody. has no NumPy twin' err.txt "the refusal names the file, line and kernel"
finish
