/* schema.h: the results file's key names, named once. The writer (results.c, meta.c) and every
 * reader (reports/rmodel.c, compare, export) spell a key through these constants, so a key
 * renamed on one side cannot be silently missed on the other (docs/ARCHITECTURE.md "The results
 * schema" gives each key's meaning and unit). */
#ifndef GB_SCHEMA_H
#define GB_SCHEMA_H

/* The document. */
#define GB_KEY_SCHEMA "schema"
#define GB_KEY_META "meta"
#define GB_KEY_CELLS "cells"

/* meta */
#define GB_KEY_GILBENCH "gilbench"
#define GB_KEY_GIT_COMMIT "git_commit"
#define GB_KEY_STARTED "started"   /* ISO-8601 text */
#define GB_KEY_FINISHED "finished" /* ISO-8601 text */
#define GB_KEY_COMMAND "command"
#define GB_KEY_SEED "seed"
#define GB_KEY_SECRET "secret"
#define GB_KEY_SUITE "suite"
#define GB_KEY_METRICS "metrics"
#define GB_KEY_HOST "host"
#define GB_KEY_HOSTNAME "hostname"
#define GB_KEY_CPU "cpu"
#define GB_KEY_PUS "pus"
#define GB_KEY_MODEL "model"
#define GB_KEY_CACHES "caches"
#define GB_KEY_FREQUENCY "frequency"
#define GB_KEY_CPUINFO_MHZ "cpuinfo_mhz" /* MHz */
#define GB_KEY_MAX_MHZ "max_mhz"         /* MHz */
#define GB_KEY_BUILD_TYPE "build_type"
#define GB_KEY_LOADAVG_START "loadavg_start" /* host: 1, 5, 15 min load averages */
#define GB_KEY_LOADAVG_END "loadavg_end"
#define GB_KEY_STEAL_S_START "steal_s_start" /* host: the machine's steal time so far, s */
#define GB_KEY_STEAL_S_END "steal_s_end"
#define GB_KEY_STEAL_S_DURING "steal_s_during" /* s */

/* cells[] */
#define GB_KEY_WORKLOAD "workload"
#define GB_KEY_KIND "kind"       /* cpu | io | mixed */
#define GB_KEY_MEASURE "measure" /* wall | latency */
#define GB_KEY_PARAMS "params"
#define GB_KEY_STRATEGY "strategy"
#define GB_KEY_FAMILY "family" /* the strategy descriptor's family; "native" when it has none */
#define GB_KEY_OPTIONS "options"
#define GB_KEY_WORKERS "workers"
#define GB_KEY_BINDING "binding"
#define GB_KEY_STATUS "status" /* ok | failed | timeout | skipped */
#define GB_KEY_ERROR "error"
#define GB_KEY_CHECKSUM "checksum"
#define GB_KEY_REFERENCE "reference"
#define GB_KEY_REPS "reps"
#define GB_KEY_STATS "stats"
#define GB_KEY_WALL_S "wall_s" /* s */
#define GB_KEY_MEDIAN "median"
#define GB_KEY_MEDIAN_CI95 "median_ci95"
#define GB_KEY_NOISE "noise"
#define GB_KEY_LATENCY_US "latency_us" /* µs */
#define GB_KEY_IO_OPS_PER_S "io_ops_per_s"
#define GB_KEY_BASELINE "baseline"      /* {strategy, workers, kind}; a bare name before schema 3 */
#define GB_KEY_BASELINE_KIND "kind"     /* family | self | none */
#define GB_KEY_BASELINE_FAMILY "family" /* the family's baseline strategy, used or not */
#define GB_KEY_SPEEDUP "speedup"        /* ratio, × */
#define GB_KEY_SPEEDUP_CI95 "speedup_ci95"
#define GB_KEY_EFFICIENCY "efficiency" /* fraction of the ideal */
#define GB_KEY_IDEAL "ideal"
#define GB_KEY_EFFICIENCY_FLAG "efficiency_flag"
#define GB_KEY_IMPLEMENTATION "implementation"
#define GB_KEY_KEY "key"

/* cells[].reps[] */
#define GB_KEY_USER_S "user_s" /* s */
#define GB_KEY_SYS_S "sys_s"   /* s */
#define GB_KEY_COUNTERS "counters"

#endif
