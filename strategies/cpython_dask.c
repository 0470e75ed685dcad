/* cpython_dask.c: Dask's delayed and compute: each chunk a dask.delayed call, computed by the
 * scheduler cpython-dask.scheduler: threads, processes, or distributed (a LocalCluster of
 * `workers` single-threaded worker processes, started in startup_s, closed in teardown_s). */
#include "pyhost.h"

static const gb_param_def dask_options[] = {
    [GB_CPYTHON_OPT_SWITCH] = GB_CPYTHON_SWITCH_OPTION,
    GB_CPYTHON_HOST_OPTION,
    GB_PYHOST_OPTIONS,
    {.name = "scheduler",
     .help = "threads (under the GIL), processes, or distributed (a LocalCluster, one process a worker)",
     .def = 0,
     .min = 0,
     .max = 2,
     .choices = "threads|processes|distributed"},
};

static const char *dask_unavailable(void) {
  return gb_cpython_lib_unavailable("dask", "import dask, distributed");
}

static int cpython_dask_run(const gb_job *job, gb_rep *rep) {
  return gb_cpython_dispatch(job, rep, "dask", GB_CPYTHON_PHASES);
}

const gb_strategy gb_strategy_cpython_dask = {
    .name = "cpython-dask",
    .family = "cpython",
    .summary = "Dask: dask.delayed tasks computed by the threads, processes or distributed scheduler",
    .caps = 0,
    .baseline = "cpython-serial",
    .cpu_cost = GB_CPYTHON_TWIN_COST,
    .fixed_cost_s = 1.0, /* the distributed scheduler's LocalCluster: 1-2 s; the others little */
    .options = dask_options,
    .noptions = (int)GB_ARRAY_LEN(dask_options),
    .metrics = gb_cpython_lib_metrics,
    .nmetrics = GB_CPYTHON_LIB_NMETRICS,
    .unavailable = dask_unavailable,
    .run = cpython_dask_run,
};
