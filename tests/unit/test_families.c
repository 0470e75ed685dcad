/* test_families.c: the report's strategy families: the one function that names a cell's family
 * (from the results' "family" when present, else from its baseline and name), each family's serial
 * baseline and report order, and the families view's rows on a small results document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "rmodel.h"

/* The family of a cell made of strategy, baseline and (when not NULL) a "family" field. A baseline
 * that starts with '{' is the object results carry since schema 3. */
static char *gb__fam(const char *strategy, const char *baseline, const char *family) {
  json_t *cell = json_pack("{s:s}", "strategy", strategy);
  if (baseline && baseline[0] == '{')
    json_object_set_new(cell, "baseline", json_loads(baseline, 0, NULL));
  else if (baseline)
    json_object_set_new(cell, "baseline", json_string(baseline));
  if (family) json_object_set_new(cell, "family", json_string(family));
  char *f = gb_rmodel_family(cell);
  json_decref(cell);
  return f;
}

static void test_family_of(void **state) {
  (void)state;
  static const char *const cases[][4] = {
      /* strategy, baseline, family field, expected */
      {"threads", "serial", NULL, "native"},
      {"serial", "serial", NULL, "native"},
      {"gil", NULL, NULL, "native"}, /* an older file without baselines */
      {"cpython-threads", "cpython-serial", NULL, "cpython"},
      {"cpython-ext", "cpython-ext-serial", NULL, "cpython"},
      {"cpython-processes", "cpython-serial-spawn", NULL, "cpython"},
      {"pypy-threads", "pypy-serial", NULL, "pypy"},
      {"jython-serial", "jython-serial", NULL, "jython"},
      {"py3.12-threads", "py3.12-serial", NULL, "py3.12"}, /* --python py3.12=PATH */
      {"pypy-nightly-asyncio", "pypy-nightly-serial", NULL, "pypy-nightly"},
      {"cpython-threads", "cpython-serial", "cpython", "cpython"},
      {"threads", "serial", "models", "models"}, /* the results' own field wins */
      {"cpython-future", "cpython-future-base", NULL, "cpython"},
      /* schema 3: the speedup fell back to the strategy itself; the family's baseline says the family */
      {"cpython-ext",
       "{\"strategy\":\"cpython-ext\",\"workers\":1,\"kind\":\"self\",\"family\":\"cpython-ext-serial\"}",
       NULL, "cpython"},
      {"pypy-threads",
       "{\"strategy\":\"pypy-serial\",\"workers\":1,\"kind\":\"family\",\"family\":\"pypy-serial\"}", NULL,
       "pypy"},
      {"threads", "{\"strategy\":\"threads\",\"workers\":1,\"kind\":\"self\",\"family\":\"serial\"}", NULL,
       "native"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *f = gb__fam(cases[i][0], cases[i][1], cases[i][2]);
    if (strcmp(f, cases[i][3]) != 0) print_error("%s/%s: got %s\n", cases[i][0], cases[i][1], f);
    assert_string_equal(f, cases[i][3]);
    free(f);
  }
  char buf[64];
  assert_string_equal(gb_rfamily_baseline("native", buf, sizeof buf), "serial");
  assert_string_equal(gb_rfamily_baseline("pypy", buf, sizeof buf), "pypy-serial");
  assert_true(gb_rfamily_rank("native") < gb_rfamily_rank("cpython"));
  assert_true(gb_rfamily_rank("jython") < gb_rfamily_rank("py3.12"));
  assert_string_equal(gb_report_family_title("py3.12", buf, sizeof buf), "py3.12 (another Python)");
}

/* Five cells of one workload: native, cpython and pypy, in mixed file order. */
static const char gb__doc[] =
    "{\"meta\":{},\"cells\":["
    "{\"workload\":\"w\",\"strategy\":\"pypy-threads\",\"baseline\":\"pypy-serial\",\"workers\":2,"
    "\"status\":\"ok\",\"reps\":[{\"wall_s\":0.5}]},"
    "{\"workload\":\"w\",\"strategy\":\"cpython-serial\",\"baseline\":\"cpython-serial\",\"workers\":1,"
    "\"status\":\"ok\",\"reps\":[{\"wall_s\":4.0}]},"
    "{\"workload\":\"w\",\"strategy\":\"serial\",\"baseline\":\"serial\",\"workers\":1,"
    "\"status\":\"ok\",\"reps\":[{\"wall_s\":0.1}]},"
    "{\"workload\":\"w\",\"strategy\":\"pypy-serial\",\"baseline\":\"pypy-serial\",\"workers\":1,"
    "\"status\":\"ok\",\"reps\":[{\"wall_s\":0.8}]},"
    "{\"workload\":\"w\",\"strategy\":\"cpython-threads\",\"baseline\":\"cpython-serial\",\"workers\":2,"
    "\"status\":\"ok\",\"reps\":[{\"wall_s\":5.0}]}]}";

static void test_family_rows(void **state) {
  (void)state;
  json_error_t je;
  json_t *root = json_loads(gb__doc, 0, &je);
  assert_non_null(root);
  gb_rmodel m;
  gb_rmodel_build(&m, root, "/nonexistent/results.json");
  json_decref(root);
  assert_true(gb_report_has_families(&m));
  const char *fams[8];
  assert_int_equal(gb_rmodel_families(&m, fams, 8), 3);
  assert_string_equal(fams[0], "native"); /* report order, not file order */
  assert_string_equal(fams[1], "cpython");
  assert_string_equal(fams[2], "pypy");
  gb_rfamrow rows[8];
  assert_int_equal(gb_report_family_rows(&m, 0, rows, 8), 3);
  assert_true(fabs(rows[2].base - 0.8) < 1e-12); /* pypy's own serial baseline */
  assert_true(fabs(rows[2].cpy - 4.0) < 1e-12);  /* against cpython-serial */
  assert_string_equal(m.cells[rows[2].best].strategy, "pypy-threads");
  assert_string_equal(m.cells[rows[1].best].strategy, "cpython-serial"); /* fastest of its family */
  assert_int_equal(rows[1].ncells, 2);
  gb_rmodel_free(&m);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_family_of), cmocka_unit_test(test_family_rows)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
