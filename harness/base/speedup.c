/* speedup.c: ideals, the speedup's bootstrap interval and the efficiency flag (speedup.h). */
#include "speedup.h"

#include <math.h>
#include <stdio.h>

#include "stats.h"

double gb_speedup_ideal_cpu(int workers, int pus) {
  if (workers < 1) return NAN;
  return pus > 0 && pus < workers ? (double)pus : (double)workers;
}

double gb_speedup_ideal_overlap(double serial_s, double chain_s) {
  if (!(chain_s > 0) || !isfinite(serial_s)) return NAN;
  double r = serial_s / chain_s;
  return r < 1 ? 1 : r;
}

void gb_speedup_interval(const double *base, int nb, const double *x, int nx, uint64_t seed, double *lo,
                         double *hi) {
  *lo = *hi = NAN;
  if (nb < 2 || nx < 2) return;
  /* gb_stats_boot_ratio gives median(second) / median(first): the baseline's over the cell's. */
  gb_stats_boot_ratio(x, nx, base, nb, GB_SPEEDUP_BOOT_ITERS, seed, lo, hi);
}

int gb_speedup_flag(const gb_speedup_facts *f, char *buf, size_t len) {
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
