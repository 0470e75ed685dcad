/* compare.h: the statistics behind `gilbench compare`: a seeded bootstrap interval of the ratio of
 * medians and the Mann-Whitney U test, both distribution-free (timings are skewed and have
 * outliers; a t-test would mislead). */
#ifndef GB_COMPARE_H
#define GB_COMPARE_H

#include <stdint.h>

/* Two-sided p-value of the Mann-Whitney U test of a[0..na-1] against b[0..nb-1]. Exact (the
 * distribution of U counted by recurrence) when there are no ties and both samples have at most
 * 25 values; otherwise the normal approximation with tie and continuity corrections. *u (if not
 * NULL) receives U of sample a. NAN when a sample is empty. */
double gb_mwu_p(const double *a, int na, const double *b, int nb, double *u);

/* 95% percentile-bootstrap interval of median(b) / median(a): iters resamples of both samples with
 * replacement, drawn from GSL's MT19937 seeded with seed, so a comparison prints the same interval
 * every time it is run. */
void gb_boot_ratio(const double *a, int na, const double *b, int nb, int iters, uint64_t seed, double *lo,
                   double *hi);

#endif
