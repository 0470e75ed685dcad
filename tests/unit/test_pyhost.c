/* test_pyhost.c: --python LABEL=PATH labels at the length limit. A label of exactly
 * GB_PYFAMILY_LABEL_MAX characters is kept whole (the family, its strategies and LABEL.exe all
 * find it by its full name); one character more is refused with the limit in the message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "pyhost.h"
#include "strategies.h"
#include "strategy.h"

/* A label of n characters: first, then digits, so a cut one differs from the whole. */
static void make_label(char *buf, char first, int n) {
  buf[0] = first;
  for (int i = 1; i < n; i++)
    buf[i] = (char)('0' + i % 10);
  buf[n] = '\0';
}

static void test_label_at_the_limit(void **state) {
  (void)state;
  char label[GB_PYFAMILY_LABEL_MAX + 1], spec[GB_PYFAMILY_LABEL_MAX + 64], err[512] = "";
  make_label(label, 'L', GB_PYFAMILY_LABEL_MAX);
  snprintf(spec, sizeof spec, "%s=/usr/bin/python3", label);
  assert_int_equal(gb_pyhost_add(spec, err, sizeof err), 0);
  gb_pyfamily *f = gb_pyfamily_find(label);
  assert_non_null(f);
  assert_string_equal(f->label, label); /* every character kept */
  char name[GB_PYFAMILY_LABEL_MAX + 32];
  snprintf(name, sizeof name, "%s-subinterp", label); /* the longest of its strategies' names */
  const gb_strategy *s = gb_strategy_find(name);
  assert_non_null(s);
  assert_string_equal(s->name, name);
  snprintf(name, sizeof name, "%s-serial", label);
  assert_string_equal(s->baseline, name);
  char key[GB_PYFAMILY_LABEL_MAX + 16];
  snprintf(key, sizeof key, "%s.exe", label);
  int rc = -5;
  assert_int_equal(gb_pyhost_set_exe(key, "/usr/bin/python3", &rc, err, sizeof err), 1);
  assert_int_equal(rc, 0);
}

static void test_label_over_the_limit(void **state) {
  (void)state;
  char label[GB_PYFAMILY_LABEL_MAX + 2], spec[GB_PYFAMILY_LABEL_MAX + 64], err[512] = "";
  make_label(label, 'M', GB_PYFAMILY_LABEL_MAX + 1);
  snprintf(spec, sizeof spec, "%s=/usr/bin/python3", label);
  assert_int_equal(gb_pyhost_add(spec, err, sizeof err), -1);
  assert_non_null(strstr(err, "must be 1-64 of"));
  assert_null(gb_pyfamily_find(label));
  label[GB_PYFAMILY_LABEL_MAX] = '\0'; /* nor was it added under its first 64 characters */
  assert_null(gb_pyfamily_find(label));
  char key[GB_PYFAMILY_LABEL_MAX + 16];
  make_label(label, 'M', GB_PYFAMILY_LABEL_MAX + 1);
  snprintf(key, sizeof key, "%s.exe", label);
  int rc = 0;
  assert_int_equal(gb_pyhost_set_exe(key, "/usr/bin/python3", &rc, err, sizeof err), 0); /* not a family's */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_label_at_the_limit),
      cmocka_unit_test(test_label_over_the_limit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
