/* jython.c: the Jython family: Debian's jython (Python 2.7 on the JVM, threads without a global
 * lock) running the twins in a Python host (pyhost.h). Jython cannot load libgbhooks, so gilbench
 * supplies the worker hooks from outside (/proc and sched_setaffinity on the threads the host
 * names). No asyncio in Python 2.7: jython-asyncio is listed, unavailable, with that reason. */
#include "pyhost.h"

static const gb_param_def jython_options[] = {
    GB_CPYTHON_SWITCH_OPTION,
    GB_PYHOST_OPTIONS,
};

#define GB__JYTHON(kind, runner_, caps_, summary_)                                                           \
  static const char *jython_##kind##_unavailable(void) {                                                     \
    return gb_pyhost_unavailable(gb_pyfamily_find("jython"), runner_, GB_CPYTHON_PHASES);                    \
  }                                                                                                          \
  static int jython_##kind##_run(const gb_job *job, gb_rep *rep) {                                           \
    return gb_pyhost_run(job, rep, gb_pyfamily_find("jython"), runner_, GB_CPYTHON_PHASES);                  \
  }                                                                                                          \
  const gb_strategy gb_strategy_jython_##kind = {                                                            \
      .name = "jython-" #kind,                                                                               \
      .family = "jython",                                                                                    \
      .summary = summary_,                                                                                   \
      .caps = caps_,                                                                                         \
      .baseline = "jython-serial",                                                                           \
      .cpu_cost = 40.0,                                                                                      \
      .options = jython_options,                                                                             \
      .noptions = (int)GB_ARRAY_LEN(jython_options),                                                         \
      .metrics = gb_pyhost_metrics,                                                                          \
      .nmetrics = 3,                                                                                         \
      .unavailable = jython_##kind##_unavailable,                                                            \
      .run = jython_##kind##_run,                                                                            \
  };

GB__JYTHON(serial, "serial", GB_CAP_ONE_WORKER, "Jython's baseline: one JVM thread, tasks in order")
GB__JYTHON(threads, "threads", GB_CAP_PARALLEL_CPU | GB_CAP_SHARED_MEMORY,
           "threading workers on the JVM, no global lock")
GB__JYTHON(asyncio, "asyncio", GB_CAP_SHARED_MEMORY | GB_CAP_OVERLAPS_IO, "asyncio (not in Python 2.7)")
