/* pyhost.h: Python hosts. gilbench starts an interpreter executable (CPython, PyPy, Jython, any
 * Python) as a child process running workloads/python/gbhost.py and hands it one repetition over
 * JSON lines on its standard input and output (docs/python-host.md); it answers with the record
 * every strategy fills. The worker hooks run in the host through libgbhooks.so and ctypes, or,
 * where ctypes cannot load it (Jython), gilbench supplies them from outside: it binds the threads
 * the host names and reads their CPU time and placement from /proc.
 *
 * A family is an interpreter under a label: cpython (the python3 the build was configured with,
 * by default in a host; `cpython.host=embedded` embeds it instead), pypy, jython, and those
 * `--python LABEL=PATH` (suite key `pythons`) adds, each with LABEL-serial, -threads, -processes,
 * -asyncio, -ext, -ext-held and -subinterp. */
#ifndef GB_PYHOST_H
#define GB_PYHOST_H

#include <jansson.h>
#include <limits.h>

#include "cpython.h"

/* How the host's workers get their hooks. */
typedef enum { GB_HOOKS_CTYPES = 0, GB_HOOKS_PARENT = 1 } gb_hooks_mode;

typedef struct gb_pyfamily {
  char label[64];      /* cpython, pypy, jython or the user's label */
  char exe[PATH_MAX];  /* the interpreter */
  gb_hooks_mode hooks; /* ctypes, or from gilbench (Jython) */
  int python2_only;    /* a known 2.7-only family (Jython): no asyncio */
  int user;            /* added with --python */
} gb_pyfamily;

/* The family with that label, or NULL. */
gb_pyfamily *gb_pyfamily_find(const char *label);

/* --python LABEL=PATH: add a family and register its strategies. 0, or -1 with err (a bad or
 * reserved label, a label given twice, too many families). */
int gb_pyhost_add(const char *spec, char *err, size_t errlen);

/* --set cpython.exe=PATH (pypy.exe, jython.exe, LABEL.exe): another interpreter for a family. 1 when
 * key is such a key (0 ok or -1 with err in *rc), 0 when it is not. */
int gb_pyhost_set_exe(const char *key, const char *value, int *rc, char *err, size_t errlen);

/* Why the family's strategy running `runner` with CPU mode cpu cannot run here, or NULL. */
const char *gb_pyhost_unavailable(gb_pyfamily *f, const char *runner, gb_cpython_cpu cpu);

/* Run one repetition in a host. */
int gb_pyhost_run(const gb_job *job, gb_rep *rep, gb_pyfamily *f, const char *runner, gb_cpython_cpu cpu);

/* meta.pythons: for every family a planned cell uses (names: strategy names of the plan), the
 * interpreter as it reports itself (implementation, version, build, free-threaded, GIL state). */
json_t *gb_pyhost_meta(const char *const *strategy_names, int n);

/* The metrics every host strategy reports (interpreter start-up, JIT warm-up, GIL state). */
/* The host's metrics, as initialisers, so a table that adds its own can start with them. */
#define GB_PYHOST_METRIC_DEFS                                                                                \
  {"interp_startup_s", "s", GB_AGG_MEAN,                                                                     \
   "the interpreter's start-up and the host's imports, from exec to its ready line (apart from the work)"},  \
      {"warmup_s", "s", GB_AGG_MEAN, "warmup_tasks tasks run once before the clock starts (JIT warm-up)"}, { \
    "gil_enabled", "bool", GB_AGG_MEAN,                                                                      \
        "1 when the interpreter ran with a global lock (sys._is_gil_enabled() where it exists), 0 when not"  \
  }
extern const gb_metric_def gb_pyhost_metrics[];
extern const int gb_pyhost_nmetrics;

/* Options every host strategy has after its own (timeout, warm-up). */
#define GB_PYHOST_OPTIONS                                                                                    \
  {.name = "timeout_s",                                                                                      \
   .help = "a host that has not answered within this many seconds is killed and fails its cell",             \
   .def = 1800,                                                                                              \
   .min = 1,                                                                                                 \
   .max = 86400},                                                                                            \
  {                                                                                                          \
    .name = "warmup_tasks",                                                                                  \
    .help = "tasks the host runs once before the clock starts (JIT warm-up, timed apart)", .def = 0,         \
    .min = 0, .max = 1000000                                                                                 \
  }

#endif
