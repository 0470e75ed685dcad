/* strategy.h: the gb_strategy descriptor. Each strategy is one file ending in its descriptor;
 * strategies.h holds the one list that registers them all. */
#ifndef GB_STRATEGY_H
#define GB_STRATEGY_H

#include "job.h"

/* Capability flags. */
enum {
  GB_CAP_PARALLEL_CPU = 1u << 0,  /* CPU phases of different workers run at the same time */
  GB_CAP_SHARED_MEMORY = 1u << 1, /* workers share the coordinator's memory */
  GB_CAP_OVERLAPS_IO = 1u << 2,   /* one worker can have several I/O waits in flight */
  GB_CAP_LAUNCHER = 1u << 3,      /* needs a launcher (mpirun) */
  GB_CAP_ONE_WORKER = 1u << 4,    /* planned at 1 worker only (serial baselines) */
};

typedef struct gb_strategy {
  const char *name; /* as on the command line */
  /* The family it belongs to ("cpython", "pypy", "jython", a --python LABEL), or NULL: FAMILY.OPTION
   * keys set an option of every strategy of the family (harness/defs/optkey.c). Never a name prefix. */
  const char *family;
  const char *summary;  /* what it models, one line */
  unsigned caps;        /* GB_CAP_* */
  const char *baseline; /* strategy whose median wall gives speedup: "serial", "cpython-serial" */
  /* When the baseline depends on the options (a spawned pool's workers run another interpreter
   * binary than a forked one's): the baseline's name for these option values. NULL: .baseline.
   * Either way the baseline runs the same implementation of the work in the same binary. */
  const char *(*baseline_of)(const int64_t *opts);
  /* For a serial baseline that runs another implementation or binary than its family's reference
   * (cpython-ext-serial: the C kernels, not the Python twins): the reference serial strategy. Its
   * median over this one's is the implementation factor, shown apart from every speedup. NULL for
   * a reference itself and for every parallel strategy. */
  const char *reference;
  const gb_param_def *options; /* options table (--set NAME.OPTION=VALUE) */
  int noptions;
  const gb_metric_def *metrics; /* the metrics it reports */
  int nmetrics;
  /* NULL when it can run here, else the reason ("built without OpenMP"). */
  const char *(*unavailable)(void);
  /* Run one repetition: fill rep (wall/startup/teardown, checksum, tasks_done, workers, metrics).
   * Returns 0, or a negative code with rep->error set. */
  int (*run)(const gb_job *job, gb_rep *rep);
  /* For plan estimates only: how many times the C serial path's CPU time the same work costs here
   * (the cpython-* twins are pure Python: about 60); 0 means as in C. */
  double cpu_cost;
  /* For plan estimates only: seconds of start-up and shut-down per repetition that do not scale
   * with the work (a Ray or Spark cluster: seconds); 0 for none worth counting. */
  double fixed_cost_s;
} gb_strategy;

/* The baseline strategy of a cell of s with option values opts. */
const char *gb_strategy_baseline(const gb_strategy *s, const int64_t *opts);

/* Lookup in the registered list (strategies/registry/strategies.c). */
const gb_strategy *gb_strategy_find(const char *name);
#define GB_MAX_STRATEGIES 128
extern const gb_strategy *gb_strategies[]; /* NULL-terminated, in list order, then those added */
/* Register a strategy made at run time (a --python family's); it must outlive the process's use of
 * the list. 0, or -1 when the table is full or the name is taken. */
int gb_strategy_add(const gb_strategy *s);

/* Strategies named by words, in order: a name, `all`, `native` (those of no family: everything
 * but the cpython, pypy, jython and --python families), or a pattern (`cpython-*`); `-WORD` leaves out what
 * WORD names; a list that starts with `-WORD` starts from every strategy ("-gil" is "all,-gil"). Writes up to
 * max strategies (first mention first) to out and returns how many, or -1 with err naming a word that matches
 * nothing. */
int gb_strategy_select(char *const *words, int n, const gb_strategy **out, int max, char *err, size_t errlen);

#endif
