/* cpython_joblib.c: joblib's Parallel and delayed: each chunk one delayed call, on the backend
 * cpython-joblib.backend (loky's reusable process pool by default), batched as joblib batches
 * (batch_size 0 = joblib's "auto"). The loky pool is shut down in teardown (gilbench/libs.py). */
#include "pyhost.h"

static const gb_param_def joblib_options[] = {
    [GB_CPYTHON_OPT_SWITCH] = GB_CPYTHON_SWITCH_OPTION,
    GB_CPYTHON_HOST_OPTION,
    GB_PYHOST_OPTIONS,
    {.name = "backend",
     .help = "joblib backend: loky (processes, reused), threading, or multiprocessing",
     .def = 0,
     .min = 0,
     .max = 2,
     .choices = "loky|threading|multiprocessing"},
    {.name = "batch_size",
     .help = "delayed calls joblib sends a worker at a time; 0 = joblib's auto",
     .def = 0,
     .min = 0,
     .max = 1000000},
};

static const char *joblib_unavailable(void) {
  return gb_cpython_lib_unavailable("joblib", "import joblib");
}

static int cpython_joblib_run(const gb_job *job, gb_rep *rep) {
  return gb_cpython_dispatch(job, rep, "joblib", GB_CPYTHON_PHASES);
}

const gb_strategy gb_strategy_cpython_joblib = {
    .name = "cpython-joblib",
    .family = "cpython",
    .summary = "joblib: Parallel/delayed on the loky, threading or multiprocessing backend",
    .caps = GB_CAP_PARALLEL_CPU,
    .baseline = "cpython-serial",
    .cpu_cost = GB_CPYTHON_TWIN_COST,
    .fixed_cost_s = 1.0, /* loky's worker processes: about 1 s to start and stop */
    .options = joblib_options,
    .noptions = (int)GB_ARRAY_LEN(joblib_options),
    .metrics = gb_cpython_lib_metrics,
    .nmetrics = GB_CPYTHON_LIB_NMETRICS,
    .unavailable = joblib_unavailable,
    .run = cpython_joblib_run,
};
