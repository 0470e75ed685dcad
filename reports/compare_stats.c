/* compare_stats.c: Mann-Whitney U (exact or normal) and the bootstrap of a ratio of medians. */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "gb.h"
#include "stats.h"

#define GB_MWU_EXACT_MAX 25

typedef struct {
  double v;
  int from_a;
} ranked;

static int ranked_cmp(const void *x, const void *y) {
  double a = ((const ranked *)x)->v, b = ((const ranked *)y)->v;
  return a < b ? -1 : a > b;
}

/* P(U <= u) under the null for sample sizes (m, n), by the recurrence
 * f(m, n, u) = f(m-1, n, u-n) + f(m, n-1, u), counts divided by C(m+n, m). */
static double mwu_exact_cdf(int m, int n, double u) {
  int umax = m * n;
  /* f[i][j][k] for i <= m, j <= n, k <= umax, stored flat. */
  size_t sz = (size_t)(m + 1) * (size_t)(n + 1) * (size_t)(umax + 1);
  double *f = gb_xcalloc(sz, sizeof *f);
#define F(i, j, k) f[(((size_t)(i) * (size_t)(n + 1)) + (size_t)(j)) * (size_t)(umax + 1) + (size_t)(k)]
  for (int i = 0; i <= m; i++)
    for (int j = 0; j <= n; j++) {
      if (i == 0 || j == 0) {
        F(i, j, 0) = 1;
        continue;
      }
      for (int k = 0; k <= i * j; k++)
        F(i, j, k) = (k >= j ? F(i - 1, j, k - j) : 0) + F(i, j - 1, k);
    }
  double total = 0, below = 0;
  for (int k = 0; k <= umax; k++) {
    total += F(m, n, k);
    if (k <= u + 1e-9) below += F(m, n, k);
  }
#undef F
  free(f);
  return below / total;
}

double gb_mwu_p(const double *a, int na, const double *b, int nb, double *u_out) {
  if (na < 1 || nb < 1) return NAN;
  int n = na + nb;
  ranked *r = gb_xmalloc(sizeof *r * (size_t)n);
  for (int i = 0; i < na; i++)
    r[i] = (ranked){a[i], 1};
  for (int i = 0; i < nb; i++)
    r[na + i] = (ranked){b[i], 0};
  qsort(r, (size_t)n, sizeof *r, ranked_cmp);
  double ra = 0, tie_term = 0;
  int ties = 0;
  for (int i = 0; i < n;) {
    int j = i;
    while (j + 1 < n && r[j + 1].v == r[i].v)
      j++;
    double mid = (i + j) / 2.0 + 1; /* ranks are 1-based */
    int t = j - i + 1;
    if (t > 1) {
      ties = 1;
      tie_term += (double)t * t * t - t;
    }
    for (int k = i; k <= j; k++)
      if (r[k].from_a) ra += mid;
    i = j + 1;
  }
  free(r);
  double u = ra - na * (na + 1) / 2.0, mn = (double)na * nb;
  if (u_out) *u_out = u;
  double p;
  if (!ties && na <= GB_MWU_EXACT_MAX && nb <= GB_MWU_EXACT_MAX) {
    double lo = mwu_exact_cdf(na, nb, u);         /* P(U <= u) */
    double hi = 1 - mwu_exact_cdf(na, nb, u - 1); /* P(U >= u) */
    p = 2 * fmin(lo, hi);
  } else {
    double sigma = sqrt(mn / 12.0 * ((n + 1) - tie_term / ((double)n * (n - 1))));
    if (sigma <= 0) return 1.0; /* every value equal */
    double z = (fabs(u - mn / 2) - 0.5) / sigma;
    p = z <= 0 ? 1.0 : 2 * gsl_cdf_ugaussian_Q(z);
  }
  return p > 1 ? 1 : p;
}

/* The bootstrap moved below every layer (stats.c), where the runner's speedup intervals use it
 * too; compare.h keeps its name. */
void gb_boot_ratio(const double *a, int na, const double *b, int nb, int iters, uint64_t seed, double *lo,
                   double *hi) {
  gb_stats_boot_ratio(a, na, b, nb, iters, seed, lo, hi);
}
