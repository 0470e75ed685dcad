#!/usr/bin/env bash
# The command line as a user meets it: kernel outputs, list, check errors with file:line and
# exit 2, dry runs, show, a definition file that lives outside the source tree, bad options.
source "$(dirname "$0")/lib.sh"

# Kernels print what the Benchmarks Game programs print.
"$GB" kernel nbody --set n=1000 > nbody.txt
[ "$(cat nbody.txt)" = $'-0.169075164\n-0.169087605' ] && ok "kernel nbody n=1000" || not_ok "kernel nbody: $(cat nbody.txt)"
[ "$("$GB" kernel spectral-norm --set n=100)" = "1.274219991" ] && ok "kernel spectral-norm n=100" || not_ok "kernel spectral-norm"
[ "$("$GB" kernel fannkuch-redux --set n=7)" = $'228\nPfannkuchen(7) = 16' ] && ok "kernel fannkuch-redux n=7" || not_ok "kernel fannkuch-redux"
"$GB" kernel binary-trees --set n=10 > bt.txt
printf 'stretch tree of depth 11\t check: 4095\n1024\t trees of depth 4\t check: 31744\n256\t trees of depth 6\t check: 32512\n64\t trees of depth 8\t check: 32704\n16\t trees of depth 10\t check: 32752\nlong lived tree of depth 10\t check: 2047\n' > bt.want
cmp -s bt.txt bt.want && ok "kernel binary-trees n=10" || not_ok "kernel binary-trees"
"$GB" kernel mandelbrot --set n=200 > m.pbm
cmp -s m.pbm "$SRC/tests/golden/mandelbrot-200.pbm" && ok "kernel mandelbrot n=200 PBM bytes" || not_ok "kernel mandelbrot"
expect_status 0 "kernel --checkpoint-stats runs" "$GB" kernel nbody --checkpoint-stats
expect_grep "p99.9 [0-9.]+ us, largest [0-9.]+ us" out.txt "checkpoint stats print the gaps"
expect_status 2 "unknown kernel exits 2" "$GB" kernel nope
expect_status 2 "kernel parameter out of range exits 2" "$GB" kernel fannkuch-redux --set n=99
expect_grep "expected an integer in" err.txt "out-of-range message says what was expected"

# list
expect_status 0 "list" "$GB" list
for w in sumloop square square-batched nbody spectral-norm mandelbrot fannkuch-redux binary-trees; do
  expect_grep "^  $w " out.txt "list shows workload $w"
done
for s in serial gil threads processes openmp; do expect_grep "^  $s " out.txt "list shows strategy $s"; done
expect_status 2 "list of an unknown thing exits 2" "$GB" list nonsense

# check: every error is file:line: message, exit 2
cat > bad-key.ini <<'INI'
[workload]
name = bad
tasks = 4

[phase.1]
kernel = sumloop
n = 1000
colour = blue
INI
expect_status 2 "check: unknown key exits 2" "$GB" check bad-key.ini
expect_grep "^bad-key.ini:8: " err.txt "unknown key reported at file:8"
sed 's/kernel = sumloop/kernel = nosuchkernel/' bad-key.ini | sed '/colour/d' > bad-kernel.ini
expect_status 2 "check: unknown kernel exits 2" "$GB" check bad-kernel.ini
expect_grep "^bad-kernel.ini:6: .*nosuchkernel" err.txt "unknown kernel named at file:6"
sed 's/n = 1000/n = lots/' bad-kernel.ini | sed 's/nosuchkernel/sumloop/' > bad-num.ini
expect_status 2 "check: bad number exits 2" "$GB" check bad-num.ini
expect_grep "^bad-num.ini:7: " err.txt "bad number at file:7"
printf '[phase.1]\nkernel = sumloop\n' > no-section.ini
expect_status 2 "check: missing [workload] exits 2" "$GB" check no-section.ini
expect_grep "^no-section.ini: " err.txt "missing section reported as file: (no line)"
printf '[suite]\nworkloads = sumloop\nstrategies = serial, warp-drive\n' > bad-suite.ini
expect_status 2 "check: unknown strategy in a suite exits 2" "$GB" check bad-suite.ini
expect_grep "^bad-suite.ini:3: .*warp-drive" err.txt "unknown strategy at file:3"
expect_status 2 "run with a bad suite runs nothing" "$GB" run bad-suite.ini -o "$WORK/never"
[ ! -e "$WORK/never" ] && ok "nothing written for an invalid suite" || not_ok "output written for an invalid suite"

# A definition that lives outside the source tree: by path and through GILBENCH_PATH.
mkdir -p mydefs
cat > mydefs/my-work.ini <<'INI'
[workload]
name = my-work
summary = a user's own workload: two kernels per task
tasks = 6
input_bytes = 100
output_bytes = 33

[phase.1]
kernel = sumloop
n = 20000

[phase.2]
kernel = nbody
n = 200

[profile.quick]
tasks = 3
INI
expect_status 0 "check an outside definition" "$GB" check mydefs/my-work.ini
expect_status 0 "run an outside definition by path" "$GB" run -w mydefs/my-work.ini -s serial,threads,processes -n 2 --reps 2 --warmup 0 -o "$WORK/mine" -q
GILBENCH_PATH="$WORK/mydefs" expect_status 0 "run an outside definition by name through GILBENCH_PATH" \
  "$GB" run -w my-work -p quick -s threads -n 2 --reps 1 --warmup 0 -o "$WORK/mine2" -q
GILBENCH_PATH="$WORK/mydefs" expect_status 0 "list finds it through GILBENCH_PATH" "$GB" list workloads
expect_grep "^  my-work " out.txt "listed: my-work"

# --dry-run, show, precedence of --set over the profile
expect_status 0 "dry run" "$GB" run quick --dry-run
expect_grep "^estimated duration: at least [0-9]+ s \(I/O waits and dispatch costs only: --dry-run measures nothing" out.txt "dry run prints an estimated duration and how it was made"
expect_grep "sumloop +threads +w=2" out.txt "dry run lists the cells"
expect_status 0 "run with --set over the profile" "$GB" run -w sumloop -p quick --set phase.1.n=12345 -s serial --reps 1 --warmup 0 -o "$WORK/set" -q
$PY -c "import json,sys; c=json.load(open('$WORK/set/results.json'))['cells'][0]; sys.exit(0 if c['params']['phase.1.n']==12345 and c['params']['tasks']==8 else 1)" \
  && ok "--set wins over the profile, the profile over the definition" || not_ok "precedence"
expect_status 0 "show a results folder" "$GB" show "$WORK/set"
expect_grep "^sumloop +serial +1 ok" out.txt "show prints the cell"
echo '{"schema": "gilbench-results/1", "meta": {}, "cells": [' > trunc.json
expect_status 2 "show a truncated results file exits 2" "$GB" show trunc.json
expect_grep "trunc.json:[0-9]+:[0-9]+: " err.txt "truncated file reported with line and column"
# the journal: a header line, then one line per measured repetition
[ "$(wc -l < "$WORK/mine/results.jsonl")" -eq 7 ] && ok "journal: header + 3 cells x 2 reps = 7 lines" || not_ok "journal lines: $(wc -l < "$WORK/mine/results.jsonl")"
head -1 "$WORK/mine/results.jsonl" | grep -q '"journal":"gilbench-journal/1"' && ok "journal header first" || not_ok "journal header"

# Bad options: exit 2, clear message
expect_status 2 "--reps 0" "$GB" run -w sumloop --reps 0
expect_grep "expected an integer" err.txt "--reps message"
expect_status 2 "-n 0" "$GB" run -w sumloop -n 0
expect_status 2 "unknown strategy" "$GB" run -w sumloop -s warp
expect_status 2 "unknown strategy option" "$GB" run -w sumloop --set gil.nope=1
expect_status 2 "bad strategy option value" "$GB" run -w sumloop --set gil.model=ancient
# a list given to --set: refused, and pointed at the suite's [set] section, which sweeps lists
expect_status 2 "--set with a list" "$GB" run -w sumloop -s serial --set tasks=1000,2000 --dry-run
expect_grep "^gilbench run: --set tasks=1000,2000: .*a suite's \[set\] section sweeps a list" err.txt \
  "the message says where lists sweep"
expect_status 2 "ambiguous bare key" "$GB" run -w mydefs/my-work.ini --set n=5
expect_grep "ambiguous" err.txt "ambiguous key message"
expect_status 2 "unknown command" "$GB" frobnicate
# A plan that cannot fit in memory is refused before anything runs, with the numbers.
expect_status 2 "a plan needing more memory than the machine has" "$GB" run -w sumloop --set input_bytes=64M -s threads -n 1000 -o "$WORK/huge"
expect_grep "would need about [0-9]+ MiB .* this machine's [0-9]+ MiB" err.txt "the refusal gives both sizes"
[ ! -e "$WORK/huge" ] && ok "nothing written for a refused plan" || not_ok "output written for a refused plan"
finish
