/* cpython_ray.c: Ray: each chunk a @ray.remote task on a local cluster started by
 * ray.init(num_cpus=workers) in startup_s (no dashboard, usage statistics off) and stopped by
 * ray.shutdown in teardown_s; the repetition's description goes to the object store once. */
#include "pyhost.h"

static const gb_param_def ray_options[] = {
    [GB_CPYTHON_OPT_SWITCH] = GB_CPYTHON_SWITCH_OPTION,
    GB_CPYTHON_HOST_OPTION,
    GB_PYHOST_OPTIONS,
};

static const char *ray_unavailable(void) {
  return gb_cpython_lib_unavailable("ray",
                                    "import os; os.environ['RAY_USAGE_STATS_ENABLED'] = '0'; import ray");
}

static int cpython_ray_run(const gb_job *job, gb_rep *rep) {
  return gb_cpython_dispatch(job, rep, "ray", GB_CPYTHON_PHASES);
}

const gb_strategy gb_strategy_cpython_ray = {
    .name = "cpython-ray",
    .family = "cpython",
    .summary = "Ray: @ray.remote tasks on a local ray.init(num_cpus=workers)",
    .caps = GB_CAP_PARALLEL_CPU,
    .baseline = "cpython-serial",
    .cpu_cost = GB_CPYTHON_TWIN_COST,
    .fixed_cost_s = 8.0, /* ray.init and ray.shutdown: 6-8 s on a 2-core machine */
    .options = ray_options,
    .noptions = (int)GB_ARRAY_LEN(ray_options),
    .metrics = gb_cpython_lib_metrics,
    .nmetrics = GB_CPYTHON_LIB_NMETRICS,
    .unavailable = ray_unavailable,
    .run = cpython_ray_run,
};
