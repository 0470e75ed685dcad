#!/usr/bin/env bash
# The async strategy: one loop overlaps its waits (64 tasks of one 20 ms sleep finish in well under
# 64 x 20 ms: less than a quarter is asserted), keeps the whole of its share in flight (at least
# 64 tasks on tcp-io), and async.concurrency caps what is in flight. Checksums of every I/O
# workload under async are in test_checksums.
source "$(dirname "$0")/lib.sh"

cat > "$WORK/sleep20.ini" <<'INI'
[workload]
name = sleep20
summary = 64 tasks of one 20 ms sleep
kind = io
tasks = 64
[phase.1]
io = sleep
us = 20000
[profile.quick]
tasks = 64
INI
metric() { # metric RESULTS NAME: the median of a metric over the first cell's repetitions
  $PY - "$1" "$2" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["cells"][0]
v = sorted(r["metrics"][sys.argv[2]] for r in c["reps"])
print(v[len(v) // 2])
PY
}
wall() { $PY -c "import json,sys; print(json.load(open(sys.argv[1]))['cells'][0]['stats']['wall_s']['median'])" "$1"; }

expect_status 0 "one loop, 64 tasks of one 20 ms sleep" "$GB" run -w "$WORK/sleep20.ini" -s async -n 1 --reps 3 --warmup 0 -o "$WORK/overlap" -q
w=$(wall "$WORK/overlap/results.json")
$PY -c "import sys; sys.exit(0 if float(sys.argv[1]) < 64 * 0.020 / 4 else 1)" "$w" \
  && ok "the waits overlap: $w s < a quarter of 64 x 20 ms" || not_ok "no overlap: $w s"
p=$(metric "$WORK/overlap/results.json" peak_inflight)
[ "${p%.*}" -eq 64 ] && ok "peak in flight 64" || not_ok "peak in flight $p"

expect_status 0 "async.concurrency=8" "$GB" run -w "$WORK/sleep20.ini" -s async -n 1 --reps 1 --warmup 0 --set async.concurrency=8 -o "$WORK/cap" -q
p=$(metric "$WORK/cap/results.json" peak_inflight)
w=$(wall "$WORK/cap/results.json")
[ "${p%.*}" -eq 8 ] && $PY -c "import sys; sys.exit(0 if float(sys.argv[1]) >= 8 * 0.020 else 1)" "$w" \
  && ok "concurrency caps in flight at 8 ($w s >= 8 rounds of 20 ms)" || not_ok "cap: peak $p, wall $w"

expect_status 0 "tcp-io under one loop" "$GB" run -w tcp-io -s async -n 1 -p quick --reps 1 --warmup 0 -o "$WORK/tcp" -q
p=$(metric "$WORK/tcp/results.json" peak_inflight)
[ "${p%.*}" -ge 64 ] && ok "tcp-io: peak in flight $p >= 64" || not_ok "tcp-io: peak in flight $p"
i=$(metric "$WORK/tcp/results.json" loop_iterations)
[ "${i%.*}" -ge 1 ] && ok "loop iterations counted ($i)" || not_ok "loop iterations $i"

# Memory per task in flight (one loop, so the heap metric is exact): web-mixed holds 200 tasks of
# a 2 KiB request and a 512-byte answer, 64 of them on a connection at a time; a task's record
# carries its payloads only (the tcp buffer and write request belong to the connection, libuv's
# file request only to a task with a file phase), so it stays under 4 KiB. Absent under a
# sanitizer (its malloc is not glibc's).
expect_status 0 "web-mixed under one loop" "$GB" run -w web-mixed -s async -n 1 --reps 1 --warmup 0 -o "$WORK/web" -q
h=$($PY -c "import json,sys; v = json.load(open(sys.argv[1]))['cells'][0]['reps'][0]['metrics'].get('heap_per_inflight_bytes'); print('absent' if v is None else v)" "$WORK/web/results.json")
if [ "$h" = absent ]; then
  ok "heap per task in flight: not measured in this build (sanitizer)"
else
  $PY -c "import sys; sys.exit(0 if 0 < float(sys.argv[1]) <= 4096 else 1)" "$h" \
    && ok "web-mixed: $h heap bytes per task in flight <= 4096" || not_ok "web-mixed: $h heap bytes per task in flight"
fi

expect_status 0 "a CPU-only workload under async" "$GB" run -w sumloop,square -s async -n 1,2 -p quick --reps 1 --warmup 0 -o "$WORK/cpu" -q
expect_grep '"status": "ok"' "$WORK/cpu/results.json" "CPU phases run inline on the loop"
finish
