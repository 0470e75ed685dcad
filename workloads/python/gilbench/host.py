"""host.py: the Python host, one repetition of one cell in an interpreter that gilbench starts as
a child process (CPython, PyPy, Jython, any Python). The protocol is in docs/python-host.md: JSON
lines, gilbench's on our standard input, ours on standard output; our log goes to standard error.

  gilbench -> host   {"plan": {...}}                 the repetition (runner.run_cell's desc, with
                                                      "job" as hex and "hooks" saying where the
                                                      worker hooks come from)
  host -> gilbench   {"ev": "ready", ...}            imports done: the interpreter as it reports
                                                      itself, and the host's own import time
  host -> gilbench   {"ev": "begin"|"end", "seq": N, ...}   (hooks "parent" only) a worker's
  gilbench -> host   {"ack": N}                             thread id, answered once handled
  host -> gilbench   {"ev": "result", ...}           the runner's answer (worker reports as hex)
  host -> gilbench   {"ev": "error", "summary": ..., "details": ...}   the cell failed

Common subset of Python 2.7 and 3.x (Jython 2.7 included)."""
from __future__ import absolute_import

import binascii
import json
import os
import sys
import threading
import time

_now = getattr(time, "monotonic", time.time)
_T0 = _now()


class Channel(object):
    """Our side of the protocol: lines out under a lock, answers in from a reader thread."""

    def __init__(self, inp, out):
        self.inp, self.out = inp, out
        self.lock = threading.Lock()
        self.cv = threading.Condition()
        self.seq = 0
        self.acks = set()
        self.closed = False
        self.reader = None

    def send(self, msg):
        line = json.dumps(msg, separators=(",", ":"))
        with self.lock:
            self.out.write(line + "\n")
            self.out.flush()

    def start_reader(self):
        self.reader = threading.Thread(target=self._read, name="gilbench-host-reader")
        self.reader.daemon = True
        self.reader.start()

    def _read(self):
        while True:
            line = self.inp.readline()
            if not line:
                break
            try:
                n = json.loads(line)["ack"]
            except Exception:
                sys.stderr.write("gilbench host: ignoring a line from gilbench: %r\n" % line[:200])
                continue
            with self.cv:
                self.acks.add(n)
                self.cv.notify_all()
        with self.cv:
            self.closed = True
            self.cv.notify_all()

    def request(self, msg):
        """Send msg with a sequence number and wait for gilbench's answer to it."""
        with self.cv:
            self.seq += 1
            n = self.seq
        msg["seq"] = n
        self.send(msg)
        with self.cv:
            while n not in self.acks:
                if self.closed:
                    raise RuntimeError("gilbench closed the host's standard input")
                self.cv.wait(1.0)
            self.acks.discard(n)


def interpreter():
    """The interpreter as it reports itself: implementation, version, build, GIL state."""
    impl = getattr(sys, "implementation", None)
    name = impl.name if impl is not None else ("jython" if sys.platform.startswith("java") else "cpython")
    info = {"implementation": name, "version": "%d.%d.%d" % tuple(sys.version_info[:3]),
            "version_full": sys.version.replace("\n", " "), "executable": sys.executable or "",
            "platform": sys.platform, "free_threaded": False, "gil_enabled": None, "build": ""}
    try:
        import platform
        info["build"] = " ".join(platform.python_build())
        info["compiler"] = platform.python_compiler()
    except Exception:
        pass
    try:
        import sysconfig
        info["free_threaded"] = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
        info["config_args"] = sysconfig.get_config_var("CONFIG_ARGS") or ""
    except Exception:
        pass
    check = getattr(sys, "_is_gil_enabled", None)
    if check is not None:
        info["gil_enabled"] = bool(check())
    elif name in ("cpython", "pypy"):
        info["gil_enabled"] = True  # no free-threaded build before 3.13, and PyPy has its own GIL
    elif name in ("jython", "ironpython"):
        info["gil_enabled"] = False  # threads on the JVM (.NET): no global lock
    try:
        import ctypes
        info["ctypes"] = True
        info["pydll"] = hasattr(ctypes, "PyDLL")
    except Exception:
        info["ctypes"] = info["pydll"] = False
    if name == "pypy":
        info["pypy_version"] = "%d.%d.%d" % tuple(sys.pypy_version_info[:3])
    return info


def _hexbytes(text):
    return binascii.unhexlify(text.encode("ascii"))


def _tohex(b):
    return binascii.hexlify(bytes(b)).decode("ascii")


def main():
    # The protocol keeps standard output to itself: a duplicate of it carries the lines, and fd 1
    # becomes the log (stderr), so whatever a library prints (Ray's "(raylet) ..." notices, a
    # print() in user code) goes to the log instead of corrupting the protocol.
    proto = sys.stdout
    if hasattr(os, "dup") and hasattr(os, "dup2"):  # not Jython, whose os has neither
        try:
            proto = os.fdopen(os.dup(1), "w")
            sys.stdout.flush()
            os.dup2(2, 1)
        except (OSError, ValueError):
            proto = sys.stdout
    chan = Channel(sys.stdin, proto)
    line = sys.stdin.readline()
    if not line:
        sys.stderr.write("gilbench host: no plan on standard input\n")
        return 2
    msg = json.loads(line)
    if msg.get("probe"):  # what the interpreter is, for gilbench's metadata and availability
        chan.send({"ev": "ready", "python": interpreter(), "import_s": _now() - _T0, "pid": os.getpid()})
        return 0
    desc = msg["plan"]
    os.environ["GILBENCH_HOOKS"] = desc.get("hooks", "")  # before the runner imports hooks.py
    from gilbench import hooks as hk, runner
    if hk.hooks is None and desc.get("hooks"):
        chan.send({"ev": "error", "summary": "the worker hooks are not available: %s" % hk.HOOKS_ERROR,
                   "details": ""})
        return 1
    if isinstance(hk.hooks, hk.ParentHooks):
        hk.hooks.channel = chan
        # Only here: a thread blocked in stdin's readline holds its lock, and a process forked then
        # (multiprocessing closes stdin in its children) would wait for it forever.
        chan.start_reader()
    chan.send({"ev": "ready", "python": interpreter(), "import_s": _now() - _T0, "pid": os.getpid()})
    interval = desc.get("options", {}).get("switch_interval_us")
    if interval and hasattr(sys, "setswitchinterval"):
        sys.setswitchinterval(interval * 1e-6)
    try:
        desc["job"] = _hexbytes(desc["job"])
        if isinstance(hk.hooks, hk.CtypesHooks):
            hk.hooks.load(desc["job"])  # this process's job; a spawned pool worker loads it again
        wl = runner.Workload(desc)
        # JIT warm-up, apart from the work: the first tasks run once, untimed by the cell.
        t0 = _now()
        for t in range(min(int(desc.get("warmup_tasks", 0)), wl.ntasks)):
            wl.run_local(t)
        warmup = _now() - t0
        res = runner.run_cell(desc)
    except runner.CellError as e:
        chan.send({"ev": "error", "summary": e.summary, "details": e.details})
        return 0
    except Exception:
        e = runner.worker_failure("the host")
        chan.send({"ev": "error", "summary": e.summary, "details": e.details})
        return 0
    res["workers"] = [_tohex(r or b"") for r in res["workers"]]
    res["checksum"] = str(res["checksum"])  # 64 bits: exact whatever the JSON reader does with ints
    res["warmup_s"] = warmup
    res["ev"] = "result"
    chan.send(res)
    return 0
