/* cpython_ext.c: a C extension that releases the GIL: Python threads call the C kernel of every CPU phase
 * inside Py_BEGIN_ALLOW_THREADS, so they run in parallel. */
#include "pyhost.h"

static const gb_param_def ext_options[] = {
    [GB_CPYTHON_OPT_SWITCH] = GB_CPYTHON_SWITCH_OPTION,
    GB_CPYTHON_HOST_OPTION,
    GB_PYHOST_OPTIONS,
};

static int cpython_ext_run(const gb_job *job, gb_rep *rep) {
  return gb_cpython_dispatch(job, rep, "threads", GB_CPYTHON_EXT);
}

const gb_strategy gb_strategy_cpython_ext = {
    .name = "cpython-ext",
    .family = "cpython",
    .summary = "Python threads calling the C kernel with the GIL released (a well-behaved C extension)",
    .caps = GB_CAP_PARALLEL_CPU | GB_CAP_SHARED_MEMORY,
    .baseline = "cpython-ext-serial",
    .options = ext_options,
    .noptions = (int)GB_ARRAY_LEN(ext_options),
    .metrics = gb_pyhost_metrics,
    .nmetrics = 3,
    .unavailable = gb_cpython_any_unavailable,
    .run = cpython_ext_run,
};
