/* bench_hooks.c: what the worker hooks cost with counters, for scripts/bench-overhead.sh. Times
 * gb_worker_begin + gb_worker_end pairs in one thread (the per-worker cost; workers pay it in
 * parallel, so a cell's wall time grows by about one pair) with no counters and with each named
 * set, and prints the cost as a share of a 100 ms cell. Not a test: the target is checked by a
 * person reading the figure, never by a timed assertion. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counters.h"

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Median microseconds of one begin+end pair over n pairs. */
static double pair_us(const gb_counter_set *set, int n) {
  gb_job job;
  memset(&job, 0, sizeof job);
  job.workers = 1;
  job.counters = set;
  gb_worker_out out;
  double *t = malloc(sizeof *t * (size_t)n);
  for (int i = 0; i < n; i++) {
    uint64_t t0 = gb_now_ns();
    gb_worker_begin(&job, 0);
    gb_worker_end(&job, 0, &out);
    t[i] = (double)(gb_now_ns() - t0) * 1e-3;
  }
  qsort(t, (size_t)n, sizeof *t, cmp);
  double m = t[n / 2];
  free(t);
  return m;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 2000;
  const char *specs[] = {"none", "os", "default", "default,cache,branch"};
  double base = pair_us(NULL, n);
  printf("%-22s %10s %12s %14s  %s\n", "--counters", "pair (us)", "+counters", "of a 100 ms cell",
         "counted here");
  for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
    gb_counter_set *set;
    char err[512];
    if (gb_counters_resolve(specs[i], NULL, &set, err, sizeof err) != 0) {
      fprintf(stderr, "bench_hooks: %s\n", err);
      return 2;
    }
    int counted = 0;
    for (int e = 0; set && e < set->n; e++)
      counted += set->ev[e].backend != NULL;
    double us = set ? pair_us(set, n) : base;
    printf("%-22s %10.2f %10.2f us %13.4f%%  %d of %d\n", specs[i], us, us - base,
           (us - base) / 100000.0 * 100.0, counted, set ? set->n : 0);
    gb_counters_free(set);
  }
  return 0;
}
