#!/usr/bin/env bash
# The two scripts bench-scale.sh reads the gil switch-rate target with: gil-trace-cycle.py on a
# real lock timeline (two sumloop workers, a 1 ms interval) finds forced cycles, and the displaced
# holder's timed wait before it asks is never shorter than the interval; cpython-switch-rate.py
# counts real CPython's hand-offs at no more than one per interval (a script that counted loop
# turns, or missed every switch, fails). Lower and upper bounds only: load lengthens the cycles.
source "$(dirname "$0")/lib.sh"

[ -x "$PY" ] || {
  echo "skip: $PY not found"
  exit 77
}

if "$GB" run -w sumloop -p quick --set tasks=64 -s gil -n 2 --set gil.trace=1 --set gil.switch_interval_us=1000 \
  --reps 1 --warmup 0 -o run -q > out.txt 2> err.txt; then
  ok "a gil run with its lock timeline"
else
  not_ok "the gil run failed"
  sed 's/^/  | /' err.txt | head -20
fi
trace=$(find run -name '*.gil-trace.tsv' | head -1)
if [ -n "$trace" ] && "$PY" "$SRC/scripts/gil-trace-cycle.py" --json "$trace" > cycle.json 2> err.txt; then
  ok "gil-trace-cycle.py reads the timeline"
  "$PY" - cycle.json > check.txt << 'PY' || true
import json, sys
r = json.load(open(sys.argv[1]))
w = r.get("timed wait", {})
print("cycles %d timed_wait_n %d min_ok %d" % (r["cycles"], w.get("n", 0),
      w.get("n", 0) > 0 and w["median_ms"] >= 1.0 and r["request->release"]["median_ms"] >= 0))
PY
  expect_grep '^cycles ([5-9]|[1-9][0-9]+) timed_wait_n [1-9][0-9]* min_ok 1$' check.txt \
    "at least 5 forced cycles, the displaced holder's timed wait at least the 1 ms interval"
else
  not_ok "no timeline, or gil-trace-cycle.py failed on it"
  sed 's/^/  | /' err.txt | head -20
fi

printf 't_ns\tworker\tevent\n12\t0\n' > bad.tsv
expect_status 1 "gil-trace-cycle.py refuses a malformed line" "$PY" "$SRC/scripts/gil-trace-cycle.py" bad.tsv
expect_grep 'bad.tsv: line 2' err.txt "and names the file and the line"

if "$PY" "$SRC/scripts/cpython-switch-rate.py" 2 0.5 1000 > rate.txt 2> err.txt; then
  rate=$(awk '{print $NF}' rate.txt)
  sw=$(awk '{print $6}' rate.txt)
  if awk -v r="$rate" -v s="$sw" 'BEGIN { exit !(s >= 1 && r <= 1050) }'; then
    ok "CPython, 2 threads, 1 ms interval: $sw switches, $rate/s (1 to at most one an interval)"
  else
    not_ok "CPython's count is off: $(cat rate.txt)"
  fi
else
  not_ok "cpython-switch-rate.py failed"
  sed 's/^/  | /' err.txt | head -20
fi
finish
