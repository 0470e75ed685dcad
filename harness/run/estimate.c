/* estimate.c: see estimate.h. */
#include "estimate.h"

#include <math.h>

#include "gb.h"
#include "ioop.h"
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

/* One cell's time before it runs: its warm-ups and repetitions; with reps auto, min_reps (or fewer
 * when max_cell_s comes first) and at most max_reps (*worst). */
static double plan_cell(const gb_plan *plan, const gb_cell *c, double overhead_s, double *worst) {
  double one = gb_estimate_rep(plan, c, overhead_s), est = one * (plan->warmup + plan->reps);
  *worst = est;
  if (plan->reps_auto > 0) {
    double cap = fmax(plan->max_cell_s + one, 3 * one); /* a time stop needs 3 reps */
    est = one * plan->warmup + fmin(one * plan->min_reps, cap);
    *worst = one * plan->warmup + fmin(one * plan->reps, cap);
  }
  return est;
}

double gb_estimate_plan(const gb_plan *plan, double overhead_s, int *measured, double *worst) {
  double total = 0;
  *measured = 1;
  *worst = 0;
  for (int i = 0; i < plan->ncells; i++) {
    const gb_cell *c = &plan->cells[i];
    if (c->status == GB_CELL_SKIPPED) continue;
    if (!plan->paramsets[c->paramset].have_reference) *measured = 0;
    double w;
    total += plan_cell(plan, c, overhead_s, &w);
    *worst += w;
  }
  return total;
}

double gb_estimate_print(const gb_plan *plan, double so_far, double overhead_s, FILE *out,
                         double *worst_out) {
  int measured;
  double worst, total = gb_estimate_plan(plan, overhead_s, &measured, &worst) + so_far;
  worst += so_far;
  if (worst_out) *worst_out = worst;
  if (!out) return total;
  if (!measured)
    fprintf(out,
            "estimated duration: at least %.0f s (I/O waits and dispatch costs only: --dry-run measures "
            "nothing, not even the reference, so CPU time is not estimated; a run prints the full "
            "estimate once it has timed the references)\n",
            total + 0.5);
  else if (plan->reps_auto > 0)
    fprintf(out,
            "estimated duration: %.0f to %.0f s, %.0f s of it already spent on the references and set-up: "
            "with reps auto each cell runs until its own spread allows, from %d reps (the first figure) to "
            "%d; the progress lines refine it once every cell has 2 repetitions (from one timed reference "
            "run per workload and each repetition's measured overhead; parallel strategies assumed to "
            "scale to min(workers, %d PUs))\n",
            total + 0.5, worst + 0.5, so_far + 0.5, plan->min_reps, plan->reps, plan->pus);
  else
    fprintf(out,
            "estimated duration: %.0f s in all, %.0f s of it already spent on the references and set-up "
            "(from one timed reference run per workload and each repetition's measured overhead; "
            "parallel strategies assumed to scale to min(workers, %d PUs))\n",
            total + 0.5, so_far + 0.5, plan->pus);
  return total;
}

static int clamp_reps(const gb_plan *plan, double n) {
  return !(n >= plan->min_reps) ? plan->min_reps : n > plan->reps ? plan->reps : (int)ceil(n);
}

/* The squared coefficient of variation of c's ok repetitions, NAN with fewer than 2. */
static double cell_cv2(const gb_cell *c) {
  double s = 0, ss = 0;
  int n = 0;
  for (int r = 0; r < c->nreps; r++)
    if (gb_rep_ok(&c->reps[r])) s += c->reps[r].wall_s, ss += c->reps[r].wall_s * c->reps[r].wall_s, n++;
  if (n < 2 || s <= 0) return NAN;
  double mean = s / n, var = fmax(0, (ss - n * mean * mean) / (n - 1));
  return var / (mean * mean);
}

/* The count c's own repetitions call for: with 3 or more, its median interval narrowing as
 * 1/sqrt(n) (what cell_complete tests); with 2, its spread through GB_ESTIMATE_MEDIAN_Z; NAN with
 * fewer. Not clamped. */
static double own_reps(const gb_plan *plan, const gb_cell *c) {
  double hw = c->auto_rel_halfwidth, t = plan->reps_auto;
  if (c->nreps >= 3 && isfinite(hw)) return c->nreps * (hw / t) * (hw / t);
  double cv2 = cell_cv2(c);
  return isfinite(cv2) ? GB_ESTIMATE_MEDIAN_Z * GB_ESTIMATE_MEDIAN_Z * cv2 / (t * t) : NAN;
}

double gb_estimate_pooled_reps(const gb_plan *plan) {
  double sum = 0;
  int n = 0;
  for (int i = 0; i < plan->ncells; i++) {
    double r = own_reps(plan, &plan->cells[i]);
    if (isfinite(r)) sum += clamp_reps(plan, r), n++;
  }
  return n ? sum / n : NAN;
}

int gb_estimate_reps(const gb_plan *plan, const gb_cell *c, double pooled) {
  if (!(plan->reps_auto > 0)) return plan->reps;
  double own = own_reps(plan, c);
  if (c->nreps >= 3 && isfinite(own)) return clamp_reps(plan, own);
  if (isfinite(own)) /* two repetitions: a spread from two is rough, so half of it is the pool's */
    return clamp_reps(plan, isfinite(pooled) ? 0.5 * clamp_reps(plan, own) + 0.5 * pooled : own);
  return isfinite(pooled) ? clamp_reps(plan, pooled) : plan->min_reps;
}

double gb_estimate_left(const gb_plan *plan, int round, double a, double b, double overhead_s, int *refined) {
  double left = 0, pooled = plan->reps_auto > 0 ? gb_estimate_pooled_reps(plan) : NAN;
  *refined = 1;
  for (int i = 0; i < plan->ncells; i++) {
    const gb_cell *c = &plan->cells[i];
    if (c->status != GB_CELL_PENDING || c->nreps >= plan->reps) continue;
    if (plan->reps_auto > 0 && c->nreps < 2) *refined = 0;
    double one = a + b * gb_estimate_rep(plan, c, overhead_s);
    int n = gb_estimate_reps(plan, c, pooled) - c->nreps;
    double t = (n < 1 ? 1 : n) * one;
    if (plan->reps_auto > 0) t = fmin(t, fmax(plan->max_cell_s - c->spent_s + one, (3 - c->nreps) * one));
    left += t + (round < plan->warmup ? plan->warmup - round : 0) * one;
  }
  return left;
}
