/* verdict.c: speedup intervals, ideals, efficiency flags and ties (verdict.h). */
#include "verdict.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "gb.h"
#include "rmodel.h"

double gb_ideal_cpu(int workers, int pus) {
  if (workers < 1) return NAN;
  return pus > 0 && pus < workers ? (double)pus : (double)workers;
}

double gb_ideal_overlap(double serial_s, double chain_s) {
  if (!(chain_s > 0) || !isfinite(serial_s)) return NAN;
  double r = serial_s / chain_s;
  return r < 1 ? 1 : r;
}

void gb_speedup_interval(const double *base, int nb, const double *x, int nx, uint64_t seed, double *lo,
                         double *hi) {
  *lo = *hi = NAN;
  if (nb < 2 || nx < 2) return;
  /* gb_boot_ratio gives median(second) / median(first): the baseline's over the cell's. */
  gb_boot_ratio(x, nx, base, nb, GB_SPEEDUP_BOOT_ITERS, seed, lo, hi);
}

int gb_efficiency_cause(const gb_eff_facts *f, char *buf, size_t len) {
  buf[0] = '\0';
  if (!isfinite(f->efficiency) || f->efficiency <= GB_EFFICIENCY_FLAG) return 0;
  if (isfinite(f->base_rel_spread) && f->base_rel_spread > 0.10)
    snprintf(buf, len, "a noisy baseline: its median's 95%% interval spans %.0f%% of it",
             f->base_rel_spread * 100);
  else if (isfinite(f->speedup_lo) && f->speedup_lo <= f->ideal * GB_EFFICIENCY_FLAG)
    snprintf(buf, len, "within noise: the speedup's 95%% interval reaches down to %.2fx (ideal %.2fx)",
             f->speedup_lo, f->ideal);
  else if (f->workers == 1 && !f->overlap)
    snprintf(buf, len,
             "a baseline doing different work or paying costs this strategy does not: at 1 worker "
             "it should match its baseline");
  else if (f->overlap)
    snprintf(buf, len, "more overlap than the waits allow: an I/O op waited less than its estimate");
  else
    snprintf(buf, len,
             "superlinear: likely cache effects (each worker's share fits a cache the serial run "
             "overflowed), or a baseline doing different work");
  return 1;
}

int gb_verdict_ties(const double *const *x, const int *n, int k, int *tied) {
  double *med = gb_xmalloc(sizeof *med * (size_t)(k + 1));
  int best = -1;
  for (int i = 0; i < k; i++) {
    med[i] = NAN;
    if (n[i] < 1) continue;
    double *t = gb_xmalloc(sizeof *t * (size_t)n[i]);
    memcpy(t, x[i], sizeof *t * (size_t)n[i]);
    med[i] = gb_median_inplace(t, n[i]);
    free(t);
    if (best < 0 || med[i] < med[best]) best = i;
  }
  int nt = 0;
  if (best >= 0) {
    tied[nt++] = best;
    for (int i = 0; i < k; i++) {
      if (i == best || n[i] < 1) continue;
      int slower = 0;
      if (n[i] >= 2 && n[best] >= 2) {
        double p = gb_mwu_p(x[best], n[best], x[i], n[i], NULL);
        slower = p < GB_VERDICT_P && med[i] / med[best] - 1 > GB_VERDICT_THRESHOLD;
      }
      if (slower) continue;
      int at = nt++; /* insertion by median, the fastest staying first */
      while (at > 1 && med[tied[at - 1]] > med[i]) {
        tied[at] = tied[at - 1];
        at--;
      }
      tied[at] = i;
    }
  }
  free(med);
  return nt;
}
