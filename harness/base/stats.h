/* stats.h: summary statistics of repeated measurements, with GSL (docs/ARCHITECTURE.md "The results schema"):
 * stddev with n-1, Student-t interval of the mean, order-statistic interval of the median, Tukey
 * outliers beyond 1.5 IQR. */
#ifndef GB_STATS_H
#define GB_STATS_H

#include <stdint.h>

typedef struct gb_stats {
  int n; /* number of values */
  double median;
  double mean;
  double stddev;         /* sample standard deviation (n-1); 0 when n < 2 */
  double ci95[2];        /* Student-t 95% interval of the mean; [mean, mean] when n < 2 */
  double median_ci95[2]; /* distribution-free 95% interval of the median from order statistics
                            (the widest, [min, max], when n is too small for 95%) */
  double min, max;
  int outliers; /* values beyond Q1 - 1.5 IQR or Q3 + 1.5 IQR */
} gb_stats;

/* Summarise x[0..n-1] (n >= 1; x is not modified). Returns 0, or GB_EINVAL when n < 1. */
int gb_stats_compute(const double *x, int n, gb_stats *out);

/* The 1-based rank j of median_ci95's bounds for n values: x(j) and x(n+1-j) (1 when n < 6). */
int gb_stats_median_ci_rank(int n);

/* 95% percentile-bootstrap interval of median(b) / median(a): iters resamples of both samples with
 * replacement, drawn from GSL's MT19937 seeded with seed, so the same samples give the same
 * interval every time (a speedup's interval, `compare`'s ratios). NAN, NAN when no resample has
 * median(a) > 0. na, nb >= 1. */
void gb_stats_boot_ratio(const double *a, int na, const double *b, int nb, int iters, uint64_t seed,
                         double *lo, double *hi);

#endif
