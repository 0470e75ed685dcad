/* rverdict.h: a workload group's verdict over the report model: its best cell and the cells tied
 * with it, and the short texts every view (report, show) prints of it. Below the views, so they
 * and `show` share it without reaching into report.c. */
#ifndef GB_RVERDICT_H
#define GB_RVERDICT_H

#include <stddef.h>

#include "rmodel.h"

/* The best cell of a workload group for the verdict (lowest median wall time, or lowest p99
 * latency for a measure=latency workload), or -1 when no cell succeeded. */
int gb_report_best(const gb_rmodel *m, int group);
/* The verdict of a workload group: each series' best cell, and those not significantly slower
 * than the fastest (verdict.h: compare's Mann-Whitney test and 5% threshold). */
enum { GB_VERDICT_MAX = 64 };
typedef struct gb_rverdict {
  int best;                 /* the fastest cell, -1 when no cell succeeded */
  int tied[GB_VERDICT_MAX]; /* cells, the fastest first: one means a significant winner */
  int ntied;
  int by_latency; /* judged by per-repetition p99 latency rather than wall time */
  int few_reps;   /* some tied cell had fewer than 4 repetitions: Mann-Whitney at 3+3
                     cannot reach p < 0.05, so nothing can be told apart */
} gb_rverdict;
void gb_report_verdict(const gb_rmodel *m, int group, gb_rverdict *v);
/* "threads ×2 ≈ openmp ×2 ≈ processes ×2", or the winner's "label ×W" alone. */
void gb_report_verdict_names(const gb_rmodel *m, const gb_rverdict *v, char *buf, size_t len);
/* Which ideal a cell's "of ideal" uses, as short text ("min(workers, PUs) = 2", "overlap 138"). */
void gb_report_ideal_text(const gb_rcell *c, char *buf, size_t len);
/* A cell's samples for the verdict: per-repetition wall_s or p99 latency. Returns the count;
 * *out is malloc'd. */
int gb_rcell_samples(const gb_rcell *c, int by_latency, double **out);

/* What the verdict judged the best cell by, as short text ("11.2 ms wall", "850 µs p99"). */
void gb_report_best_measure(const gb_rmodel *m, int cell, char *buf, size_t len);

#endif
