#!/usr/bin/env bash
# The one grammar as a user meets it: every command's --help (exit 0, its options named, each one
# accepted by the command), the man page from the key table, `list keys`, worker expressions on
# the command line, a suite's timeout (and --timeout over it), and bad values named by flag or
# file:line with exit 2.
source "$(dirname "$0")/lib.sh"

# ---- every command's --help ----
for cmd in list run show kernel check report compare findings topo doctor help; do
  expect_status 0 "$cmd --help exits 0" "$GB" "$cmd" --help
  expect_grep "^usage: gilbench $cmd" out.txt "$cmd --help prints its usage"
  ! grep -q "unrecognized option" err.txt && ok "$cmd --help is not an unrecognized option" \
    || not_ok "$cmd --help: $(cat err.txt)"
  # report, compare, findings and doctor parse their own options (reports/ is another layer): each
  # option their help names from the table is one the command accepts
  case $cmd in report | compare | findings | doctor) ;; *) continue ;; esac
  for opt in $(grep -oE -- '--[a-z][a-z-]+' out.txt | sort -u); do
    [ "$opt" = --help ] && continue
    "$GB" "$cmd" "$opt" > /dev/null 2> opt-err.txt < /dev/null || true
    ! grep -qE "unrecognized option|unknown argument" opt-err.txt && ok "$cmd accepts $opt" \
      || not_ok "$cmd does not accept $opt, which its help names: $(head -1 opt-err.txt)"
  done
done
expect_status 0 "run --help" "$GB" run --help
for opt in -w -s -n -p --set --reps --max-reps --max-cell-seconds --warmup --bind --seed -o --dry-run \
  --counters --counters-backend --timeout --no-isolation --python --resume; do
  grep -qE -- "(^|[ ,])$opt( |,|$)" out.txt && ok "run --help names $opt" || not_ok "run --help does not name $opt"
done
expect_status 0 "gilbench --help" "$GB" --help
expect_grep "COMMAND --help" out.txt "the top help points at COMMAND --help"

# ---- the man page, from the table ----
expect_status 0 "help --man" "$GB" help --man
cp out.txt gilbench.1
expect_grep '^\.TH GILBENCH 1' gilbench.1 "the man page has a title"
"$GB" list keys > keys.txt
missing=0
for key in $(sed -n 's/^  \([a-z_][a-z_.]*\) .*/\1/p' keys.txt); do
  grep -q -- "$key" gilbench.1 || { missing=1; echo "  | not in the man page: $key"; }
done
[ "$missing" -eq 0 ] && [ "$(grep -c '^  ' keys.txt)" -ge 30 ] && ok "the man page names every key of list keys" \
  || not_ok "the man page misses keys"
BUILD=$(dirname "$GB")
[ -f "$BUILD/gilbench.1" ] && cmp -s "$BUILD/gilbench.1" gilbench.1 && ok "the build wrote gilbench.1 from the table" \
  || not_ok "no gilbench.1 in the build folder, or it differs from help --man"
if command -v man > /dev/null && command -v groff > /dev/null; then
  MANWIDTH=100 man -l gilbench.1 > man.txt 2> man-err.txt && grep -q "max-cell-seconds" man.txt \
    && ! grep -qi "warning" man-err.txt && ok "man -l renders it without warnings" \
    || { not_ok "man -l gilbench.1"; head -5 man-err.txt; }
fi

# ---- worker expressions on the command line, as in suites ----
pus=$(getconf _NPROCESSORS_ONLN)
expect_status 0 "-n 3*pus on the command line" "$GB" run -w sumloop -s threads -n '1,3*pus' -p quick --dry-run
expect_grep "w=$((3 * pus)) " out.txt "3*pus is three times the PUs ($((3 * pus)))"
expect_status 2 "-n 0*pus refused" "$GB" run -w sumloop -s threads -n '0*pus' --dry-run
expect_grep "^gilbench run: -n 0\*pus: '0\*pus': K\*pus" err.txt "the message names the flag and the value"

# ---- a suite's timeout is the cells' timeout; --timeout overrides it ----
write_spin_workload spin.ini
printf '[suite]\nworkloads = ./spin.ini\nstrategies = threads\nworkers = 2\nreps = 1\nwarmup = 0\ntimeout = 2\n' > spin-suite.ini
expect_status 0 "dry run of a suite with a timeout" "$GBT" run ./spin-suite.ini --dry-run
expect_grep "^timeout: 2 s a repetition" out.txt "the plan shows the suite's timeout"
t0=$(date +%s)
expect_status 1 "a suite's timeout fails a hanging cell" timeout 120 "$GBT" run ./spin-suite.ini -o "$WORK/st" -q
t1=$(date +%s)
[ $((t1 - t0)) -lt 30 ] && ok "within the suite's 2 s timeout ($((t1 - t0)) s)" || not_ok "took $((t1 - t0)) s"
$PY -c "import json,sys; c=json.load(open('$WORK/st/results.json'))['cells'][0]; sys.exit(0 if c['status']=='timeout' else 1)" \
  && ok "the cell's status is timeout" || not_ok "the cell is not a timeout"
sed 's/timeout = 2/timeout = 100000/' spin-suite.ini > long-suite.ini
t0=$(date +%s)
expect_status 1 "--timeout overrides the suite's" timeout 120 "$GBT" run ./long-suite.ini --timeout 2 -o "$WORK/lt" -q
t1=$(date +%s)
[ $((t1 - t0)) -lt 30 ] && ok "the command line's 2 s won over the suite's 100000 s ($((t1 - t0)) s)" \
  || not_ok "took $((t1 - t0)) s"

# ---- bad values: the flag, or file:line; exit 2; nothing run ----
expect_status 2 "--reps x" "$GB" run -w sumloop --reps x --dry-run
expect_grep "^gilbench run: --reps x: 'x': expected an integer count" err.txt "--reps names the flag"
expect_status 2 "--max-cell-seconds 0" "$GB" run -w sumloop --max-cell-seconds 0 --dry-run
expect_grep "^gilbench run: --max-cell-seconds 0: expected seconds in \(0, 86400\]" err.txt "seconds range said"
expect_status 2 "--set gil.nope=1" "$GB" run -w sumloop -s gil --set gil.nope=1 --dry-run
expect_grep "^gilbench run: --set gil.nope=1: gil.nope: unknown option 'nope' of gil" err.txt "an unknown option names --set"
printf '[suite]\nworkloads = sumloop\nwarmup = lots\n' > bad-warmup.ini
expect_status 2 "suite warmup = lots" "$GB" check bad-warmup.ini
expect_grep "^bad-warmup.ini:3: warmup: expected an integer in \[0, 1000\]" err.txt "the suite's message is the flag's, at file:line"
printf '[suite]\nworkloads = sumloop\n[set]\ngil.nope = 1\n' > bad-opt.ini
expect_status 2 "suite [set] gil.nope" "$GB" check bad-opt.ini
expect_grep "^bad-opt.ini:4: gil.nope: unknown option 'nope' of gil" err.txt "the same option message at file:line"
finish
