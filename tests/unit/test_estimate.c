/* test_estimate.c: the run's duration estimate: the repetitions a reps-auto cell is expected to
 * need (from its own spread, or the other cells' while it has fewer than 2), the plan's range,
 * and when the running estimate counts as refined. */
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

/* sumloop under serial and threads at 1 and 2 workers: 3 cells (serial only at 1), reps auto
 * with a 2% target and at most 30 reps. */
static void build(gb_plan *plan) {
  char *wl[] = {GB_SOURCE_DIR "/workloads/sumloop.ini"};
  char *st[] = {"serial", "threads"};
  gb_request req;
  memset(&req, 0, sizeof req);
  req.workloads = wl, req.nworkloads = 1;
  req.strategies = st, req.nstrategies = 2;
  req.workers[0] = 1, req.workers[1] = 2, req.nworkers = 2;
  req.profile = "quick";
  req.reps = 0, req.reps_auto = 0.02, req.max_reps = 30, req.warmup = 1, req.max_cell_s = -1;
  req.timeout_s = 0;
  req.seed = 1;
  char err[1024];
  assert_int_equal(gb_plan_build(&req, plan, err, sizeof err), 0);
  assert_true(plan->ncells >= 3);
  assert_int_equal(plan->min_reps, 6);
  assert_int_equal(plan->reps, 30);
}

/* Give cell c these ok wall times. */
static void set_reps(gb_cell *c, const double *w, int n) {
  free(c->reps);
  c->reps = calloc((size_t)n + 1, sizeof *c->reps);
  for (int i = 0; i < n; i++)
    c->reps[i].wall_s = w[i];
  c->nreps = n;
  c->auto_rel_halfwidth = NAN;
}

static void test_counts(void **state) {
  (void)state;
  gb_plan plan;
  build(&plan);
  /* nothing run: every cell at min_reps, nothing to pool */
  assert_true(isnan(gb_estimate_pooled_reps(&plan)));
  assert_int_equal(gb_estimate_reps(&plan, &plan.cells[0], NAN), 6);
  /* two reps 1.0 and 1.04: sd 0.0283, cv 2.77%: (2.456 * 0.0277 / 0.02)^2 = 11.6 -> 12 */
  double quiet[] = {1.0, 1.04};
  set_reps(&plan.cells[0], quiet, 2);
  double pooled = gb_estimate_pooled_reps(&plan);
  assert_true(fabs(pooled - 12) < 0.01);
  assert_int_equal(gb_estimate_reps(&plan, &plan.cells[0], NAN), 12);
  /* a cell with none takes the pool's count */
  assert_int_equal(gb_estimate_reps(&plan, &plan.cells[1], pooled), 12);
  /* a noisy pair (cv ~ 14%) asks for more than max_reps: clamped to 30 */
  double noisy[] = {1.0, 1.2};
  set_reps(&plan.cells[1], noisy, 2);
  assert_int_equal(gb_estimate_reps(&plan, &plan.cells[1], NAN), 30);
  pooled = gb_estimate_pooled_reps(&plan); /* (12 + 30) / 2 */
  assert_true(fabs(pooled - 21) < 0.01);
  /* with two reps, half its own count and half the pool's: 0.5 * 12 + 0.5 * 21 = 16.5 -> 17 */
  assert_int_equal(gb_estimate_reps(&plan, &plan.cells[0], pooled), 17);
  /* from 3 reps on, its own median interval alone: halfwidth 4% at 3 reps -> 3 * 4 = 12 */
  double three[] = {1.0, 1.01, 1.02};
  set_reps(&plan.cells[2], three, 3);
  plan.cells[2].auto_rel_halfwidth = 0.04;
  assert_int_equal(gb_estimate_reps(&plan, &plan.cells[2], 30), 12);
  /* identical reps: no spread, the floor */
  double same[] = {1.0, 1.0};
  set_reps(&plan.cells[2], same, 2);
  assert_int_equal(gb_estimate_reps(&plan, &plan.cells[2], NAN), 6);
  /* fixed reps: the plan's count whatever the spread */
  plan.reps_auto = 0, plan.reps = 5;
  assert_int_equal(gb_estimate_reps(&plan, &plan.cells[1], 21), 5);
  gb_plan_free(&plan);
}

static void test_refined_and_range(void **state) {
  (void)state;
  gb_plan plan;
  build(&plan);
  int measured, refined;
  double worst, low = gb_estimate_plan(&plan, 0.001, &measured, &worst);
  assert_true(worst > low); /* with reps auto the plan is a range: min_reps .. max_reps */
  double left0 = gb_estimate_left(&plan, 0, 0, 1, 0.001, &refined);
  assert_int_equal(refined, 0);
  assert_true(fabs(left0 - low) < 1e-9 * (1 + low)); /* before anything ran: the range's low end */
  double two[] = {1.0, 1.04};
  for (int i = 0; i < plan.ncells; i++)
    set_reps(&plan.cells[i], two, 2);
  double left = gb_estimate_left(&plan, 3, 0, 1, 0.001, &refined);
  assert_int_equal(refined, 1);
  assert_true(left > 0);
  plan.cells[0].nreps = 1; /* one cell behind: not refined yet */
  (void)gb_estimate_left(&plan, 3, 0, 1, 0.001, &refined);
  assert_int_equal(refined, 0);
  gb_plan_free(&plan);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_counts),
      cmocka_unit_test(test_refined_and_range),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
