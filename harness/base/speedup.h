/* speedup.h: what a speedup may claim, in the base layer so that the runner (which writes each
 * cell's speedup, interval, ideal and flag into results.json) and the reports (verdict.h, which
 * re-exports these) compute them with the same code and neither reaches into the other:
 * - a speedup's interval is a seeded bootstrap of the ratio of medians, so both the baseline's
 *   spread and the cell's widen it;
 * - the ideal is min(workers, PUs) for CPU-bound work (4 workers on 2 PUs can reach at most 2x),
 *   the overlap limit for I/O-bound and mixed work (the serial time over the longest chain of
 *   waits one task must make: gb_io_chain_s, ioop.h);
 * - an efficiency (speedup over ideal) above GB_EFFICIENCY_FLAG is flagged with its likely cause.
 * docs/ARCHITECTURE.md "Statistics, speedups and verdicts" says the same in prose. */
#ifndef GB_SPEEDUP_H
#define GB_SPEEDUP_H

#include <stddef.h>
#include <stdint.h>

#define GB_EFFICIENCY_FLAG 1.05 /* efficiency above this is flagged */
#define GB_SPEEDUP_BOOT_ITERS 2000

/* CPU-bound ideal: min(workers, pus); pus <= 0 (unknown) gives workers; NAN when workers < 1. */
double gb_speedup_ideal_cpu(int workers, int pus);
/* I/O and mixed ideal: serial_s / chain_s, never below 1; NAN when chain_s <= 0. */
double gb_speedup_ideal_overlap(double serial_s, double chain_s);

/* 95% interval of median(base) / median(x) by a seeded bootstrap of both samples
 * (GB_SPEEDUP_BOOT_ITERS resamples). NAN, NAN when either side has fewer than 2 values. */
void gb_speedup_interval(const double *base, int nb, const double *x, int nx, uint64_t seed, double *lo,
                         double *hi);

/* What a flagged efficiency is measured against. */
typedef struct gb_speedup_facts {
  double efficiency;      /* speedup / ideal */
  double speedup_lo;      /* lower end of the speedup's interval (NAN when unknown) */
  double ideal;           /* the ideal speedup */
  double base_rel_spread; /* width of the baseline's median interval over its median (NAN: unknown) */
  int workers;            /* the cell's worker count */
  int overlap;            /* the ideal is the overlap limit (I/O or mixed work) */
} gb_speedup_facts;

/* The likely cause of an efficiency above GB_EFFICIENCY_FLAG, written to buf (one line), and 1;
 * 0 with buf empty when the efficiency is not above it. */
int gb_speedup_flag(const gb_speedup_facts *f, char *buf, size_t len);

#endif
