/* cpython_spark.c: PySpark in local mode: a SparkContext on local[workers] (started in startup_s,
 * stopped in teardown_s), each chunk one partition of an RDD run by mapPartitions in Spark's
 * Python workers; the repetition's description is a broadcast variable. Needs a Java runtime. */
#include "pyhost.h"

static const gb_param_def spark_options[] = {
    [GB_CPYTHON_OPT_SWITCH] = GB_CPYTHON_SWITCH_OPTION,
    GB_CPYTHON_HOST_OPTION,
    GB_PYHOST_OPTIONS,
};

static const char *spark_unavailable(void) {
  return gb_cpython_lib_unavailable("pyspark",
                                    "import shutil, sys, pyspark; sys.exit(0 if shutil.which('java') else "
                                    "'no Java runtime: java is not on PATH')");
}

static int cpython_spark_run(const gb_job *job, gb_rep *rep) {
  return gb_cpython_dispatch(job, rep, "spark", GB_CPYTHON_PHASES);
}

const gb_strategy gb_strategy_cpython_spark = {
    .name = "cpython-spark",
    .family = "cpython",
    .summary = "PySpark in local mode: local[workers], each chunk an RDD partition through mapPartitions",
    .caps = GB_CAP_PARALLEL_CPU,
    .baseline = "cpython-serial",
    .cpu_cost = GB_CPYTHON_TWIN_COST,
    .fixed_cost_s = 14.0, /* a SparkContext's JVM start and stop: 13-15 s on a 2-core machine */
    .options = spark_options,
    .noptions = (int)GB_ARRAY_LEN(spark_options),
    .metrics = gb_cpython_lib_metrics,
    .nmetrics = GB_CPYTHON_LIB_NMETRICS,
    .unavailable = spark_unavailable,
    .run = cpython_spark_run,
};
