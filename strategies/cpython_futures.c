/* cpython_futures.c: concurrent.futures in CPython: a ThreadPoolExecutor or a ProcessPoolExecutor
 * (cpython-futures.executor) of `workers` workers; each chunk is one submitted call, its payloads
 * pickled both ways with the process executor (gilbench/libs.py). */
#include "pyhost.h"

static const gb_param_def futures_options[] = {
    [GB_CPYTHON_OPT_SWITCH] = GB_CPYTHON_SWITCH_OPTION,
    GB_CPYTHON_HOST_OPTION,
    GB_PYHOST_OPTIONS,
    {.name = "executor",
     .help = "thread: a ThreadPoolExecutor (under the GIL); process: a ProcessPoolExecutor",
     .def = 0,
     .min = 0,
     .max = 1,
     .choices = "thread|process"},
};

static const char *futures_unavailable(void) {
  return gb_cpython_lib_unavailable("concurrent.futures", "import concurrent.futures");
}

static int cpython_futures_run(const gb_job *job, gb_rep *rep) {
  return gb_cpython_dispatch(job, rep, "futures", GB_CPYTHON_PHASES);
}

const gb_strategy gb_strategy_cpython_futures = {
    .name = "cpython-futures",
    .family = "cpython",
    .summary = "concurrent.futures: an executor of threads or processes, chunks submitted as futures",
    .caps = 0,
    .baseline = "cpython-serial",
    .cpu_cost = GB_CPYTHON_TWIN_COST,
    .options = futures_options,
    .noptions = (int)GB_ARRAY_LEN(futures_options),
    .metrics = gb_cpython_lib_metrics,
    .nmetrics = GB_CPYTHON_LIB_NMETRICS,
    .unavailable = futures_unavailable,
    .run = cpython_futures_run,
};
