/* cpython.c: the embedded interpreter behind the cpython-* strategies (see cpython.h). One
 * interpreter per gilbench process, started by the first repetition that needs it: isolated from
 * the user's environment, without Python's own signal handlers (gilbench's SIGINT/SIGTERM stay in
 * charge), with _gilbench built in and the twins' package on sys.path. Between repetitions no
 * thread holds the GIL, so a process forked then (the runner's per-repetition children) can
 * repair the interpreter with PyOS_AfterFork_Child and use it. */
#ifdef GB_HAVE_PYTHON
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#endif

#include "cpython.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pymod.h"

#if __has_include("ioop.h") /* the I/O ops (issue 3) */
#include "ioop.h"
#define GB__CPY_IO 1
#endif

#ifndef GB_HAVE_PYTHON

const char *gb_cpython_unavailable(void) {
  return "built without CPython's embedding files (apt-get install python3-dev, then rebuild)";
}

int gb_cpython_run(const gb_job *job, gb_rep *rep, const char *runner, gb_cpython_cpu cpu) {
  (void)job;
  (void)runner;
  (void)cpu;
  return gb_rep_fail(rep, GB_EUNAVAIL, "%s", gb_cpython_unavailable());
}

json_t *gb_cpython_meta(void) {
  return json_null();
}

double gb_cpython_bytecode_ns(int *per_iter, char *why, size_t len) {
  *per_iter = 0;
  snprintf(why, len, "built without CPython's development files");
  return 0;
}

#else

#ifndef GB_PYTHON_EXECUTABLE
#define GB_PYTHON_EXECUTABLE "/usr/bin/python3"
#endif
#ifndef GB_BUILD_DIR
#define GB_BUILD_DIR ""
#endif
#ifndef GB_WORKLOADS_SRC_DIR
#define GB_WORKLOADS_SRC_DIR ""
#endif
#ifndef GB_WORKLOADS_INSTALL_DIR
#define GB_WORKLOADS_INSTALL_DIR ""
#endif
#ifndef GB_PYMOD_BUILD_DIR
#define GB_PYMOD_BUILD_DIR ""
#endif
#ifndef GB_PYTHON_VENV
#define GB_PYTHON_VENV ""
#endif
#ifndef GB_PYMOD_INSTALL_REL
#define GB_PYMOD_INSTALL_REL "lib/gilbench/python"
#endif

/* snprintf that may truncate on purpose (messages): no -Wformat-truncation analysis through it. */
__attribute__((format(printf, 3, 4))) static void bfmt(char *buf, size_t len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, len, fmt, ap);
  va_end(ap);
}

/* The interpreter's state in this process. */
static struct {
  int started;            /* Py_InitializeFromConfig succeeded */
  pid_t pid;              /* the process that last used it (a fork child differs) */
  PyObject *run_cell;     /* gilbench.runner.run_cell */
  char failed[512];       /* why starting it failed ("" if it did not), kept for every later rep */
  char pkg_dir[PATH_MAX]; /* holds gilbench/ (the twins' package) */
  char mod_dir[PATH_MAX]; /* holds the _gilbench shared module */
} pyst;

const char *gb_cpython_unavailable(void) {
  return NULL;
}
const char *gb_cpython_package_dir(void) {
  return pyst.pkg_dir;
}
const char *gb_cpython_module_dir(void) {
  return pyst.mod_dir;
}

static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Where the package and the shared module are: the source and build trees for a binary in its
 * build tree (edits take effect at once), else beside an installed binary (bin/../share, bin/../lib),
 * else the configured install folders. */
static void py_find_dirs(void) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  size_t bl = strlen(GB_BUILD_DIR);
  snprintf(pyst.pkg_dir, sizeof pyst.pkg_dir, "%s/python", GB_WORKLOADS_INSTALL_DIR);
  snprintf(pyst.mod_dir, sizeof pyst.mod_dir, "%s", GB_PYMOD_BUILD_DIR);
  if (n <= 0) return;
  exe[n] = '\0';
  if (bl > 0 && strncmp(exe, GB_BUILD_DIR, bl) == 0 && exe[bl] == '/') {
    snprintf(pyst.pkg_dir, sizeof pyst.pkg_dir, "%s/python", GB_WORKLOADS_SRC_DIR);
    return;
  }
  char *slash = strrchr(exe, '/');
  if (!slash) return;
  *slash = '\0';
  char cand[PATH_MAX + 64], real[PATH_MAX];
  snprintf(cand, sizeof cand, "%s/../share/gilbench/workloads/python", exe);
  if (realpath(cand, real)) snprintf(pyst.pkg_dir, sizeof pyst.pkg_dir, "%s", real);
  snprintf(cand, sizeof cand, "%s/../%s", exe, GB_PYMOD_INSTALL_REL);
  if (realpath(cand, real)) snprintf(pyst.mod_dir, sizeof pyst.mod_dir, "%s", real);
}

/* Drop the lines of only carets and tildes (3.11+ column markers): room for more frames. */
static void strip_markers(char *s) {
  char *w = s;
  for (char *line = s; *line;) {
    char *nl = strchr(line, '\n');
    size_t n = nl ? (size_t)(nl - line) + 1 : strlen(line);
    size_t m = nl ? n - 1 : n; /* the line without its newline */
    int marker = m > 0 && strspn(line, " ^~") == m && memchr(line, '^', m) != NULL;
    if (!marker) {
      memmove(w, line, n);
      w += n;
    }
    line += n;
  }
  *w = '\0';
}

void gb_cpython_format_error(char *buf, size_t len, const char *artifact) {
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  if (tb && value) PyException_SetTraceback(value, tb);
  char summary[512] = "a Python error with no exception", details[8192] = "";
  /* The runner's CellError carries its own summary line and the worker's traceback. */
  PyObject *s = value ? PyObject_GetAttrString(value, "summary") : NULL;
  PyObject *d = value ? PyObject_GetAttrString(value, "details") : NULL;
  PyErr_Clear();
  if (s && d && PyUnicode_Check(s) && PyUnicode_Check(d)) {
    snprintf(summary, sizeof summary, "%s", PyUnicode_AsUTF8(s));
    snprintf(details, sizeof details, "%s", PyUnicode_AsUTF8(d));
  } else if (value) {
    PyObject *mod = PyImport_ImportModule("traceback");
    PyObject *only = mod ? PyObject_CallMethod(mod, "format_exception_only", "OO", type, value) : NULL;
    PyObject *full =
        mod ? PyObject_CallMethod(mod, "format_exception", "OOO", type, value, tb ? tb : Py_None) : NULL;
    PyObject *sep = PyUnicode_FromString("");
    PyObject *j1 = only && sep ? PyUnicode_Join(sep, only) : NULL;
    PyObject *j2 = full && sep ? PyUnicode_Join(sep, full) : NULL;
    if (j1) snprintf(summary, sizeof summary, "python: %s", PyUnicode_AsUTF8(j1));
    if (j2) snprintf(details, sizeof details, "%s", PyUnicode_AsUTF8(j2));
    Py_XDECREF(mod), Py_XDECREF(only), Py_XDECREF(full), Py_XDECREF(sep), Py_XDECREF(j1), Py_XDECREF(j2);
    PyErr_Clear();
  }
  Py_XDECREF(s), Py_XDECREF(d), Py_XDECREF(type), Py_XDECREF(value), Py_XDECREF(tb);
  summary[strcspn(summary, "\n")] = '\0';
  strip_markers(details);
  /* The first line reads alone on the console; the traceback follows, its tail kept when long
   * (the innermost frames and the exception are at the end), the whole of it in a file. */
  size_t sl = strlen(summary), dl = strlen(details);
  if (sl + 1 + dl < len) {
    bfmt(buf, len, "%s%s%s", summary, dl ? "\n" : "", details);
    return;
  }
  char path[PATH_MAX + 32] = "";
  if (artifact) {
    bfmt(path, sizeof path, "%s.traceback.txt", artifact);
    FILE *f = fopen(path, "w");
    if (!f || fprintf(f, "%s\n%s", summary, details) < 0) path[0] = '\0';
    if (f && fclose(f) != 0) path[0] = '\0';
  }
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  char head[768];
  bfmt(head, sizeof head, "%s\n[... the whole traceback is in %s]\n", summary, base[0] ? base : "no file");
  size_t hl = strlen(head), room = len > hl + 1 ? len - hl - 1 : 0;
  bfmt(buf, len, "%s%s", head, details + (dl > room ? dl - room : 0));
}

/* Start the interpreter (once). 0, or -1 with pyst.failed set. */
static int py_start(void) {
  py_find_dirs();
  char runner[PATH_MAX + 32];
  snprintf(runner, sizeof runner, "%s/gilbench/runner.py", pyst.pkg_dir);
  if (!is_file(runner)) {
    bfmt(pyst.failed, sizeof pyst.failed, "the twins' Python package is missing: no %s", runner);
    return -1;
  }
  if (PyImport_AppendInittab("_gilbench", gb_pymod_init) != 0) {
    snprintf(pyst.failed, sizeof pyst.failed, "cannot register the built-in _gilbench module");
    return -1;
  }
  PyConfig config;
  PyConfig_InitIsolatedConfig(&config); /* no PYTHON* variables, no user site: reproducible */
  config.install_signal_handlers = 0;   /* SIGINT and SIGTERM stay gilbench's */
  config.parse_argv = 0;
  /* Named after the interpreter it embeds: sys.executable is what multiprocessing's spawn runs. */
  PyStatus st = PyConfig_SetBytesString(&config, &config.program_name, GB_PYTHON_EXECUTABLE);
  if (!PyStatus_Exception(st))
    st = PyConfig_SetBytesString(&config, &config.executable, GB_PYTHON_EXECUTABLE);
  if (!PyStatus_Exception(st)) st = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(st)) {
    snprintf(pyst.failed, sizeof pyst.failed, "starting the embedded CPython failed: %s%s%s",
             st.func ? st.func : "", st.func ? ": " : "", st.err_msg ? st.err_msg : "exit requested");
    return -1;
  }
  pyst.started = 1;
  pyst.pid = getpid();
  /* python3 ignores SIGPIPE so that a write to a closed socket raises BrokenPipeError; without its
   * handlers installed, do that here (gilbench's own I/O uses MSG_NOSIGNAL and is unaffected). */
  signal(SIGPIPE, SIG_IGN);
  PyObject *path = PySys_GetObject("path"); /* borrowed */
  PyObject *p1 = PyUnicode_DecodeFSDefault(pyst.mod_dir), *p2 = PyUnicode_DecodeFSDefault(pyst.pkg_dir);
  int bad = !path || !p1 || !p2 || PyList_Insert(path, 0, p1) < 0 || PyList_Insert(path, 0, p2) < 0;
  Py_XDECREF(p1), Py_XDECREF(p2);
  /* The project's virtual environment (scripts/setup.sh --with python-libs: Ray, PySpark), made
   * from this same python3 with the system's packages visible: its site-packages after them. */
  char site[PATH_MAX + 64];
  snprintf(site, sizeof site, "%s/lib/python%d.%d/site-packages", GB_PYTHON_VENV, PY_MAJOR_VERSION,
           PY_MINOR_VERSION);
  const char *venv_dir = GB_PYTHON_VENV;
  if (!bad && venv_dir[0] && is_dir(site)) {
    PyObject *p3 = PyUnicode_DecodeFSDefault(site);
    bad = !p3 || PyList_Append(path, p3) < 0;
    Py_XDECREF(p3);
  }
  PyObject *mod = bad ? NULL : PyImport_ImportModule("gilbench.runner");
  pyst.run_cell = mod ? PyObject_GetAttrString(mod, "run_cell") : NULL;
  Py_XDECREF(mod);
  if (!pyst.run_cell) {
    char e[2048];
    gb_cpython_format_error(e, sizeof e, NULL);
    bfmt(pyst.failed, sizeof pyst.failed, "importing gilbench.runner from %s failed: %s", pyst.pkg_dir, e);
  }
  PyEval_SaveThread(); /* no thread holds the GIL between repetitions */
  return pyst.run_cell ? 0 : -1;
}

int gb_cpython_ensure(char *err, size_t errlen) {
  if (!pyst.started && !pyst.failed[0]) py_start();
  if (pyst.failed[0]) {
    snprintf(err, errlen, "%s", pyst.failed);
    return -1;
  }
  if (pyst.pid != getpid()) {
    /* A child forked by gilbench after the interpreter started (the GIL was free then): make its
     * locks and thread states its own, as os.fork does in a child. */
    PyGILState_STATE gs = PyGILState_Ensure();
    PyOS_AfterFork_Child();
    PyGILState_Release(gs);
    pyst.pid = getpid();
  }
  return 0;
}

/* dict[key] = value, stealing value; -1 when value is NULL or the insert fails. */
static int cpython_set(PyObject *dict, const char *key, PyObject *value) {
  if (!value) return -1;
  int rc = PyDict_SetItemString(dict, key, value);
  Py_DECREF(value);
  return rc;
}

static const char *const py_modes[] = {"twin", "ext", "ext-held", "numpy"};

/* One phase as the runner reads it. */
static PyObject *py_phase(const gb_phase *ph, gb_cpython_cpu cpu) {
  PyObject *d = PyDict_New();
  if (!d) return NULL;
  int bad = 0;
  if (ph->kind == GB_PHASE_CPU) {
    const gb_kernel *k = ph->kernel;
    int idx = 0;
    while (gb_kernels[idx] && gb_kernels[idx] != k)
      idx++;
    PyObject *params = PyDict_New(), *values = PyTuple_New(k->nparams);
    for (int i = 0; params && values && i < k->nparams; i++) {
      bad |= cpython_set(params, k->params[i].name, PyLong_FromLongLong(ph->params.v[i])) < 0;
      PyTuple_SET_ITEM(values, i, PyLong_FromLongLong(ph->params.v[i]));
    }
    int mode = cpu == GB_CPYTHON_PHASES ? (int)ph->python : (int)cpu;
    bad |= cpython_set(d, "kind", PyUnicode_FromString("cpu")) < 0;
    bad |= cpython_set(d, "kernel", PyUnicode_FromString(k->name)) < 0;
    bad |= cpython_set(d, "kernel_index", PyLong_FromLong(idx)) < 0;
    bad |= cpython_set(d, "params", params) < 0;
    bad |= cpython_set(d, "values", values) < 0;
    bad |= cpython_set(d, "python", PyUnicode_FromString(py_modes[mode])) < 0;
  } else {
    bad |= cpython_set(d, "kind", PyUnicode_FromString("io")) < 0;
#ifdef GB__CPY_IO
    const gb_ioop *op = ph->op;
    PyObject *params = PyDict_New();
    for (int i = 0; params && i < op->nparams; i++)
      bad |= cpython_set(params, op->params[i].name, PyLong_FromLongLong(ph->params.v[i])) < 0;
    bad |= cpython_set(d, "op", PyUnicode_FromString(op->name)) < 0;
    bad |= cpython_set(d, "params", params) < 0;
#endif
  }
  if (bad) Py_CLEAR(d);
  return d;
}

/* The repetition as the runner reads it (see run_cell in runner.py). */
PyObject *gb_cpython_desc(const gb_job *job, const char *runner, gb_cpython_cpu cpu) {
  const gb_workload *wl = job->wl;
  PyObject *d = PyDict_New(), *groups = PyList_New(0), *opts = PyDict_New();
  int bad = !d || !groups || !opts;
  for (int g = 0; !bad && g < wl->ngroups; g++) {
    const gb_group *gr = &wl->groups[g];
    PyObject *gd = PyDict_New(), *phases = PyList_New(0);
    bad = !gd || !phases;
    for (int p = 0; !bad && p < gr->nphases; p++) {
      PyObject *ph = py_phase(&gr->phases[p], cpu);
      bad = !ph || PyList_Append(phases, ph) < 0;
      Py_XDECREF(ph);
    }
    bad = bad || cpython_set(gd, "name", PyUnicode_FromString(gr->name)) < 0 ||
          cpython_set(gd, "tasks", PyLong_FromLongLong(gr->tasks)) < 0 ||
          cpython_set(gd, "input_bytes", PyLong_FromLongLong(gr->input_bytes)) < 0 ||
          cpython_set(gd, "output_bytes", PyLong_FromLongLong(gr->output_bytes)) < 0;
    if (!bad) {
      bad = PyDict_SetItemString(gd, "phases", phases) < 0 || PyList_Append(groups, gd) < 0;
    }
    Py_XDECREF(phases);
    Py_XDECREF(gd);
  }
  const gb_strategy *s = job->strategy;
  for (int i = 0; !bad && s && i < s->noptions; i++) {
    const gb_param_def *o = &s->options[i];
    if (o->choices) {
      char w[64];
      gb_param_format(o, job->opts[i], w, sizeof w);
      bad = cpython_set(opts, o->name, PyUnicode_FromString(w)) < 0;
    } else {
      bad = cpython_set(opts, o->name, PyLong_FromLongLong(job->opts[i])) < 0;
    }
  }
  size_t jn = gb_pymod_job_pack(job, NULL, 0);
  char *jb = gb_xmalloc(jn);
  jn = gb_pymod_job_pack(job, jb, jn);
  bad =
      bad || cpython_set(d, "strategy", PyUnicode_FromString(runner)) < 0 ||
      cpython_set(d, "workers", PyLong_FromLong(job->workers)) < 0 ||
      cpython_set(d, "ntasks", PyLong_FromUnsignedLongLong(job->ntasks)) < 0 ||
      cpython_set(d, "chunk", PyLong_FromUnsignedLongLong(job->chunk)) < 0 ||
      cpython_set(d, "schedule",
                  PyUnicode_FromString(job->schedule == GB_SCHED_STATIC ? "static" : "dynamic")) < 0 ||
      cpython_set(d, "executable", PyUnicode_DecodeFSDefault(GB_PYTHON_EXECUTABLE)) < 0 ||
      cpython_set(d, "scratch_dir",
                  job->scratch_dir ? PyUnicode_DecodeFSDefault(job->scratch_dir) : Py_NewRef(Py_None)) < 0 ||
      cpython_set(d, "job", PyBytes_FromStringAndSize(jb, (Py_ssize_t)jn)) < 0 ||
      /* the coordinator's, to make input payloads; procs.py keeps it from worker processes */
      cpython_set(d, "secret", PyLong_FromUnsignedLongLong(gb_run_secret())) < 0 ||
#ifdef GB__CPY_IO
      cpython_set(d, "io_port", PyLong_FromLong(job->io_port)) < 0 ||
#endif
      PyDict_SetItemString(d, "groups", groups) < 0 || PyDict_SetItemString(d, "options", opts) < 0;
  free(jb);
  Py_XDECREF(groups);
  Py_XDECREF(opts);
  if (bad) Py_CLEAR(d);
  return d;
}

/* A library strategy's workers, as the runner saw them run (gilbench/libs.py): one dict per
 * thread that ran chunks, {cpu_s, tasks, pus, latency_ns}, in the order they first answered. The
 * first `workers` of them fill the per-worker figures (a library that used more threads than
 * workers says so in its metrics); latencies all go in. 0, or -1 with an exception. */
static int py_worker_stats(PyObject *stats, const gb_job *job, gb_rep *rep) {
  if (!stats || stats == Py_None) return 0;
  if (!PyList_Check(stats)) {
    PyErr_SetString(PyExc_TypeError, "the runner's worker_stats is not a list");
    return -1;
  }
  for (Py_ssize_t s = 0; s < PyList_GET_SIZE(stats); s++) {
    PyObject *d = PyList_GET_ITEM(stats, s);
    int i = s < job->workers ? (int)s : job->workers - 1;
    gb_worker_out *w = &rep->workers[i];
    PyObject *cpu = PyDict_Check(d) ? PyDict_GetItemString(d, "cpu_s") : NULL;
    PyObject *tasks = PyDict_Check(d) ? PyDict_GetItemString(d, "tasks") : NULL;
    PyObject *pus = PyDict_Check(d) ? PyDict_GetItemString(d, "pus") : NULL;
    PyObject *lat = PyDict_Check(d) ? PyDict_GetItemString(d, "latency_ns") : NULL;
    if (!cpu || !tasks || !pus || !lat || !PyList_Check(pus) || !PyList_Check(lat)) {
      PyErr_SetString(PyExc_ValueError, "a worker_stats entry lacks cpu_s, tasks, pus or latency_ns");
      return -1;
    }
    w->cpu_s += PyFloat_AsDouble(cpu);
    w->tasks += PyLong_AsUnsignedLongLongMask(tasks);
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(pus); k++) {
      long pu = PyLong_AsLong(PyList_GET_ITEM(pus, k));
      if (pu >= 0 && pu < GB_MAX_PUS) w->pus_seen[pu / 64] |= 1ull << (pu % 64);
    }
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(lat); k++)
      gb_hist_add(&w->latency, PyLong_AsUnsignedLongLongMask(PyList_GET_ITEM(lat, k)));
    if (PyErr_Occurred()) return -1;
  }
  return 0;
}

/* Copy the runner's answer into rep. 0, or -1 with a Python exception set. */
static int py_collect(PyObject *res, const gb_job *job, gb_rep *rep) {
  if (!PyDict_Check(res)) {
    PyErr_SetString(PyExc_TypeError, "the runner's answer is not a dict");
    return -1;
  }
  PyObject *cs = PyDict_GetItemString(res, "checksum"), *tasks = PyDict_GetItemString(res, "tasks");
  PyObject *workers = PyDict_GetItemString(res, "workers"), *metrics = PyDict_GetItemString(res, "metrics");
  if (!cs || !tasks || !workers || !PyList_Check(workers) || PyList_GET_SIZE(workers) != job->workers) {
    PyErr_SetString(PyExc_ValueError, "the runner's answer lacks checksum, tasks or one report per worker");
    return -1;
  }
  rep->checksum = (uint64_t)PyLong_AsUnsignedLongLongMask(cs);
  rep->tasks_done = (uint64_t)PyLong_AsUnsignedLongLongMask(tasks);
  if (PyErr_Occurred()) return -1;
  /* The timing contract's four timestamps (CLOCK_MONOTONIC ns, as gb_now_ns): the runner derives
   * the durations from them and checks them against the hooks' own. */
  PyObject *clock = PyDict_GetItemString(res, "clock");
  if (!clock || !PyList_Check(clock) || PyList_GET_SIZE(clock) != 4) {
    PyErr_SetString(PyExc_ValueError, "the runner's answer lacks clock: [create, start, stop, joined] in ns");
    return -1;
  }
  uint64_t *marks[4] = {&rep->t_create_ns, &rep->t_start_ns, &rep->t_stop_ns, &rep->t_joined_ns};
  for (int i = 0; i < 4; i++)
    *marks[i] = (uint64_t)PyLong_AsUnsignedLongLongMask(PyList_GET_ITEM(clock, i));
  if (PyErr_Occurred()) return -1;
  for (int i = 0; i < job->workers; i++) {
    PyObject *b = PyList_GET_ITEM(workers, i);
    if (PyBytes_Check(b) && PyBytes_GET_SIZE(b) == 0) { /* a library's worker: see worker_stats */
      memset(&rep->workers[i], 0, sizeof rep->workers[i]);
      rep->workers[i].bind_held = -1;
      rep->workers[i].bound_pu = -1;
      gb_hist_init(&rep->workers[i].latency);
      rep->no_hooks = 1; /* the timing contract: no begin or end hook to order the clock against */
      continue;
    }
    if (!PyBytes_Check(b) || PyBytes_GET_SIZE(b) != (Py_ssize_t)sizeof(gb_worker_out)) {
      PyErr_Format(PyExc_ValueError, "worker %d's report is not %zu bytes from worker_end", i,
                   sizeof(gb_worker_out));
      return -1;
    }
    memcpy(&rep->workers[i], PyBytes_AS_STRING(b), sizeof(gb_worker_out));
  }
  if (py_worker_stats(PyDict_GetItemString(res, "worker_stats"), job, rep) != 0) return -1;
  PyObject *k, *v;
  Py_ssize_t pos = 0;
  while (metrics && PyDict_Check(metrics) && PyDict_Next(metrics, &pos, &k, &v)) {
    const char *name = PyUnicode_AsUTF8(k);
    double x = PyFloat_AsDouble(v);
    if (!name || PyErr_Occurred()) return -1;
    for (int m = 0; m < rep->nmetrics; m++)
      if (strcmp(rep->metric_defs[m].name, name) == 0) gb_metric_add(rep, name, x);
  }
  return 0;
}

int gb_cpython_run(const gb_job *job, gb_rep *rep, const char *runner, gb_cpython_cpu cpu) {
  char err[1024];
  if (gb_cpython_ensure(err, sizeof err) != 0) return gb_rep_fail(rep, GB_EUNAVAIL, "%s", err);
  PyGILState_STATE gs = PyGILState_Ensure();
  gb_pymod_set_job(job);
  int rc = 0;
  double interval = (double)job->opts[GB_CPYTHON_OPT_SWITCH] * 1e-6;
  PyObject *sys = PyImport_ImportModule("sys");
  PyObject *r0 = sys ? PyObject_CallMethod(sys, "setswitchinterval", "d", interval) : NULL;
  PyObject *desc = r0 ? gb_cpython_desc(job, runner, cpu) : NULL;
  PyObject *res = desc ? PyObject_CallOneArg(pyst.run_cell, desc) : NULL;
  if (!res || py_collect(res, job, rep) != 0) {
    char e[sizeof rep->error];
    gb_cpython_format_error(e, sizeof e, job->artifact_path);
    rc = gb_rep_fail(rep, GB_EIO, "%s", e);
  }
  Py_XDECREF(sys), Py_XDECREF(r0), Py_XDECREF(desc), Py_XDECREF(res);
  gb_pymod_set_job(NULL);
  PyGILState_Release(gs);
  return rc;
}

/* Runs in the embedded interpreter: the sumloop twin's time per bytecode of its loop (FOR_ITER
 * up to the jump back), best of five runs of 200000 iterations, in the thread's CPU time so that
 * other processes on a shared machine do not inflate it. */
static const char bytecode_probe[] =
    "import dis, time\n"
    "from gilbench.kernels import sumloop\n"
    "ins = list(dis.get_instructions(sumloop.run))\n"
    "top = next(i for i, x in enumerate(ins) if x.opname == 'FOR_ITER')\n"
    "back = next(i for i, x in enumerate(ins) if i > top and x.opname.startswith('JUMP') and\n"
    "            isinstance(x.argval, int) and x.argval <= ins[top].offset)\n"
    "per_iter = back - top + 1\n"
    "clock = getattr(time, 'thread_time', time.perf_counter)\n"
    "n, best = 200000, None\n"
    "for _ in range(5):\n"
    "    t = clock(); sumloop.run({'n': n}, 0, b''); t = clock() - t\n"
    "    best = t if best is None or t < best else best\n"
    "ns = best / n / per_iter * 1e9\n";

double gb_cpython_bytecode_ns(int *per_iter, char *why, size_t len) {
  *per_iter = 0;
  if (gb_cpython_ensure(why, len) != 0) return 0;
  PyGILState_STATE gs = PyGILState_Ensure();
  double ns = 0;
  PyObject *globals = PyDict_New(), *r = NULL;
  if (globals && PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) == 0)
    r = PyRun_String(bytecode_probe, Py_file_input, globals, globals);
  PyObject *v = r ? PyDict_GetItemString(globals, "ns") : NULL,
           *k = r ? PyDict_GetItemString(globals, "per_iter") : NULL;
  if (v && k) {
    ns = PyFloat_AsDouble(v);
    *per_iter = (int)PyLong_AsLong(k);
  }
  if (PyErr_Occurred() || !(ns > 0)) {
    char e[1024] = "no figure";
    if (PyErr_Occurred()) gb_cpython_format_error(e, sizeof e, NULL);
    snprintf(why, len, "timing the sumloop twin failed: %.900s", e);
    ns = 0;
  }
  Py_XDECREF(r);
  Py_XDECREF(globals);
  PyGILState_Release(gs);
  return ns;
}

json_t *gb_cpython_meta(void) {
  json_t *m = json_object();
  json_object_set_new(m, "implementation", json_string("CPython"));
  json_object_set_new(m, "version", json_string(PY_VERSION));
  json_object_set_new(m, "version_full", json_string(Py_GetVersion())); /* safe before init */
  json_object_set_new(m, "hexversion", json_integer(PY_VERSION_HEX));
  json_object_set_new(m, "executable", json_string(GB_PYTHON_EXECUTABLE));
  json_object_set_new(m, "build", json_string(Py_GetBuildInfo()));
  json_object_set_new(m, "compiler", json_string(Py_GetCompiler()));
#ifdef Py_GIL_DISABLED
  json_object_set_new(m, "free_threaded", json_true());
  /* The GIL may be back on at run time (PYTHON_GIL=1, or a module without Py_mod_gil): ask the
   * interpreter when it runs; it starts with the first cpython-* repetition. */
  json_t *gil = json_null();
  if (pyst.started && pyst.pid == getpid()) {
    PyGILState_STATE gs = PyGILState_Ensure();
    PyObject *sys = PyImport_ImportModule("sys");
    PyObject *on = sys ? PyObject_CallMethod(sys, "_is_gil_enabled", NULL) : NULL;
    if (on) gil = json_boolean(PyObject_IsTrue(on));
    Py_XDECREF(on), Py_XDECREF(sys);
    PyErr_Clear();
    PyGILState_Release(gs);
  }
  json_object_set_new(m, "gil_enabled", gil);
#else
  json_object_set_new(m, "free_threaded", json_false());
  json_object_set_new(m, "gil_enabled", json_true()); /* a default build always has its GIL */
#endif
  json_object_set_new(m, "subinterpreters_own_gil", json_boolean(PY_VERSION_HEX >= 0x030C0000));
  json_object_set_new(m, "switch_interval_us_default", json_integer(5000));
  json_object_set_new(m, "switch_interval_note",
                      json_string("each cpython-* cell sets its own: options.switch_interval_us"));
  return m;
}

#endif /* GB_HAVE_PYTHON */
