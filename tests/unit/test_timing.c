/* test_timing.c: the timing contract's check (gb_rep_timing_finish) accepts the contract's order
 * and derives the durations from it, and fails a repetition for each way of breaking it; the
 * noise verdict of a cell (gb_noise_cell_eval) flags what exceeds its thresholds beyond the
 * measurement's resolution, with the fixed reason words. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "job.h"
#include "noise.h"

/* A two-worker repetition whose marks are create=100, begun=(150, 200), start=300, stop=1300,
 * end hooks=(1400, 1350), joined=2000 (ns). */
static void make_rep(gb_rep *rep, gb_worker_out w[2]) {
  memset(rep, 0, sizeof *rep);
  memset(w, 0, 2 * sizeof *w);
  rep->nworkers = 2;
  rep->workers = w;
  rep->t_create_ns = 100;
  w[0].begun_ns = 150;
  w[1].begun_ns = 200;
  rep->t_start_ns = 300;
  rep->t_stop_ns = 1300;
  w[0].end_ns = 1400;
  w[1].end_ns = 1350;
  rep->t_joined_ns = 2000;
}

static void test_order_kept(void **state) {
  (void)state;
  gb_rep rep;
  gb_worker_out w[2];
  make_rep(&rep, w);
  assert_int_equal(gb_rep_timing_finish(&rep, 0), 0);
  assert_int_equal(rep.t_begun_ns, 200);
  assert_int_equal(rep.t_end_ns, 1350);
  assert_true(fabs(rep.startup_s - 200e-9) < 1e-15);
  assert_true(fabs(rep.wall_s - 1000e-9) < 1e-15);
  assert_true(fabs(rep.teardown_s - 700e-9) < 1e-15);
  assert_string_equal(rep.error, "");
}

/* Break the order one way and expect a failure naming it. */
static void expect_broken(void (*breakit)(gb_rep *, gb_worker_out *), const char *words) {
  gb_rep rep;
  gb_worker_out w[2];
  make_rep(&rep, w);
  breakit(&rep, w);
  assert_int_not_equal(gb_rep_timing_finish(&rep, 0), 0);
  if (!strstr(rep.error, words)) fail_msg("'%s' lacks '%s'", rep.error, words);
}
static void late_begin(gb_rep *r, gb_worker_out *w) {
  (void)r;
  w[1].begun_ns = 301; /* a begin hook returned after the clock started */
}
static void early_end(gb_rep *r, gb_worker_out *w) {
  (void)r;
  w[0].end_ns = 1299; /* an end hook ran inside the timed region */
}
static void no_begun(gb_rep *r, gb_worker_out *w) {
  (void)r;
  w[0].begun_ns = w[1].begun_ns = 0; /* no worker ran its begin hook */
}
static void no_stop(gb_rep *r, gb_worker_out *w) {
  (void)w;
  r->t_stop_ns = 0;
}
static void stop_before_start(gb_rep *r, gb_worker_out *w) {
  (void)w;
  r->t_stop_ns = 300;
  w[0].end_ns = w[1].end_ns = 300;
}
static void create_late(gb_rep *r, gb_worker_out *w) {
  (void)w;
  r->t_create_ns = 301;
}

static void test_order_broken(void **state) {
  (void)state;
  expect_broken(late_begin, "before every worker's begin hook returned");
  expect_broken(no_begun, "before every worker's begin hook returned");
  expect_broken(early_end, "end hook ran before the clock stopped");
  expect_broken(no_stop, "did not mark the clock's stop");
  expect_broken(stop_before_start, "stopped before it started");
  expect_broken(create_late, "creating workers began after the clock started");
}

static void test_failed_rep_passes_through(void **state) {
  (void)state;
  gb_rep rep;
  gb_worker_out w[2];
  make_rep(&rep, w);
  rep.t_stop_ns = 0;
  assert_int_equal(gb_rep_timing_finish(&rep, GB_EIO), GB_EIO); /* its own failure is kept */
  assert_string_equal(rep.error, "");
}

static void noise_rep(gb_rep *r, double wall, double other, double res, double steal, double freq) {
  memset(r, 0, sizeof *r);
  r->wall_s = wall;
  r->noise.other_load = other;
  r->noise.resolution = res;
  r->noise.steal_fraction = steal;
  r->noise.steal_resolution = 0.001;
  r->noise.freq_mhz = freq;
}

static void test_noise_verdict(void **state) {
  (void)state;
  gb_rep reps[3];
  gb_noise_cell c;
  noise_rep(&reps[0], 1.0, 0.02, 0.01, 0.0, NAN);
  noise_rep(&reps[1], 1.0, 0.05, 0.01, 0.01, NAN);
  gb_noise_cell_eval(reps, 2, &c);
  assert_false(c.flagged);
  assert_int_equal(c.n_reasons, 0);
  assert_true(fabs(c.other_load - 0.05) < 1e-12); /* the maximum */
  assert_true(fabs(c.steal_fraction - 0.01) < 1e-12);
  assert_true(c.cv == 0);
  assert_true(isnan(c.freq_spread));

  noise_rep(&reps[2], 1.2, 0.5, 0.01, 0.0, NAN); /* another process took half a CPU */
  gb_noise_cell_eval(reps, 3, &c);
  assert_true(c.flagged);
  assert_int_equal(c.n_reasons, 1);
  assert_string_equal(c.reasons[0], "other_load");
  assert_true(c.cv > 0.05);

  noise_rep(&reps[2], 1.0, 0.15, 0.2, 0.0, NAN); /* within what the ticks can hide: not flagged */
  gb_noise_cell_eval(reps, 3, &c);
  assert_false(c.flagged);

  noise_rep(&reps[0], 1.0, 0.0, 0.01, 0.08, 2000); /* steal and a frequency spread of 10% */
  noise_rep(&reps[1], 1.0, 0.0, 0.01, 0.0, 2200);
  noise_rep(&reps[2], 1.0, 0.0, 0.01, 0.0, 2100);
  gb_noise_cell_eval(reps, 3, &c);
  assert_true(c.flagged);
  assert_int_equal(c.n_reasons, 2);
  assert_string_equal(c.reasons[0], "steal");
  assert_string_equal(c.reasons[1], "frequency");
  assert_true(fabs(c.freq_spread - 0.1) < 1e-12);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_order_kept),
      cmocka_unit_test(test_order_broken),
      cmocka_unit_test(test_failed_rep_passes_through),
      cmocka_unit_test(test_noise_verdict),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
