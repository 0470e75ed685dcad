/* plan.h: the plan (cells to measure, expanded from a suite and the command line); runner.h
 * measures it. A cell is one (workload, effective params, strategy, options, workers,
 * binding); each runs warmup + reps times, in rounds, shuffled within a workload per round. */
#ifndef GB_PLAN_H
#define GB_PLAN_H

#include "job.h"
#include "stats.h"
#include "strategy.h"

typedef enum { GB_CELL_PENDING, GB_CELL_OK, GB_CELL_FAILED, GB_CELL_TIMEOUT, GB_CELL_SKIPPED } gb_cell_status;
const char *gb_cell_status_name(gb_cell_status s);

/* A workload with one combination of parameter values: the unit a reference checksum belongs to. */
typedef struct gb_paramset {
  gb_workload wl;            /* effective workload */
  char *params;              /* canonical params text ("tasks=16,phase.1.n=1000") */
  int base;                  /* index of the workload as listed (shuffle group) */
  uint64_t reference;        /* reference checksum (serial path) */
  int have_reference;        /* reference computed */
  char reference_error[512]; /* why computing the reference failed ("" if it did not) */
  double reference_s;        /* how long computing it took (for estimates) */
} gb_paramset;

typedef struct gb_cell {
  int id;       /* position in the plan */
  int paramset; /* index into plan->paramsets */
  const gb_strategy *strategy;
  int64_t opts[GB_MAX_PARAMS]; /* option values in the strategy's table order */
  int workers;
  char binding[64]; /* binding policy as given ("none") */
  char key[1024];   /* identity text: matches cells across runs */
  gb_cell_status status;
  char error[1024]; /* reason when failed/timeout/skipped */
  gb_rep *reps;     /* measured repetitions (warmups are not kept) */
  int nreps;
  struct json_t **rep_json; /* per rep: its journal record when restored by --resume, else
                               NULL (allocated with reps; NULL array when nothing restored) */
  uint64_t checksum;        /* of the first repetition */
  gb_stats wall;            /* statistics of wall_s over reps */
  int have_stats;
  double speedup, efficiency; /* NAN when there is no baseline; efficiency = speedup / ideal */
  const char *baseline;       /* the baseline strategy's name (gb_strategy_baseline, or the cell's
                                 own strategy when baseline_kind is "self") */
  int baseline_workers;       /* the baseline cell's workers (0: no baseline was measured) */
  const char *baseline_kind;  /* "family": the family's serial run; "self": that run is not in the
                                 plan, so the same strategy at its fewest workers; NULL: none */
  double speedup_ci95[2];     /* seeded bootstrap interval of the ratio of medians (NAN: none) */
  double ideal;               /* the ideal speedup (verdict.h), NAN when there is no baseline */
  const char *ideal_basis;    /* "cpu" (min(workers, PUs)) or "overlap" (I/O and mixed) */
  char efficiency_flag[256];  /* likely cause of an efficiency above 105%, "" when none */
  int impl_ref;               /* a serial run of another implementation or binary: the index of
                                 its family's reference cell, else -1 */
  double impl_factor;         /* reference median over this baseline's (NAN: none) */
  double impl_ci95[2];
  /* --reps auto: */
  double spent_s;            /* wall-clock time its measured repetitions took so far */
  const char *auto_stop;     /* why it stopped: "target", "max-reps", "max-cell-seconds"; NULL
                                while it goes on (or when reps are fixed) */
  double auto_rel_halfwidth; /* half the median's 95% interval over the median, at the stop */
} gb_cell;

/* One workload-or-strategy assignment from the command line (--set). */
typedef struct gb_setting {
  char key[128];
  char value[256];
} gb_setting;

/* What the user asked for, before expansion. */
typedef struct gb_request {
  const char *suite; /* suite path or name, or NULL */
  char **workloads;
  int nworkloads; /* -w (overrides the suite's) */
  char **strategies;
  int nstrategies; /* -s */
  int workers[64];
  int nworkers;        /* -n (values < 0: k*pus) */
  const char *profile; /* -p */
  gb_setting *sets;
  int nsets;                    /* --set, in order */
  int reps, warmup;             /* -1 unless given; reps 0 with reps_auto */
  double reps_auto;             /* --reps auto[:TARGET]: the target, 0 unless given */
  int max_reps;                 /* --max-reps, -1 unless given */
  double max_cell_s;            /* --max-cell-seconds, -1 unless given */
  double timeout_s;             /* --timeout, 0 unless given (then the suite's) */
  const char *bind;             /* --bind */
  const char *counters;         /* --counters: a named set or event names; NULL: "default" */
  const char *counters_backend; /* --counters-backend: force one backend; NULL: the chain */
  uint64_t seed;                /* shuffle seed */
} gb_request;

typedef struct gb_plan {
  gb_paramset *paramsets;
  int nparamsets;
  gb_cell *cells;
  int ncells;
  int reps, warmup;  /* with reps_auto, reps is the cap (max_reps) */
  double reps_auto;  /* > 0: repeat each cell until its median's 95% interval is within
                        this fraction of the median, or a limit is hit */
  int min_reps;      /* with reps_auto: the fewest reps whose median interval reaches
                        95% coverage (6) */
  double max_cell_s; /* with reps_auto: a cell stops once its reps took this long */
  double timeout_s;  /* per repetition: --timeout, else the suite's timeout; 0: derived */
  uint64_t seed;
  uint64_t secret; /* the run secret input payloads derive from (gb_run_secret) */
  char profile[GB_NAME_MAX];
  char suite[PATH_MAX];            /* suite path, "" if none */
  int pus;                         /* PUs online, used for `pus` in worker lists */
  struct gb_counter_set *counters; /* resolved counters (owned), NULL for none */
} gb_plan;

/* Expand a request into a plan. 0, or GB_EINVAL with a "file:line: message" / message in err. */
int gb_plan_build(const gb_request *req, gb_plan *plan, char *err, size_t errlen);
void gb_plan_free(gb_plan *plan);
/* A cell's name wherever one is shown: its strategy, plus the options (and binding) that differ
 * between the plan's cells of that strategy, as cpython-processes[start=spawn]; the report model
 * (rmodel.h) names series the same way. */
void gb_plan_cell_label(const gb_plan *plan, const gb_cell *c, char *buf, size_t len);
/* A cell's workload wherever a cell is named: its name, plus the parameters that tell its set from
 * the plan's other sets of that workload, as sumloop (tasks=8); the report model's group labels
 * read the same (gb_params_distinguishing makes both). */
void gb_plan_workload_label(const gb_plan *plan, const gb_cell *c, char *buf, size_t len);
/* The run settings results.json records (the key table's rows marked GB_KW_RESULTS), each under
 * its key's name, into the JSON object obj (meta). */
void gb_plan_settings_json(const gb_plan *plan, struct json_t *obj);
/* Identity text of an option set ("switch_interval_us=1000,model=new"), for keys and results. */
void gb_plan_opts_format(const gb_strategy *s, const int64_t *opts, char *buf, size_t len);

#endif
