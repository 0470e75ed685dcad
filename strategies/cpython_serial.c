/* cpython_serial.c: the Python baseline: the embedded interpreter runs every task in one thread, CPU phases
 * as their Python twins (or as each phase's python = says). */
#include "cpython.h"

static const gb_param_def serial_options[] = {
    [GB_CPYTHON_OPT_SWITCH] = GB_CPYTHON_SWITCH_OPTION,
};

static int cpython_serial_run(const gb_job *job, gb_rep *rep) {
  return gb_cpython_run(job, rep, "serial", GB_CPYTHON_PHASES);
}

const gb_strategy gb_strategy_cpython_serial = {
    .name = "cpython-serial",
    .summary = "the Python baseline: one thread of the embedded CPython, tasks in order",
    .caps = GB_CAP_ONE_WORKER,
    .baseline = "cpython-serial",
    .cpu_cost = GB_CPYTHON_TWIN_COST,
    .options = serial_options,
    .noptions = (int)GB_ARRAY_LEN(serial_options),
    .unavailable = gb_cpython_unavailable,
    .run = cpython_serial_run,
};
