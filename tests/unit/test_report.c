/* test_report.c: the report's building blocks: the compare statistics against values worked out
 * by hand, the seeded bootstrap, the fixed strategy colors, the templates, the escapes, and the
 * model's groups and series labels on a small results document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare.h"
#include "findings.h"
#include "gb.h"
#include "palette.h"
#include "rbuf.h"
#include "rmodel.h"
#include "tmpl.h"

#define assert_near(a, b, eps) check_near((a), (b), (eps), #a, __FILE__, __LINE__)
static void check_near(double a, double b, double eps, const char *what, const char *file, int line) {
  if (!(fabs(a - b) <= eps)) {
    print_error("%s = %.12g, expected %.12g (+- %g)\n", what, a, b, eps);
    _fail(file, line);
  }
}

/* {1..5} against {6..10}: every a below every b, U = 0. Of the C(10,5) = 252 orderings one has
 * U = 0 (and one U = 25), so the two-sided exact p = 2/252 = 0.00793651. */
static void test_mwu_exact_separated(void **state) {
  (void)state;
  const double a[] = {1, 2, 3, 4, 5}, b[] = {6, 7, 8, 9, 10};
  double u;
  assert_near(gb_mwu_p(a, 5, b, 5, &u), 2.0 / 252, 1e-12);
  assert_near(u, 0, 0);
  assert_near(gb_mwu_p(b, 5, a, 5, &u), 2.0 / 252, 1e-12); /* symmetric */
  assert_near(u, 25, 0);
}

/* {1,2,3,5} against {4,6,7,8}: ranks of a 1,2,3,5, R = 11, U = 11 - 4*5/2 = 1. Orderings of 4+4
 * with U <= 1: U = 0 (one) and U = 1 (one), out of C(8,4) = 70: p = 2 * 2/70 = 0.0571429. */
static void test_mwu_exact_one_swap(void **state) {
  (void)state;
  const double a[] = {5, 1, 3, 2}, b[] = {8, 4, 7, 6};
  double u;
  assert_near(gb_mwu_p(a, 4, b, 4, &u), 4.0 / 70, 1e-12);
  assert_near(u, 1, 0);
}

/* Ties: {1,2,3,3} against {3,4,5,6}. The three 3s share rank 4: R = 1+2+4+4 = 11, U = 1, mean
 * mn/2 = 8. Tie term t^3 - t = 24; sigma = sqrt(16/12 * (9 - 24/(8*7))) = 3.38061702;
 * z = (|1 - 8| - 0.5) / sigma = 1.92272593; p = 2 Q(z) = 0.0545144786. */
static void test_mwu_ties_normal(void **state) {
  (void)state;
  const double a[] = {1, 2, 3, 3}, b[] = {3, 4, 5, 6};
  double u;
  assert_near(gb_mwu_p(a, 4, b, 4, &u), 0.0545144786, 1e-9);
  assert_near(u, 1, 0);
}

static void test_mwu_identical(void **state) {
  (void)state;
  const double a[] = {2, 2, 2}, b[] = {2, 2, 2};
  assert_near(gb_mwu_p(a, 3, b, 3, NULL), 1.0, 0);
  const double c[] = {1, 2, 3, 4, 5, 6};
  assert_near(gb_mwu_p(c, 6, c, 6, NULL), 1.0, 1e-12);
  assert_true(isnan(gb_mwu_p(c, 0, c, 6, NULL)));
}

/* b = 1.2 a exactly: every resample pairs medians of the same ranks only by chance, but the ratio
 * of the full samples' medians is 1.2 and the interval must hold it; the same seed gives the same
 * interval, another seed may not. */
static void test_bootstrap(void **state) {
  (void)state;
  const double a[] = {1.00, 1.02, 0.98, 1.01, 0.99, 1.03, 0.97, 1.00};
  double b[8], lo, hi, lo2, hi2;
  for (int i = 0; i < 8; i++)
    b[i] = a[i] * 1.2;
  gb_boot_ratio(a, 8, b, 8, 2000, 42, &lo, &hi);
  assert_true(lo <= 1.2 && hi >= 1.2);
  assert_true(lo > 1.1 && hi < 1.3);
  gb_boot_ratio(a, 8, b, 8, 2000, 42, &lo2, &hi2);
  assert_near(lo2, lo, 0);
  assert_near(hi2, hi, 0);
  const double c[] = {3, 3, 3};
  gb_boot_ratio(c, 3, c, 3, 100, 1, &lo, &hi);
  assert_near(lo, 1, 0);
  assert_near(hi, 1, 0);
}

static void test_palette(void **state) {
  (void)state;
  assert_string_equal(gb_palette_color("gil"), "#d62728");
  assert_string_equal(gb_palette_color("threads"), "#1f77b4");
  assert_string_equal(gb_palette_color("serial"), "#4d4d4d");
  /* Unknown strategies: a stable color from the reserve list. */
  assert_string_equal(gb_palette_color("pypy-threads"), gb_palette_color("pypy-threads"));
  assert_int_equal(strlen(gb_palette_color("pypy-threads")), 7);
  assert_true(gb_palette_rank("serial") < gb_palette_rank("gil"));
  assert_true(gb_palette_rank("openmp") < gb_palette_rank("zzz-unknown"));
}

static void test_tmpl_and_escapes(void **state) {
  (void)state;
  gb_buf b;
  gb_buf_init(&b);
  const gb_tmpl_var vars[] = {{"A", "x"}, {"BB", "<y>"}, {NULL, NULL}};
  gb_tmpl_render(&b, "[{{A}}|{{BB}}|{{A}}]", vars);
  assert_string_equal(b.s, "[x|<y>|x]");
  gb_buf_reset(&b);
  gb_buf_html(&b, "a<b & \"c\"");
  assert_string_equal(b.s, "a&lt;b &amp; &quot;c&quot;");
  gb_buf_reset(&b);
  gb_buf_csv(&b, "plain");
  gb_buf_add(&b, ",");
  gb_buf_csv(&b, "k=1,j=2");
  gb_buf_add(&b, ",");
  gb_buf_csv(&b, "say \"hi\"");
  assert_string_equal(b.s, "plain,\"k=1,j=2\",\"say \"\"hi\"\"\"");
  gb_buf_reset(&b);
  gb_buf_gpstr(&b, "a\"b\\c'd`touch x`\n$(y)");
  /* inside '...': only ' is special (doubled); backquotes and \ stay text, a newline a space */
  assert_string_equal(b.s, "a\"b\\c''d`touch x` $(y)");
  gb_buf_reset(&b);
  gb_buf_md(&b, "a|b_c");
  assert_string_equal(b.s, "a\\|b\\_c");
  gb_buf_free(&b);
}

/* Two gil variants (switch intervals) and threads over two workloads; one failed cell. */
static const char *const doc =
    "{\"schema\":\"gilbench-results/1\",\"meta\":{\"cpu\":{\"pus\":2}},\"cells\":["
    "{\"workload\":\"w\",\"params\":{\"n\":1},\"strategy\":\"gil\",\"options\":{\"switch_interval_us\":5000,"
    "\"model\":\"new\"},"
    "\"workers\":1,\"binding\":\"none\",\"status\":\"ok\",\"reps\":[{\"wall_s\":2.0},{\"wall_s\":2.2},{"
    "\"wall_s\":1.8}],"
    "\"speedup\":1.0,\"efficiency\":1.0},"
    "{\"workload\":\"w\",\"params\":{\"n\":1},\"strategy\":\"gil\",\"options\":{\"switch_interval_us\":1000,"
    "\"model\":\"new\"},"
    "\"workers\":2,\"binding\":\"none\",\"status\":\"ok\",\"reps\":[{\"wall_s\":1.0}],"
    "\"stats\":{\"wall_s\":{\"median\":1.0,\"median_ci95\":[0.5,2.0]}},\"speedup\":2.0,\"efficiency\":1.0},"
    "{\"workload\":\"w\",\"params\":{\"n\":2},\"strategy\":\"threads\",\"options\":{},"
    "\"workers\":2,\"binding\":\"none\",\"status\":\"failed\",\"error\":\"boom\",\"reps\":[]},"
    "{\"workload\":\"serial-first\",\"params\":{},\"strategy\":\"serial\",\"options\":{},"
    "\"workers\":1,\"binding\":\"none\",\"status\":\"ok\",\"reps\":[{\"wall_s\":1.0,"
    "\"counters\":{\"PAPI_TOT_INS\":{\"status\":\"unavailable\",\"reason\":\"no PMU\"},"
    "\"context-switches\":{\"status\":\"ok\",\"value\":7}}}]}]}";

static void test_model(void **state) {
  (void)state;
  json_error_t je;
  json_t *root = json_loads(doc, 0, &je);
  assert_non_null(root);
  gb_rmodel m;
  gb_rmodel_build(&m, root, "/nonexistent/results.json");
  json_decref(root);
  assert_string_equal(m.dir, "/nonexistent");
  assert_int_equal(m.ncells, 4);
  assert_int_equal(m.ngroups, 3); /* w (n=1), w (n=2), serial-first */
  assert_string_equal(m.groups[0].label, "w (n=1)");
  assert_string_equal(m.groups[1].label, "w (n=2)");
  assert_string_equal(m.groups[0].slug, "w-1");
  assert_string_equal(m.groups[2].label, "serial-first");
  assert_int_equal(m.nseries, 4);
  /* Sorted by the registry order: serial, gil, gil, threads; variants labelled by what differs. */
  assert_string_equal(m.series[0].label, "serial");
  assert_string_equal(m.series[1].label, "gil[switch_interval_us=5000]");
  assert_string_equal(m.series[2].label, "gil[switch_interval_us=1000]");
  assert_int_equal(m.series[1].dash, 1);
  assert_int_equal(m.series[2].dash, 2);
  assert_string_equal(m.series[3].label, "threads");
  /* Median from the repetitions when stats are absent; interval mapped into speedup. */
  assert_near(m.cells[0].median, 2.0, 1e-12);
  assert_near(m.cells[1].slo, 1.0, 1e-12);
  assert_near(m.cells[1].shi, 4.0, 1e-12);
  assert_int_equal(m.nfailed, 1);
  assert_true(isnan(m.cells[2].median));
  /* Counters: an unavailable one is not a value. */
  double v;
  const char *st;
  assert_int_equal(gb_rcell_counter(&m.cells[3], "PAPI_TOT_INS", &v, &st), 0);
  assert_string_equal(st, "unavailable");
  assert_int_equal(gb_rcell_counter(&m.cells[3], "context-switches", &v, &st), 1);
  assert_near(v, 7, 0);
  assert_int_equal(gb_rcell_counter(&m.cells[0], "context-switches", &v, &st), -1);
  gb_rcounter *cv;
  int nc = gb_rmodel_counters(&m, &cv);
  assert_int_equal(nc, 2);
  assert_int_equal(cv[0].n_unavailable, 1);
  assert_string_equal(cv[0].reasons, "no PMU");
  gb_rcounters_free(cv, nc);
  gb_rmodel_free(&m);
}

/* The noise banner (Markdown and HTML) names a flagged cell as the tables do: its workload with
 * the parameters that tell it from the run's other sets, its strategy with the options that differ. */
static void test_noise_text(void **state) {
  (void)state;
  json_t *root = json_loads(doc, 0, NULL);
  assert_non_null(root);
  json_t *cells = json_object_get(root, "cells");
  json_object_set_new(json_array_get(cells, 0), "noise",
                      json_pack("{s:b,s:[s],s:f}", "flagged", 1, "reasons", "other_load", "other_load", 1.5));
  json_object_set_new(json_array_get(cells, 2), "noise",
                      json_pack("{s:b,s:[s],s:f}", "flagged", 1, "reasons", "steal", "steal_fraction", 0.2));
  gb_rmodel m;
  gb_rmodel_build(&m, root, "/nonexistent/results.json");
  json_decref(root);
  gb_buf b;
  gb_buf_init(&b);
  assert_int_equal(gb_rmodel_noise_text(&m, &b), 2);
  assert_string_equal(b.s, "w (n=1) gil[switch_interval_us=5000] w=1 (other processes used 1.50 CPUs); "
                           "w (n=2) threads w=2 (steal 20%)");
  gb_buf_free(&b);
  gb_rmodel_free(&m);
}

/* A finding names a disturbed cell as the tables do (its parameter set and options), not by its
 * bare workload and strategy, which the two gil cells of the w workload share. */
static void test_findings_names(void **state) {
  (void)state;
  char rules[] = "/tmp/gilbench-test-findings.XXXXXX";
  int fd = mkstemp(rules);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  fputs("[finding.noisy]\nclaim = gil at 1 worker against 2\nstatistic = ratio\n"
        "cell = workload=w strategy=gil workers=1\nversus = workload=w strategy=gil workers=2\nexpect = > 0\n"
        "contradiction = none\n",
        f);
  fclose(f);
  gb_frules r;
  char err[512];
  int rc = gb_findings_load(rules, &r, err, sizeof err);
  if (rc) print_error("%s\n", err);
  assert_int_equal(rc, 0);
  unlink(rules);
  json_t *root = json_loads(doc, 0, NULL);
  json_object_set_new(json_array_get(json_object_get(root, "cells"), 0), "noise",
                      json_pack("{s:b,s:[s],s:f}", "flagged", 1, "reasons", "other_load", "other_load", 1.5));
  gb_rmodel m;
  gb_rmodel_build(&m, root, "/nonexistent/results.json");
  json_decref(root);
  gb_finding out[1];
  gb_findings_eval(&r, &m, out);
  assert_non_null(
      strstr(out[0].reason, "cell #0 (w (n=1), gil[switch_interval_us=5000], 1 workers) was disturbed"));
  gb_rmodel_free(&m);
  gb_findings_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mwu_exact_separated), cmocka_unit_test(test_mwu_exact_one_swap),
      cmocka_unit_test(test_mwu_ties_normal),     cmocka_unit_test(test_mwu_identical),
      cmocka_unit_test(test_bootstrap),           cmocka_unit_test(test_palette),
      cmocka_unit_test(test_tmpl_and_escapes),    cmocka_unit_test(test_model),
      cmocka_unit_test(test_noise_text),          cmocka_unit_test(test_findings_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
