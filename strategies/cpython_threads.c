/* cpython_threads.c: threading in the embedded CPython: a pool of Python threads under the real GIL; I/O
 * phases are blocking calls that release it. */
#include "pyhost.h"

static const gb_param_def threads_options[] = {
    [GB_CPYTHON_OPT_SWITCH] = GB_CPYTHON_SWITCH_OPTION,
    GB_CPYTHON_HOST_OPTION,
    GB_PYHOST_OPTIONS,
};

static int cpython_threads_run(const gb_job *job, gb_rep *rep) {
  return gb_cpython_dispatch(job, rep, "threads", GB_CPYTHON_PHASES);
}

const gb_strategy gb_strategy_cpython_threads = {
    .name = "cpython-threads",
    .family = "cpython",
    .summary = "threading: Python threads under the real GIL, blocking I/O releases it",
    .caps = GB_CAP_SHARED_MEMORY,
    .baseline = "cpython-serial",
    .cpu_cost = GB_CPYTHON_TWIN_COST,
    .options = threads_options,
    .noptions = (int)GB_ARRAY_LEN(threads_options),
    .metrics = gb_pyhost_metrics,
    .nmetrics = 3,
    .unavailable = gb_cpython_any_unavailable,
    .run = cpython_threads_run,
};
