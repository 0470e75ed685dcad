/* verdict.c: ties (verdict.h); the speedup's ideals and flag under their report-side names. */
#include "verdict.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "gb.h"
#include "rmodel.h"

double gb_ideal_cpu(int workers, int pus) {
  return gb_speedup_ideal_cpu(workers, pus);
}

double gb_ideal_overlap(double serial_s, double chain_s) {
  return gb_speedup_ideal_overlap(serial_s, chain_s);
}

int gb_efficiency_cause(const gb_eff_facts *f, char *buf, size_t len) {
  return gb_speedup_flag(f, buf, len);
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
