/* pymod.c: the _gilbench extension module (see pymod.h). Its functions touch no Python state of
 * their own, so it declares support for per-interpreter GILs (3.12+) and for running without the
 * GIL (3.13+ free-threaded builds). */
#ifdef GB_HAVE_PYTHON
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#endif

#include "pymod.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "counters.h"

#if __has_include("ioop.h") /* the I/O ops (issue 3) */
#include "ioop.h"
#define GB__PYMOD_IO 1
#endif

/* The calling thread's schedule (a sub-interpreter worker's), see gb_pymod_set_worker_sched. */
static _Thread_local struct {
  gb_sched *sched;
  int worker;
  _Atomic int *stop;
  gb_sched_cursor cur;
} pymod_ws;

void gb_pymod_set_worker_sched(gb_sched *sched, int worker, _Atomic int *stop) {
  pymod_ws.sched = sched;
  pymod_ws.worker = worker;
  pymod_ws.stop = stop;
  pymod_ws.cur.k = 0;
}

#ifndef GB_HAVE_PYTHON

struct _object *gb_pymod_init(void) {
  return NULL;
}
void gb_pymod_set_job(const gb_job *job) {
  (void)job;
}

#else

/* The embedded interpreter's current repetition (set with the GIL held, read by its workers). */
static const gb_job *pymod_job;

void gb_pymod_set_job(const gb_job *job) {
  pymod_job = job;
}

/* A job unpacked from bytes in a process that has no current repetition (a spawned worker). */
static gb_job pymod_child_job;

/* The kernel with registry index `idx`, or NULL with IndexError set. */
static const gb_kernel *pymod_kernel(Py_ssize_t idx) {
  Py_ssize_t n = 0;
  while (gb_kernels[n])
    n++;
  if (idx < 0 || idx >= n) {
    PyErr_Format(PyExc_IndexError, "no kernel with index %zd (there are %zd)", idx, n);
    return NULL;
  }
  return gb_kernels[idx];
}

/* kernel_index(name) -> int */
static PyObject *py_kernel_index(PyObject *self, PyObject *arg) {
  (void)self;
  const char *name = PyUnicode_AsUTF8(arg);
  if (!name) return NULL;
  for (Py_ssize_t i = 0; gb_kernels[i]; i++)
    if (strcmp(gb_kernels[i]->name, name) == 0) return PyLong_FromSsize_t(i);
  return PyErr_Format(PyExc_KeyError, "no C kernel named '%s'", name);
}

/* Parse (index, params, task, input) for kernel() and kernel_held(). Returns the kernel or NULL
 * with an exception set; on success the caller releases in. */
static const gb_kernel *py_kernel_args(PyObject *args, gb_kparams *p, uint64_t *task, Py_buffer *in) {
  Py_ssize_t idx;
  PyObject *params;
  unsigned long long t;
  if (!PyArg_ParseTuple(args, "nO!Ky*", &idx, &PyTuple_Type, &params, &t, in)) return NULL;
  const gb_kernel *k = pymod_kernel(idx);
  if (k && PyTuple_GET_SIZE(params) != k->nparams) {
    PyErr_Format(PyExc_ValueError, "kernel %s takes %d parameters, got %zd", k->name, k->nparams,
                 PyTuple_GET_SIZE(params));
    k = NULL;
  }
  for (int i = 0; k && i < k->nparams; i++) {
    long long v = PyLong_AsLongLong(PyTuple_GET_ITEM(params, i));
    if (v == -1 && PyErr_Occurred()) {
      k = NULL;
    } else if (v < k->params[i].min || v > k->params[i].max) {
      PyErr_Format(PyExc_ValueError, "kernel %s: %s = %lld is outside [%lld, %lld]", k->name,
                   k->params[i].name, v, (long long)k->params[i].min, (long long)k->params[i].max);
      k = NULL;
    } else {
      p->v[i] = (int64_t)v;
    }
  }
  if (!k) {
    PyBuffer_Release(in);
    return NULL;
  }
  *task = (uint64_t)t;
  return k;
}

/* kernel(index, params, task, input) -> int: the C kernel with the GIL released around it, as a
 * well-behaved C extension runs (other Python threads go on meanwhile). */
static PyObject *py_kernel(PyObject *self, PyObject *args) {
  (void)self;
  gb_kparams p;
  uint64_t task, r;
  Py_buffer in;
  const gb_kernel *k = py_kernel_args(args, &p, &task, &in);
  if (!k) return NULL;
  gb_ctx ctx;
  gb_ctx_init(&ctx, 0);
  Py_BEGIN_ALLOW_THREADS r = k->run(&ctx, &p, task, in.buf, (size_t)in.len);
  Py_END_ALLOW_THREADS PyBuffer_Release(&in);
  return PyLong_FromUnsignedLongLong(r);
}

/* kernel_held(index, params, task, input) -> int: the same with the GIL held throughout, as a C
 * extension that never releases it runs (every other Python thread waits). */
static PyObject *py_kernel_held(PyObject *self, PyObject *args) {
  (void)self;
  gb_kparams p;
  uint64_t task;
  Py_buffer in;
  const gb_kernel *k = py_kernel_args(args, &p, &task, &in);
  if (!k) return NULL;
  gb_ctx ctx;
  gb_ctx_init(&ctx, 0);
  uint64_t r = k->run(&ctx, &p, task, in.buf, (size_t)in.len);
  PyBuffer_Release(&in);
  return PyLong_FromUnsignedLongLong(r);
}

/* worker_begin(i, job=None): the worker hook, in the calling thread. Without job, the embedded
 * interpreter's current repetition; with job (bytes from job()), that job, for a worker in
 * another process. */
static PyObject *py_worker_begin(PyObject *self, PyObject *args) {
  (void)self;
  int i;
  Py_buffer jb = {0};
  if (!PyArg_ParseTuple(args, "i|z*", &i, &jb)) return NULL;
  const gb_job *job = pymod_job;
  if (jb.buf && !job) { /* a fork child keeps the coordinator's own job; a spawned one unpacks */
    char err[512];
    int bad = gb_pymod_job_unpack(jb.buf, (size_t)jb.len, &pymod_child_job, err, sizeof err);
    PyBuffer_Release(&jb);
    if (bad) {
      PyErr_Format(PyExc_ValueError, "worker_begin: %s", err);
      return NULL;
    }
    job = &pymod_child_job;
  } else if (jb.buf) {
    PyBuffer_Release(&jb);
  }
  if (!job) {
    PyErr_SetString(PyExc_RuntimeError, "worker_begin: no repetition is running and no job given");
    return NULL;
  }
  if (i < 0 || i >= job->workers) {
    PyErr_Format(PyExc_ValueError, "worker_begin: worker %d of %d", i, job->workers);
    return NULL;
  }
  gb_worker_begin(job, i);
  Py_RETURN_NONE;
}

/* worker_end(i, tasks) -> bytes: the hook's gb_worker_out, as the bytes the coordinator copies. */
static PyObject *py_worker_end(PyObject *self, PyObject *args) {
  (void)self;
  int i;
  unsigned long long tasks;
  if (!PyArg_ParseTuple(args, "iK", &i, &tasks)) return NULL;
  const gb_job *job = pymod_job ? pymod_job : &pymod_child_job;
  gb_worker_out out;
  memset(&out, 0, sizeof out);
  out.tasks = (uint64_t)tasks;
  gb_worker_end(job, i, &out);
  return PyBytes_FromStringAndSize((const char *)&out, (Py_ssize_t)sizeof out);
}

/* worker_sample(): sample the PU now (rate-limited), as native workers do between chunks. */
static PyObject *py_worker_sample(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  gb_worker_sample();
  Py_RETURN_NONE;
}

/* job() -> bytes: the current repetition's portable form, for workers in other processes. */
static PyObject *py_job(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  if (!pymod_job) {
    PyErr_SetString(PyExc_RuntimeError, "job: no repetition is running");
    return NULL;
  }
  size_t n = gb_pymod_job_pack(pymod_job, NULL, 0);
  PyObject *b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)n);
  if (b) gb_pymod_job_pack(pymod_job, PyBytes_AS_STRING(b), n);
  return b;
}

/* sched_next() -> (begin, end) or None: the calling worker thread's next chunk from the schedule
 * it shares with the other sub-interpreters' workers. */
static PyObject *py_sched_next(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  if (!pymod_ws.sched) {
    PyErr_SetString(PyExc_RuntimeError, "sched_next: this thread has no shared schedule");
    return NULL;
  }
  uint64_t b, e;
  if ((pymod_ws.stop && atomic_load(pymod_ws.stop)) ||
      !gb_sched_next(pymod_ws.sched, pymod_ws.worker, &pymod_ws.cur, &b, &e))
    Py_RETURN_NONE;
  return Py_BuildValue("(KK)", (unsigned long long)b, (unsigned long long)e);
}

/* payload_fill(seed, length) -> bytes: gb_payload_fill, for tests of the Python task model. */
static PyObject *py_payload_fill(PyObject *self, PyObject *args) {
  (void)self;
  unsigned long long seed;
  Py_ssize_t len;
  if (!PyArg_ParseTuple(args, "Kn", &seed, &len)) return NULL;
  if (len < 0 || len > GB_MAX_PAYLOAD) return PyErr_Format(PyExc_ValueError, "length %zd", len);
  PyObject *b = PyBytes_FromStringAndSize(NULL, len);
  if (b) gb_payload_fill((uint64_t)seed, (uint8_t *)PyBytes_AS_STRING(b), (size_t)len);
  return b;
}

/* payload_hash(buffer) -> int: gb_payload_hash. */
static PyObject *py_payload_hash(PyObject *self, PyObject *arg) {
  (void)self;
  Py_buffer b;
  if (PyObject_GetBuffer(arg, &b, PyBUF_SIMPLE) < 0) return NULL;
  uint64_t h = gb_payload_hash(b.buf, (size_t)b.len);
  PyBuffer_Release(&b);
  return PyLong_FromUnsignedLongLong(h);
}

#ifdef GB__PYMOD_IO
/* io_latency_add(ns): one I/O op's latency, into the calling worker's histogram. */
static PyObject *py_io_latency_add(PyObject *self, PyObject *arg) {
  (void)self;
  unsigned long long ns = PyLong_AsUnsignedLongLong(arg);
  if (ns == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
  gb_io_latency_add((uint64_t)ns);
  Py_RETURN_NONE;
}

/* io_fail(message): one failed I/O op, in the calling worker's state. */
static PyObject *py_io_fail(PyObject *self, PyObject *arg) {
  (void)self;
  const char *msg = PyUnicode_AsUTF8(arg);
  if (!msg) return NULL;
  gb_io_fail("%s", msg);
  Py_RETURN_NONE;
}
#endif

static PyMethodDef pymod_methods[] = {
    {"kernel_index", py_kernel_index, METH_O, "kernel_index(name) -> index of the C kernel"},
    {"kernel", py_kernel, METH_VARARGS,
     "kernel(index, params, task, input) -> result: the C kernel, GIL released"},
    {"kernel_held", py_kernel_held, METH_VARARGS,
     "kernel_held(index, params, task, input) -> result: the C kernel, GIL held"},
    {"worker_begin", py_worker_begin, METH_VARARGS,
     "worker_begin(i, job=None): the worker hook (binding, counters, CPU time) in this thread"},
    {"worker_end", py_worker_end, METH_VARARGS,
     "worker_end(i, tasks) -> bytes: the worker hook's report, for the coordinator"},
    {"worker_sample", py_worker_sample, METH_NOARGS, "worker_sample(): sample the PU now"},
    {"job", py_job, METH_NOARGS, "job() -> bytes: the current repetition, for other processes"},
    {"sched_next", py_sched_next, METH_NOARGS,
     "sched_next() -> (begin, end) or None: this worker's next chunk (sub-interpreter workers)"},
    {"payload_fill", py_payload_fill, METH_VARARGS, "payload_fill(seed, length) -> bytes (C)"},
    {"payload_hash", py_payload_hash, METH_O, "payload_hash(buffer) -> int (C)"},
#ifdef GB__PYMOD_IO
    {"io_latency_add", py_io_latency_add, METH_O,
     "io_latency_add(ns): record one I/O op's latency in this worker"},
    {"io_fail", py_io_fail, METH_O, "io_fail(message): record one failed I/O op in this worker"},
#endif
    {NULL, NULL, 0, NULL},
};

/* Module constants: the worker report's size and the C kernels, (name, param names) by index. */
static int pymod_exec(PyObject *m) {
  if (PyModule_AddIntConstant(m, "WORKER_OUT_SIZE", (long)sizeof(gb_worker_out)) < 0) return -1;
  if (PyModule_AddStringConstant(m, "VERSION", GB_VERSION) < 0) return -1;
  PyObject *ks = PyList_New(0);
  if (!ks) return -1;
  for (int i = 0; gb_kernels[i]; i++) {
    const gb_kernel *k = gb_kernels[i];
    PyObject *names = PyTuple_New(k->nparams);
    for (int j = 0; names && j < k->nparams; j++) {
      PyObject *s = PyUnicode_FromString(k->params[j].name);
      if (!s)
        Py_CLEAR(names);
      else
        PyTuple_SET_ITEM(names, j, s);
    }
    PyObject *item = names ? Py_BuildValue("(sN)", k->name, names) : NULL;
    if (!item || PyList_Append(ks, item) < 0) {
      Py_XDECREF(item);
      Py_DECREF(ks);
      return -1;
    }
    Py_DECREF(item);
  }
  return PyModule_AddObject(m, "KERNELS", ks) < 0 ? (Py_DECREF(ks), -1) : 0;
}

static PyModuleDef_Slot pymod_slots[] = {
    {Py_mod_exec, (void *)pymod_exec},
#if PY_VERSION_HEX >= 0x030C0000
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
#if PY_VERSION_HEX >= 0x030D0000
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

static struct PyModuleDef pymod_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_gilbench",
    .m_doc = "gilbench's C side for Python: C kernels (GIL released or held) and worker hooks",
    .m_size = 0,
    .m_methods = pymod_methods,
    .m_slots = pymod_slots,
};

PyObject *gb_pymod_init(void) {
  return PyModuleDef_Init(&pymod_def);
}

#endif /* GB_HAVE_PYTHON */
