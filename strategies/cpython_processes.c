/* cpython_processes.c: multiprocessing in the embedded CPython: a multiprocessing.Pool of
 * `workers` processes started with fork or spawn; chunks of tasks go out and results come back
 * pickled (input payloads one way, output payloads the other), so the cost of pickling and of
 * Python's pool is in the measurement. Spawned workers run the build's Python interpreter and
 * import the _gilbench shared module for the worker hooks. */
#include "pyhost.h"

enum { CPROC_OPT_START = GB_CPYTHON_OPT_SWITCH + 1 };

static const gb_param_def processes_options[] = {
    [GB_CPYTHON_OPT_SWITCH] = GB_CPYTHON_SWITCH_OPTION,
    [CPROC_OPT_START] = {.name = "start",
                         .help = "how multiprocessing starts the workers: fork (a copy of gilbench) "
                                 "or spawn (a fresh python3 that imports the workers' code)",
                         .def = 0,
                         .min = 0,
                         .max = 1,
                         .choices = "fork|spawn"},
    GB_CPYTHON_HOST_OPTION,
    GB_PYHOST_OPTIONS,
};

/* A spawned pool's workers are fresh python3 processes: its baseline runs in that binary too. */
static const char *cpython_processes_baseline(const int64_t *opts) {
  return opts[CPROC_OPT_START] == 1 ? "cpython-serial-spawn" : "cpython-serial";
}

static int cpython_processes_run(const gb_job *job, gb_rep *rep) {
  return gb_cpython_dispatch(job, rep, "processes", GB_CPYTHON_PHASES);
}

const gb_strategy gb_strategy_cpython_processes = {
    .name = "cpython-processes",
    .family = "cpython",
    .summary = "multiprocessing: a Pool started by fork or spawn, payloads pickled both ways",
    .caps = GB_CAP_PARALLEL_CPU,
    .baseline = "cpython-serial",
    .baseline_of = cpython_processes_baseline,
    .cpu_cost = GB_CPYTHON_TWIN_COST,
    .options = processes_options,
    .noptions = (int)GB_ARRAY_LEN(processes_options),
    .metrics = gb_pyhost_metrics,
    .nmetrics = 3,
    .unavailable = gb_cpython_any_unavailable,
    .run = cpython_processes_run,
};
