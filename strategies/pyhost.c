/* pyhost.c: Python hosts (see pyhost.h and docs/python-host.md). */
#include "pyhost.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ioop.h"
#include "pymod.h"
#include "strategies.h"

#ifndef GB_HOST_PYTHON
#define GB_HOST_PYTHON "/usr/bin/python3"
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
#ifndef GB_HOOKS_BUILD_DIR
#define GB_HOOKS_BUILD_DIR ""
#endif
#ifndef GB_HOOKS_INSTALL_REL
#define GB_HOOKS_INSTALL_REL "lib/gilbench/python"
#endif

#define GB__MAX_FAMILIES 8
#define GB__STDERR_KEEP (64 * 1024) /* the host's stderr kept in memory (its tail) */

__attribute__((format(printf, 3, 4))) static void pyhost_fmt(char *buf, size_t len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, len, fmt, ap);
  va_end(ap);
}

const gb_metric_def gb_pyhost_metrics[] = {GB_PYHOST_METRIC_DEFS};
const int gb_pyhost_nmetrics = (int)GB_ARRAY_LEN(gb_pyhost_metrics);

/* ---- families ---------------------------------------------------------------------------- */

static gb_pyfamily pyhost_families[GB__MAX_FAMILIES] = {
    {.label = "cpython", .exe = GB_HOST_PYTHON},
    {.label = "pypy", .exe = ""},
    {.label = "jython", .exe = "", .hooks = GB_HOOKS_PARENT, .python2_only = 1},
};
static int nfamilies = 3;

/* The first of the names that is an executable file, in /usr/bin then PATH; "" if none. */
static void pyhost_which(const char *name, char *out, size_t len) {
  char cand[PATH_MAX];
  snprintf(cand, sizeof cand, "/usr/bin/%s", name);
  if (access(cand, X_OK) == 0) {
    snprintf(out, len, "%s", cand);
    return;
  }
  const char *path = getenv("PATH");
  while (path && *path) {
    const char *colon = strchr(path, ':');
    size_t n = colon ? (size_t)(colon - path) : strlen(path);
    if (n > 0 && n < sizeof cand - strlen(name) - 2) {
      pyhost_fmt(cand, sizeof cand, "%.*s/%s", (int)n, path, name);
      if (access(cand, X_OK) == 0) {
        snprintf(out, len, "%s", cand);
        return;
      }
    }
    path = colon ? colon + 1 : NULL;
  }
}

static int cpython_exe_given; /* cpython.exe was set: the project's venv does not replace it */

gb_pyfamily *gb_pyfamily_find(const char *label) {
  for (int i = 0; i < nfamilies; i++)
    if (strcmp(pyhost_families[i].label, label) == 0) {
      gb_pyfamily *f = &pyhost_families[i];
      /* The project's virtual environment (scripts/setup.sh --with python-libs: Ray, PySpark) is
       * the same python3 binary with more packages visible: the CPython host runs it when it
       * exists, so the library strategies and their baseline run in one interpreter. */
      const char *venv = gb_cpython_venv_python();
      if (i == 0 && !cpython_exe_given && venv && strcmp(f->exe, GB_HOST_PYTHON) == 0)
        snprintf(f->exe, sizeof f->exe, "%s", venv);
      if (!f->exe[0] && strcmp(label, "pypy") == 0) pyhost_which("pypy3", f->exe, sizeof f->exe);
      if (!f->exe[0] && strcmp(label, "jython") == 0) pyhost_which("jython", f->exe, sizeof f->exe);
      return f;
    }
  return NULL;
}

int gb_pyhost_set_exe(const char *key, const char *value, int *rc, char *err, size_t errlen) {
  const char *dot = strchr(key, '.');
  if (!dot || strcmp(dot, ".exe") != 0) return 0;
  char label[GB_PYFAMILY_LABEL_MAX + 2]; /* one more: a longer prefix matches no family */
  pyhost_fmt(label, sizeof label, "%.*s", (int)(dot - key), key);
  gb_pyfamily *f = gb_pyfamily_find(label);
  if (!f) return 0;
  if (f == &pyhost_families[0]) cpython_exe_given = 1;
  *rc = 0;
  if (!value[0] || strlen(value) >= sizeof f->exe) {
    snprintf(err, errlen, "%s: expected the path of an interpreter", key);
    *rc = -1;
  } else {
    snprintf(f->exe, sizeof f->exe, "%s", value);
  }
  return 1;
}

/* ---- dynamic strategies (--python LABEL=PATH) --------------------------------------------- */

typedef struct dynstrat {
  gb_strategy s; /* first: job->strategy points here */
  gb_pyfamily *family;
  const char *runner;
  gb_cpython_cpu cpu;
  char name[GB_PYFAMILY_LABEL_MAX + 16];                /* LABEL-subinterp, the longest suffix */
  char baseline[GB_PYFAMILY_LABEL_MAX + 16];            /* LABEL-serial */
  char summary[GB_PYFAMILY_LABEL_MAX + PATH_MAX + 128]; /* LABEL (PATH): a kind's summary */
} dynstrat;

/* A family's strategies: suffix, runner, CPU mode, capabilities, summary. */
static const struct {
  const char *suffix, *runner;
  gb_cpython_cpu cpu;
  unsigned caps;
  const char *summary;
} kinds[] = {
    {"serial", "serial", GB_CPYTHON_PHASES, GB_CAP_ONE_WORKER,
     "one thread, tasks in order (the family's baseline)"},
    {"threads", "threads", GB_CPYTHON_PHASES, GB_CAP_PARALLEL_CPU | GB_CAP_SHARED_MEMORY,
     "threading workers under the interpreter's own lock (if any)"},
    {"processes", "processes", GB_CPYTHON_PHASES, GB_CAP_PARALLEL_CPU,
     "a multiprocessing.Pool, payloads pickled"},
    {"asyncio", "asyncio", GB_CPYTHON_PHASES, GB_CAP_SHARED_MEMORY | GB_CAP_OVERLAPS_IO,
     "one asyncio loop per worker thread"},
    {"ext", "threads", GB_CPYTHON_EXT, GB_CAP_PARALLEL_CPU | GB_CAP_SHARED_MEMORY,
     "threads calling the C kernel through ctypes.CDLL (lock released)"},
    {"ext-held", "threads", GB_CPYTHON_EXT_HELD, GB_CAP_SHARED_MEMORY,
     "threads calling the C kernel through ctypes.PyDLL (lock held)"},
    {"subinterp", "subinterp", GB_CPYTHON_PHASES, GB_CAP_PARALLEL_CPU | GB_CAP_SHARED_MEMORY,
     "sub-interpreters (need the embedded C API)"},
};
#define GB__NKINDS ((int)GB_ARRAY_LEN(kinds))
#define GB__MAX_DYN (GB__MAX_FAMILIES * GB__NKINDS)

static dynstrat dyn[GB__MAX_DYN];
static int ndyn;

static const char *dyn_why(int n) {
  dynstrat *d = &dyn[n];
  return gb_pyhost_unavailable(d->family, d->runner, d->cpu);
}
/* One argument-less unavailable() per slot (the descriptor's signature takes no context). */
/* A list of 56 slots, which clang-format 14 reflows differently on every pass. */
// clang-format off
#define GB__SLOTS(X)                                                                               \
  X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13)                     \
  X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24) X(25) X(26) X(27)           \
  X(28) X(29) X(30) X(31) X(32) X(33) X(34) X(35) X(36) X(37) X(38) X(39) X(40) X(41)           \
  X(42) X(43) X(44) X(45) X(46) X(47) X(48) X(49) X(50) X(51) X(52) X(53) X(54) X(55)
// clang-format on
#define GB__SLOT_FN(n)                                                                                       \
  static const char *dyn_unavail_##n(void) {                                                                 \
    return dyn_why(n);                                                                                       \
  }
GB__SLOTS(GB__SLOT_FN)
#define GB__SLOT_PTR(n) dyn_unavail_##n,
static const char *(*const dyn_unavail[])(void) = {GB__SLOTS(GB__SLOT_PTR)};
_Static_assert(GB_ARRAY_LEN(dyn_unavail) == GB__MAX_DYN, "one unavailable() per dynamic strategy");

static int dyn_run(const gb_job *job, gb_rep *rep) {
  const dynstrat *d = (const dynstrat *)job->strategy;
  return gb_pyhost_run(job, rep, d->family, d->runner, d->cpu);
}

static const gb_param_def dyn_options[] = {
    GB_CPYTHON_SWITCH_OPTION,
    {.name = "start",
     .help = "how multiprocessing starts the workers (processes only)",
     .def = 0,
     .min = 0,
     .max = 1,
     .choices = "fork|spawn"},
    GB_PYHOST_OPTIONS,
};

/* 1 when l is a family label: 1 to GB_PYFAMILY_LABEL_MAX of [A-Za-z0-9._+-], starting with a
 * letter or digit (the label field holds exactly that many). */
static int label_ok(const char *l) {
  size_t n = strlen(l);
  if (n < 1 || n > GB_PYFAMILY_LABEL_MAX || !isalnum((unsigned char)l[0])) return 0;
  for (size_t i = 1; i < n; i++)
    if (!isalnum((unsigned char)l[i]) && !strchr("._+-", l[i])) return 0;
  return 1;
}

/* The registered strategy a family labelled label would clash with (its name, or one of the names
 * the family would add), or NULL. */
static const char *label_clash(const char *label) {
  for (int i = 0; gb_strategies[i]; i++) {
    const gb_strategy *s = gb_strategies[i];
    if (strcmp(s->name, label) == 0) return s->name;
    for (int k = 0; k < GB__NKINDS; k++) {
      char name[160];
      snprintf(name, sizeof name, "%s-%s", label, kinds[k].suffix);
      if (strcmp(s->name, name) == 0) return s->name;
    }
  }
  return NULL;
}

/* Why --python SPEC (LABEL=PATH) cannot add a family: a label not of the name set, a family
 * already known, a clash with a strategy's name, or no room. 1 with err, or 0 when it can. */
static int add_refused(const char *spec, const char *label, const char *path, char *err, size_t errlen) {
  if (!label_ok(label)) {
    snprintf(err, errlen,
             "--python %s: the label '%s' must be 1-%d of [A-Za-z0-9._+-], starting with a letter or digit",
             spec, label, GB_PYFAMILY_LABEL_MAX);
    return 1;
  }
  gb_pyfamily *had = gb_pyfamily_find(label);
  if (had) {
    snprintf(err, errlen, "--python %s: '%s' is %s", spec, label,
             had->user ? "given twice" : "a built-in family (use --set LABEL.exe=PATH)");
    return 1;
  }
  const char *clash = label_clash(label); /* a strategy's name, or one the family would add */
  if (clash) {
    snprintf(err, errlen, "--python %s: '%s' clashes with the strategy '%s'", spec, label, clash);
    return 1;
  }
  if (nfamilies >= GB__MAX_FAMILIES || strlen(path) >= PATH_MAX) {
    snprintf(err, errlen, "--python %s: at most %d interpreters, paths under %d bytes", spec,
             GB__MAX_FAMILIES - 3, PATH_MAX);
    return 1;
  }
  return 0;
}

/* Register family f's strategy of kind k (LABEL-serial, LABEL-threads, ...). 0, or -1 with err. */
static int add_kind(gb_pyfamily *f, int k, const char *spec, char *err, size_t errlen) {
  dynstrat *d = &dyn[ndyn];
  snprintf(d->name, sizeof d->name, "%s-%s", f->label, kinds[k].suffix);
  snprintf(d->baseline, sizeof d->baseline, "%s-serial", f->label);
  snprintf(d->summary, sizeof d->summary, "%s (%s): %s", f->label, f->exe, kinds[k].summary);
  d->family = f;
  d->runner = kinds[k].runner;
  d->cpu = kinds[k].cpu;
  d->s = (gb_strategy){.name = d->name,
                       .family = f->label,
                       .summary = d->summary,
                       .caps = kinds[k].caps,
                       .baseline = d->baseline,
                       .cpu_cost = d->cpu == GB_CPYTHON_PHASES ? GB_CPYTHON_TWIN_COST : 0,
                       .options = dyn_options,
                       .noptions = (int)GB_ARRAY_LEN(dyn_options),
                       .metrics = gb_pyhost_metrics,
                       .nmetrics = (int)GB_ARRAY_LEN(gb_pyhost_metrics),
                       .unavailable = dyn_unavail[ndyn],
                       .run = dyn_run};
  if (gb_strategy_add(&d->s) != 0) {
    snprintf(err, errlen, "--python %s: too many strategies", spec);
    return -1;
  }
  ndyn++;
  return 0;
}

int gb_pyhost_add(const char *spec, char *err, size_t errlen) {
  const char *eq = strchr(spec, '=');
  if (!eq || eq == spec || !eq[1]) {
    snprintf(err, errlen, "--python %s: expected LABEL=PATH", spec);
    return -1;
  }
  char label[GB_PYFAMILY_LABEL_MAX + 16]; /* a longer one is cut, and refused by label_ok */
  pyhost_fmt(label, sizeof label, "%.*s",
             (int)(eq - spec) < GB_PYFAMILY_LABEL_MAX + 6 ? (int)(eq - spec) : GB_PYFAMILY_LABEL_MAX + 6,
             spec);
  const char *path = eq + 1;
  gb_pyfamily *had = label_ok(label) ? gb_pyfamily_find(label) : NULL;
  if (had && had->user && strcmp(had->exe, path) == 0) return 0; /* the same suite read again */
  if (add_refused(spec, label, path, err, errlen)) return -1;
  gb_pyfamily *f = &pyhost_families[nfamilies++];
  memset(f, 0, sizeof *f);
  pyhost_fmt(f->label, sizeof f->label, "%s", label); /* label_ok: at most GB_PYFAMILY_LABEL_MAX */
  snprintf(f->exe, sizeof f->exe, "%s", path);
  f->user = 1;
  /* Jython through --python: its hooks come from gilbench too. */
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  if (strncmp(base, "jython", 6) == 0) f->hooks = GB_HOOKS_PARENT;
  for (int k = 0; k < GB__NKINDS; k++)
    if (add_kind(f, k, spec, err, errlen) != 0) return -1;
  return 0;
}

/* ---- where the host's files are ------------------------------------------------------------- */

static int is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The host script (gbhost.py, beside the gilbench package) and libgbhooks.so: the source and build
 * trees for a binary in its build tree, else beside an installed binary, else the configured
 * install folders. */
static void host_files(char *script, size_t slen, char *lib, size_t llen) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  size_t bl = strlen(GB_BUILD_DIR);
  pyhost_fmt(script, slen, "%s/python/gbhost.py", GB_WORKLOADS_INSTALL_DIR);
  pyhost_fmt(lib, llen, "%s/libgbhooks.so", GB_HOOKS_BUILD_DIR);
  if (n <= 0) return;
  exe[n] = '\0';
  if (bl > 0 && strncmp(exe, GB_BUILD_DIR, bl) == 0 && exe[bl] == '/') {
    pyhost_fmt(script, slen, "%s/python/gbhost.py", GB_WORKLOADS_SRC_DIR);
    return;
  }
  char *slash = strrchr(exe, '/');
  if (!slash) return;
  *slash = '\0';
  char cand[PATH_MAX + 64], real[PATH_MAX];
  pyhost_fmt(cand, sizeof cand, "%s/../share/gilbench/workloads/python/gbhost.py", exe);
  if (realpath(cand, real)) pyhost_fmt(script, slen, "%s", real);
  pyhost_fmt(cand, sizeof cand, "%s/../%s/libgbhooks.so", exe, GB_HOOKS_INSTALL_REL);
  if (realpath(cand, real)) pyhost_fmt(lib, llen, "%s", real);
}

/* ---- probing an interpreter ---------------------------------------------------------------- */

typedef struct pyhost_probe {
  int done;
  json_t *info; /* the ready line's "python", or NULL when the probe failed */
  char why[512];
} pyhost_probe;
static pyhost_probe probes[GB__MAX_FAMILIES];

static int host_spawn(const gb_pyfamily *f, const char *script, pid_t *pid, int fds[3], char *err,
                      size_t errlen);
static int read_line(int fd, char *buf, size_t len, double deadline);

/* Ask the interpreter what it is (a host with a probe plan), once per family and process. */
static const pyhost_probe *probe_family(gb_pyfamily *f) {
  pyhost_probe *p = &probes[f - pyhost_families];
  if (p->done) return p;
  p->done = 1;
  char script[PATH_MAX], lib[PATH_MAX];
  host_files(script, sizeof script, lib, sizeof lib);
  pid_t pid;
  int fds[3];
  if (host_spawn(f, script, &pid, fds, p->why, sizeof p->why) != 0) return p;
  static const char probe[] = "{\"probe\": true}\n";
  if (write(fds[0], probe, sizeof probe - 1) < 0) { /* a dead host: the read below says so */
  }
  char line[16384];
  int got = read_line(fds[1], line, sizeof line, gb_now_s() + 60.0);
  json_t *msg = got > 0 ? json_loads(line, 0, NULL) : NULL;
  json_t *info = json_object_get(msg, "python");
  if (json_is_object(info)) {
    p->info = json_incref(info);
  } else {
    char tail[256] = "";
    ssize_t k = read(fds[2], tail, sizeof tail - 1);
    tail[k > 0 ? k : 0] = '\0';
    pyhost_fmt(p->why, sizeof p->why, "%s (%s) did not answer a probe: %s", f->label, f->exe,
               tail[0] ? tail : "no output");
  }
  json_decref(msg);
  for (int i = 0; i < 3; i++)
    close(fds[i]);
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  return p;
}

const char *gb_pyhost_unavailable(gb_pyfamily *f, const char *runner, gb_cpython_cpu cpu) {
  static _Thread_local char why[768];
  if (!f->exe[0] || access(f->exe, X_OK) != 0) {
    const char *pkg = strcmp(f->label, "pypy") == 0     ? " (scripts/setup.sh --with pythons installs pypy3)"
                      : strcmp(f->label, "jython") == 0 ? " (scripts/setup.sh --with pythons installs jython)"
                                                        : "";
    if (f->exe[0])
      pyhost_fmt(why, sizeof why, "no %s interpreter: %s is not an executable file%s", f->label, f->exe, pkg);
    else
      pyhost_fmt(why, sizeof why, "no %s interpreter: none found in /usr/bin or PATH%s", f->label, pkg);
    return why;
  }
  if (strcmp(runner, "subinterp") == 0) {
    pyhost_fmt(why, sizeof why,
               "sub-interpreters need gilbench to embed the interpreter's C API; %s runs as a child process",
               f->label);
    return why;
  }
  if (f->python2_only && strcmp(runner, "asyncio") == 0) {
    pyhost_fmt(why, sizeof why, "asyncio does not exist in Python 2.7 (%s)", f->label);
    return why;
  }
  if (f->hooks == GB_HOOKS_PARENT && cpu != GB_CPYTHON_PHASES) {
    pyhost_fmt(why, sizeof why, "%s cannot load a C library (no ctypes): no C kernels from Python", f->label);
    return why;
  }
  if (f->user &&
      (strcmp(runner, "asyncio") == 0 || strcmp(runner, "processes") == 0 || cpu == GB_CPYTHON_EXT_HELD)) {
    const pyhost_probe *p = probe_family(f);
    if (!p->info) return p->why;
    const char *v = json_string_value(json_object_get(p->info, "version"));
    if (strcmp(runner, "asyncio") == 0 && v &&
        (v[0] < '3' || (v[0] == '3' && v[1] == '.' && atoi(v + 2) < 7))) {
      pyhost_fmt(why, sizeof why, "the asyncio runner needs Python 3.7+; %s is Python %s", f->label, v);
      return why;
    }
    if (strcmp(runner, "processes") == 0 && v &&
        (v[0] < '3' || (v[0] == '3' && v[1] == '.' && atoi(v + 2) < 4))) {
      pyhost_fmt(why, sizeof why,
                 "the processes runner needs multiprocessing contexts (Python 3.4+); %s is Python %s",
                 f->label, v);
      return why;
    }
    if (cpu == GB_CPYTHON_EXT_HELD && !json_is_true(json_object_get(p->info, "pydll"))) {
      pyhost_fmt(why, sizeof why, "%s's ctypes has no PyDLL: no way to call C with its lock held", f->label);
      return why;
    }
  }
  return NULL;
}

/* ---- the host process ------------------------------------------------------------------------ */

/* Start EXE [flags] SCRIPT with pipes on its stdin, stdout and stderr (fds: our ends). */
static int host_spawn(const gb_pyfamily *f, const char *script, pid_t *pid, int fds[3], char *err,
                      size_t errlen) {
  if (!is_file(script)) {
    snprintf(err, errlen, "the Python host script is missing: no %s", script);
    return -1;
  }
  int in[2], out[2], er[2];
  if (pipe2(in, O_CLOEXEC) != 0) return snprintf(err, errlen, "pipe: %s", strerror(errno)), -1;
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]), close(in[1]);
    return snprintf(err, errlen, "pipe: %s", strerror(errno)), -1;
  }
  if (pipe2(er, O_CLOEXEC) != 0) {
    close(in[0]), close(in[1]), close(out[0]), close(out[1]);
    return snprintf(err, errlen, "pipe: %s", strerror(errno)), -1;
  }
  /* A host that dies before reading its plan must not take gilbench with it: EPIPE, not SIGPIPE
   * (gilbench's sockets use MSG_NOSIGNAL; the embedded interpreter ignores SIGPIPE too). */
  signal(SIGPIPE, SIG_IGN);
  pid_t parent = getpid();
  fflush(NULL);
  pid_t p = fork();
  if (p < 0) {
    close(in[0]), close(in[1]), close(out[0]), close(out[1]), close(er[0]), close(er[1]);
    return snprintf(err, errlen, "fork: %s", strerror(errno)), -1;
  }
  if (p == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* a host never outlives the gilbench that started it */
    if (getppid() != parent) _exit(127);
    dup2(in[0], 0), dup2(out[1], 1), dup2(er[1], 2);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    const char *argv[6];
    int a = 0;
    argv[a++] = f->exe;
    if (f->hooks != GB_HOOKS_PARENT) { /* Jython takes neither */
      argv[a++] = "-E";                /* no PYTHON* variables: reproducible, as the embedded one */
      argv[a++] = "-s";                /* no user site */
    }
    argv[a++] = script;
    argv[a] = NULL;
    execv(f->exe, (char *const *)argv);
    dprintf(2, "gilbench: cannot run %s: %s\n", f->exe, strerror(errno));
    _exit(127);
  }
  close(in[0]), close(out[1]), close(er[1]);
  fds[0] = in[1];
  fds[1] = out[0];
  fds[2] = er[0];
  *pid = p;
  return 0;
}

/* One line from fd (a blocking read, byte by byte: for the probe only). Its length, 0 at end of
 * file, -1 on error or timeout. */
static int read_line(int fd, char *buf, size_t len, double deadline) {
  size_t n = 0;
  while (n + 1 < len) {
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    double left = deadline - gb_now_s();
    if (left <= 0 || poll(&pf, 1, (int)(left * 1000) + 1) <= 0) return -1;
    char c;
    ssize_t k = read(fd, &c, 1);
    if (k <= 0) break;
    if (c == '\n') break;
    buf[n++] = c;
  }
  buf[n] = '\0';
  return (int)n;
}

/* ---- one repetition ------------------------------------------------------------------------ */

/* A phase as the runner reads it: its kind, its kernel (index, values, Python mode) or op, and its
 * parameters by name. */
static json_t *plan_phase(const gb_phase *ph, gb_cpython_cpu cpu) {
  static const char *const modes[] = {"twin", "ext", "ext-held", "numpy"};
  json_t *d = json_object(), *params = json_object();
  if (ph->kind == GB_PHASE_CPU) {
    const gb_kernel *k = ph->kernel;
    int idx = 0;
    while (gb_kernels[idx] && gb_kernels[idx] != k)
      idx++;
    json_t *values = json_array();
    for (int i = 0; i < k->nparams; i++) {
      json_object_set_new(params, k->params[i].name, json_integer(ph->params.v[i]));
      json_array_append_new(values, json_integer(ph->params.v[i]));
    }
    int mode = cpu == GB_CPYTHON_PHASES ? (int)ph->python : (int)cpu;
    json_object_set_new(d, "kind", json_string("cpu"));
    json_object_set_new(d, "kernel", json_string(k->name));
    json_object_set_new(d, "kernel_index", json_integer(idx));
    json_object_set_new(d, "values", values);
    json_object_set_new(d, "python", json_string(modes[mode]));
  } else {
    const gb_ioop *op = ph->op;
    for (int i = 0; i < op->nparams; i++)
      json_object_set_new(params, op->params[i].name, json_integer(ph->params.v[i]));
    json_object_set_new(d, "kind", json_string("io"));
    json_object_set_new(d, "op", json_string(op->name));
  }
  json_object_set_new(d, "params", params);
  return d;
}

/* The workload's groups: name, tasks, payload sizes and phases. */
static json_t *plan_groups(const gb_workload *wl, gb_cpython_cpu cpu) {
  json_t *groups = json_array();
  for (int g = 0; g < wl->ngroups; g++) {
    const gb_group *gr = &wl->groups[g];
    json_t *phases = json_array();
    for (int p = 0; p < gr->nphases; p++)
      json_array_append_new(phases, plan_phase(&gr->phases[p], cpu));
    json_array_append_new(groups, json_pack("{s:s,s:I,s:I,s:I,s:o}", "name", gr->name, "tasks",
                                            (json_int_t)gr->tasks, "input_bytes", (json_int_t)gr->input_bytes,
                                            "output_bytes", (json_int_t)gr->output_bytes, "phases", phases));
  }
  return groups;
}

/* The strategy's options by name: choices as their words, the others as integers. */
static json_t *plan_options(const gb_job *job) {
  json_t *opts = json_object();
  const gb_strategy *s = job->strategy;
  for (int i = 0; s && i < s->noptions; i++) {
    const gb_param_def *o = &s->options[i];
    char w[64];
    gb_param_format(o, job->opts[i], w, sizeof w);
    json_object_set_new(opts, o->name, o->choices ? json_string(w) : json_integer(job->opts[i]));
  }
  return opts;
}

/* The job as gb_pymod_job_pack packs it, in hex. Malloc'd. */
static char *plan_job_hex(const gb_job *job) {
  size_t jn = gb_pymod_job_pack(job, NULL, 0);
  unsigned char *jb = gb_xmalloc(jn);
  jn = gb_pymod_job_pack(job, jb, jn);
  char *hex = gb_xmalloc(jn * 2 + 1);
  for (size_t i = 0; i < jn; i++)
    sprintf(hex + 2 * i, "%02x", jb[i]);
  free(jb);
  return hex;
}

/* The repetition as the runner reads it (gb_cpython_desc's twin, in JSON). */
static json_t *pyhost_plan(const gb_job *job, const gb_pyfamily *f, const char *runner, gb_cpython_cpu cpu,
                           const char *lib) {
  const gb_strategy *s = job->strategy;
  char *hex = plan_job_hex(job);
  int wi = gb_param_find(s->options, s->noptions, "warmup_tasks");
  char hooks[PATH_MAX + 16];
  if (f->hooks == GB_HOOKS_PARENT)
    snprintf(hooks, sizeof hooks, "parent");
  else
    pyhost_fmt(hooks, sizeof hooks, "ctypes:%s", lib);
  char secret[17]; /* the coordinator's, as hex (JSON integers stop at 2^63) */
  snprintf(secret, sizeof secret, "%016llx", (unsigned long long)gb_run_secret());
  json_t *d = json_pack(
      "{s:s,s:s,s:i,s:I,s:I,s:s,s:s,s:o,s:s,s:i,s:o,s:o,s:s,s:I}", "strategy", runner, "secret", secret,
      "workers", job->workers, "ntasks", (json_int_t)job->ntasks, "chunk", (json_int_t)job->chunk, "schedule",
      job->schedule == GB_SCHED_STATIC ? "static" : "dynamic", "executable", f->exe, "scratch_dir",
      job->scratch_dir ? json_string(job->scratch_dir) : json_null(), "job", hex, "io_port", job->io_port,
      "groups", plan_groups(job->wl, cpu), "options", plan_options(job), "hooks", hooks, "warmup_tasks",
      (json_int_t)(wi >= 0 ? job->opts[wi] : 0));
  free(hex);
  return d;
}

/* What gilbench keeps of a running host. */
typedef struct pyhost_host {
  pid_t pid;
  int fds[3]; /* its stdin (ours to write), stdout, stderr */
  char *err;  /* its stderr (the tail past GB__STDERR_KEEP) */
  size_t errlen, errdropped;
  char *line; /* its stdout, up to the next newline */
  size_t linelen, linecap;
  /* Parent hooks: per worker, the thread and its CPU time at begin. */
  int tid[GB_MAX_WORKERS];
  double cpu0[GB_MAX_WORKERS];
} pyhost_host;

static void keep_stderr(pyhost_host *h, const char *buf, size_t n) {
  if (!h->err) h->err = gb_xmalloc(GB__STDERR_KEEP + 1);
  if (n >= GB__STDERR_KEEP) {
    h->errdropped += h->errlen + n - GB__STDERR_KEEP;
    memcpy(h->err, buf + n - GB__STDERR_KEEP, GB__STDERR_KEEP);
    h->errlen = GB__STDERR_KEEP;
  } else {
    if (h->errlen + n > GB__STDERR_KEEP) {
      size_t drop = h->errlen + n - GB__STDERR_KEEP;
      memmove(h->err, h->err + drop, h->errlen - drop);
      h->errlen -= drop;
      h->errdropped += drop;
    }
    memcpy(h->err + h->errlen, buf, n);
    h->errlen += n;
  }
  h->err[h->errlen] = '\0';
}

/* A thread's CPU time (s) and last PU from /proc/PID/task/TID/stat; -1 when it is not there. */
static int thread_stat(pid_t pid, int tid, double *cpu_s, int *pu) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, tid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = '\0';
  char *p = strrchr(buf, ')'); /* the command may hold spaces and parentheses */
  if (!p) return -1;
  /* Fields from 3 (state) on; utime is 14, stime 15, processor 39. */
  unsigned long long ut = 0, st = 0;
  long proc = -1;
  int field = 2;
  for (char *tok = strtok(p + 1, " "); tok; tok = strtok(NULL, " ")) {
    field++;
    if (field == 14) ut = strtoull(tok, NULL, 10);
    if (field == 15) st = strtoull(tok, NULL, 10);
    if (field == 39) {
      proc = strtol(tok, NULL, 10);
      break;
    }
  }
  if (field < 39) return -1;
  *cpu_s = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
  *pu = (int)proc;
  return 0;
}

static int pyhost_send(pyhost_host *h, json_t *msg) {
  char *s = json_dumps(msg, JSON_COMPACT);
  size_t n = strlen(s);
  s[n] = '\n'; /* json_dumps's terminator becomes the newline */
  size_t off = 0;
  while (off < n + 1) {
    ssize_t k = write(h->fds[0], s + off, n + 1 - off);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    off += (size_t)k;
  }
  free(s);
  return off == n + 1 ? 0 : -1;
}

/* A begin or end message of parent hooks: act on it, then answer. 0, or -1 with err. */
static int parent_hook(pyhost_host *h, const gb_job *job, gb_rep *rep, json_t *msg, char *err,
                       size_t errlen) {
  const char *ev = json_string_value(json_object_get(msg, "ev"));
  json_int_t w = json_integer_value(json_object_get(msg, "worker"));
  json_int_t tid = json_integer_value(json_object_get(msg, "tid"));
  if (w < 0 || w >= job->workers || tid <= 0) {
    snprintf(err, errlen, "the host sent a %s for worker %lld, thread %lld", ev, (long long)w,
             (long long)tid);
    return -1;
  }
  gb_worker_out *o = &rep->workers[w];
  double cpu;
  int pu;
  if (thread_stat(h->pid, (int)tid, &cpu, &pu) != 0) {
    snprintf(err, errlen, "worker %lld's thread %lld is not one of the host's (no /proc/%d/task/%lld)",
             (long long)w, (long long)tid, (int)h->pid, (long long)tid);
    return -1;
  }
  if (strcmp(ev, "begin") == 0) {
    h->tid[w] = (int)tid;
    o->bound_pu = -1;
    o->bind_held = -1;
    if (job->bind_pus && job->bind_pus[w] >= 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(job->bind_pus[w], &set);
      o->bound_pu = job->bind_pus[w];
      o->bind_held = sched_setaffinity((pid_t)tid, sizeof set, &set) == 0;
    }
    thread_stat(h->pid, (int)tid, &cpu, &pu);
    h->cpu0[w] = cpu;
    /* The thread waits for this answer: the PU it last ran on predates the binding. */
    if (o->bound_pu >= 0) pu = -1;
  } else {
    if (h->tid[w] != (int)tid) {
      snprintf(err, errlen, "worker %lld ended on thread %lld, began on %d", (long long)w, (long long)tid,
               h->tid[w]);
      return -1;
    }
    o->cpu_s = cpu - h->cpu0[w];
    o->tasks = (uint64_t)json_integer_value(json_object_get(msg, "tasks"));
    json_t *lat = json_object_get(msg, "latency_ns"), *v;
    size_t i;
    gb_hist_init(&o->latency);
    json_array_foreach(lat, i, v) gb_hist_add(&o->latency, (uint64_t)json_integer_value(v));
    o->io_errors = (uint64_t)json_integer_value(json_object_get(msg, "io_errors"));
    const char *e = json_string_value(json_object_get(msg, "io_error"));
    snprintf(o->io_error, sizeof o->io_error, "%s", e ? e : "");
  }
  if (pu >= 0 && pu < GB_MAX_PUS) o->pus_seen[pu / 64] |= 1ull << (pu % 64);
  if (o->bound_pu >= 0 && pu >= 0 && pu != o->bound_pu) o->bind_held = 0;
  json_t *ack = json_pack("{s:O}", "ack", json_object_get(msg, "seq"));
  int rc = pyhost_send(h, ack);
  json_decref(ack);
  if (rc != 0) snprintf(err, errlen, "cannot answer the host: %s", strerror(errno));
  return rc;
}

/* The timing contract's four marks, taken by the host's runner on the same monotonic clock
 * (time.monotonic_ns: CLOCK_MONOTONIC, as gb_now_ns). 0, or -1 with err. */
static int collect_clock(json_t *res, gb_rep *rep, char *err, size_t errlen) {
  json_t *clock = json_object_get(res, "clock");
  if (!json_is_array(clock) || json_array_size(clock) != 4)
    return snprintf(err, errlen, "the host's result lacks clock: [create, start, stop, joined] in ns"), -1;
  uint64_t *marks[4] = {&rep->t_create_ns, &rep->t_start_ns, &rep->t_stop_ns, &rep->t_joined_ns};
  for (int i = 0; i < 4; i++)
    *marks[i] = (uint64_t)json_integer_value(json_array_get(clock, (size_t)i));
  return 0;
}

/* Each worker's report, its gb_worker_out from libgbhooks in hex, into rep->workers. 0, or -1 with
 * err. */
static int collect_workers(json_t *res, const gb_job *job, gb_rep *rep, const gb_pyfamily *f, char *err,
                           size_t errlen) {
  /* Hooks supplied from outside (Jython: its clock is not the monotonic one, and the runner's start
   * line orders each worker's begin before the clock): only the marks' own order is checked; the
   * workers were filled by parent_hook and are checked by the caller. */
  if (f->hooks == GB_HOOKS_PARENT) {
    rep->no_hooks = 1;
    return 0;
  }
  json_t *workers = json_object_get(res, "workers");
  for (int i = 0; i < job->workers; i++) {
    const char *hex = json_string_value(json_array_get(workers, (size_t)i));
    size_t n = hex ? strlen(hex) : 0;
    if (n == 0 && json_is_array(json_object_get(res, "worker_stats"))) { /* a library's worker */
      rep->no_hooks = 1; /* the timing contract: no begin or end hook to order the clock against */
      memset(&rep->workers[i], 0, sizeof rep->workers[i]);
      rep->workers[i].bind_held = -1;
      rep->workers[i].bound_pu = -1;
      gb_hist_init(&rep->workers[i].latency);
      continue;
    }
    if (n != 2 * sizeof(gb_worker_out))
      return snprintf(err, errlen,
                      "worker %d's report is %zu hex digits, not %zu (a worker_end of another "
                      "build of libgbhooks?)",
                      i, n, 2 * sizeof(gb_worker_out)),
             -1;
    unsigned char *o = (unsigned char *)&rep->workers[i];
    for (size_t k = 0; k < sizeof(gb_worker_out); k++) {
      unsigned v;
      if (sscanf(hex + 2 * k, "%2x", &v) != 1)
        return snprintf(err, errlen, "worker %d's report is not hex", i), -1;
      o[k] = (unsigned char)v;
    }
  }
  return 0;
}

/* A library strategy's workers, as its chunks reported them (gilbench/libs.py): the first
 * `workers` threads fill the per-worker figures, any more add to the last; latencies all go in. */
static void collect_lib_workers(json_t *res, const gb_job *job, gb_rep *rep) {
  json_t *stats = json_object_get(res, "worker_stats"), *ws;
  size_t si;
  json_array_foreach(stats, si, ws) {
    gb_worker_out *w = &rep->workers[si < (size_t)job->workers ? si : (size_t)job->workers - 1];
    json_t *pus = json_object_get(ws, "pus"), *lat = json_object_get(ws, "latency_ns"), *x;
    size_t xi;
    w->cpu_s += json_number_value(json_object_get(ws, "cpu_s"));
    w->tasks += (uint64_t)json_integer_value(json_object_get(ws, "tasks"));
    json_array_foreach(pus, xi, x) {
      json_int_t pu = json_integer_value(x);
      if (pu >= 0 && pu < GB_MAX_PUS) w->pus_seen[pu / 64] |= 1ull << (pu % 64);
    }
    json_array_foreach(lat, xi, x) gb_hist_add(&w->latency, (uint64_t)json_integer_value(x));
  }
}

/* The host's metrics that the strategy declares, into rep. */
static void collect_metrics(json_t *res, gb_rep *rep) {
  json_t *metrics = json_object_get(res, "metrics"), *v;
  const char *k;
  json_object_foreach(metrics, k, v) {
    for (int m = 0; m < rep->nmetrics; m++)
      if (strcmp(rep->metric_defs[m].name, k) == 0 && json_is_number(v))
        gb_metric_add(rep, k, json_number_value(v));
  }
}

/* The result line into rep. 0, or -1 with err. */
static int collect(json_t *res, const gb_job *job, gb_rep *rep, const gb_pyfamily *f, char *err,
                   size_t errlen) {
  const char *cs = json_string_value(json_object_get(res, "checksum"));
  json_t *workers = json_object_get(res, "workers");
  json_t *wall = json_object_get(res, "wall_s"), *st = json_object_get(res, "startup_s"),
         *td = json_object_get(res, "teardown_s");
  if (!cs || !json_is_array(workers) || json_array_size(workers) != (size_t)job->workers ||
      !json_is_number(wall) || !json_is_number(st) || !json_is_number(td) ||
      !json_is_integer(json_object_get(res, "tasks"))) {
    snprintf(err, errlen,
             "the host's result lacks checksum, tasks, wall_s, startup_s, teardown_s or one "
             "report per worker");
    return -1;
  }
  char *end;
  errno = 0;
  rep->checksum = strtoull(cs, &end, 10);
  if (errno || *end || end == cs)
    return snprintf(err, errlen, "the host's checksum '%.40s' is not a number", cs), -1;
  rep->tasks_done = (uint64_t)json_integer_value(json_object_get(res, "tasks"));
  rep->wall_s = json_number_value(wall);
  rep->startup_s = json_number_value(st);
  rep->teardown_s = json_number_value(td);
  if (collect_clock(res, rep, err, errlen) != 0 || collect_workers(res, job, rep, f, err, errlen) != 0)
    return -1;
  collect_lib_workers(res, job, rep);
  collect_metrics(res, rep);
  return 0;
}

static int has_metric(const gb_rep *rep, const char *name) {
  for (int m = 0; m < rep->nmetrics; m++)
    if (strcmp(rep->metric_defs[m].name, name) == 0) return 1;
  return 0;
}

/* Fail rep with summary, the host's stderr (its tail; all of it in ARTIFACT.host-stderr.txt). */
static int fail(gb_rep *rep, const gb_job *job, pyhost_host *h, int code, const char *summary) {
  char path[PATH_MAX + 32] = "";
  if (h->errlen && job->artifact_path) {
    pyhost_fmt(path, sizeof path, "%s.host-stderr.txt", job->artifact_path);
    FILE *fp = fopen(path, "w");
    if (!fp || fwrite(h->err, 1, h->errlen, fp) != h->errlen) path[0] = '\0';
    if (fp && fclose(fp) != 0) path[0] = '\0';
  }
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  size_t room = sizeof rep->error - strlen(summary) - 200;
  const char *tail = h->errlen > room ? h->err + h->errlen - room : (h->err ? h->err : "");
  return gb_rep_fail(rep, code, "%s\n[the host's stderr%s%s%s]\n%s", summary,
                     base[0] ? ", all of it in " : "", base, h->errlen ? "" : ": empty", tail);
}

static int fail_traceback_(gb_rep *rep, const gb_job *job, const char *summary, const char *details);

/* Fail rep with a Python exception: its summary line, then its traceback; when that does not fit,
 * the whole of it goes to ARTIFACT.traceback.txt and rep keeps the tail (the innermost frames). */
static int fail_traceback(gb_rep *rep, const gb_job *job, const char *summary, const char *details_in) {
  /* Drop the lines of only carets and tildes (3.11+ column markers): room for more frames. */
  char *details = gb_xstrdup(details_in), *w = details;
  for (const char *line = details; *line;) {
    const char *nl = strchr(line, '\n');
    size_t n = nl ? (size_t)(nl - line) + 1 : strlen(line), m = nl ? n - 1 : n;
    int marker = m > 0 && strspn(line, " ^~") == m && memchr(line, '^', m) != NULL;
    if (!marker) {
      memmove(w, line, n);
      w += n;
    }
    line += n;
  }
  *w = '\0';
  int rc = fail_traceback_(rep, job, summary, details);
  free(details);
  return rc;
}

static int fail_traceback_(gb_rep *rep, const gb_job *job, const char *summary, const char *details) {
  size_t sl = strlen(summary), dl = strlen(details);
  if (sl + 1 + dl < sizeof rep->error)
    return gb_rep_fail(rep, GB_EIO, "%s%s%s", summary, dl ? "\n" : "", details);
  char path[PATH_MAX + 32] = "";
  if (job->artifact_path) {
    pyhost_fmt(path, sizeof path, "%s.traceback.txt", job->artifact_path);
    FILE *fp = fopen(path, "w");
    if (!fp || fprintf(fp, "%s\n%s", summary, details) < 0) path[0] = '\0';
    if (fp && fclose(fp) != 0) path[0] = '\0';
  }
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  char head[768];
  /* Its first line ("Traceback (most recent call last):") stays: it says what follows. */
  size_t first = strcspn(details, "\n");
  pyhost_fmt(head, sizeof head, "%.400s\n%.*s\n[... the whole traceback is in %s]\n", summary,
             first < 100 ? (int)first : 0, details, base[0] ? base : "no file");
  size_t hl = strlen(head), room = sizeof rep->error > hl + 1 ? sizeof rep->error - hl - 1 : 0;
  return gb_rep_fail(rep, GB_EIO, "%s%s", head, details + (dl > room ? dl - room : 0));
}

/* One conversation with a running host: what its messages have said so far. */
typedef struct pyhost_talk {
  const gb_job *job;
  gb_rep *rep;
  gb_pyfamily *f;
  pyhost_host h;
  double t_exec;      /* when the host was started (interp_startup_s counts from there) */
  int ready;          /* its ready line came */
  int done;           /* a message ended the conversation: a result, or a failure */
  int rc;             /* 0, or the code the repetition fails with */
  int traced;         /* it sent an error: rep already holds its traceback (fail_traceback) */
  char summary[1024]; /* why it failed, for fail() */
  char err[1024];     /* a helper's reason (host_spawn, parent_hook, collect) */
} pyhost_talk;

/* End the conversation: the repetition fails with code, for the reason fmt words. */
__attribute__((format(printf, 3, 4))) static void talk_fail(pyhost_talk *t, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(t->summary, sizeof t->summary, fmt, ap);
  va_end(ap);
  t->rc = code;
  t->done = 1;
}

/* The ready line: the interpreter is up (its start-up time; whether its GIL is on). */
static void on_ready(pyhost_talk *t, json_t *m) {
  t->ready = 1;
  if (has_metric(t->rep, "interp_startup_s"))
    gb_metric_add(t->rep, "interp_startup_s", gb_now_s() - t->t_exec);
  json_t *gil = json_object_get(json_object_get(m, "python"), "gil_enabled");
  if (json_is_boolean(gil) && has_metric(t->rep, "gil_enabled"))
    gb_metric_add(t->rep, "gil_enabled", json_is_true(gil) ? 1.0 : 0.0);
}

/* The result line: into rep, once the ready line came and (parent hooks) every worker reported
 * its thread. */
static void on_result(pyhost_talk *t, json_t *m) {
  int missing = -1;
  for (int w = 0; t->f->hooks == GB_HOOKS_PARENT && w < t->job->workers && missing < 0; w++)
    if (!t->h.tid[w]) missing = w;
  if (missing >= 0)
    snprintf(t->err, sizeof t->err, "worker %d never reported its thread to gilbench", missing);
  t->done = 1;
  if (!t->ready || missing >= 0 || collect(m, t->job, t->rep, t->f, t->err, sizeof t->err) != 0) {
    talk_fail(t, GB_EIO, "the %s host's result: %s", t->f->label,
              t->ready ? t->err : "before its ready line");
    return;
  }
  json_t *w = json_object_get(m, "warmup_s");
  if (json_is_number(w) && has_metric(t->rep, "warmup_s"))
    gb_metric_add(t->rep, "warmup_s", json_number_value(w));
}

/* The error line: a Python exception, the runner's summary then its traceback (as the embedded
 * host words one). */
static void on_error(pyhost_talk *t, json_t *m) {
  const char *s = json_string_value(json_object_get(m, "summary"));
  const char *d = json_string_value(json_object_get(m, "details"));
  t->rc = fail_traceback(t->rep, t->job, s && s[0] ? s : "the host failed", d ? d : "");
  t->traced = 1;
  t->done = 1;
}

/* One line of the host's stdout: a protocol message, acted on. */
static void on_line(pyhost_talk *t, const char *line) {
  json_error_t je;
  json_t *m = json_loads(line, 0, &je);
  const char *ev = json_string_value(json_object_get(m, "ev")), *label = t->f->label;
  if (!ev) {
    talk_fail(t, GB_EIO, "the %s host printed a line that is not the protocol: %.200s", label, line);
  } else if (strcmp(ev, "ready") == 0) {
    on_ready(t, m);
  } else if (strcmp(ev, "begin") == 0 || strcmp(ev, "end") == 0) {
    if (t->f->hooks != GB_HOOKS_PARENT || parent_hook(&t->h, t->job, t->rep, m, t->err, sizeof t->err) != 0)
      talk_fail(t, GB_EIO, "the %s host's %s message: %s", label, ev,
                t->err[0] ? t->err : "unexpected with hooks through ctypes");
  } else if (strcmp(ev, "result") == 0) {
    on_result(t, m);
  } else if (strcmp(ev, "error") == 0) {
    on_error(t, m);
  } else {
    talk_fail(t, GB_EIO, "the %s host sent an unknown message '%.40s'", label, ev);
  }
  json_decref(m);
}

/* Bytes of the host's stdout: each whole line to on_line (until one ends the conversation), the
 * rest kept for the next read. */
static void on_stdout(pyhost_talk *t, const char *buf, ssize_t n) {
  pyhost_host *h = &t->h;
  for (ssize_t i = 0; i < n && !t->done; i++) {
    if (h->linelen + 2 > h->linecap) {
      h->linecap = h->linecap ? h->linecap * 2 : 4096;
      h->line = gb_xrealloc(h->line, h->linecap);
    }
    if (buf[i] != '\n') {
      h->line[h->linelen++] = buf[i];
      continue;
    }
    h->line[h->linelen] = '\0';
    h->linelen = 0;
    on_line(t, h->line);
  }
}

/* Read the host's stdout and stderr until a message ends the conversation, both streams close,
 * or timeout seconds from its start pass. */
static void talk_loop(pyhost_talk *t, struct pollfd pf[2], double timeout) {
  double deadline = t->t_exec + timeout;
  while (!t->done && (pf[0].fd >= 0 || pf[1].fd >= 0)) {
    double left = deadline - gb_now_s();
    if (left <= 0) {
      talk_fail(t, GB_ETIMEOUT, "the %s host (%s) did not answer within %.0f s (%s.timeout_s): killed",
                t->f->label, t->f->exe, timeout, t->f->label);
      break;
    }
    int k = poll(pf, 2, left > 1000 ? 1000000 : (int)(left * 1000) + 1);
    if (k < 0 && errno == EINTR) continue;
    char buf[8192];
    if (pf[1].fd >= 0 && pf[1].revents) {
      ssize_t n = read(pf[1].fd, buf, sizeof buf);
      if (n > 0)
        keep_stderr(&t->h, buf, (size_t)n);
      else
        pf[1].fd = -1;
    }
    if (pf[0].fd >= 0 && pf[0].revents) {
      ssize_t n = read(pf[0].fd, buf, sizeof buf);
      if (n <= 0)
        pf[0].fd = -1;
      else
        on_stdout(t, buf, n);
    }
  }
}

/* What a failed host wrote on stderr before it ended: up to its end of file, for at most half a
 * second (a process it started may hold the pipe open). */
static void drain_stderr(pyhost_host *h) {
  char buf[8192];
  double until = gb_now_s() + 0.5;
  while (gb_now_s() < until) {
    struct pollfd ep = {.fd = h->fds[2], .events = POLLIN};
    if (poll(&ep, 1, 100) <= 0) continue;
    ssize_t n = read(h->fds[2], buf, sizeof buf);
    if (n <= 0) break;
    keep_stderr(h, buf, (size_t)n);
  }
}

/* The host reaped: after a result given a moment to exit, else killed; when its stdout ended
 * without a result, how it ended. A failed host's stderr is drained (stderr_open: not at its end
 * yet). */
static void talk_end(pyhost_talk *t, int stderr_open) {
  pyhost_host *h = &t->h;
  int status = 0;
  if (t->rc == 0 && t->done) { /* a result: give it a moment to exit, then make sure */
    for (int i = 0; i < 200 && waitpid(h->pid, &status, WNOHANG) == 0; i++)
      usleep(10000);
    kill(h->pid, SIGKILL);
    waitpid(h->pid, &status, 0);
    return;
  }
  if (t->rc == 0) { /* its stdout ended without a result: how did it end? */
    waitpid(h->pid, &status, 0);
    if (WIFSIGNALED(status))
      talk_fail(t, GB_EIO, "the %s host (%s) died of signal %d without a result", t->f->label, t->f->exe,
                WTERMSIG(status));
    else
      talk_fail(t, GB_EIO, "the %s host (%s) exited with status %d without a result", t->f->label, t->f->exe,
                WEXITSTATUS(status));
  } else {
    kill(h->pid, SIGKILL);
    waitpid(h->pid, &status, 0);
  }
  if (stderr_open) drain_stderr(h);
}

int gb_pyhost_run(const gb_job *job, gb_rep *rep, gb_pyfamily *f, const char *runner, gb_cpython_cpu cpu) {
  char script[PATH_MAX], lib[PATH_MAX];
  const char *why = gb_pyhost_unavailable(f, runner, cpu);
  if (why) return gb_rep_fail(rep, GB_EUNAVAIL, "%s", why);
  host_files(script, sizeof script, lib, sizeof lib);
  if (f->hooks == GB_HOOKS_CTYPES && !is_file(lib))
    return gb_rep_fail(rep, GB_EUNAVAIL, "the worker hooks' library is missing: no %s", lib);
  pyhost_talk t;
  memset(&t, 0, sizeof t);
  t.job = job, t.rep = rep, t.f = f;
  int ti = gb_param_find(job->strategy->options, job->strategy->noptions, "timeout_s");
  double timeout = ti >= 0 ? (double)job->opts[ti] : 1800.0;
  t.t_exec = gb_now_s();
  if (host_spawn(f, script, &t.h.pid, t.h.fds, t.err, sizeof t.err) != 0)
    return gb_rep_fail(rep, GB_EIO, "%s", t.err);
  json_t *msg = json_pack("{s:o}", "plan", pyhost_plan(job, f, runner, cpu, lib));
  pyhost_send(&t.h, msg); /* a host dead already: its end of file and stderr say why */
  json_decref(msg);
  struct pollfd pf[2] = {{.fd = t.h.fds[1], .events = POLLIN}, {.fd = t.h.fds[2], .events = POLLIN}};
  talk_loop(&t, pf, timeout);
  close(t.h.fds[0]);
  if (t.traced) { /* rep holds the exception already */
    close(t.h.fds[1]), close(t.h.fds[2]);
    kill(t.h.pid, SIGKILL);
    waitpid(t.h.pid, NULL, 0);
  } else {
    talk_end(&t, pf[1].fd >= 0);
    close(t.h.fds[1]), close(t.h.fds[2]);
    if (t.rc != 0) t.rc = fail(rep, job, &t.h, t.rc, t.summary);
  }
  free(t.h.err), free(t.h.line);
  return t.rc;
}

json_t *gb_pyhost_meta(const char *const *names, int n) {
  json_t *m = json_object();
  for (int i = 0; i < nfamilies; i++) {
    gb_pyfamily *f = &pyhost_families[i];
    int used = 0;
    for (int k = 0; k < n && !used; k++) {
      const gb_strategy *s = gb_strategy_find(names[k]);
      used = s && s->family && strcmp(s->family, f->label) == 0;
    }
    if (!used) continue;
    gb_pyfamily_find(f->label); /* resolves pypy3 and jython in PATH */
    json_t *fam =
        json_pack("{s:s,s:s}", "executable", f->exe, "hooks",
                  f->hooks == GB_HOOKS_PARENT ? "parent (/proc, sched_setaffinity)" : "ctypes (libgbhooks)");
    const pyhost_probe *p = access(f->exe, X_OK) == 0 ? probe_family(f) : NULL;
    if (p && p->info)
      json_object_update(fam, p->info);
    else
      json_object_set_new(fam, "unavailable", json_string(p ? p->why : "no interpreter"));
    json_object_set_new(m, f->label, fam);
  }
  return m;
}

/* ---- the cpython family's two ways ------------------------------------------------------------ */

int gb_cpython_dispatch(const gb_job *job, gb_rep *rep, const char *runner, gb_cpython_cpu cpu) {
  int hi = gb_param_find(job->strategy->options, job->strategy->noptions, "host");
  if (hi >= 0 && job->opts[hi] == 1) return gb_cpython_run(job, rep, runner, cpu);
  return gb_pyhost_run(job, rep, gb_pyfamily_find("cpython"), runner, cpu);
}

const char *gb_cpython_any_unavailable(void) {
  const char *host = gb_pyhost_unavailable(gb_pyfamily_find("cpython"), "serial", GB_CPYTHON_PHASES);
  return host && gb_cpython_unavailable() ? host : NULL;
}
