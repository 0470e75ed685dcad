/* test_stats.c: gb_stats_compute against values worked out by hand (the working is in the
 * comments), so the tests check the statistics themselves and not just that GSL agrees with GSL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "gb.h"
#include "stats.h"

/* cmocka's assert_float_equal goes through float; results here need double precision. */
#define assert_near(a, b, eps) check_near((a), (b), (eps), #a, __FILE__, __LINE__)
static void check_near(double a, double b, double eps, const char *what, const char *file, int line) {
  if (!(fabs(a - b) <= eps)) {
    print_error("%s = %.12g, expected %.12g (+- %g)\n", what, a, b, eps);
    _fail(file, line);
  }
}

/* {1,2,3,4,100}: one wild repetition among four steady ones.
 *   sorted 1 2 3 4 100, median x(3) = 3, mean 110/5 = 22, min 1, max 100.
 *   deviations -21 -20 -19 -18 78, squares 441+400+361+324+6084 = 7610,
 *   variance 7610/4 = 1902.5, sd = sqrt(1902.5) = 43.617656975.
 *   t(0.975, 4) = 2.776445, half = 2.776445 * 43.617657 / sqrt(5) = 54.158472,
 *   ci95 = [22 - 54.158472, 22 + 54.158472] = [-32.158472, 76.158472].
 *   quartiles (type 7, h = (n-1) p): Q1 at h = 1 -> 2, Q3 at h = 3 -> 4, IQR 2,
 *   fences [2 - 3, 4 + 3] = [-1, 7]: only 100 is outside -> 1 outlier.
 *   n = 5 < 6: median CI is [min, max] = [1, 100]. */
static void test_skewed_five(void **state) {
  (void)state;
  const double x[] = {1, 2, 3, 4, 100};
  gb_stats s;
  assert_int_equal(gb_stats_compute(x, 5, &s), 0);
  assert_int_equal(s.n, 5);
  assert_near(s.median, 3.0, 1e-12);
  assert_near(s.mean, 22.0, 1e-12);
  assert_near(s.stddev, 43.617656975128774, 1e-9);
  assert_near(s.ci95[0], -32.158472, 1e-5);
  assert_near(s.ci95[1], 76.158472, 1e-5);
  assert_near(s.median_ci95[0], 1.0, 0);
  assert_near(s.median_ci95[1], 100.0, 0);
  assert_near(s.min, 1.0, 0);
  assert_near(s.max, 100.0, 0);
  assert_int_equal(s.outliers, 1);
}

/* A 10-value sample {10,12,9,11,13,8,10,11,12,14}:
 *   sum 110, mean 11; deviations -1 1 -2 0 2 -3 -1 0 1 3, squares sum to 30,
 *   variance 30/9, sd = sqrt(10/3) = 1.825741858, se = sd / sqrt(10) = sqrt(1/3) = 0.577350269.
 *   t(0.975, 9) = 2.262157, half = 2.262157 * 0.577350269 = 1.306057,
 *   ci95 = [9.693943, 12.306057].
 *   sorted 8 9 10 10 11 11 12 12 13 14: median (11+11)/2 = 11, min 8, max 14.
 *   Median CI for n = 10: P(B <= 1) = (1 + 10)/1024, coverage 1 - 22/1024 = 97.85% >= 95%;
 *   j = 3 would give 1 - 2 * 56/1024 = 89.06% < 95%, so j = 2: [x(2), x(9)] = [9, 13].
 *   Q1 at h = 2.25 -> 10 + 0.25 (10 - 10) = 10, Q3 at h = 6.75 -> 12 + 0.75 (13 - 12) = 12.75,
 *   IQR 2.75, fences [5.875, 16.875]: no outliers. */
static void test_t_interval_ten(void **state) {
  (void)state;
  const double x[] = {10, 12, 9, 11, 13, 8, 10, 11, 12, 14};
  gb_stats s;
  assert_int_equal(gb_stats_compute(x, 10, &s), 0);
  assert_int_equal(s.n, 10);
  assert_near(s.mean, 11.0, 1e-12);
  assert_near(s.median, 11.0, 1e-12);
  assert_near(s.stddev, 1.8257418583505538, 1e-12);
  assert_near(s.ci95[0], 9.693943, 1e-5);
  assert_near(s.ci95[1], 12.306057, 1e-5);
  assert_near(s.median_ci95[0], 9.0, 0);
  assert_near(s.median_ci95[1], 13.0, 0);
  assert_near(s.min, 8.0, 0);
  assert_near(s.max, 14.0, 0);
  assert_int_equal(s.outliers, 0);
}

/* Order-statistic ranks, with distinct values so each rank names one value: x(k) = 10 k, given
 * in scrambled order (the ranks must come from the sorted copy, not input positions).
 *   n = 10: [x(2), x(9)]   (worked out above).
 *   n = 20: P(B <= 5) = (1 + 20 + 190 + 1140 + 4845 + 15504) / 2^20 = 21700/1048576 = 0.020695,
 *           coverage 95.86% >= 95%; with j = 7, P(B <= 6) adds 38760 -> 60460/2^20 = 0.057659,
 *           coverage 88.47% < 95%; so [x(6), x(15)].
 *   n = 9:  P(B <= 1) = 10/512, coverage 96.09% -> j = 2 is the first n with [x(2), x(8)].
 *   n = 8:  P(B <= 1) = 9/256, coverage 92.97% < 95% -> j = 1, [x(1), x(8)].
 *   n = 6:  P(B <= 0) = 1/64, coverage 96.88% -> [x(1), x(6)], the smallest n reaching 95%. */
static void check_median_ci(int n, int lo_rank, int hi_rank) {
  double x[32];
  assert_true(n <= (int)GB_ARRAY_LEN(x));
  for (int i = 0; i < n; i++)
    x[i] = 10.0 * (double)(((i * 7) % n) + 1); /* 7 is prime to n */
  gb_stats s;
  assert_int_equal(gb_stats_compute(x, n, &s), 0);
  assert_near(s.median_ci95[0], 10.0 * lo_rank, 0);
  assert_near(s.median_ci95[1], 10.0 * hi_rank, 0);
  assert_near(s.min, 10.0, 0);
  assert_near(s.max, 10.0 * n, 0);
}

static void test_median_ci_ranks(void **state) {
  (void)state;
  check_median_ci(10, 2, 9);
  check_median_ci(20, 6, 15);
  check_median_ci(9, 2, 8);
  check_median_ci(8, 1, 8);
  check_median_ci(6, 1, 6);
  check_median_ci(5, 1, 5); /* too small for 95%: [min, max] */
}

/* n = 1, {5}: everything is 5; no spread (sd 0, zero-width t interval, as stats.h says); the
 * quartiles are 5 too, so the fences are [5, 5] and 5 is not an outlier. */
static void test_one_value(void **state) {
  (void)state;
  const double x[] = {5};
  gb_stats s;
  assert_int_equal(gb_stats_compute(x, 1, &s), 0);
  assert_int_equal(s.n, 1);
  assert_near(s.median, 5.0, 0);
  assert_near(s.mean, 5.0, 0);
  assert_near(s.stddev, 0.0, 0);
  assert_near(s.ci95[0], 5.0, 0);
  assert_near(s.ci95[1], 5.0, 0);
  assert_near(s.median_ci95[0], 5.0, 0);
  assert_near(s.median_ci95[1], 5.0, 0);
  assert_near(s.min, 5.0, 0);
  assert_near(s.max, 5.0, 0);
  assert_int_equal(s.outliers, 0);
}

/* n = 2, {3, 1}: median (1+3)/2 = 2, mean 2, deviations -1 1, variance 2/1, sd = sqrt(2).
 *   t(0.975, 1) = 12.706205, half = 12.706205 * sqrt(2) / sqrt(2) = 12.706205,
 *   ci95 = [-10.706205, 14.706205]. Median CI [min, max] = [1, 3].
 *   Q1 at h = 0.25 -> 1.5, Q3 at h = 0.75 -> 2.5, IQR 1, fences [0, 4]: no outliers. */
static void test_two_values(void **state) {
  (void)state;
  const double x[] = {3, 1};
  gb_stats s;
  assert_int_equal(gb_stats_compute(x, 2, &s), 0);
  assert_int_equal(s.n, 2);
  assert_near(s.median, 2.0, 1e-12);
  assert_near(s.mean, 2.0, 1e-12);
  assert_near(s.stddev, sqrt(2.0), 1e-12);
  assert_near(s.ci95[0], -10.706205, 1e-5);
  assert_near(s.ci95[1], 14.706205, 1e-5);
  assert_near(s.median_ci95[0], 1.0, 0);
  assert_near(s.median_ci95[1], 3.0, 0);
  assert_near(s.min, 1.0, 0);
  assert_near(s.max, 3.0, 0);
  assert_int_equal(s.outliers, 0);
}

/* Low outliers count too: {-100, 10, 11, 12, 13, 14, 1000}.
 *   sorted as given; Q1 at h = 1.5 -> 10.5, Q3 at h = 4.5 -> 13.5, IQR 3,
 *   fences [6, 18]: -100 and 1000 are outside -> 2 outliers. */
static void test_outliers_both_sides(void **state) {
  (void)state;
  const double x[] = {1000, 12, -100, 10, 14, 11, 13};
  gb_stats s;
  assert_int_equal(gb_stats_compute(x, 7, &s), 0);
  assert_int_equal(s.outliers, 2);
  assert_near(s.median, 12.0, 0);
}

/* The caller's array is its run-order record: it must come back byte for byte unchanged. */
static void test_input_not_modified(void **state) {
  (void)state;
  double x[] = {9, 3, 7, 1, 5, 8, 2, 6, 4, 100};
  double copy[GB_ARRAY_LEN(x)];
  memcpy(copy, x, sizeof x);
  gb_stats s;
  assert_int_equal(gb_stats_compute(x, (int)GB_ARRAY_LEN(x), &s), 0);
  assert_memory_equal(x, copy, sizeof x);
}

/* No values, a negative count, missing pointers or a non-finite value: GB_EINVAL. */
static void test_invalid(void **state) {
  (void)state;
  const double x[] = {1, 2, 3};
  const double bad[] = {1, NAN, 3};
  const double inf[] = {1, INFINITY, 3};
  gb_stats s;
  assert_int_equal(gb_stats_compute(x, 0, &s), GB_EINVAL);
  assert_int_equal(gb_stats_compute(x, -1, &s), GB_EINVAL);
  assert_int_equal(gb_stats_compute(NULL, 3, &s), GB_EINVAL);
  assert_int_equal(gb_stats_compute(x, 3, NULL), GB_EINVAL);
  assert_int_equal(gb_stats_compute(bad, 3, &s), GB_EINVAL);
  assert_int_equal(gb_stats_compute(inf, 3, &s), GB_EINVAL);
}

/* The bootstrap of a ratio of medians (the speedups' and compare's): samples that cannot vary
 * give their exact ratio; a proportional pair's interval holds the factor and repeats with its
 * seed; a sample whose median is never above 0 gives no interval; the inputs stay as they were. */
static void test_boot_ratio(void **state) {
  (void)state;
  const double two[] = {2, 2, 2, 2}, five[] = {5, 5, 5}, zeros[] = {0, 0, 0};
  double lo, hi, lo2, hi2;
  gb_stats_boot_ratio(two, 4, five, 3, 200, 7, &lo, &hi);
  assert_true(lo == 2.5 && hi == 2.5);
  const double a[] = {1.0, 1.3, 0.9, 1.1, 1.6, 1.2};
  double b[GB_ARRAY_LEN(a)], copy[GB_ARRAY_LEN(a)];
  for (size_t i = 0; i < GB_ARRAY_LEN(a); i++)
    b[i] = 3 * a[i];
  memcpy(copy, a, sizeof a);
  gb_stats_boot_ratio(a, 6, b, 6, 2000, 42, &lo, &hi);
  assert_true(lo <= 3 && hi >= 3 && lo < hi);
  gb_stats_boot_ratio(a, 6, b, 6, 2000, 42, &lo2, &hi2);
  assert_true(lo2 == lo && hi2 == hi);
  assert_memory_equal(a, copy, sizeof a);
  gb_stats_boot_ratio(zeros, 3, five, 3, 100, 1, &lo, &hi);
  assert_true(isnan(lo) && isnan(hi));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_skewed_five),        cmocka_unit_test(test_t_interval_ten),
      cmocka_unit_test(test_median_ci_ranks),    cmocka_unit_test(test_one_value),
      cmocka_unit_test(test_two_values),         cmocka_unit_test(test_outliers_both_sides),
      cmocka_unit_test(test_input_not_modified), cmocka_unit_test(test_invalid),
      cmocka_unit_test(test_boot_ratio),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
