#!/usr/bin/env bash
# `gilbench doctor`: exit 0 when nothing limits measurements, 1 when something does (each such
# item says what to do), 2 on bad usage; --json prints one object of a fixed shape; an item it
# cannot read says unknown and why. The machine's files are faked under GILBENCH_DOCTOR_ROOT so
# each exit code is reached on purpose; the real machine is checked for shape only. `run` records
# the summary in meta.doctor.
source "$(dirname "$0")/lib.sh"

# A quiet, tuned machine: every item ok.
mk() { mkdir -p "$(dirname "$1")" && printf '%s\n' "$2" > "$1"; }
R=$WORK/root
mk $R/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor performance
mk $R/sys/devices/system/cpu/intel_pstate/no_turbo 1
mk $R/sys/devices/system/cpu/smt/control off
mk $R/proc/stat "cpu  100 0 50 10000 0 0 0 0 0 0"
mk $R/proc/sys/kernel/perf_event_paranoid 1
mkdir -p $R/sys/bus/event_source/devices/cpu
mk $R/sys/kernel/mm/transparent_hugepage/enabled "always [madvise] never"
mk $R/proc/sys/kernel/randomize_va_space 0

shape() { # shape FILE: the JSON object's shape
  $PY - "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "gilbench-doctor/1", d["schema"]
assert d["status"] in ("ok", "limited")
names = [i["name"] for i in d["items"]]
assert names == ["governor", "turbo", "smt", "load", "steal", "perf_event_paranoid", "counters", "thp", "aslr"], names
for i in d["items"]:
    assert i["status"] in ("ok", "limits", "unknown"), i
    assert isinstance(i["detail"], str) and i["detail"], i
    assert (i["advice"] is not None) == (i["status"] == "limits"), i  # what to do, exactly when it limits
    assert i["status"] == "unknown" or i["value"] is not None, i
assert d["limits"] == [i["name"] for i in d["items"] if i["status"] == "limits"]
assert d["unknown"] == [i["name"] for i in d["items"] if i["status"] == "unknown"]
assert (d["status"] == "limited") == bool(d["limits"])
print(" ".join(d["limits"]) or "-", "|", " ".join(d["unknown"]) or "-")
EOF
}

expect_status 0 "a tuned, quiet machine: exit 0" env GILBENCH_DOCTOR_ROOT=$R "$GB" doctor
expect_grep "nothing found that limits" out.txt "it says nothing limits"
expect_status 0 "--json on it: exit 0" env GILBENCH_DOCTOR_ROOT=$R "$GB" doctor --json
shape out.txt > s.txt && ok "the JSON has its shape" || not_ok "the JSON's shape: $(cat s.txt)"
expect_grep "^- \| -$" s.txt "nothing limits, nothing unknown"

mk $R/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor powersave
mk $R/sys/kernel/mm/transparent_hugepage/enabled "[always] madvise never"
expect_status 1 "a powersave governor and THP always: exit 1" env GILBENCH_DOCTOR_ROOT=$R "$GB" doctor
expect_grep "^governor +limits +powersave" out.txt "the governor limits"
expect_grep "what to do: set the performance governor" out.txt "and says what to do"
expect_status 1 "--json: exit 1 too" env GILBENCH_DOCTOR_ROOT=$R "$GB" doctor --json
shape out.txt > s.txt && ok "the JSON has its shape" || not_ok "the JSON's shape: $(cat s.txt)"
expect_grep "^governor thp \| -$" s.txt "limits names governor and thp"

rm -rf $R/sys/devices/system/cpu/cpu0/cpufreq $R/sys/devices/system/cpu/intel_pstate $R/proc/sys/kernel/randomize_va_space
mk $R/sys/kernel/mm/transparent_hugepage/enabled "always [madvise] never"
expect_status 0 "unreadable items are unknown, not limits: exit 0" env GILBENCH_DOCTOR_ROOT=$R "$GB" doctor --json
shape out.txt > s.txt && ok "the JSON has its shape" || not_ok "the JSON's shape: $(cat s.txt)"
expect_grep "^- \| governor turbo aslr$" s.txt "governor, turbo and aslr are unknown"
expect_grep '"detail": "no cpufreq: ' out.txt "an unknown item says why"

expect_status 2 "bad usage: exit 2" "$GB" doctor --frobnicate
expect_grep "usage: gilbench doctor \[--json\]" err.txt "with the usage"

# The real machine: its shape, whatever it finds.
rc=0
"$GB" doctor --json > real.json 2> err.txt || rc=$?
[ "$rc" -le 1 ] && ok "this machine: exit $rc" || not_ok "this machine: exit $rc"
shape real.json > s.txt && ok "this machine's JSON has its shape (limits | unknown: $(cat s.txt))" || not_ok "shape: $(cat s.txt)"

# run records the summary in meta.
expect_status 0 "a run" env GILBENCH_DOCTOR_ROOT=$R "$GB" run -w null -p quick -s serial --reps 1 --warmup 0 -o run -q
$PY - run/results.json > m.txt 2>&1 <<'EOF' && ok "meta.doctor holds the summary" || not_ok "meta.doctor: $(cat m.txt)"
import json, sys
d = json.load(open(sys.argv[1]))["meta"]["doctor"]
assert d["status"] == "ok" and d["limits"] == [] and d["unknown"] == ["governor", "turbo", "aslr"], d
EOF
finish
