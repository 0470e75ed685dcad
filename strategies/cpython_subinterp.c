/* cpython_subinterp.c: sub-interpreters, each with its own GIL (Python 3.12+, PEP 684): one
 * native thread per worker creates its own interpreter (Py_NewInterpreterFromConfig with
 * PyInterpreterConfig_OWN_GIL) before the start line, runs gilbench.subinterp.run_worker there on
 * the tasks the shared C schedule hands it, and ends the interpreter after the finish line, so
 * Python code runs in parallel inside one process. The workload reaches each interpreter as
 * marshalled bytes: no Python object crosses interpreters. Unavailable, with that reason, on an
 * older embedded Python. */
#if defined(GB_HAVE_PYTHON)
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#endif

#include "cpython.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pymod.h"

static const gb_param_def subinterp_options[] = {
    [GB_CPYTHON_OPT_SWITCH] = GB_CPYTHON_SWITCH_OPTION,
};

#if defined(GB_HAVE_PYTHON) && PY_VERSION_HEX >= 0x030C0000
#define GB__SUBINTERP 1
#include <marshal.h>
#endif

static const char *subinterp_unavailable(void) {
#ifdef GB__SUBINTERP
  return gb_cpython_unavailable();
#elif defined(GB_HAVE_PYTHON)
  return "the embedded CPython is " PY_VERSION ": sub-interpreters with their own GIL need 3.12+";
#else
  return gb_cpython_unavailable();
#endif
}

#ifdef GB__SUBINTERP

/* What the workers share. */
typedef struct si_shared {
  const gb_job *job;
  gb_rep *rep;
  char *desc; /* the marshalled workload description */
  size_t desc_len;
  gb_sched sched;     /* the task hand-out every interpreter takes from */
  _Atomic int stop;   /* a worker failed: the others take nothing more */
  pthread_mutex_t mu; /* guards the fields below */
  pthread_cond_t cv;
  int ready, go, done; /* start line and finish line */
  int expected;        /* workers created: the finish line waits for this many */
} si_shared;

/* One worker thread. */
typedef struct si_worker {
  si_shared *sh;
  int index;
  pthread_t tid;
  uint64_t sum, tasks;
  char error[1024]; /* why it failed, "" if it did not */
} si_worker;

/* In the worker's interpreter: the run_worker function and the workload, or NULL with err. */
static PyObject *si_prepare(si_worker *w, PyObject **desc) {
  PyObject *path = PySys_GetObject("path"); /* borrowed */
  PyObject *p1 = PyUnicode_DecodeFSDefault(gb_cpython_module_dir());
  PyObject *p2 = PyUnicode_DecodeFSDefault(gb_cpython_package_dir());
  int bad = !path || !p1 || !p2 || PyList_Insert(path, 0, p1) < 0 || PyList_Insert(path, 0, p2) < 0;
  Py_XDECREF(p1), Py_XDECREF(p2);
  PyObject *mod = bad ? NULL : PyImport_ImportModule("gilbench.subinterp");
  PyObject *fn = mod ? PyObject_GetAttrString(mod, "run_worker") : NULL;
  Py_XDECREF(mod);
  *desc = fn ? PyMarshal_ReadObjectFromString(w->sh->desc, (Py_ssize_t)w->sh->desc_len) : NULL;
  if (!*desc) Py_CLEAR(fn);
  return fn;
}

static void si_fail(si_worker *w, const char *what) {
  char e[sizeof w->error - 64];
  gb_cpython_format_error(e, sizeof e, NULL);
  snprintf(w->error, sizeof w->error, "worker %d %s: %s", w->index, what, e);
  atomic_store(&w->sh->stop, 1);
}

/* The worker's own interpreter (PEP 684: its own GIL), with run_worker and the workload loaded
 * into *fn and *desc (*fn NULL with w->error when loading failed). Returns its thread state,
 * current and holding its GIL; or NULL with w->error when it could not be created, the main GIL
 * then released into *parked. */
static PyThreadState *si_enter(si_worker *w, PyObject **fn, PyObject **desc, PyThreadState **parked) {
  const PyInterpreterConfig cfg = {
      .use_main_obmalloc = 0,
      .allow_fork = 0,
      .allow_exec = 0,
      .allow_threads = 1,
      .allow_daemon_threads = 0,
      .check_multi_interp_extensions = 1,
      .gil = PyInterpreterConfig_OWN_GIL,
  };
  PyThreadState *sub = NULL;
  PyStatus st = Py_NewInterpreterFromConfig(&sub, &cfg); /* now current, holding its own GIL */
  if (PyStatus_Exception(st)) {
    snprintf(w->error, sizeof w->error, "worker %d: creating its sub-interpreter failed: %s", w->index,
             st.err_msg ? st.err_msg : "(no message)");
    atomic_store(&w->sh->stop, 1);
    *parked = PyEval_SaveThread(); /* never wait at the start line holding the main GIL */
    return NULL;
  }
  if (!(*fn = si_prepare(w, desc))) si_fail(w, "could not load gilbench.subinterp");
  return sub;
}

/* The start line: count this worker ready, then wait for go. */
static void si_start_line(si_shared *sh) {
  pthread_mutex_lock(&sh->mu);
  sh->ready++;
  pthread_cond_broadcast(&sh->cv);
  while (!sh->go)
    pthread_cond_wait(&sh->cv, &sh->mu);
  pthread_mutex_unlock(&sh->mu);
}

/* The finish line: the last worker to reach it stops the clock (job.h); no end hook runs before. */
static void si_finish_line(si_shared *sh) {
  pthread_mutex_lock(&sh->mu);
  if (++sh->done == sh->expected) {
    gb_rep_clock_stop(sh->rep);
    pthread_cond_broadcast(&sh->cv);
  }
  while (sh->done < sh->expected)
    pthread_cond_wait(&sh->cv, &sh->mu);
  pthread_mutex_unlock(&sh->mu);
}

/* run_worker(index, desc) in the worker's interpreter, on the tasks the shared schedule hands it. */
static void si_call(si_worker *w, PyObject *fn, PyObject *desc) {
  gb_pymod_set_worker_sched(&w->sh->sched, w->index, &w->sh->stop);
  PyObject *r = PyObject_CallFunction(fn, "iO", w->index, desc);
  unsigned long long sum = 0, tasks = 0;
  if (!r || !PyArg_ParseTuple(r, "KK", &sum, &tasks)) si_fail(w, "raised");
  w->sum = sum;
  w->tasks = tasks;
  Py_XDECREF(r);
  gb_pymod_set_worker_sched(NULL, -1, NULL);
}

static void *si_main(void *arg) {
  si_worker *w = arg;
  si_shared *sh = w->sh;
  gb_worker_begin(sh->job, w->index);
  PyGILState_STATE gs = PyGILState_Ensure(); /* the main interpreter's GIL, to create ours */
  PyThreadState *main_ts = PyThreadState_Get(), *parked = NULL;
  PyObject *fn = NULL, *desc = NULL;
  PyThreadState *sub = si_enter(w, &fn, &desc, &parked);
  si_start_line(sh);
  if (fn) si_call(w, fn, desc);
  si_finish_line(sh);
  Py_XDECREF(fn);
  Py_XDECREF(desc);
  if (sub) {
    Py_EndInterpreter(sub); /* leaves no current thread state */
    PyEval_RestoreThread(main_ts);
  } else {
    PyEval_RestoreThread(parked);
  }
  PyGILState_Release(gs);
  gb_worker_out *wo = &sh->rep->workers[w->index];
  wo->tasks = w->tasks;
  gb_worker_end(sh->job, w->index, wo);
  return NULL;
}

/* The workload, marshalled in the main interpreter. 0, or a negative code with rep->error. */
static int si_marshal(const gb_job *job, gb_rep *rep, si_shared *sh) {
  PyGILState_STATE gs = PyGILState_Ensure();
  PyObject *desc = gb_cpython_desc(job, "subinterp", GB_CPYTHON_PHASES);
  PyObject *bytes = desc ? PyMarshal_WriteObjectToString(desc, Py_MARSHAL_VERSION) : NULL;
  int rc = 0;
  if (bytes) {
    sh->desc_len = (size_t)PyBytes_GET_SIZE(bytes);
    sh->desc = gb_xmalloc(sh->desc_len);
    memcpy(sh->desc, PyBytes_AS_STRING(bytes), sh->desc_len);
  } else {
    char e[sizeof rep->error];
    gb_cpython_format_error(e, sizeof e, NULL);
    rc = gb_rep_fail(rep, GB_EIO, "%s", e);
  }
  Py_XDECREF(desc);
  Py_XDECREF(bytes);
  PyGILState_Release(gs);
  return rc;
}

static int cpython_subinterp_run(const gb_job *job, gb_rep *rep) {
  char err[1024];
  if (gb_cpython_ensure(err, sizeof err) != 0) return gb_rep_fail(rep, GB_EUNAVAIL, "%s", err);
  si_shared sh;
  memset(&sh, 0, sizeof sh);
  sh.job = job;
  sh.rep = rep;
  gb_sched_init(&sh.sched, job);
  atomic_init(&sh.stop, 0);
  int rc = si_marshal(job, rep, &sh);
  if (rc != 0) return rc;
  pthread_mutex_init(&sh.mu, NULL);
  pthread_cond_init(&sh.cv, NULL);
  int n = job->workers, created = 0;
  si_worker *w = gb_xcalloc((size_t)n, sizeof *w);
  gb_rep_mark_create(rep);
  for (int i = 0; i < n; i++) {
    w[i].sh = &sh;
    w[i].index = i;
    int e = pthread_create(&w[i].tid, NULL, si_main, &w[i]);
    if (e != 0) {
      rc = gb_rep_fail(rep, -e, "pthread_create for worker %d: %s", i, strerror(e));
      atomic_store(&sh.stop, 1);
      break;
    }
    created++;
  }
  pthread_mutex_lock(&sh.mu);
  sh.expected = created; /* final before go: no worker reaches the finish line earlier */
  while (sh.ready < created)
    pthread_cond_wait(&sh.cv, &sh.mu);
  gb_rep_clock_start(rep);
  sh.go = 1;
  pthread_cond_broadcast(&sh.cv);
  if (created == 0) gb_rep_clock_stop(rep);
  pthread_mutex_unlock(&sh.mu);
  for (int i = 0; i < created; i++)
    pthread_join(w[i].tid, NULL);
  gb_rep_mark_joined(rep);
  for (int i = 0; i < created; i++) {
    rep->checksum += w[i].sum;
    rep->tasks_done += w[i].tasks;
    if (w[i].error[0] && rc == 0) rc = gb_rep_fail(rep, GB_EIO, "%s", w[i].error);
  }
  free(w);
  free(sh.desc);
  pthread_cond_destroy(&sh.cv);
  pthread_mutex_destroy(&sh.mu);
  return rc;
}

#else

static int cpython_subinterp_run(const gb_job *job, gb_rep *rep) {
  (void)job;
  return gb_rep_fail(rep, GB_EUNAVAIL, "%s", subinterp_unavailable());
}

#endif

const gb_strategy gb_strategy_cpython_subinterp = {
    .name = "cpython-subinterp",
    .family = "cpython",
    .summary = "sub-interpreters with their own GIL (3.12+), one per worker thread",
    .caps = GB_CAP_PARALLEL_CPU | GB_CAP_SHARED_MEMORY,
    .baseline = "cpython-serial",
    .cpu_cost = GB_CPYTHON_TWIN_COST,
    .options = subinterp_options,
    .noptions = (int)GB_ARRAY_LEN(subinterp_options),
    .unavailable = subinterp_unavailable,
    .run = cpython_subinterp_run,
};
