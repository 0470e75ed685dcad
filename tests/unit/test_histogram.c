/* test_histogram.c: the latency histogram: buckets tile the value range without gaps, each at
 * most 1/32 of its lower bound wide; quantiles are within 2% of the exact ones; merging equals
 * recording everything in one; min, max, mean and count are exact; it is plain data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gb.h"
#include "histogram.h"

static void test_empty(void **state) {
  (void)state;
  gb_hist h;
  gb_hist_init(&h);
  assert_int_equal(h.count, 0);
  assert_int_equal(gb_hist_quantile(&h, 0.5), 0);
  assert_int_equal(gb_hist_quantile(&h, 1.0), 0);
  assert_true(gb_hist_mean(&h) == 0.0);
  gb_hist other;
  gb_hist_init(&other);
  gb_hist_merge(&other, &h); /* merging an empty one changes nothing, min included */
  assert_memory_equal(&other, &h, sizeof h);
}

static void test_buckets_tile(void **state) {
  (void)state;
  uint64_t prev_hi = 0;
  for (int b = 0; b < GB_HIST_BUCKETS; b++) {
    uint64_t lo, hi;
    gb_hist_bucket_range(b, &lo, &hi);
    if (b > 0) assert_int_equal(lo, prev_hi + 1); /* no gap, no overlap */
    assert_true(hi >= lo);
    assert_int_equal(gb_hist_bucket(lo), b);
    if (b < GB_HIST_BUCKETS - 1) {
      assert_int_equal(gb_hist_bucket(hi), b);
      if (lo >= GB_HIST_SUB) assert_true((double)(hi - lo + 1) <= (double)lo / 32.0 + 1e-9);
    }
    prev_hi = hi;
  }
  assert_int_equal(prev_hi, UINT64_MAX); /* the last bucket takes everything above */
  assert_int_equal(gb_hist_bucket(UINT64_MAX), GB_HIST_BUCKETS - 1);
  for (uint64_t v = 0; v < GB_HIST_SUB; v++)
    assert_int_equal(gb_hist_bucket(v), (int)v); /* exact */
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static void test_quantiles(void **state) {
  (void)state;
  enum { N = 100000 };
  uint64_t *v = malloc(N * sizeof *v);
  gb_hist h;
  gb_hist_init(&h);
  uint64_t s = 42, mn = UINT64_MAX, mx = 0;
  double sum = 0;
  for (int i = 0; i < N; i++) { /* log-uniform from 1 us to 100 ms: latencies' shape */
    double u = (double)(gb_splitmix64_next(&s) >> 11) / 9007199254740992.0;
    v[i] = (uint64_t)(1000.0 * pow(1e5, u));
    gb_hist_add(&h, v[i]);
    sum += (double)v[i];
    if (v[i] < mn) mn = v[i];
    if (v[i] > mx) mx = v[i];
  }
  qsort(v, N, sizeof *v, cmp_u64);
  const double qs[] = {0.5, 0.9, 0.99, 0.999};
  for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
    uint64_t exact = v[(size_t)ceil(qs[k] * N) - 1], got = gb_hist_quantile(&h, qs[k]);
    double rel = fabs((double)got - (double)exact) / (double)exact;
    if (rel > 0.02)
      fail_msg("q%.3f: got %llu, exact %llu (%.2f%%)", qs[k], (unsigned long long)got,
               (unsigned long long)exact, rel * 100);
  }
  assert_int_equal(h.count, N);
  assert_int_equal(h.min_ns, mn);
  assert_int_equal(h.max_ns, mx);
  assert_int_equal(gb_hist_quantile(&h, 1.0), mx);
  assert_true(fabs(gb_hist_mean(&h) - sum / N) < 1e-6 * sum / N);
  free(v);
}

static void test_small_and_single(void **state) {
  (void)state;
  gb_hist h;
  gb_hist_init(&h);
  for (uint64_t x = 0; x < 32; x++)
    gb_hist_add(&h, x);
  assert_int_equal(gb_hist_quantile(&h, 0.5), 15); /* the 16th smallest of 0..31, exactly */
  assert_int_equal(gb_hist_quantile(&h, 1.0), 31);
  gb_hist one;
  gb_hist_init(&one);
  gb_hist_add(&one, 123456789);
  for (double q = 0.1; q <= 1.0; q += 0.3)
    assert_int_equal(gb_hist_quantile(&one, q), 123456789);
  gb_hist_add(&one, UINT64_MAX); /* beyond the last exact power of two: counted, max exact */
  assert_int_equal(one.max_ns, UINT64_MAX);
  assert_int_equal(one.buckets[GB_HIST_BUCKETS - 1], 1);
}

static void test_merge(void **state) {
  (void)state;
  gb_hist all, a, b;
  gb_hist_init(&all);
  gb_hist_init(&a);
  gb_hist_init(&b);
  uint64_t s = 7;
  for (int i = 0; i < 5000; i++) {
    uint64_t x = gb_splitmix64_next(&s) % 50000000u;
    gb_hist_add(&all, x);
    gb_hist_add(i % 3 ? &a : &b, x);
  }
  gb_hist_merge(&a, &b);
  assert_int_equal(a.count, all.count);
  assert_int_equal(a.min_ns, all.min_ns);
  assert_int_equal(a.max_ns, all.max_ns);
  assert_memory_equal(a.buckets, all.buckets, sizeof a.buckets);
  assert_true(fabs(a.sum_ns - all.sum_ns) < 1.0);
  /* plain data: a byte copy (what a worker process sends back) is the same histogram */
  gb_hist copy;
  memcpy(&copy, &a, sizeof copy);
  assert_int_equal(gb_hist_quantile(&copy, 0.99), gb_hist_quantile(&a, 0.99));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_empty),     cmocka_unit_test(test_buckets_tile),
      cmocka_unit_test(test_quantiles), cmocka_unit_test(test_small_and_single),
      cmocka_unit_test(test_merge),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
