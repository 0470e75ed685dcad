/* pypy.c: the PyPy family: Debian's pypy3 (a JIT with its own GIL) running the twins in a Python
 * host (pyhost.h), serially, in threads, in a multiprocessing.Pool and in asyncio loops. */
#include "pyhost.h"

static const gb_param_def pypy_options[] = {
    GB_CPYTHON_SWITCH_OPTION,
    GB_PYHOST_OPTIONS,
};
static const gb_param_def pypy_proc_options[] = {
    GB_CPYTHON_SWITCH_OPTION,
    GB_PYHOST_OPTIONS,
    {.name = "start",
     .help = "how multiprocessing starts the workers: fork or spawn (a fresh pypy3)",
     .def = 0,
     .min = 0,
     .max = 1,
     .choices = "fork|spawn"},
};

#define GB__PYPY(kind, runner_, caps_, summary_, opts)                                                       \
  static const char *pypy_##kind##_unavailable(void) {                                                       \
    return gb_pyhost_unavailable(gb_pyfamily_find("pypy"), runner_, GB_CPYTHON_PHASES);                      \
  }                                                                                                          \
  static int pypy_##kind##_run(const gb_job *job, gb_rep *rep) {                                             \
    return gb_pyhost_run(job, rep, gb_pyfamily_find("pypy"), runner_, GB_CPYTHON_PHASES);                    \
  }                                                                                                          \
  const gb_strategy gb_strategy_pypy_##kind = {                                                              \
      .name = "pypy-" #kind,                                                                                 \
      .family = "pypy",                                                                                      \
      .summary = summary_,                                                                                   \
      .caps = caps_,                                                                                         \
      .baseline = "pypy-serial",                                                                             \
      .cpu_cost = 10.0,                                                                                      \
      .options = opts,                                                                                       \
      .noptions = (int)GB_ARRAY_LEN(opts),                                                                   \
      .metrics = gb_pyhost_metrics,                                                                          \
      .nmetrics = 3,                                                                                         \
      .unavailable = pypy_##kind##_unavailable,                                                              \
      .run = pypy_##kind##_run,                                                                              \
  };

GB__PYPY(serial, "serial", GB_CAP_ONE_WORKER, "PyPy's baseline: one thread of pypy3, tasks in order",
         pypy_options)
GB__PYPY(threads, "threads", GB_CAP_SHARED_MEMORY, "threading workers in pypy3, under PyPy's own GIL",
         pypy_options)
GB__PYPY(processes, "processes", GB_CAP_PARALLEL_CPU,
         "a multiprocessing.Pool of pypy3 processes, payloads pickled both ways", pypy_proc_options)
GB__PYPY(asyncio, "asyncio", GB_CAP_SHARED_MEMORY | GB_CAP_OVERLAPS_IO,
         "asyncio in pypy3: one event loop per worker thread", pypy_options)
