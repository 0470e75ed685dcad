/* estimate.h: how long a run will take, before it starts and while it runs. A repetition's time
 * comes from the timed references (the workload's CPU work, divided among the PUs a parallel
 * strategy can use), its I/O waits, its dispatch and the run's measured per-repetition overhead;
 * once a cell has run (its warm-up included), from what its own repetitions took. With fixed reps
 * a cell runs warmup + reps of them. With reps auto the count is what the cell's own spread will
 * need (docs/ARCHITECTURE.md "Noise, repetitions and the machine"): unknown before it has run, so
 * the plan's estimate is a range (every cell at min_reps .. every cell at its limit) around a
 * middle figure (every cell halfway), and the running estimate plays the runner's own stopping
 * rule forward from each cell's repetitions so far (gb_estimate_count). */
#ifndef GB_ESTIMATE_H
#define GB_ESTIMATE_H

#include <stdint.h>
#include <stdio.h>

#include "plan.h"

/* Futures played per cell by gb_estimate_count: the count is their mean. */
#define GB_ESTIMATE_PATHS 64

/* Seconds one repetition of c takes; overhead_s: the run's measured per-repetition overhead. */
double gb_estimate_rep(const gb_plan *plan, const gb_cell *c, double overhead_s);
/* The whole plan before anything runs: the middle figure (with reps auto every cell halfway
 * between min_reps and its limit, max_reps or max_cell_s; fixed reps: the count), in *low every
 * cell at min_reps and in *worst every cell at its limit; *measured 0 when a reference is missing
 * (a dry run). */
double gb_estimate_plan(const gb_plan *plan, double overhead_s, int *measured, double *low, double *worst);
/* Print the plan's estimate to out (NULL: print nothing); so_far: seconds already spent. Returns
 * the middle figure, and in *low and *worst (when not NULL) the range, so_far included. */
double gb_estimate_print(const gb_plan *plan, double so_far, double overhead_s, FILE *out, double *low,
                         double *worst);
/* The repetitions cell c has when the runner's rule stops it (runner.c cell_complete: from
 * min_reps the median's 95% order-statistic interval within reps_auto, or max_cell_s spent with 3
 * or more, or max_reps), on average over GB_ESTIMATE_PATHS futures drawn (seeded) from its own
 * repetitions' spread; per_rep_s: what one of its repetitions adds to spent_s before it has any.
 * With fewer than 2 repetitions (no spread yet) `prior` of the way from its floor (min_reps, or
 * its limit when that comes first) to its limit; with 2, half that and half the futures. Fixed
 * reps: plan->reps. */
double gb_estimate_count(const gb_plan *plan, const gb_cell *c, double per_rep_s, double prior,
                         uint64_t seed);

/* The running estimate's prior (gb_estimate_count) is where the cells with 3 or more repetitions
 * are expected to stop, as a fraction of their range, pooled with this many cells at halfway. */
#define GB_ESTIMATE_PRIOR_WEIGHT 5.0

/* The running estimate's state: what each cell's repetitions took (warm-ups included, from the
 * end of the one before: the runner's work between them counts) and each cell's count, kept until
 * it has a new repetition. */
typedef struct gb_estimator {
  int ncells;
  double overhead_s; /* the run's measured per-repetition overhead */
  double *took_s;    /* per cell: seconds its repetitions took, summed */
  int *ntook;        /* per cell: how many */
  int *nwarm;        /* per cell: how many of them were warm-ups */
  double *count;     /* per cell: gb_estimate_count as of count_at reps (-1: none yet) */
  int *count_at;
  double round_s; /* the runner's work at the ends of rounds (results.json written), summed */
  int nrounds;    /* over how many */
} gb_estimator;

void gb_estimator_init(gb_estimator *e, const gb_plan *plan, double overhead_s);
void gb_estimator_free(gb_estimator *e);
/* Cell i's repetition (a warm-up when warmup is not 0) took took_s, the cell already updated. */
void gb_estimator_observe(gb_estimator *e, int i, double took_s, int warmup);
/* A round's end (results.json written) took round_s: the rounds to come cost as much each. */
void gb_estimator_round(gb_estimator *e, double round_s);
/* Seconds the repetitions still to run take, from round `round` on: a cell that ran at what its
 * own took, one that has not at a + b times gb_estimate_rep (the progress fit), and the rounds'
 * ends to come (as many as the longest cell's repetitions left) at their mean; sets *refined to 1
 * once every pending cell has 2 measured repetitions (always 1 with fixed reps). */
double gb_estimator_left(gb_estimator *e, const gb_plan *plan, int round, double a, double b, int *refined);

#endif
