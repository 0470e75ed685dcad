#!/usr/bin/env bash
# The scale suite at tiny sizes (its scale-tiny profile): threads, gil and async up to 64 workers,
# processes up to 16, async with 1,000 tasks in flight in one loop; every cell returns the
# reference checksum and records peak RSS, RSS before the run and context switches. And the
# suite's max_workers cap: processes is not planned past it.
source "$(dirname "$0")/lib.sh"

expect_status 0 "scale suite, tiny: threads, gil, async at 1, 2, 64 workers" \
  "$GB" run scale -p scale-tiny -s threads,gil,async -n 1,2,64 --reps 1 --warmup 0 -o "$WORK/t" -q
expect_status 0 "scale suite, tiny: processes at 1 and 16 workers" \
  "$GB" run scale -p scale-tiny -s processes -n 1,16 --reps 1 --warmup 0 -o "$WORK/p" -q
if $PY - "$WORK/t/results.json" "$WORK/p/results.json" <<'PY'; then ok "every cell ok with the reference checksum and its memory and switches"; else not_ok "scale cells"; fi
import json, sys
cells = [c for f in sys.argv[1:] for c in json.load(open(f))["cells"]]
bad = []
for c in cells:
    r = c["reps"][0] if c["reps"] else {}
    if c["status"] != "ok" or c["checksum"] != c["reference"]:
        bad.append("%s/%s/%d: %s %s" % (c["workload"], c["strategy"], c["workers"], c["status"], c["error"]))
    elif not (0 < r["base_rss_bytes"] <= r["peak_rss_bytes"]) or r["ctx_switches"] < 0:
        bad.append("%s/%s/%d: rss %s..%s switches %s" % (c["workload"], c["strategy"], c["workers"], r["base_rss_bytes"], r["peak_rss_bytes"], r["ctx_switches"]))
# 3 workloads x (3 strategies x 3 worker counts + processes x 2)
if len(cells) != 3 * (9 + 2):
    bad.append("%d cells" % len(cells))
inflight = [c["reps"][0]["metrics"].get("peak_inflight") for c in cells
            if c["strategy"] == "async" and c["workers"] == 1 and c["workload"] == "sleep-io"]
if inflight != [1000]:
    bad.append("async sleep-io at 1 loop: peak_inflight %s, not 1000" % inflight)
# 64 threads blocked in sleeps hold more memory than 1: the sampler sees them.
rss = {(c["strategy"], c["workers"]): c["reps"][0]["peak_rss_bytes"] - c["reps"][0]["base_rss_bytes"]
       for c in cells if c["workload"] == "sleep-io"}
if not rss[("threads", 64)] > rss[("threads", 1)]:
    bad.append("threads: 64 sleeping workers added no more memory than 1: %s" % rss)
print("\n".join("  | " + b for b in bad))
sys.exit(1 if bad else 0)
PY
expect_status 0 "the suite caps processes at 64 workers" \
  bash -c "'$GB' run scale -n 64,256 --dry-run | grep -q 'processes  *w=64' && ! '$GB' run scale -n 64,256 --dry-run | grep -q 'processes  *w=256'"
printf '[suite]\nworkloads = sumloop\nmax_workers = nosuch:4\n' > "$WORK/bad.ini"
expect_status 2 "max_workers naming no strategy is an error" "$GB" check "$WORK/bad.ini"
expect_grep "bad.ini:3: max_workers: no strategy .nosuch." err.txt "the error names the file and line"
# The allocator policy: recorded in meta; alloc.threaded=0 keeps serial's process never-threaded
# (glibc's single-thread malloc path), the default makes every repetition's process threaded.
for t in 0 1; do
  expect_status 0 "alloc.threaded=$t" "$GB" run -w binary-trees -p quick -s serial,threads -n 1 --reps 1 --warmup 0 --set alloc.threaded=$t --set alloc.arena_max=2 -o "$WORK/alloc$t" -q
done
if $PY - "$WORK/alloc0/results.json" "$WORK/alloc1/results.json" <<'PY'; then ok "alloc policy recorded and applied"; else not_ok "alloc policy"; fi
import json, sys
r0, r1 = (json.load(open(f)) for f in sys.argv[1:])
assert r0["meta"]["alloc"]["threaded"] is False and r1["meta"]["alloc"]["threaded"] is True, r0["meta"]["alloc"]
assert r0["meta"]["alloc"]["arena_max"] == 2 and r0["meta"]["alloc"]["library"].startswith("glibc"), r0["meta"]["alloc"]
for c in r0["cells"] + r1["cells"]:
    assert c["status"] == "ok" and c["checksum"] == c["reference"], c
serial0 = [c for c in r0["cells"] if c["strategy"] == "serial"][0]["reps"][0]
# ThreadSanitizer's runtime runs a thread of its own in every process: no fast path to keep there.
if "sanitize=thread" not in r0["meta"].get("c_flags", ""):
    assert serial0["alloc_single_threaded"] is True, serial0
serial1 = [c for c in r1["cells"] if c["strategy"] == "serial"][0]["reps"][0]
assert serial1["peak_rss_bytes"] >= serial1["base_rss_bytes"] > 0, serial1
PY
expect_status 2 "an unknown alloc setting is refused" "$GB" run -w sumloop -s serial --set alloc.nosuch=1 --dry-run
expect_grep "alloc.nosuch" err.txt "the error names the setting"
finish
