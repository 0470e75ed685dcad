/* estimate.c: see estimate.h. */
#include "estimate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gb.h"
#include "ioop.h"
#include "stats.h"
#include "task.h"

/* The CPU work divides among min(workers, PUs) for parallel strategies, and a strategy that copies
 * payloads between processes pays about 20 us per chunk handed out (what bench-scaling.sh measures
 * here); I/O (the reference does none): blocking workers overlap their waits, an event loop as
 * many as it has connections (tcp) or tasks in flight; each repetition pays the run's measured
 * overhead on top. The reference's own time includes one fork, which is not divided by workers. */
double gb_estimate_rep(const gb_plan *plan, const gb_cell *c, double overhead_s) {
  const gb_workload *wl = &plan->paramsets[c->paramset].wl;
  double t = fmax(0, plan->paramsets[c->paramset].reference_s - overhead_s);
  if (c->strategy->cpu_cost > 0) t *= c->strategy->cpu_cost; /* Python twins are slower than C */
  if (c->strategy->caps & GB_CAP_PARALLEL_CPU) t /= (c->workers < plan->pus ? c->workers : plan->pus);
  if (!(c->strategy->caps & (GB_CAP_SHARED_MEMORY | GB_CAP_ONE_WORKER)))
    t += 20e-6 * (double)gb_workload_ntasks(wl) / (double)(wl->chunk > 0 ? wl->chunk : 1);
  double io = gb_io_estimate_s(wl), par = c->workers;
  if (c->strategy->caps & GB_CAP_OVERLAPS_IO) {
    double share = ceil((double)gb_workload_ntasks(wl) / c->workers);
    int64_t conns = gb_io_loop_limit(wl);
    par = c->workers * (conns > 0 && conns < share ? (double)conns : share);
  }
  return t + io / (par > 1 ? par : 1) + c->strategy->fixed_cost_s + overhead_s;
}

/* The repetitions at which max_cell_s (with 3 or more) or max_reps stops a cell that has n of
 * them and spent `spent` seconds, each further one spending w. */
static double limit_reps(const gb_plan *plan, int n, double spent, double w) {
  double m = plan->reps;
  if (plan->max_cell_s > 0 && w > 0)
    m = fmin(m, fmax(n + ceil(fmax(0, plan->max_cell_s - spent) / w), fmax(3, n)));
  return m;
}

/* One cell's time before it runs: its warm-ups and repetitions; with reps auto the middle of
 * min_reps (or fewer when max_cell_s comes first: *low) and its limit (*worst). */
static double plan_cell(const gb_plan *plan, const gb_cell *c, double overhead_s, double *low,
                        double *worst) {
  double one = gb_estimate_rep(plan, c, overhead_s), est = one * (plan->warmup + plan->reps);
  *low = *worst = est;
  if (!(plan->reps_auto > 0)) return est;
  double lim = limit_reps(plan, 0, 0, one), lo = fmin(plan->min_reps, lim);
  *low = one * (plan->warmup + lo);
  *worst = one * (plan->warmup + lim);
  return one * (plan->warmup + 0.5 * (lo + lim));
}

double gb_estimate_plan(const gb_plan *plan, double overhead_s, int *measured, double *low, double *worst) {
  double total = 0;
  *measured = 1;
  *low = *worst = 0;
  for (int i = 0; i < plan->ncells; i++) {
    const gb_cell *c = &plan->cells[i];
    if (c->status == GB_CELL_SKIPPED) continue;
    if (!plan->paramsets[c->paramset].have_reference) *measured = 0;
    double l, w;
    total += plan_cell(plan, c, overhead_s, &l, &w);
    *low += l;
    *worst += w;
  }
  return total;
}

double gb_estimate_print(const gb_plan *plan, double so_far, double overhead_s, FILE *out, double *low_out,
                         double *worst_out) {
  int measured;
  double low, worst, total = gb_estimate_plan(plan, overhead_s, &measured, &low, &worst) + so_far;
  low += so_far, worst += so_far;
  if (low_out) *low_out = low;
  if (worst_out) *worst_out = worst;
  if (!out) return total;
  if (!measured)
    fprintf(out,
            "estimated duration: at least %.0f s (I/O waits and dispatch costs only: --dry-run measures "
            "nothing, not even the reference, so CPU time is not estimated; a run prints the full "
            "estimate once it has timed the references)\n",
            low + 0.5);
  else if (plan->reps_auto > 0)
    fprintf(out,
            "estimated duration: %.0f to %.0f s, about %.0f s, %.0f s of it already spent on the references "
            "and set-up: with reps auto each cell runs until its own spread allows, from %d reps (the first "
            "figure) to %d or %g s (the second), which nothing knows before the cell has run, so the middle "
            "figure has every cell halfway; the progress lines replace it with each cell's own repetitions "
            "(from one timed reference run per workload and each repetition's measured overhead; parallel "
            "strategies assumed to scale to min(workers, %d PUs))\n",
            low + 0.5, worst + 0.5, total + 0.5, so_far + 0.5, plan->min_reps, plan->reps, plan->max_cell_s,
            plan->pus);
  else
    fprintf(out,
            "estimated duration: %.0f s in all, %.0f s of it already spent on the references and set-up "
            "(from one timed reference run per workload and each repetition's measured overhead; "
            "parallel strategies assumed to scale to min(workers, %d PUs))\n",
            total + 0.5, so_far + 0.5, plan->pus);
  return total;
}

/* xorshift64*: the futures' draws, seeded so that a count is the same every time. */
static double draw_uniform(uint64_t *s) {
  *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
  return (double)((*s * 0x2545F4914F6CDD1DULL) >> 11) * 0x1.0p-53;
}

static double draw_normal(uint64_t *s) { /* Box-Muller */
  double u = draw_uniform(s), v = draw_uniform(s);
  return sqrt(-2 * log(u > 0 ? u : 0x1.0p-53)) * cos(6.283185307179586 * v);
}

/* The order-statistic rank of the median's interval at n (gb_stats_median_ci_rank), kept: a
 * future asks for it at every step. Single-threaded, like the runner that calls it. */
static int ci_rank(int n) {
  static int *rank, have;
  if (n >= have) {
    int want = n + 64;
    rank = realloc(rank, sizeof *rank * (size_t)want);
    if (!rank) abort();
    for (int m = have; m < want; m++)
      rank[m] = gb_stats_median_ci_rank(m);
    have = want;
  }
  return rank[n];
}

/* Whether the runner's target stops a cell with these m sorted repetitions. */
static int target_met(const gb_plan *plan, const double *y, int m) {
  if (m < plan->min_reps) return 0;
  int j = ci_rank(m);
  double med = m % 2 ? y[m / 2] : 0.5 * (y[m / 2 - 1] + y[m / 2]);
  return med > 0 && (y[m - j] - y[j - 1]) / 2 / med <= plan->reps_auto;
}

static void insert_sorted(double *y, int m, double v) {
  int k = m;
  for (; k > 0 && y[k - 1] > v; k--)
    y[k] = y[k - 1];
  y[k] = v;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The mean count over GB_ESTIMATE_PATHS futures of cell c (n >= 2 repetitions) up to lim: each
 * next repetition its median times (1 + one of its own relative deviations, drawn, + a normal
 * jitter of half their spread: a few repetitions show less than the spread to come). */
static double simulate(const gb_plan *plan, const gb_cell *c, int lim, uint64_t seed) {
  int n = c->nreps;
  if (n >= lim) return n;
  double *x = gb_xmalloc(sizeof *x * (size_t)n), *y = gb_xmalloc(sizeof *y * (size_t)(lim + 1));
  for (int r = 0; r < n; r++)
    x[r] = c->reps[r].wall_s;
  qsort(x, (size_t)n, sizeof *x, cmp_double);
  double med = n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]), s = 0, ss = 0, total = 0;
  if (!(med > 0)) { /* nothing to scale a spread by: the limit */
    free(x);
    free(y);
    return lim;
  }
  for (int r = 0; r < n; r++)
    s += x[r] / med - 1, ss += (x[r] / med - 1) * (x[r] / med - 1);
  double sd = sqrt(fmax(0, (ss - s * s / n) / (n - 1)));
  uint64_t st = seed * 0x9E3779B97F4A7C15ULL + 1;
  for (int p = 0; p < GB_ESTIMATE_PATHS; p++) {
    memcpy(y, x, sizeof *x * (size_t)n);
    int m = n;
    do {
      double dev = x[(int)(draw_uniform(&st) * n) % n] / med - 1;
      insert_sorted(y, m++, med * (1 + dev + 0.5 * sd * draw_normal(&st)));
    } while (m < lim && !target_met(plan, y, m));
    total += m;
  }
  free(x);
  free(y);
  return total / GB_ESTIMATE_PATHS;
}

/* The repetitions at which c's floor (min_reps, or its limit when that comes first) and its limit
 * stop it, as of now; per_rep_s: what one adds to spent_s before it has any. */
static void count_range(const gb_plan *plan, const gb_cell *c, double per_rep_s, double *lo, double *lim) {
  int n = c->nreps;
  *lim = limit_reps(plan, n, c->spent_s, n > 0 ? c->spent_s / n : per_rep_s);
  *lo = fmax(n, fmin(plan->min_reps, *lim));
}

/* A spread from two repetitions is rough: half of it, half the prior's guess; from 3 on, its own. */
static double blend(int n, double sim, double guess) {
  return n == 2 ? 0.5 * (sim + guess) : sim;
}

double gb_estimate_count(const gb_plan *plan, const gb_cell *c, double per_rep_s, double prior,
                         uint64_t seed) {
  if (!(plan->reps_auto > 0)) return plan->reps;
  double lo, lim;
  count_range(plan, c, per_rep_s, &lo, &lim);
  double guess = lo + prior * (lim - lo);
  if (c->nreps < 2) return guess;
  double sim = simulate(plan, c, (int)lim, seed);
  return blend(c->nreps, sim, guess);
}

void gb_estimator_init(gb_estimator *e, const gb_plan *plan, double overhead_s) {
  size_t n = (size_t)plan->ncells + 1;
  e->ncells = plan->ncells;
  e->overhead_s = overhead_s;
  e->took_s = gb_xcalloc(n, sizeof *e->took_s);
  e->ntook = gb_xcalloc(n, sizeof *e->ntook);
  e->nwarm = gb_xcalloc(n, sizeof *e->nwarm);
  e->count = gb_xcalloc(n, sizeof *e->count);
  e->count_at = gb_xcalloc(n, sizeof *e->count_at);
  for (int i = 0; i < plan->ncells; i++)
    e->count_at[i] = -1;
}

void gb_estimator_free(gb_estimator *e) {
  free(e->took_s);
  free(e->ntook);
  free(e->nwarm);
  free(e->count);
  free(e->count_at);
  memset(e, 0, sizeof *e);
}

void gb_estimator_observe(gb_estimator *e, int i, double took_s, int warmup) {
  if (i < 0 || i >= e->ncells || !(took_s >= 0)) return;
  e->took_s[i] += took_s;
  e->ntook[i]++;
  e->nwarm[i] += warmup != 0;
}

void gb_estimator_round(gb_estimator *e, double round_s) {
  if (!(round_s >= 0)) return;
  e->round_s += round_s;
  e->nrounds++;
}

/* Cell i's futures (gb_estimate_count with 2 or more repetitions), played again only when it has
 * a new repetition. */
static double cell_sim(gb_estimator *e, const gb_plan *plan, int i, double one) {
  const gb_cell *c = &plan->cells[i];
  if (e->count_at[i] != c->nreps) {
    double lo, lim;
    count_range(plan, c, one, &lo, &lim);
    e->count[i] = simulate(plan, c, (int)lim, plan->seed + (uint64_t)i);
    e->count_at[i] = c->nreps;
  }
  return e->count[i];
}

/* Cell i's count as gb_estimate_count has it, its futures kept (cell_sim). */
static double cell_count(gb_estimator *e, const gb_plan *plan, int i, double one, double prior) {
  const gb_cell *c = &plan->cells[i];
  if (c->nreps < 2 || !(plan->reps_auto > 0)) return gb_estimate_count(plan, c, one, prior, 0);
  double lo, lim;
  count_range(plan, c, one, &lo, &lim);
  return blend(c->nreps, cell_sim(e, plan, i, one), lo + prior * (lim - lo));
}

/* What a repetition of cell i takes: its own mean once it ran, else a + b times the plan's. */
static double cell_one(const gb_estimator *e, const gb_plan *plan, int i, double a, double b) {
  return e->ntook[i] ? e->took_s[i] / e->ntook[i]
                     : a + b * gb_estimate_rep(plan, &plan->cells[i], e->overhead_s);
}

/* Where the cells with a spread of their own (3 or more repetitions) are expected to stop (or
 * stopped, when done), as a fraction of the way from their floor to their limit, averaged with
 * GB_ESTIMATE_PRIOR_WEIGHT cells at halfway: the count a cell without a spread yet is given. */
static double pooled_prior(gb_estimator *e, const gb_plan *plan, double a, double b) {
  double sum = 0.5 * GB_ESTIMATE_PRIOR_WEIGHT, n = GB_ESTIMATE_PRIOR_WEIGHT;
  for (int i = 0; i < plan->ncells; i++) {
    const gb_cell *c = &plan->cells[i];
    if (c->nreps < 3 || (c->status != GB_CELL_PENDING && c->status != GB_CELL_OK)) continue;
    double one = cell_one(e, plan, i, a, b),
           lim = limit_reps(plan, c->nreps, c->spent_s, c->spent_s / c->nreps);
    double lo = fmin(plan->min_reps, lim),
           count = c->status == GB_CELL_OK ? c->nreps : cell_sim(e, plan, i, one);
    if (lim > lo) sum += fmin(1, fmax(0, (count - lo) / (lim - lo))), n++;
  }
  return sum / n;
}

double gb_estimator_left(gb_estimator *e, const gb_plan *plan, int round, double a, double b, int *refined) {
  double left = 0, prior = plan->reps_auto > 0 ? pooled_prior(e, plan, a, b) : 0.5, rounds = 0;
  *refined = 1;
  for (int i = 0; i < plan->ncells; i++) {
    const gb_cell *c = &plan->cells[i];
    if (c->status != GB_CELL_PENDING || c->nreps >= plan->reps) continue;
    if (plan->reps_auto > 0 && c->nreps < 2) *refined = 0;
    double one = cell_one(e, plan, i, a, b), count = cell_count(e, plan, i, one, prior);
    int warm = round < plan->warmup && e->nwarm[i] < plan->warmup ? plan->warmup - e->nwarm[i] : 0;
    left += (fmax(count - c->nreps, 1) + warm) * one;
    rounds = fmax(rounds, fmax(count - c->nreps, 1) + warm);
  }
  return left + (e->nrounds ? rounds * e->round_s / e->nrounds : 0);
}
