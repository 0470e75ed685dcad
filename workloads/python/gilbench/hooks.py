"""hooks.py: where the runner's worker hooks come from (see docs/python-host.md).

GILBENCH_HOOKS (an environment variable, so multiprocessing's children see it too) says:
- unset: the _gilbench extension module (gilbench's embedded interpreter, its spawn children, a
  python3 running the twins' tests), or no hooks at all when it cannot be imported;
- "ctypes:PATH": libgbhooks.so at PATH, a plain C library loaded with ctypes (a Python host that
  gilbench runs as a child: CPython 2.7 and 3.x, PyPy); its calls release the interpreter's lock
  like a well-behaved C extension, except kernel_held, which keeps it;
- "parent": no library can be loaded (Jython): each worker tells gilbench its thread id at its
  begin and end hooks and waits for the answer, and gilbench binds it and reads its CPU time and
  placement from /proc (gilbench.host installs the channel).

`hooks` offers worker_begin(i, job=None), worker_end(i, tasks) -> bytes, worker_sample(),
io_latency_add(ns), io_fail(message), kernel(index, values, task, input), kernel_held(...), or is
None; HOOKS_ERROR says why it is None. Common subset of Python 2.7 and 3.x."""
from __future__ import absolute_import

import os
import threading


class CtypesHooks(object):
    """The worker hooks and the C kernels from libgbhooks.so, through ctypes."""

    ABI = 1

    def __init__(self, path):
        import ctypes
        self.ct = ctypes
        self.lib = ctypes.CDLL(path)  # calls release the GIL
        pydll = getattr(ctypes, "PyDLL", None)  # PyPy has none
        self.held = pydll(path) if pydll is not None else None  # calls keep the GIL
        if self.lib.gbh_abi() != self.ABI:
            raise ImportError("%s speaks hooks ABI %d, this runner %d" % (path, self.lib.gbh_abi(), self.ABI))
        sz, u64, i64 = ctypes.c_size_t, ctypes.c_uint64, ctypes.c_int64
        self.lib.gbh_worker_out_size.restype = sz
        self.WORKER_OUT_SIZE = self.lib.gbh_worker_out_size()
        self.lib.gbh_job_load.argtypes = [ctypes.c_char_p, sz, ctypes.c_char_p, sz]
        self.lib.gbh_worker_begin.argtypes = [ctypes.c_int, ctypes.c_char_p, sz]
        self.lib.gbh_worker_end.argtypes = [ctypes.c_int, u64, ctypes.c_char_p, sz, ctypes.c_char_p, sz]
        self.lib.gbh_io_latency_add.argtypes = [u64]
        self.lib.gbh_io_fail.argtypes = [ctypes.c_char_p]
        self.lib.gbh_worker_sample.restype = None
        # Called once per chunk, every task at chunk 1: the C function itself, not a method that
        # calls it (a Python frame less: 105 ns a call instead of 160 here).
        self.worker_sample = self.lib.gbh_worker_sample
        for lib in (self.lib, self.held) if self.held is not None else (self.lib,):
            lib.gbh_kernel.argtypes = [ctypes.c_int, ctypes.POINTER(i64), ctypes.c_int, u64, ctypes.c_char_p,
                                       sz, ctypes.POINTER(u64), ctypes.c_char_p, sz]
        self.loaded = None

    def _err(self):
        return self.ct.create_string_buffer(512)

    def load(self, job):
        """The repetition's job (the bytes of gb_pymod_job_pack), once per process."""
        if job is None or job == self.loaded:
            return
        err = self._err()
        if self.lib.gbh_job_load(job, len(job), err, len(err)) != 0:
            raise ValueError("worker_begin: %s" % err.value.decode("utf-8", "replace"))
        self.loaded = job

    def worker_begin(self, i, job=None):
        self.load(job)
        err = self._err()
        if self.lib.gbh_worker_begin(i, err, len(err)) != 0:
            raise ValueError(err.value.decode("utf-8", "replace"))

    def worker_end(self, i, tasks):
        out, err = self.ct.create_string_buffer(self.WORKER_OUT_SIZE), self._err()
        if self.lib.gbh_worker_end(i, tasks, out, len(out), err, len(err)) != 0:
            raise ValueError(err.value.decode("utf-8", "replace"))
        return out.raw

    def io_latency_add(self, ns):
        self.lib.gbh_io_latency_add(ns)

    def io_fail(self, message):
        self.lib.gbh_io_fail(message.encode("utf-8", "replace"))

    def _kernel(self, lib, index, values, task, inp):
        ct = self.ct
        vals = (ct.c_int64 * len(values))(*values)
        res, err, buf = ct.c_uint64(0), self._err(), bytes(inp)
        if lib.gbh_kernel(index, vals, len(values), task, buf, len(buf), ct.byref(res), err, len(err)) != 0:
            raise ValueError(err.value.decode("utf-8", "replace"))
        return res.value

    def kernel(self, index, values, task, inp):
        return self._kernel(self.lib, index, values, task, inp)

    def kernel_held(self, index, values, task, inp):
        if self.held is None:
            raise RuntimeError("this interpreter's ctypes has no PyDLL: no C call with the GIL held")
        return self._kernel(self.held, index, values, task, inp)


class ParentHooks(object):
    """Hooks that gilbench supplies from outside: the worker reports its thread id over the
    host's channel (channel.request(message) -> answer) and waits until gilbench has bound it and
    read its CPU time; I/O latencies travel with the end message."""

    WORKER_OUT_SIZE = 0

    def __init__(self):
        self.channel = None  # set by gilbench.host
        self.local = threading.local()

    def worker_begin(self, i, job=None):
        self.local.latency = []
        self.local.errors = []
        self.channel.request({"ev": "begin", "worker": i, "tid": thread_id()})

    def worker_end(self, i, tasks):
        lat = getattr(self.local, "latency", [])
        errs = getattr(self.local, "errors", [])
        self.channel.request({"ev": "end", "worker": i, "tid": thread_id(), "tasks": tasks,
                              "latency_ns": lat, "io_errors": len(errs),
                              "io_error": errs[0] if errs else ""})
        return b""

    def worker_sample(self):
        pass

    def io_latency_add(self, ns):
        getattr(self.local, "latency", []).append(int(ns))

    def io_fail(self, message):
        getattr(self.local, "errors", []).append(message)


def thread_id():
    """The calling thread's kernel thread id (Linux)."""
    get = getattr(threading, "get_native_id", None)
    if get is not None:
        return get()
    try:  # Jython: the JVM resolves /proc/thread-self in the calling thread
        from java.nio.file import Files, Paths
        return int(str(Files.readSymbolicLink(Paths.get("/proc/thread-self"))).split("/")[-1])
    except ImportError:
        return int(os.readlink("/proc/thread-self").split("/")[-1])


def _load():
    spec = os.environ.get("GILBENCH_HOOKS", "")
    if spec.startswith("ctypes:"):
        try:
            return CtypesHooks(spec[len("ctypes:"):]), None
        except Exception as e:  # OSError, ImportError, AttributeError: a library that does not load
            return None, "cannot load %s: %s" % (spec[len("ctypes:"):], e)
    if spec == "parent":
        return ParentHooks(), None
    try:
        import _gilbench
        return _gilbench, None
    except ImportError as e:  # a plain interpreter without gilbench's module: twins only, no hooks
        return None, str(e)


hooks, HOOKS_ERROR = _load()
