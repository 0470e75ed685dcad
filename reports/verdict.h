/* verdict.h: what a speedup may claim. Shared by the harness (results.json, through speedup.h),
 * `show` and the report, so that the three say the same thing:
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

#include "speedup.h"

#define GB_VERDICT_THRESHOLD 0.05 /* compare's default --threshold: a ratio beyond 5% */
#define GB_VERDICT_P 0.05         /* compare's significance level */

/* The speedup's interval, ideals and efficiency flag are computed below the harness (speedup.h,
 * and gb_io_chain_s in ioop.h), where the runner reaches them; these names stay for the reports. */
typedef gb_speedup_facts gb_eff_facts;
double gb_ideal_cpu(int workers, int pus);                             /* gb_speedup_ideal_cpu */
double gb_ideal_overlap(double serial_s, double chain_s);              /* gb_speedup_ideal_overlap */
int gb_efficiency_cause(const gb_eff_facts *f, char *buf, size_t len); /* gb_speedup_flag */

/* The verdict among k candidates (lower is better), each a sample x[i][0..n[i]-1]: writes to
 * tied[] the candidates not significantly slower than the fastest by median (the fastest first,
 * then by median) and returns how many. One means the fastest is significantly faster than every
 * other candidate; more means those tie. A candidate with fewer than 2 values cannot be shown
 * slower, so it ties. */
int gb_verdict_ties(const double *const *x, const int *n, int k, int *tied);

#endif
