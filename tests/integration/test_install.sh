#!/usr/bin/env bash
# `cmake --install` installs the binary and the shipped definitions and suites, and the installed
# gilbench finds them there (also after the installed tree is moved), away from the source tree.
source "$(dirname "$0")/lib.sh"
BUILD=$(dirname "$GB")
expect_status 0 "cmake --install to a fresh prefix" cmake --install "$BUILD" --prefix "$WORK/prefix"
[ -x "$WORK/prefix/bin/gilbench" ] && ok "binary installed" || not_ok "binary not installed"
[ -f "$WORK/prefix/share/gilbench/workloads/nbody.ini" ] && ok "definitions installed" || not_ok "definitions not installed"
[ -f "$WORK/prefix/share/gilbench/workloads/suites/default.ini" ] && ok "suites installed" || not_ok "suites not installed"
man1="$WORK/prefix/share/man/man1/gilbench.1"
[ -f "$man1" ] && grep -q '^\.TH GILBENCH 1' "$man1" && ok "the man page gilbench(1) installed" || not_ok "no man page installed"
"$WORK/prefix/bin/gilbench" help --man | cmp -s - "$man1" && ok "the installed man page is the binary's key table" \
  || not_ok "the installed man page differs from gilbench help --man"
mv "$WORK/prefix" "$WORK/moved"
# A definition that exists only in the installed tree proves the binary reads that tree.
sed 's/^name = sumloop/name = only-installed/' "$WORK/moved/share/gilbench/workloads/sumloop.ini" \
  > "$WORK/moved/share/gilbench/workloads/only-installed.ini"
expect_status 0 "installed binary lists workloads (run from /)" bash -c "cd / && '$WORK/moved/bin/gilbench' list workloads"
expect_grep "^  nbody " out.txt "installed binary finds nbody"
expect_grep "^  only-installed " out.txt "installed binary reads its own share/ tree (after a move)"
expect_status 0 "installed binary validates the installed quick suite" "$WORK/moved/bin/gilbench" check "$WORK/moved/share/gilbench/workloads/suites/quick.ini"
expect_status 0 "installed binary runs a workload by name" "$WORK/moved/bin/gilbench" run -w only-installed -p quick -s serial --reps 1 --warmup 0 -o "$WORK/r" -q
$PY -c "import json,sys; c=json.load(open('$WORK/r/results.json'))['cells'][0]; sys.exit(0 if c['status']=='ok' and c['workload']=='only-installed' and c['params']['tasks']==8 else 1)" \
  && ok "installed definition ran at its quick profile" || not_ok "installed run results"
finish
