/* estimate.h: how long a run will take, before it starts and while it runs. A repetition's time
 * comes from the timed references (the workload's CPU work, divided among the PUs a parallel
 * strategy can use), its I/O waits, its dispatch and the run's measured per-repetition overhead.
 * With fixed reps a cell runs warmup + reps of them. With reps auto the count is what the cell's
 * own spread will need (docs/ARCHITECTURE.md "Noise, repetitions and the machine"): unknown before
 * it has run, so the plan's estimate is a range (every cell at min_reps .. every cell at its
 * limit), and the running estimate predicts each cell's count from its repetitions so far, pooled
 * with the other cells' spread while it has fewer than 3. */
#ifndef GB_ESTIMATE_H
#define GB_ESTIMATE_H

#include <stdio.h>

#include "plan.h"

/* The median-interval factor: for a median of n samples with coefficient of variation cv, half
 * its 95% interval is about GB_ESTIMATE_MEDIAN_Z * cv / sqrt(n) of the median (1.96 * sqrt(pi/2)). */
#define GB_ESTIMATE_MEDIAN_Z 2.456

/* Seconds one repetition of c takes; overhead_s: the run's measured per-repetition overhead. */
double gb_estimate_rep(const gb_plan *plan, const gb_cell *c, double overhead_s);
/* The whole plan before anything runs: the figure (every cell at min_reps with reps auto) and in
 * *worst every cell at its limit; *measured 0 when a reference is missing (a dry run). */
double gb_estimate_plan(const gb_plan *plan, double overhead_s, int *measured, double *worst);
/* Print the plan's estimate to out (NULL: print nothing); so_far: seconds already spent. Returns
 * the point figure, and in *worst (when not NULL) the upper bound, so_far included. */
double gb_estimate_print(const gb_plan *plan, double so_far, double overhead_s, FILE *out, double *worst);
/* With reps auto, the repetitions the cells with 2 or more so far call for, on average (each its
 * own count within [min_reps, max_reps]); NAN when none has 2. */
double gb_estimate_pooled_reps(const gb_plan *plan);
/* The repetitions cell c is expected to end at: plan->reps with fixed reps; with reps auto, from
 * 3 repetitions on its own count (its median interval narrowing as 1/sqrt(n), what the runner's
 * stop tests), with 2 half its own spread's count and half the pool's (a spread from two is
 * rough), with fewer the pool's (pooled: gb_estimate_pooled_reps), else min_reps. */
int gb_estimate_reps(const gb_plan *plan, const gb_cell *c, double pooled);
/* Seconds the repetitions still to run take, from round `round` on, each at a + b times its
 * estimate (the progress fit); sets *refined to 1 once every pending cell's count rests on its own
 * repetitions or the pooled spread (always 1 with fixed reps). */
double gb_estimate_left(const gb_plan *plan, int round, double a, double b, double overhead_s, int *refined);

#endif
