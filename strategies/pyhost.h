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

/* The longest label a family may have (--python LABEL=PATH), in characters. */
#define GB_PYFAMILY_LABEL_MAX 64

typedef struct gb_pyfamily {
  char label[GB_PYFAMILY_LABEL_MAX + 1]; /* cpython, pypy, jython or the user's label */
  char exe[PATH_MAX];                    /* the interpreter */
  gb_hooks_mode hooks;                   /* ctypes, or from gilbench (Jython) */
  int python2_only;                      /* a known 2.7-only family (Jython): no asyncio */
  int user;                              /* added with --python */
} gb_pyfamily;

/* gb_pyfamily_find, gb_pyhost_add, gb_pyhost_set_exe and gb_pyhost_meta, which the harness
 * uses, are declared in the registry (strategies.h). */

/* Why the family's strategy running `runner` with CPU mode cpu cannot run here, or NULL. */
const char *gb_pyhost_unavailable(gb_pyfamily *f, const char *runner, gb_cpython_cpu cpu);

/* Run one repetition in a host. */
int gb_pyhost_run(const gb_job *job, gb_rep *rep, gb_pyfamily *f, const char *runner, gb_cpython_cpu cpu);

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
