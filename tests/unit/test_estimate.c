/* test_estimate.c: the run's duration estimate: the repetitions a reps-auto cell is expected to
 * end at (the runner's stopping rule played forward from its own spread: counts worked out by
 * hand where the rule leaves no chance), the plan's range and middle figure, when the running
 * estimate counts as refined, and a replayed run (cells drawn with known spreads, stopped by the
 * runner's own rule) whose running estimate must stay within 10% of the time it took. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate.h"
#include "plan.h"
#include "stats.h"

/* sumloop under serial, threads and processes at 1 to 4 workers (serial only at 1), reps auto
 * with a 2% target, at most max_reps reps and max_cell_s a cell. */
static void build(gb_plan *plan, int max_reps, double max_cell_s) {
  char *wl[] = {GB_SOURCE_DIR "/workloads/sumloop.ini"};
  char *st[] = {"serial", "threads", "processes"};
  gb_request req;
  memset(&req, 0, sizeof req);
  req.workloads = wl, req.nworkloads = 1;
  req.strategies = st, req.nstrategies = 3;
  for (int w = 0; w < 4; w++)
    req.workers[w] = w + 1;
  req.nworkers = 4;
  req.profile = "quick";
  req.reps = 0, req.reps_auto = 0.02, req.max_reps = max_reps, req.warmup = 1, req.max_cell_s = max_cell_s;
  req.timeout_s = 0;
  req.seed = 1;
  char err[1024];
  assert_int_equal(gb_plan_build(&req, plan, err, sizeof err), 0);
  assert_int_equal(plan->ncells, 9);
  assert_int_equal(plan->min_reps, 6);
  assert_int_equal(plan->reps, max_reps);
  for (int i = 0; i < plan->nparamsets; i++) /* as if timed: 0.1 s of work */
    plan->paramsets[i].reference_s = 0.1, plan->paramsets[i].have_reference = 1;
  for (int i = 0; i < plan->ncells; i++)
    plan->cells[i].reps = calloc((size_t)max_reps + 1, sizeof *plan->cells[i].reps);
}

/* Give cell c these ok wall times, spent: what they took. */
static void set_reps(gb_cell *c, const double *w, int n, double spent) {
  for (int i = 0; i < n; i++)
    c->reps[i].wall_s = w[i];
  c->nreps = n;
  c->spent_s = spent;
}

static void test_counts(void **state) {
  (void)state;
  gb_plan plan;
  build(&plan, 30, 20);
  gb_cell *c = &plan.cells[0];
  /* nothing run, 0.1 s a repetition: floor 6, limit 30 (200 reps before 20 s): prior 0.5 -> 18 */
  assert_true(fabs(gb_estimate_count(&plan, c, 0.1, 0.5, 1) - 18) < 1e-9);
  assert_true(fabs(gb_estimate_count(&plan, c, 0.1, 0.25, 1) - 12) < 1e-9);
  /* one rep that spent 4 s: 20 s comes after 1 + 16/4 = 5, so floor and limit are both 5 */
  double one[] = {4.0};
  set_reps(c, one, 1, 4.0);
  assert_true(fabs(gb_estimate_count(&plan, c, 0.1, 0.5, 1) - 5) < 1e-9);
  /* three identical reps (0.1 s spent each: limit 30): every future is the same value, the interval is 0 at
   * min_reps: 6 */
  double same[] = {1.0, 1.0, 1.0};
  set_reps(c, same, 3, 0.3);
  assert_true(fabs(gb_estimate_count(&plan, c, 0.1, 0.5, 1) - 6) < 1e-9);
  /* the same, but 18 s spent at 6 s each: max_cell_s stops it at 4, before min_reps */
  set_reps(c, same, 3, 18.0);
  assert_true(fabs(gb_estimate_count(&plan, c, 0.1, 0.5, 1) - 4) < 1e-9);
  /* a +-25% spread never gets its median within 2%: every future runs to max_reps */
  double wide[] = {0.75, 1.0, 1.25};
  set_reps(c, wide, 3, 0.3);
  assert_true(fabs(gb_estimate_count(&plan, c, 0.1, 0.5, 1) - 30) < 1e-9);
  /* a 1% spread: [min, max] at 6 reps is within 2% of the median in most futures; a 3% one needs more */
  double quiet[] = {0.99, 1.0, 1.01}, noisy[] = {0.97, 1.0, 1.03};
  set_reps(c, quiet, 3, 0.3);
  double nq = gb_estimate_count(&plan, c, 0.1, 0.5, 1);
  set_reps(c, noisy, 3, 0.3);
  double nn = gb_estimate_count(&plan, c, 0.1, 0.5, 1);
  assert_true(nq >= 6 && nq < 9);
  assert_true(nn > nq + 3 && nn <= 30);
  /* the same repetitions, the same seed: the same count */
  assert_true(gb_estimate_count(&plan, c, 0.1, 0.5, 1) == nn);
  /* two reps: half the futures, half the prior's 18 (identical pair: futures stop at 6): 12 */
  set_reps(c, same, 2, 0.2);
  assert_true(fabs(gb_estimate_count(&plan, c, 0.1, 0.5, 1) - 12) < 1e-9);
  /* fixed reps: the plan's count whatever the spread */
  plan.reps_auto = 0, plan.reps = 5;
  assert_true(gb_estimate_count(&plan, c, 0.1, 0.5, 1) == 5);
  gb_plan_free(&plan);
}

static void test_refined_and_range(void **state) {
  (void)state;
  gb_plan plan;
  build(&plan, 30, 20);
  int measured, refined;
  double low, worst, mid = gb_estimate_plan(&plan, 0.001, &measured, &low, &worst);
  assert_int_equal(measured, 1);
  assert_true(low < mid && mid < worst); /* with reps auto the plan is a range around its middle */
  assert_true(fabs(mid - 0.5 * (low + worst)) < 1e-9 * worst);
  gb_estimator e;
  gb_estimator_init(&e, &plan, 0.001);
  /* before anything ran: the plan's middle figure (warm-ups included, nothing fitted) */
  double left0 = gb_estimator_left(&e, &plan, 0, 0, 1, &refined);
  assert_int_equal(refined, 0);
  assert_true(fabs(left0 - mid) < 1e-9 * mid);
  double two[] = {1.0, 1.04};
  for (int i = 0; i < plan.ncells; i++)
    set_reps(&plan.cells[i], two, 2, 2.04), gb_estimator_observe(&e, i, 1.1, 0);
  double left = gb_estimator_left(&e, &plan, 3, 0, 1, &refined);
  assert_int_equal(refined, 1);
  assert_true(left >= plan.ncells * 1.1); /* at least one more each, at what each took */
  plan.cells[0].nreps = 1;                /* one cell behind: not refined yet */
  (void)gb_estimator_left(&e, &plan, 3, 0, 1, &refined);
  assert_int_equal(refined, 0);
  gb_estimator_free(&e);
  gb_plan_free(&plan);
}

static double uniform(uint64_t *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*s >> 11) * 0x1.0p-53;
}

/* The runner's stop (runner.c cell_complete), from gb_stats_compute as the runner has it. */
static int rule_stops(const gb_plan *plan, const gb_cell *c) {
  double x[64];
  for (int r = 0; r < c->nreps; r++)
    x[r] = c->reps[r].wall_s;
  gb_stats st;
  assert_int_equal(gb_stats_compute(x, c->nreps, &st), 0);
  double hw = (st.median_ci95[1] - st.median_ci95[0]) / 2 / st.median;
  return (c->nreps >= plan->min_reps && hw <= plan->reps_auto) || c->nreps >= plan->reps ||
         (c->spent_s >= plan->max_cell_s && c->nreps >= 3);
}

/* One replayed round: each pending cell once, its time (wall + 20 ms around it) on the clock, the
 * estimate after each kept in est (k of them so far). */
static void replay_round(gb_plan *plan, gb_estimator *e, const double *cv, int round, double *now,
                         double *est, double *at, int nest, int *k, uint64_t *rng) {
  for (int i = 0; i < plan->ncells; i++) {
    gb_cell *c = &plan->cells[i];
    if (c->status != GB_CELL_PENDING) continue;
    double base = 0.05 * (1 + i % 4), wall = base * (1 + cv[i] * (uniform(rng) - 0.5) * 3.4);
    *now += wall + 0.02;
    if (round >= plan->warmup) {
      c->reps[c->nreps++].wall_s = wall;
      c->spent_s += wall;
      if (rule_stops(plan, c)) c->status = GB_CELL_OK;
    }
    gb_estimator_observe(e, i, wall + 0.02, round < plan->warmup);
    int refined;
    if (*k == nest) continue;
    at[*k] = *now;
    est[(*k)++] = *now + gb_estimator_left(e, plan, round + (i + 1 == plan->ncells), 0, 1, &refined);
  }
}

/* A run replayed: 9 cells, each with its own spread (0.2% to 6%, uniform draws), stopped by the
 * runner's rule (9 to 17 reps for the noisy ones, 6 for the quiet). The running estimate from 40%
 * of the run on (every cell has 4 repetitions by then) is within 10% of the time it took, while
 * the plan's floor (every cell at min_reps, the figure the first estimate gave) is not. With 9
 * cells one cell's count moves the whole; the recorded runs (158 and 325 cells) are replayed by
 * scripts/bench-estimate.sh, where the errors average out earlier. */
static void test_replay(void **state) {
  (void)state;
  gb_plan plan;
  build(&plan, 30, 2.5);
  const double cv[9] = {0.002, 0.01, 0.03, 0.06, 0.004, 0.02, 0.05, 0.008, 0.015};
  gb_estimator e;
  gb_estimator_init(&e, &plan, 0.02);
  double now = 0, est[400], at[400];
  int k = 0;
  uint64_t rng = 42;
  for (int round = 0; round < plan.warmup + plan.reps; round++)
    replay_round(&plan, &e, cv, round, &now, est, at, 400, &k, &rng);
  double floor_s = 0;
  for (int i = 0; i < plan.ncells; i++) /* the floor: warm-up + min_reps at each cell's own time */
    floor_s += (plan.warmup + plan.min_reps) * (0.05 * (1 + i % 4) + 0.02);
  int checked = 0;
  double worst = 0, worst_at = 0, worst_est = 0;
  for (int j = 0; j < k; j++) {
    if (at[j] < 0.4 * now) continue;
    checked++;
    if (fabs(est[j] - now) > worst) worst = fabs(est[j] - now), worst_at = at[j], worst_est = est[j];
  }
  if (worst > 0.10 * now)
    fail_msg("estimate %.2f s at %.2f s, the run took %.2f s", worst_est, worst_at, now);
  assert_true(checked > 10);
  assert_true(fabs(floor_s - now) > 0.10 * now);
  gb_estimator_free(&e);
  gb_plan_free(&plan);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_counts),
      cmocka_unit_test(test_refined_and_range),
      cmocka_unit_test(test_replay),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
