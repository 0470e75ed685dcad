/* test_verdict.c: what a speedup may claim (reports/verdict.h), on frozen inputs: ties and a
 * significant winner by compare's test, the efficiency flag and its cause, the CPU and overlap
 * ideals, the seeded bootstrap interval of a speedup, and each strategy's like-for-like baseline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "gb.h"
#include "ioop.h"
#include "strategies.h"
#include "task.h"
#include "verdict.h"

/* Five repetitions each: Mann-Whitney can reach p = 2/252 when the samples do not overlap. */
static const double fast[] = {1.00, 1.01, 0.99, 1.02, 0.98};
static const double fast2[] = {1.005, 0.995, 1.015, 0.985, 1.025}; /* interleaved with fast */
static const double slow[] = {1.30, 1.31, 1.29, 1.32, 1.28};       /* 30% slower, no overlap */
static const double near[] = {1.03, 1.04, 1.035, 1.045, 1.032};    /* slower, but within 5% */

static void test_tie(void **state) {
  (void)state;
  const double *x[] = {slow, fast, fast2};
  int n[] = {5, 5, 5}, tied[3];
  int nt = gb_verdict_ties(x, n, 3, tied);
  assert_int_equal(nt, 2); /* fast and fast2 tie; slow is significantly slower */
  assert_int_equal(tied[0], 1);
  assert_int_equal(tied[1], 2);
}

static void test_significant_winner(void **state) {
  (void)state;
  const double *x[] = {slow, fast};
  int n[] = {5, 5}, tied[2];
  int nt = gb_verdict_ties(x, n, 2, tied);
  assert_int_equal(nt, 1);
  assert_int_equal(tied[0], 1);
}

static void test_within_threshold_ties(void **state) {
  (void)state;
  /* Significant (no overlap) but only about 3.5% apart: compare calls that "same". */
  const double *x[] = {fast, near};
  int n[] = {5, 5}, tied[2];
  assert_int_equal(gb_verdict_ties(x, n, 2, tied), 2);
}

static void test_three_reps_cannot_separate(void **state) {
  (void)state;
  /* 3 + 3 repetitions: the smallest exact p is 2/20 = 0.1, so even 30% apart is a tie. */
  const double *x[] = {fast, slow};
  int n[] = {3, 3}, tied[2];
  assert_int_equal(gb_verdict_ties(x, n, 2, tied), 2);
}

static void test_efficiency_flag(void **state) {
  (void)state;
  char why[256];
  gb_eff_facts f = {.efficiency = 1.04, .speedup_lo = 1.9, .ideal = 2, .base_rel_spread = 0.01, .workers = 2};
  assert_int_equal(gb_efficiency_cause(&f, why, sizeof why), 0); /* 104%: not flagged */
  assert_string_equal(why, "");

  f.efficiency = 1.10; /* 4 workers on 2 PUs at 2.2x: beyond min(workers, PUs) */
  f.speedup_lo = 2.15;
  f.workers = 4;
  assert_int_equal(gb_efficiency_cause(&f, why, sizeof why), 1);
  assert_non_null(strstr(why, "superlinear"));

  f.base_rel_spread = 0.25;
  assert_int_equal(gb_efficiency_cause(&f, why, sizeof why), 1);
  assert_non_null(strstr(why, "noisy baseline"));

  f.base_rel_spread = 0.01;
  f.speedup_lo = 2.05; /* the interval reaches the ideal (within 5%) */
  assert_int_equal(gb_efficiency_cause(&f, why, sizeof why), 1);
  assert_non_null(strstr(why, "within noise"));

  gb_eff_facts one = {
      .efficiency = 3.59, .speedup_lo = 3.4, .ideal = 1, .base_rel_spread = 0.02, .workers = 1};
  assert_int_equal(gb_efficiency_cause(&one, why, sizeof why), 1);
  assert_non_null(strstr(why, "different work"));

  gb_eff_facts io = {.efficiency = 1.3,
                     .speedup_lo = 120,
                     .ideal = 100,
                     .base_rel_spread = 0.02,
                     .workers = 1,
                     .overlap = 1};
  assert_int_equal(gb_efficiency_cause(&io, why, sizeof why), 1);
  assert_non_null(strstr(why, "overlap"));
}

static void test_cpu_ideal(void **state) {
  (void)state;
  assert_true(gb_ideal_cpu(4, 2) == 2.0); /* 4 workers on 2 PUs reach at most 2x */
  assert_true(gb_ideal_cpu(2, 2) == 2.0);
  assert_true(gb_ideal_cpu(1, 2) == 1.0);
  assert_true(gb_ideal_cpu(3, 0) == 3.0); /* PUs unknown */
}

static void test_io_ideal(void **state) {
  (void)state;
  /* sleep-io's shape: three 1 ms sleeps per task, and a CPU group with none. */
  gb_workload wl;
  memset(&wl, 0, sizeof wl);
  wl.ngroups = 2;
  wl.groups[0].nphases = 3;
  for (int p = 0; p < 3; p++) {
    wl.groups[0].phases[p].kind = GB_PHASE_IO;
    wl.groups[0].phases[p].op = gb_ioop_find("sleep");
    wl.groups[0].phases[p].params.v[gb_param_find(wl.groups[0].phases[p].op->params,
                                                  wl.groups[0].phases[p].op->nparams, "us")] = 1000;
  }
  wl.groups[1].nphases = 1;
  wl.groups[1].phases[0].kind = GB_PHASE_CPU;
  assert_non_null(wl.groups[0].phases[0].op);
  double one = gb_ioop_find("sleep")->estimate_s(&wl.groups[0].phases[0].params);
  double chain = gb_io_chain_s(&wl);
  assert_true(fabs(chain - 3 * one) < 1e-12); /* the longest chain: the three waits in a row */
  assert_true(chain >= 3e-3);
  /* 200 tasks of that run serially in about 200 chains: the overlap limit is about 200x. */
  double ideal = gb_ideal_overlap(200 * chain, chain);
  assert_true(fabs(ideal - 200) < 1e-9);
  assert_true(gb_ideal_overlap(0.5 * chain, chain) == 1.0); /* never below 1 */
  assert_true(isnan(gb_ideal_overlap(1.0, 0)));             /* no waits: no overlap limit */
  gb_workload cpu;
  memset(&cpu, 0, sizeof cpu);
  cpu.ngroups = 1;
  cpu.groups[0].nphases = 1;
  assert_true(gb_io_chain_s(&cpu) == 0);
}

static void test_speedup_interval(void **state) {
  (void)state;
  double lo, hi, lo2, hi2;
  /* base 2.0-ish over cell 1.0-ish: speedup about 2, interval around it, the same every time. */
  static const double base[] = {2.00, 2.02, 1.98, 2.04, 1.96};
  gb_speedup_interval(base, 5, fast, 5, 42, &lo, &hi);
  gb_speedup_interval(base, 5, fast, 5, 42, &lo2, &hi2);
  assert_true(lo == lo2 && hi == hi2);
  assert_true(lo <= 2.0 && hi >= 2.0 && lo > 1.8 && hi < 2.2);
  /* A noisy baseline widens the speedup's interval: both sides' spread counts. */
  static const double noisy[] = {1.5, 2.5, 1.7, 2.3, 2.0};
  double nlo, nhi;
  gb_speedup_interval(noisy, 5, fast, 5, 42, &nlo, &nhi);
  assert_true(nhi - nlo > 3 * (hi - lo));
  gb_speedup_interval(base, 1, fast, 5, 42, &lo, &hi);
  assert_true(isnan(lo) && isnan(hi));
}

static void test_like_with_like(void **state) {
  (void)state;
  int64_t opts[GB_MAX_PARAMS] = {0};
  const gb_strategy *ext = gb_strategy_find("cpython-ext"), *held = gb_strategy_find("cpython-ext-held");
  const gb_strategy *procs = gb_strategy_find("cpython-processes"),
                    *es = gb_strategy_find("cpython-ext-serial");
  assert_non_null(ext);
  assert_non_null(es);
  assert_string_equal(gb_strategy_baseline(ext, opts), "cpython-ext-serial");
  assert_string_equal(gb_strategy_baseline(held, opts), "cpython-ext-serial");
  assert_string_equal(es->reference, "cpython-serial");
  int start = gb_param_find(procs->options, procs->noptions, "start");
  assert_true(start >= 0);
  opts[start] = 0; /* fork: a copy of gilbench, the embedded interpreter */
  assert_string_equal(gb_strategy_baseline(procs, opts), "cpython-serial");
  opts[start] = 1; /* spawn: fresh python3 processes */
  assert_string_equal(gb_strategy_baseline(procs, opts), "cpython-serial-spawn");
  assert_string_equal(gb_strategy_find("cpython-serial-spawn")->reference, "cpython-serial");
  assert_string_equal(gb_strategy_baseline(gb_strategy_find("threads"), opts), "serial");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tie),
      cmocka_unit_test(test_significant_winner),
      cmocka_unit_test(test_within_threshold_ties),
      cmocka_unit_test(test_three_reps_cannot_separate),
      cmocka_unit_test(test_efficiency_flag),
      cmocka_unit_test(test_cpu_ideal),
      cmocka_unit_test(test_io_ideal),
      cmocka_unit_test(test_speedup_interval),
      cmocka_unit_test(test_like_with_like),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
