/* bench_contract.c: what the timing contract and the noise sampling add to one repetition, for
 * scripts/bench-contract.sh. Times, over n rounds (median): the contract's four marks plus the
 * runner's check of them (gb_rep_timing_finish, two workers), and the noise window (two probes of
 * /proc/stat and getrusage, and the frequency read). Prints microseconds per repetition; the
 * script divides by a sumloop repetition's wall time. Not a test: a person reads the figure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "noise.h"

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *t, int n) {
  qsort(t, (size_t)n, sizeof *t, cmp);
  return t[n / 2];
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000;
  if (n < 1) n = 1;
  double *t = malloc(sizeof *t * (size_t)n);
  gb_worker_out w[2];
  gb_rep rep;
  for (int i = 0; i < n; i++) {
    memset(&rep, 0, sizeof rep);
    memset(w, 0, sizeof w);
    rep.nworkers = 2;
    rep.workers = w;
    uint64_t t0 = gb_now_ns();
    gb_rep_mark_create(&rep);
    w[0].begun_ns = w[1].begun_ns = gb_now_ns(); /* what the begin hooks stamp */
    gb_rep_clock_start(&rep);
    gb_rep_clock_stop(&rep);
    w[0].end_ns = w[1].end_ns = gb_now_ns(); /* what the end hooks stamp */
    gb_rep_mark_joined(&rep);
    if (gb_rep_timing_finish(&rep, 0) != 0) {
      fprintf(stderr, "bench_contract: %s\n", rep.error);
      return 1;
    }
    t[i] = (double)(gb_now_ns() - t0) * 1e-3;
  }
  double marks = median(t, n);
  for (int i = 0; i < n; i++) {
    uint64_t t0 = gb_now_ns();
    gb_noise_probe a, b;
    gb_noise nz;
    gb_noise_probe_take(&a);
    gb_noise_probe_take(&b);
    gb_noise_between(&a, &b, &nz);
    t[i] = (double)(gb_now_ns() - t0) * 1e-3;
  }
  double noise = median(t, n);
  printf("marks_us %.3f\nnoise_us %.3f\n", marks, noise);
  free(t);
  return 0;
}
