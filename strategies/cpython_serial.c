/* cpython_serial.c: the Python baseline: the embedded interpreter runs every task in one thread, CPU phases
 * as their Python twins (or as each phase's python = says). */
#include "pyhost.h"

static const gb_param_def serial_options[] = {
    [GB_CPYTHON_OPT_SWITCH] = GB_CPYTHON_SWITCH_OPTION,
    GB_CPYTHON_HOST_OPTION,
    GB_PYHOST_OPTIONS,
};

static int cpython_serial_run(const gb_job *job, gb_rep *rep) {
  return gb_cpython_dispatch(job, rep, "serial", GB_CPYTHON_PHASES);
}

const gb_strategy gb_strategy_cpython_serial = {
    .name = "cpython-serial",
    .family = "cpython",
    .summary = "the Python baseline: one thread of the embedded CPython, tasks in order",
    .caps = GB_CAP_ONE_WORKER,
    .baseline = "cpython-serial",
    .cpu_cost = GB_CPYTHON_TWIN_COST,
    .options = serial_options,
    .noptions = (int)GB_ARRAY_LEN(serial_options),
    .metrics = gb_pyhost_metrics,
    .nmetrics = 3,
    .unavailable = gb_cpython_any_unavailable,
    .run = cpython_serial_run,
};
