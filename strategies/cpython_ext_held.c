/* cpython_ext_held.c: a C extension that keeps the GIL: Python threads call the C kernel of every CPU phase
 * without releasing it, so one runs at a time. */
#include "pyhost.h"

static const gb_param_def ext_held_options[] = {
    [GB_CPYTHON_OPT_SWITCH] = GB_CPYTHON_SWITCH_OPTION,
    GB_CPYTHON_HOST_OPTION,
    GB_PYHOST_OPTIONS,
};

static int cpython_ext_held_run(const gb_job *job, gb_rep *rep) {
  return gb_cpython_dispatch(job, rep, "threads", GB_CPYTHON_EXT_HELD);
}

const gb_strategy gb_strategy_cpython_ext_held = {
    .name = "cpython-ext-held",
    .family = "cpython",
    .summary = "Python threads calling the C kernel with the GIL held (an extension that never releases it)",
    .caps = GB_CAP_SHARED_MEMORY,
    .baseline = "cpython-ext-serial",
    .options = ext_held_options,
    .noptions = (int)GB_ARRAY_LEN(ext_held_options),
    .metrics = gb_pyhost_metrics,
    .nmetrics = 3,
    .unavailable = gb_cpython_any_unavailable,
    .run = cpython_ext_held_run,
};
