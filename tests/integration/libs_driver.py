"""libs_driver.py: run one library strategy of gilbench/libs.py outside gilbench, on a small
workload, and check its checksum against the serial path of the same runner. Used by
test_libs.sh to test the library runners in the interpreter they will run in.

usage: libs_driver.py PKGDIR STRATEGY WORKERS SCHEDULE CHUNK [OPTION=VALUE...]
Prints one JSON line: the answer (without payloads) and the reference checksum."""
import json
import os
import sys

sys.path.insert(0, sys.argv[1])
from gilbench import libs, runner, task as tm  # noqa: E402


def desc_for(workers, schedule, chunk, options):
    cpu = {"kind": "cpu", "kernel": "sumloop", "kernel_index": 0, "params": {"n": 20000},
           "values": (20000,), "python": "twin"}
    sleep = {"kind": "io", "op": "sleep", "params": {"us": 500}}
    groups = [{"name": "cpu", "tasks": 24, "input_bytes": 100, "output_bytes": 40, "phases": [cpu]},
              {"name": "io", "tasks": 8, "input_bytes": 16, "output_bytes": 8, "phases": [sleep]}]
    return {"strategy": "x", "workers": workers, "ntasks": 32, "chunk": chunk,
            "schedule": schedule, "executable": sys.executable, "scratch_dir": None,
            "io_port": 0, "groups": groups, "options": options,
            "secret": int.from_bytes(os.urandom(8), "little")}  # the run secret, as gilbench draws one


def main():
    strategy, workers, schedule, chunk = sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    options = {}
    for kv in sys.argv[6:]:
        k, v = kv.split("=", 1)
        options[k] = int(v) if v.isdigit() else v
    desc = desc_for(workers, schedule, chunk, options)
    wl = runner.Workload(desc)
    ref = 0
    for t in range(wl.ntasks):
        ref = (ref + tm.checksum_term(t, wl.run_local(t))) & tm.M64
    a = libs.RUNNERS[strategy](desc, wl)
    out = dict((k, v) for k, v in a.items() if k != "workers")
    out["reference"] = ref
    print(json.dumps(out))


if __name__ == "__main__":
    main()
