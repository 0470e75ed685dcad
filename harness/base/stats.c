/* stats.c: summary statistics of a cell's repeated measurements (docs/ARCHITECTURE.md "The results schema"),
 * computed with GSL so that every number in results.json comes from a well-known implementation
 * rather than hand-rolled formulas.
 *
 * - stddev is the sample standard deviation (divisor n-1): repetitions are a sample of what the
 *   machine could produce, not the whole population.
 * - ci95 is the Student-t 95% interval of the mean, mean +- t(0.975, n-1) * stddev / sqrt(n): with
 *   the handful of repetitions a benchmark affords, the normal quantile 1.96 would be too narrow.
 * - median_ci95 is the distribution-free interval of the median from order statistics: timings are
 *   skewed (a machine can only be slower than its best), so an interval that assumes nothing about
 *   their shape is the honest one beside the median that speedups are computed from. With x(1) <=
 *   ... <= x(n) and B ~ binomial(n, 1/2), [x(j), x(n+1-j)] covers the median with probability
 *   1 - 2 P(B <= j-1); we take the largest j (narrowest interval) whose coverage is >= 0.95. For
 *   n < 6 not even [x(1), x(n)] reaches 95% (n = 5 gives 1 - 2/32 = 93.75%), so there the interval
 *   is [min, max] and covers less than 95%: the widest the data can give, never a made-up bound.
 * - outliers counts values beyond Tukey's fences Q1 - 1.5 IQR and Q3 + 1.5 IQR, with quartiles
 *   interpolated by gsl_stats_quantile_from_sorted_data (R's type 7), so a reader can tell a
 *   noisy cell (a few wild repetitions) from a merely spread one.
 * - gb_stats_boot_ratio is the seeded percentile bootstrap of a ratio of medians, behind a
 *   speedup's interval (speedup.c) and `compare`'s ratios.
 */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "gb.h"

/* Smallest n whose widest order-statistic interval [x(1), x(n)] covers the median with
 * probability >= 95% (1 - 2 / 2^6 = 96.9%; n = 5 gives only 93.75%). */
enum { GB__MEDIAN_CI_MIN_N = 6 };

/* Coverage of [x(j), x(n+1-j)] as an interval of the population median: the median lies outside
 * it only when fewer than j values fall below it or fewer than j above it, each with probability
 * P(B <= j-1) for B ~ binomial(n, 1/2). */
static double median_ci_coverage(int j, int n) {
  return 1.0 - 2.0 * gsl_cdf_binomial_P((unsigned)(j - 1), 0.5, (unsigned)n);
}

/* 1-based rank j of the lower bound of the narrowest symmetric 95% order-statistic interval of
 * the median, or 1 (the widest, [min, max]) when n is too small for 95%. Coverage falls as j
 * grows, so the first j whose successor drops below 95% is the answer. */
static int median_ci_rank(int n) {
  if (n < GB__MEDIAN_CI_MIN_N) return 1;
  int j = 1;
  while (j + 1 <= n + 1 - (j + 1) && median_ci_coverage(j + 1, n) >= 0.95)
    j++;
  return j;
}

int gb_stats_median_ci_rank(int n) {
  return median_ci_rank(n);
}

/* Tukey outliers of sorted[0..n-1]: the fences come from the quartiles, which for n = 1 are the
 * value itself, so a single value is never an outlier. */
static int tukey_outliers(const double *sorted, int n) {
  double q1 = gsl_stats_quantile_from_sorted_data(sorted, 1, (size_t)n, 0.25);
  double q3 = gsl_stats_quantile_from_sorted_data(sorted, 1, (size_t)n, 0.75);
  double iqr = q3 - q1;
  double lo = q1 - 1.5 * iqr, hi = q3 + 1.5 * iqr;
  int count = 0;
  for (int i = 0; i < n; i++)
    if (sorted[i] < lo || sorted[i] > hi) count++;
  return count;
}

int gb_stats_compute(const double *x, int n, gb_stats *out) {
  if (n < 1 || !x || !out) return GB_EINVAL;
  /* NaN has no place in an order and would make the sort, and so every rank, meaningless. */
  for (int i = 0; i < n; i++)
    if (!isfinite(x[i])) return GB_EINVAL;

  /* The caller's array is its record of repetitions in run order: sort a copy. */
  double *s = malloc((size_t)n * sizeof *s);
  if (!s) return GB_ENOMEM;
  memcpy(s, x, (size_t)n * sizeof *s);
  gsl_sort(s, 1, (size_t)n);

  gb_stats r;
  memset(&r, 0, sizeof r);
  r.n = n;
  r.min = s[0];
  r.max = s[n - 1];
  r.median = gsl_stats_median_from_sorted_data(s, 1, (size_t)n);
  r.mean = gsl_stats_mean(s, 1, (size_t)n);

  /* With one value there is no spread to estimate (n-1 = 0): report 0 and a zero-width interval
   * rather than NaN, as stats.h promises. */
  if (n >= 2) {
    r.stddev = gsl_stats_sd_m(s, 1, (size_t)n, r.mean);
    double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * r.stddev / sqrt((double)n);
    r.ci95[0] = r.mean - half;
    r.ci95[1] = r.mean + half;
  } else {
    r.stddev = 0.0;
    r.ci95[0] = r.ci95[1] = r.mean;
  }

  int j = median_ci_rank(n); /* 1-based: x(j) is s[j-1], x(n+1-j) is s[n-j] */
  r.median_ci95[0] = s[j - 1];
  r.median_ci95[1] = s[n - j];

  r.outliers = tukey_outliers(s, n);

  free(s);
  *out = r;
  return 0;
}

/* The median of x[0..n-1], which it sorts. */
static double median_sorting(double *x, int n) {
  gsl_sort(x, 1, (size_t)n);
  return gsl_stats_median_from_sorted_data(x, 1, (size_t)n);
}

void gb_stats_boot_ratio(const double *a, int na, const double *b, int nb, int iters, uint64_t seed,
                         double *lo, double *hi) {
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, (unsigned long)(seed ? seed : 1));
  double *ra = gb_xmalloc(sizeof *ra * (size_t)na), *rb = gb_xmalloc(sizeof *rb * (size_t)nb);
  double *ratios = gb_xmalloc(sizeof *ratios * (size_t)iters);
  int n = 0;
  for (int it = 0; it < iters; it++) {
    for (int i = 0; i < na; i++)
      ra[i] = a[gsl_rng_uniform_int(rng, (unsigned long)na)];
    for (int i = 0; i < nb; i++)
      rb[i] = b[gsl_rng_uniform_int(rng, (unsigned long)nb)];
    double ma = median_sorting(ra, na), mb = median_sorting(rb, nb);
    if (ma > 0) ratios[n++] = mb / ma;
  }
  if (n == 0) {
    *lo = *hi = NAN;
  } else {
    gsl_sort(ratios, 1, (size_t)n);
    int il = (int)floor(0.025 * (n - 1)), ih = (int)ceil(0.975 * (n - 1));
    *lo = ratios[il];
    *hi = ratios[ih];
  }
  free(ra);
  free(rb);
  free(ratios);
  gsl_rng_free(rng);
}
