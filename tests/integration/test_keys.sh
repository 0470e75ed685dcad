#!/usr/bin/env bash
# The one grammar as a user meets it: every command's --help (exit 0, its options named), every
# command's options exactly its rows of the table (each accepted, every other refused alike), the
# man page from the key table, `list keys`, worker expressions on the command line, a suite's
# timeout (and --timeout over it), and bad values named by flag or file:line with exit 2.
source "$(dirname "$0")/lib.sh"

# ---- every command's --help ----
for cmd in list run show kernel check report compare export findings topo doctor help; do
  expect_status 0 "$cmd --help exits 0" "$GB" "$cmd" --help
  expect_grep "^usage: gilbench $cmd" out.txt "$cmd --help prints its usage"
  ! grep -q "unrecognized option" err.txt && ok "$cmd --help is not an unrecognized option" \
    || not_ok "$cmd --help: $(cat err.txt)"
done

# ---- every command's options are its rows of the key table, no more, no fewer ----
# `COMMAND --help` is written from the table: each option it names (long and short) is one the
# command accepts, and every option another command's help names, or none names, is refused
# with exit 2 in the same words for every command, followed by the command's synopsis. Three
# stray words after the option stop each command at its arguments, after its options were read,
# so nothing runs or is written.
options_of() { # "OPTION HASARG" for each option a --help names: -n, --workers N,... -> -n 1, --workers 1
  awk '/^  -/ && !/^  -h, --help/ { l = substr($0, 3); s = ""
    if (l ~ /^-[A-Za-z], --/) { s = substr(l, 1, 2); l = substr(l, 5) }
    match(l, /^--?[A-Za-z][A-Za-z-]*/); o = substr(l, 1, RLENGTH); a = (substr(l, RLENGTH + 1) ~ /^ [^ ]/)
    if (s != "") print s, a
    print o, a }' "$1"
}
cmds="list run show kernel check report compare export findings topo doctor help"
: > all-long.txt
for cmd in $cmds; do
  "$GB" "$cmd" --help > "help-$cmd.txt"
  options_of "help-$cmd.txt" > "opts-$cmd.txt"
  grep -oE -- '^--[a-z-]+' "opts-$cmd.txt" >> all-long.txt || true # list, show, check: none
done
echo "--no-such-option" >> all-long.txt
sort -u all-long.txt -o all-long.txt
[ "$(wc -l < all-long.txt)" -ge 30 ] && ok "the commands' helps name $(wc -l < all-long.txt) long options" \
  || not_ok "too few options in the helps: $(tr '\n' ' ' < all-long.txt)"
for cmd in $cmds; do
  accepted=1
  while read -r opt hasarg; do
    value=(); [ "$hasarg" = 1 ] && value=(1)
    rc=0; "$GB" "$cmd" "$opt" "${value[@]}" __a __b __c > opt-out.txt 2> opt-err.txt < /dev/null || rc=$?
    if [ "$rc" -ne 2 ] || grep -qE "unknown option|needs a value|takes no value" opt-err.txt; then
      accepted=0; echo "  | $cmd $opt ${value[*]}: exit $rc: $(head -1 opt-err.txt)"
    fi
  done < "opts-$cmd.txt"
  [ "$accepted" = 1 ] && ok "$cmd accepts each of its $(wc -l < "opts-$cmd.txt") options from the table" \
    || not_ok "$cmd refuses an option its rows name"
  refused=1
  for opt in $(grep -vxF -f <(grep -oE -- '^--[a-z-]+' "opts-$cmd.txt") all-long.txt); do
    rc=0; "$GB" "$cmd" "$opt" 1 __a __b __c > opt-out.txt 2> opt-err.txt < /dev/null || rc=$?
    if [ "$rc" -ne 2 ] || ! grep -q "^gilbench $cmd: unknown option '$opt'" opt-err.txt \
      || ! grep -q "^usage: gilbench $cmd" opt-err.txt; then
      refused=0; echo "  | $cmd $opt: exit $rc: $(head -2 opt-err.txt | tr '\n' ' ')"
    fi
  done
  [ "$refused" = 1 ] && ok "$cmd refuses, in the common words, every option not in its rows" \
    || not_ok "$cmd accepts an option that is not its, or refuses it in other words"
done
expect_status 2 "an abbreviated option is not its option" "$GB" report run --format md
expect_grep "^gilbench report: unknown option '--format' \(did you mean --formats\?\)" err.txt "and says which it may be"
expect_status 2 "an option without its value" "$GB" findings x --rules
expect_grep "^gilbench findings: --rules needs a value \(FILE\)" err.txt "names the option and what it takes"
expect_status 2 "a flag given a value" "$GB" doctor --json=1
expect_grep "^gilbench doctor: --json takes no value" err.txt "says the flag takes none"
expect_grep "^usage: gilbench doctor \[--json\]$" err.txt "then the synopsis from the table"
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
