/* cpython_asyncio.c: asyncio in the embedded CPython: one event loop per worker, each in its own thread (as
 * users run several loops); CPU phases run inline on the loop, I/O phases through asyncio streams and
 * asyncio.sleep. */
#include "pyhost.h"

static const gb_param_def asyncio_options[] = {
    [GB_CPYTHON_OPT_SWITCH] = GB_CPYTHON_SWITCH_OPTION,
    GB_CPYTHON_HOST_OPTION,
    GB_PYHOST_OPTIONS,
};

static int cpython_asyncio_run(const gb_job *job, gb_rep *rep) {
  return gb_cpython_dispatch(job, rep, "asyncio", GB_CPYTHON_PHASES);
}

const gb_strategy gb_strategy_cpython_asyncio = {
    .name = "cpython-asyncio",
    .family = "cpython",
    .summary = "asyncio: one event loop per worker thread, CPU inline, I/O via streams and asyncio.sleep",
    .caps = GB_CAP_SHARED_MEMORY | GB_CAP_OVERLAPS_IO,
    .baseline = "cpython-serial",
    .cpu_cost = GB_CPYTHON_TWIN_COST,
    .options = asyncio_options,
    .noptions = (int)GB_ARRAY_LEN(asyncio_options),
    .metrics = gb_pyhost_metrics,
    .nmetrics = 3,
    .unavailable = gb_cpython_any_unavailable,
    .run = cpython_asyncio_run,
};
