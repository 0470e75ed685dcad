/* verdict.h: what a speedup may claim. Shared by the harness (results.json), `show` and the
 * report, so that the three say the same thing:
 * - a speedup's interval is a seeded bootstrap of the ratio of medians, so both the baseline's
 *   spread and the cell's widen it;
 * - "ideal" follows the workload's kind: min(workers, PUs) for CPU-bound work (4 workers on 2 PUs
 *   can reach at most 2x), the overlap limit for I/O-bound and mixed work (the serial time over
 *   the longest chain of waits one task must make, from the workload's I/O phases);
 * - an efficiency (speedup over ideal) above 105% is flagged with its likely cause;
 * - a verdict names a best strategy only when it is significantly faster than the others, by
 *   `compare`'s test and threshold (Mann-Whitney U at p < 0.05 and a ratio beyond 5%); otherwise
 *   it names the strategies that tie. */
#ifndef GB_VERDICT_H
#define GB_VERDICT_H

#include <stddef.h>
#include <stdint.h>

#define GB_VERDICT_THRESHOLD 0.05 /* compare's default --threshold: a ratio beyond 5% */
#define GB_VERDICT_P 0.05         /* compare's significance level */
#define GB_EFFICIENCY_FLAG 1.05   /* efficiency above this is flagged */
#define GB_SPEEDUP_BOOT_ITERS 2000

/* CPU-bound ideal: min(workers, pus); pus <= 0 (unknown) gives workers. */
double gb_ideal_cpu(int workers, int pus);
/* I/O and mixed ideal: serial_s / chain_s, never below 1; NAN when chain_s <= 0. chain_s is the
 * longest chain of waits one task makes, from the workload's I/O phases (gb_io_chain_s, ioop.h,
 * computed by the runner, which knows the workload; the reports read the ideal from the results). */
double gb_ideal_overlap(double serial_s, double chain_s);

/* 95% interval of median(base) / median(x) by a seeded bootstrap of both samples. NAN, NAN when
 * either side has fewer than 2 values. */
void gb_speedup_interval(const double *base, int nb, const double *x, int nx, uint64_t seed, double *lo,
                         double *hi);

/* What a flagged efficiency is measured against. */
typedef struct gb_eff_facts {
  double efficiency;      /* speedup / ideal */
  double speedup_lo;      /* lower end of the speedup's interval (NAN when unknown) */
  double ideal;           /* the ideal speedup */
  double base_rel_spread; /* width of the baseline's median interval over its median (NAN: unknown) */
  int workers;
  int overlap; /* the ideal is the overlap limit (I/O or mixed work) */
} gb_eff_facts;

/* The likely cause of an efficiency above GB_EFFICIENCY_FLAG, written to buf (one line), and 1;
 * 0 with buf empty when the efficiency is not above it. */
int gb_efficiency_cause(const gb_eff_facts *f, char *buf, size_t len);

/* The verdict among k candidates (lower is better), each a sample x[i][0..n[i]-1]: writes to
 * tied[] the candidates not significantly slower than the fastest by median (the fastest first,
 * then by median) and returns how many. One means the fastest is significantly faster than every
 * other candidate; more means those tie. A candidate with fewer than 2 values cannot be shown
 * slower, so it ties. */
int gb_verdict_ties(const double *const *x, const int *n, int k, int *tied);

#endif
