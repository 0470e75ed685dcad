/* schema.h: the results file's key names, named once. The writers (results.c, meta.c, the
 * runner's journal reader, counters.c) and every reader (reports/rmodel.c, compare, export) spell
 * a key through these constants, so a key renamed on one side cannot be silently missed on the
 * other (docs/ARCHITECTURE.md "The results schema" gives each key's meaning and unit). It sits in
 * the base layer, constants only, so that a writer below the results (the probes) can use it. */
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
#define GB_KEY_COMPILER "compiler"       /* the compiler's name and version text */
#define GB_KEY_BUILD_TYPE "build_type"
#define GB_KEY_PROFILE "profile"             /* the run's profile (the key table's "profile") */
#define GB_KEY_OS "os"                       /* host: uname's sysname */
#define GB_KEY_KERNEL "kernel"               /* host, and the journal's env: uname's release */
#define GB_KEY_AGGREGATE "aggregate"         /* meta.metrics: sum | mean | max over workers */
#define GB_KEY_HELP "help"                   /* meta.metrics: text */
#define GB_KEY_LOADAVG_START "loadavg_start" /* host: 1, 5, 15 min load averages */
#define GB_KEY_LOADAVG_END "loadavg_end"
#define GB_KEY_STEAL_S_START "steal_s_start" /* host: the machine's steal time so far, s */
#define GB_KEY_STEAL_S_END "steal_s_end"
#define GB_KEY_STEAL_S_DURING "steal_s_during" /* s */

/* meta, written by the runner (harness/run/runner.c) */
#define GB_KEY_DOCTOR "doctor" /* `gilbench doctor`'s summary */
#define GB_KEY_TOPOLOGY "topology"
#define GB_KEY_XML "xml" /* topology: the XML file beside the results, or null */
#define GB_KEY_XML_REASON "xml_reason"
#define GB_KEY_MPI "mpi"
#define GB_KEY_LIBRARY "library" /* mpi: the MPI library's version text */
#define GB_KEY_HOSTS "hosts"     /* mpi: {NAME: machine description} */
#define GB_KEY_DURATION "duration"
#define GB_KEY_ESTIMATED_S "estimated_s"         /* s */
#define GB_KEY_TAKEN_S "taken_s"                 /* s */
#define GB_KEY_ESTIMATED_MAX_S "estimated_max_s" /* s: with reps auto, every cell at max_reps */
#define GB_KEY_REFINED_S "refined_s"             /* s: the estimate once every cell had 2 reps */
#define GB_KEY_REFINED_AT_S "refined_at_s"       /* s: elapsed when it was made */
#define GB_KEY_ESTIMATED_MIN_S "estimated_min_s" /* s: with reps auto, every cell at min_reps */
#define GB_KEY_REP_OVERHEAD_S "rep_overhead_s"   /* s: the measured cost around each repetition */
#define GB_KEY_REFERENCE_S "reference_s"         /* {"workload=...;params=...": s}: the timed references */
#define GB_KEY_GIL_OLD_BYTECODE "gil_old_bytecode"
#define GB_KEY_NS "ns" /* gil_old_bytecode: ns per estimated bytecode */
#define GB_KEY_SOURCE "source"
#define GB_KEY_BYTECODES_PER_ITERATION "bytecodes_per_iteration"
#define GB_KEY_WHY_DEFAULT "why_default"

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
#define GB_KEY_STATUS "status" /* a cell: ok | failed | timeout | skipped; a rep; a counter */
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
#define GB_KEY_PLACEMENT "placement"       /* OS PU per worker, or null when not bound */
#define GB_KEY_BINDING_NOTE "binding_note" /* text, or null */
#define GB_KEY_REPS_AUTO "reps_auto"       /* with --reps auto */

/* ideal (cells[].ideal) and implementation (cells[].implementation) */
#define GB_KEY_BASIS "basis"   /* ideal: workers | cpu | overlap */
#define GB_KEY_FACTOR "factor" /* implementation: ratio to the family's reference, × */
#define GB_KEY_CI95 "ci95"     /* [lo, hi]: implementation's factor; stats: the mean's */

/* stats.wall_s (s; n and outliers counts) */
#define GB_KEY_N "n"
#define GB_KEY_STDDEV "stddev" /* s */
#define GB_KEY_OUTLIERS "outliers"

/* reps_auto */
#define GB_KEY_TARGET "target" /* the median's CI half-width over the median, a fraction */
#define GB_KEY_REACHED "reached"
#define GB_KEY_STOPPED_BY "stopped_by"
#define GB_KEY_REL_HALFWIDTH "rel_halfwidth" /* fraction */
#define GB_KEY_MAX_REPS "max_reps"
#define GB_KEY_MAX_CELL_SECONDS "max_cell_seconds" /* s */
#define GB_KEY_SPENT_S "spent_s"                   /* s */

/* noise: a rep's (harness/probes/noise.c gb_noise_json) and a cell's (gb_noise_cell_json) */
#define GB_KEY_FLAGGED "flagged"                   /* cell: bool */
#define GB_KEY_REASONS "reasons"                   /* cell: other_load | steal | frequency */
#define GB_KEY_OTHER_LOAD "other_load"             /* CPUs */
#define GB_KEY_STEAL_FRACTION "steal_fraction"     /* fraction of the machine's time */
#define GB_KEY_FREQ_MHZ "freq_mhz"                 /* rep: MHz */
#define GB_KEY_RESOLUTION "resolution"             /* CPUs */
#define GB_KEY_STEAL_RESOLUTION "steal_resolution" /* rep: fraction */
#define GB_KEY_WINDOW_S "window_s"                 /* rep: s */
#define GB_KEY_FREQ_REASON "freq_reason"           /* rep: text */
#define GB_KEY_CV "cv"                             /* cell: coefficient of variation of wall_s */
#define GB_KEY_CV_HIGH "cv_high"                   /* cell: bool */
#define GB_KEY_FREQ_SPREAD "freq_spread"           /* cell: fraction */

/* cells[].reps[], and a journal line's data */
#define GB_KEY_USER_S "user_s"               /* s */
#define GB_KEY_SYS_S "sys_s"                 /* s */
#define GB_KEY_COUNTERS "counters"           /* meta: the counter set; a rep, a worker: {NAME: a counter} */
#define GB_KEY_STARTUP_S "startup_s"         /* s */
#define GB_KEY_TEARDOWN_S "teardown_s"       /* s */
#define GB_KEY_SERVER_USER_S "server_user_s" /* s, the loopback server's own */
#define GB_KEY_SERVER_SYS_S "server_sys_s"   /* s */
#define GB_KEY_BASE_RSS_BYTES "base_rss_bytes"
#define GB_KEY_PEAK_RSS_BYTES "peak_rss_bytes"
#define GB_KEY_CTX_SWITCHES "ctx_switches"
#define GB_KEY_ALLOC_SINGLE_THREADED "alloc_single_threaded"
#define GB_KEY_TASKS_DONE "tasks_done"
#define GB_KEY_DERIVED "derived"     /* meta.counters: {NAME: definition}; a rep: {NAME: value} */
#define GB_KEY_WORKER_LIST "workers" /* a rep: one object per worker (a cell's "workers" is a count) */
#define GB_KEY_LATENCY_HIST "latency_hist"
#define GB_KEY_SERVER_PORT "server_port"
#define GB_KEY_TIMING "timing" /* the timing contract's timestamps, CLOCK_MONOTONIC ns */
#define GB_KEY_CREATE_NS "create_ns"
#define GB_KEY_BEGUN_NS "begun_ns"
#define GB_KEY_START_NS "start_ns"
#define GB_KEY_STOP_NS "stop_ns"
#define GB_KEY_FIRST_END_NS "first_end_ns"
#define GB_KEY_JOINED_NS "joined_ns"
#define GB_KEY_HOOKS "hooks" /* bool: the workers ran the harness's hooks */

/* latency_us (a cell's, a rep's; µs) */
#define GB_KEY_P50 "p50"
#define GB_KEY_P90 "p90"
#define GB_KEY_P99 "p99"
#define GB_KEY_P999 "p999"
#define GB_KEY_MAX "max"
#define GB_KEY_MIN "min"
#define GB_KEY_MEAN "mean"
#define GB_KEY_COUNT "count" /* also latency_hist's */

/* latency_hist (ns) */
#define GB_KEY_UNIT "unit" /* also meta.metrics' */
#define GB_KEY_MIN_NS "min_ns"
#define GB_KEY_MAX_NS "max_ns"
#define GB_KEY_SUM_NS "sum_ns"
#define GB_KEY_BUCKETS "buckets" /* [lo_ns, hi_ns, count] per non-empty bucket */

/* cells[].reps[].workers[] */
#define GB_KEY_CPU_S "cpu_s" /* s */
#define GB_KEY_PUS_SEEN "pus_seen"
#define GB_KEY_MIGRATIONS "migrations"
#define GB_KEY_BIND_HELD "bind_held"
#define GB_KEY_TASKS "tasks"
#define GB_KEY_PU_TIME_S "pu_time_s" /* {PU: s} */
#define GB_KEY_PID "pid"
#define GB_KEY_MAXRSS_KB "maxrss_kb"
#define GB_KEY_PSS_KB "pss_kb"
#define GB_KEY_BOUND_PU "bound_pu"
#define GB_KEY_WORKER_HOST "host" /* the host's name (meta's "host" is an object) */

/* A counter in a rep's or a worker's counters, and meta.counters (counters.c; a backend's own
 * description, its `describe` hook, is the backend's to word) */
#define GB_KEY_VALUE "value"
#define GB_KEY_FRACTION "fraction" /* time counted over time enabled, when multiplexed */
#define GB_KEY_REASON "reason"
#define GB_KEY_REQUESTED "requested"
#define GB_KEY_BACKEND_FORCED "backend_forced"
#define GB_KEY_CHAIN "chain"
#define GB_KEY_BACKENDS "backends"
#define GB_KEY_SUMMARY "summary"
#define GB_KEY_AVAILABLE "available"
#define GB_KEY_EVENTS "events"
#define GB_KEY_BACKEND "backend"
#define GB_KEY_NATIVE "native"
#define GB_KEY_NOTE "note"
#define GB_KEY_PASSED_OVER "passed_over"
#define GB_KEY_MULTIPLEXED "multiplexed"
#define GB_KEY_FRACTION_ESTIMATE "fraction_estimate"
#define GB_KEY_HOW "how"

/* The journal (results.jsonl): a header line, then one record per repetition */
#define GB_KEY_JOURNAL "journal"     /* header: the journal's format */
#define GB_KEY_ARGV "argv"           /* header: the command line */
#define GB_KEY_PLAN "plan"           /* header: the cells' keys, in order */
#define GB_KEY_WARMUP "warmup"       /* header: warm-up repetitions per cell */
#define GB_KEY_ENV "env"             /* header: what a resume must share (gilbench, git_commit, ...) */
#define GB_KEY_CPU_MODEL "cpu_model" /* env: meta.cpu.model */
#define GB_KEY_REP "rep"             /* record: the repetition's index */
#define GB_KEY_AT_S "at_s"           /* record: s since the run began when it ended (estimate-replay) */
#define GB_KEY_DATA "data"           /* record: the repetition, as in cells[].reps[] */
#define GB_KEY_LINE "line"           /* added on reading: the record's line number */

#endif
