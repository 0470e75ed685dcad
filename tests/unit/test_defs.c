/* test_defs.c: parameters (params.c), workload definitions and suite files (defs.c): good files
 * load with the right values, every kind of mistake is refused with GB_EINVAL at the exact
 * "file:line:", profiles and --set apply in order, and every shipped definition file checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "defs.h"
#include "findings.h"
#include "params.h"
#include "strategy.h"

#define ERRLEN 4096

/* ---------------------------------------------------------------------------------------------
 * Helpers */

/* Write text to a new /tmp/gbdefs_XXXXXX.ini; path receives its name. */
static void write_tmp(const char *text, char *path) {
  strcpy(path, "/tmp/gbdefs_XXXXXX.ini");
  int fd = mkstemps(path, 4);
  assert_true(fd >= 0);
  size_t n = strlen(text);
  assert_int_equal(write(fd, text, n), (ssize_t)n);
  close(fd);
}

/* Assert that err starts with "path:line: " (or "path: " when line is 0) and contains want. */
static void assert_error_at(const char *err, const char *path, int line, const char *want) {
  char prefix[PATH_MAX + 32];
  if (line)
    snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
  else
    snprintf(prefix, sizeof prefix, "%s: ", path);
  if (strncmp(err, prefix, strlen(prefix)) != 0 || (want && !strstr(err, want)))
    fail_msg("expected '%s...%s', got '%s'", prefix, want ? want : "", err);
}

/* Load text as a workload and expect an error at line with want in the message. */
static void expect_workload_error(const char *text, int line, const char *want) {
  char path[64], err[ERRLEN] = "";
  gb_workload wl;
  write_tmp(text, path);
  int rc = gb_workload_load(path, &wl, err, sizeof err);
  if (rc != GB_EINVAL) fail_msg("'%s' loaded (rc %d) but should fail: %s", path, rc, text);
  assert_error_at(err, path, line, want);
  /* gilbench check reports the same thing */
  char err2[ERRLEN] = "";
  assert_int_equal(gb_defs_check(path, err2, sizeof err2), GB_EINVAL);
  assert_string_equal(err, err2);
  unlink(path);
}

static void load_ok(const char *text, char *path, gb_workload *wl) {
  char err[ERRLEN] = "";
  write_tmp(text, path);
  int rc = gb_workload_load(path, wl, err, sizeof err);
  if (rc) fail_msg("%s", err);
}

static const char *single_text = "; a comment\n"
                                 "[workload]\n"
                                 "name = two-phase\n"
                                 "summary = two sumloops\n"
                                 "kind = cpu\n"
                                 "schedule = static\n"
                                 "chunk = 4\n"
                                 "tasks = 1_000\n"
                                 "input_bytes = 1k\n"
                                 "\n"
                                 "[phase.1]\n"
                                 "n = 1e6   ; before the kernel: order is free\n"
                                 "kernel = sumloop\n"
                                 "[phase.2]\n"
                                 "kernel = sumloop\n"
                                 "python = ext-held\n"
                                 "n = 200\n"
                                 "[profile.quick]\n"
                                 "phase.1.n = 50\n"
                                 "tasks = 10\n"
                                 "[profile.tiny]\n"
                                 "phase.2.n = 7\n";

static const char *groups_text = "[workload]\n"
                                 "name = convoy-cpu\n"
                                 "kind = mixed\n"
                                 "measure = latency\n"
                                 "\n"
                                 "[group.cpu]\n"
                                 "tasks = 1\n"
                                 "[group.cpu.phase.1]\n"
                                 "kernel = sumloop\n"
                                 "n = 4M\n"
                                 "\n"
                                 "[group.short]\n"
                                 "tasks = 200\n"
                                 "input_bytes = 0\n"
                                 "output_bytes = 16\n"
                                 "[group.short.phase.1]\n"
                                 "kernel = square\n"
                                 "[group.short.phase.2]\n"
                                 "kernel = nbody\n"
                                 "n = 3\n"
                                 "\n"
                                 "[profile.quick]\n"
                                 "group.cpu.phase.1.n = 1000\n"
                                 "group.short.tasks = 20\n";

/* ---------------------------------------------------------------------------------------------
 * params.c */

static void test_param_parse(void **state) {
  (void)state;
  gb_param_def d = {"n", "", 5, 1, 1000000, NULL};
  gb_param_def big = {"n", "", 0, INT64_MIN, INT64_MAX, NULL};
  char err[256];
  int64_t v;
  const struct {
    const char *text;
    int64_t want;
  } ok[] = {{"1000000", 1000000}, {"1e6", 1000000}, {"1_000_000", 1000000},
            {"4k", 4096},         {"4K", 4096},     {"512k", 512 << 10},
            {" 7 ", 7},           {"1.5e3", 1500},  {"1.0", 1},
            {"1E2", 100},         {"+3", 3}};
  for (size_t i = 0; i < GB_ARRAY_LEN(ok); i++) {
    if (gb_param_parse(&d, ok[i].text, &v, err, sizeof err)) fail_msg("'%s': %s", ok[i].text, err);
    assert_int_equal(v, ok[i].want);
  }
  assert_int_equal(gb_param_parse(&big, "1G", &v, err, sizeof err), 0);
  assert_int_equal(v, INT64_C(1) << 30);
  assert_int_equal(gb_param_parse(&big, "-12", &v, err, sizeof err), 0);
  assert_int_equal(v, -12);
  assert_int_equal(gb_param_parse(&big, "9223372036854775807", &v, err, sizeof err), 0);
  assert_int_equal(v, INT64_MAX);
  assert_int_equal(gb_param_parse(&big, "9223372036854775808", &v, err, sizeof err), GB_EINVAL);
  assert_int_equal(gb_param_parse(&big, "1e30", &v, err, sizeof err), GB_EINVAL);
  assert_int_equal(gb_param_parse(&big, "16G", &v, err, sizeof err), 0);
  assert_int_equal(v, INT64_C(16) << 30);

  assert_int_equal(gb_param_parse(&d, "abc", &v, err, sizeof err), GB_EINVAL);
  assert_string_equal(err, "expected an integer in [1, 1000000], got 'abc'");
  const char *bad[] = {"",    "0",  "1000001", "1.5",  "1e", "1__0", "_1", "1_",
                       "4kB", "1m", "2G",      "0x10", "-1", "1e-1", ".5"};
  for (size_t i = 0; i < GB_ARRAY_LEN(bad); i++)
    if (gb_param_parse(&d, bad[i], &v, err, sizeof err) != GB_EINVAL)
      fail_msg("'%s' was accepted as %lld", bad[i], (long long)v);
  assert_int_equal(gb_param_parse(&d, "1e-0", &v, err, sizeof err), 0);
  assert_int_equal(gb_param_parse(&d, "10e-1", &v, err, sizeof err), 0);
  assert_int_equal(v, 1);
}

static void test_param_choices_format_find(void **state) {
  (void)state;
  gb_param_def defs[] = {{"mode", "", 0, 0, 2, "read|write|both"}, {"n", "", 3, 0, 10, NULL}};
  char err[256], buf[32];
  int64_t v;
  assert_int_equal(gb_param_parse(&defs[0], "write", &v, err, sizeof err), 0);
  assert_int_equal(v, 1);
  assert_int_equal(gb_param_parse(&defs[0], "both", &v, err, sizeof err), 0);
  assert_int_equal(v, 2);
  assert_int_equal(gb_param_parse(&defs[0], "wri", &v, err, sizeof err), GB_EINVAL);
  assert_string_equal(err, "expected one of read|write|both, got 'wri'");
  assert_int_equal(gb_param_parse(&defs[0], "1", &v, err, sizeof err), GB_EINVAL);
  gb_param_format(&defs[0], 0, buf, sizeof buf);
  assert_string_equal(buf, "read");
  gb_param_format(&defs[0], 2, buf, sizeof buf);
  assert_string_equal(buf, "both");
  gb_param_format(&defs[1], -42, buf, sizeof buf);
  assert_string_equal(buf, "-42");
  assert_int_equal(gb_param_find(defs, 2, "n"), 1);
  assert_int_equal(gb_param_find(defs, 2, "mode"), 0);
  assert_int_equal(gb_param_find(defs, 2, "x"), -1);
}

/* ---------------------------------------------------------------------------------------------
 * Workloads: good files */

static void test_single_group(void **state) {
  (void)state;
  char path[64];
  gb_workload wl;
  load_ok(single_text, path, &wl);
  assert_string_equal(wl.name, "two-phase");
  assert_string_equal(wl.summary, "two sumloops");
  assert_string_equal(wl.path, path);
  assert_int_equal(wl.kind, GB_KIND_CPU);
  assert_int_equal(wl.measure, GB_MEASURE_WALL);
  assert_int_equal(wl.schedule, GB_SCHED_STATIC);
  assert_int_equal(wl.chunk, 4);
  assert_true(wl.single_group);
  assert_int_equal(wl.ngroups, 1);
  const gb_group *g = &wl.groups[0];
  assert_string_equal(g->name, "main");
  assert_int_equal(g->tasks, 1000);
  assert_int_equal(g->input_bytes, 1024);
  assert_int_equal(g->output_bytes, 64);
  assert_int_equal(g->nphases, 2);
  assert_ptr_equal(g->phases[0].kernel, gb_kernel_find("sumloop"));
  assert_int_equal(g->phases[0].kind, GB_PHASE_CPU);
  assert_int_equal(g->phases[0].params.v[0], 1000000);
  assert_int_equal(g->phases[0].python, GB_PY_TWIN);
  assert_int_equal(g->phases[0].line, 11);
  assert_int_equal(g->phases[1].params.v[0], 200);
  assert_int_equal(g->phases[1].python, GB_PY_EXT_HELD);
  assert_int_equal(wl.nprofiles, 3);
  assert_string_equal(wl.profiles[2].profile, "tiny");
  assert_string_equal(wl.profiles[0].key, "phase.1.n");
  assert_string_equal(wl.profiles[0].value, "50");
  assert_int_equal(wl.profiles[0].line, 19);
  assert_int_equal(gb_workload_ntasks(&wl), 1000);

  gb_workload copy; /* a deep copy survives the original */
  gb_workload_copy(&copy, &wl);
  gb_workload_free(&wl);
  assert_int_equal(copy.nprofiles, 3);
  assert_string_equal(copy.profiles[1].key, "tasks");
  gb_workload_free(&copy);
  unlink(path);
}

static void test_defaults_and_name(void **state) {
  (void)state;
  char path[64];
  gb_workload wl;
  load_ok("[workload]\n[phase.1]\nkernel = nbody\n", path, &wl);
  char want[64];
  snprintf(want, sizeof want, "%.*s", (int)(strlen(path) - 4 - 5), path + 5); /* basename */
  assert_string_equal(wl.name, want);
  assert_int_equal(wl.kind, GB_KIND_CPU);
  assert_int_equal(wl.measure, GB_MEASURE_WALL);
  assert_int_equal(wl.schedule, GB_SCHED_DYNAMIC);
  assert_int_equal(wl.chunk, 1);
  assert_int_equal(wl.groups[0].tasks, 1);
  assert_int_equal(wl.groups[0].input_bytes, 64);
  assert_int_equal(wl.groups[0].output_bytes, 64);
  const gb_kernel *k = gb_kernel_find("nbody");
  assert_non_null(k);
  assert_int_equal(wl.groups[0].phases[0].params.v[0], k->params[0].def);
  assert_int_equal(wl.nprofiles, 0);
  gb_workload_free(&wl);
  unlink(path);
}

static void test_two_groups(void **state) {
  (void)state;
  char path[64];
  gb_workload wl;
  load_ok(groups_text, path, &wl);
  assert_false(wl.single_group);
  assert_int_equal(wl.kind, GB_KIND_MIXED);
  assert_int_equal(wl.measure, GB_MEASURE_LATENCY);
  assert_int_equal(wl.ngroups, 2);
  assert_string_equal(wl.groups[0].name, "cpu");
  assert_string_equal(wl.groups[1].name, "short");
  assert_int_equal(wl.groups[0].line, 6);
  assert_int_equal(wl.groups[0].tasks, 1);
  assert_int_equal(wl.groups[0].nphases, 1);
  assert_int_equal(wl.groups[0].phases[0].params.v[0], 4 << 20);
  assert_int_equal(wl.groups[1].tasks, 200);
  assert_int_equal(wl.groups[1].input_bytes, 0);
  assert_int_equal(wl.groups[1].output_bytes, 16);
  assert_int_equal(wl.groups[1].nphases, 2);
  assert_ptr_equal(wl.groups[1].phases[0].kernel, gb_kernel_find("square"));
  assert_ptr_equal(wl.groups[1].phases[1].kernel, gb_kernel_find("nbody"));
  assert_int_equal(wl.groups[1].phases[1].params.v[0], 3);
  assert_int_equal(gb_workload_ntasks(&wl), 201);

  char err[ERRLEN];
  assert_int_equal(gb_workload_set(&wl, "tasks", "5", err, sizeof err), GB_EINVAL);
  assert_non_null(strstr(err, "ambiguous"));
  assert_non_null(strstr(err, "group.cpu.tasks"));
  assert_int_equal(gb_workload_set(&wl, "group.short.tasks", "5", err, sizeof err), 0);
  assert_int_equal(wl.groups[1].tasks, 5);
  assert_int_equal(gb_workload_set(&wl, "group.short.phase.2.n", "9", err, sizeof err), 0);
  assert_int_equal(wl.groups[1].phases[1].params.v[0], 9);
  assert_int_equal(gb_workload_set(&wl, "phase.1.n", "9", err, sizeof err), GB_EINVAL);
  assert_int_equal(gb_workload_set(&wl, "group.nope.tasks", "9", err, sizeof err), GB_EINVAL);
  assert_int_equal(gb_workload_set(&wl, "group.short.phase.3.n", "9", err, sizeof err), GB_EINVAL);
  assert_int_equal(gb_workload_set(&wl, "n", "9", err, sizeof err), GB_EINVAL); /* 3 phases */
  assert_non_null(strstr(err, "ambiguous"));
  gb_workload_free(&wl);
  unlink(path);
}

/* ---------------------------------------------------------------------------------------------
 * Workloads: errors at their lines */

/* A definition with one mistake: the line it is reported at, and what the message says. */
typedef struct workload_error {
  const char *text;
  int line;
  const char *want;
} workload_error;

static const workload_error workload_errors[] = {
    {"[workload]\nname = x\ncolour = red\n[phase.1]\nkernel = sumloop\n", 3, "unknown key 'colour'"},
    {"[workload]\n[phase.1]\nkernel = sumloop\nm = 3\n", 4, "unknown key 'phase.1.m'"},
    {"[workload]\n\n[phase.1]\nkernel = quicksort\n", 4, "unknown kernel 'quicksort' (known: sumloop"},
    {"[workload]\n[phase.1]\nkernel = sumloop\nn = abc\n", 4, "got 'abc'"},
    {"[workload]\ntasks = 0\n[phase.1]\nkernel = sumloop\n", 2,
     "tasks: expected an integer in [1, 100000000], got '0'"},
    {"[workload]\ninput_bytes = 65M\n[phase.1]\nkernel = sumloop\n", 2,
     "input_bytes: expected an integer in [0, 67108864]"},
    {"[workload]\nschedule = guided\n[phase.1]\nkernel = sumloop\n", 2, "expected one of static|dynamic"},
    {"[phase.1]\nkernel = sumloop\n", 0, "no [workload] section"},
    {"[workload]\nname = x\nthis line is not ini\n[phase.1]\nkernel = sumloop\n", 3, "syntax error"},
    {"[workload]\n[phase.1\nkernel = sumloop\n", 2, "syntax error"},
    {"[workload]\n[phase.1]\nkernel = sumloop\n[phase.3]\nkernel = sumloop\n", 4,
     "phase 3 follows no phase 2"},
    {"[workload]\nname = x\n", 1, "no phases"},
    {"[workload]\n[phase.1]\nn = 5\n", 2, "no 'kernel = NAME'"},
    {"[workload]\n[phase.1]\n", 2, "no 'kernel = NAME'"},
    {"[workload]\n[phase.1]\nio = teleport\n", 3,
     "unknown I/O op 'teleport' (known: sleep, tcp, file, null)"},
    {"[workload]\n[phase.1]\nio = tcp\nconnections = 0\n", 4,
     "phase.1.connections: expected an integer in [1, 65536], got '0'"},
    {"[workload]\n[phase.1]\nio = tcp\nbytes = -64\n", 4,
     "phase.1.bytes: expected an integer in [1, 16777216], got '-64'"},
    {"[workload]\n[phase.1]\nio = file\nbytes = -1\n", 4,
     "phase.1.bytes: expected an integer in [1, 67108864]"},
    {"[workload]\n[phase.1]\nio = file\nmode = append\n", 4, "expected one of read|write, got 'append'"},
    {"[workload]\n[phase.1]\nio = sleep\nus = -5\n", 4, "phase.1.us: expected an integer in [0, 60000000]"},
    {"[workload]\n[phase.1]\nio = sleep\nn = 5\n", 4,
     "unknown key 'phase.1.n': I/O op 'sleep' has parameters us"},
    {"[workload]\n[phase.1]\nkernel = sumloop\nio = sleep\n", 4,
     "a phase runs a kernel or an I/O op, not both"},
    {"[workload]\n[phase.1]\nio = sleep\nkernel = sumloop\n", 4,
     "a phase runs a kernel or an I/O op, not both"},
    {"[workload]\n[phase.1]\nkernel = sumloop\n[extra]\nx = 1\n", 4, "unknown section [extra]"},
    {"[workload]\n[phase.1]\nkernel = sumloop\nkernel = nbody\n", 4, "set twice"},
    {"[workload]\n[phase.1]\nkernel = sumloop\n[phase.1]\n", 4, "appears twice"},
    {"x = 1\n[workload]\n[phase.1]\nkernel = sumloop\n", 1, "outside"},
    {"[workload]\n[phase.1]\nkernel = sumloop\npython = pypy\n", 4, "expected one of twin|ext|ext-held"},
    {"[workload]\n[phase.1]\nkernel = sumloop\n[group.a]\n[group.a.phase.1]\n"
     "kernel = sumloop\n",
     4, "cannot be mixed"},
    {"[workload]\ntasks = 3\n[group.a]\n[group.a.phase.1]\nkernel = sumloop\n", 2,
     "belongs in each [group.NAME]"},
    {"[workload]\n[group.a]\ntasks = 2\n", 2, "group 'a' has no phases"},
    {"[workload]\n[group.a]\ncolour = 2\n[group.a.phase.1]\nkernel = square\n", 3,
     "unknown key 'colour' in [group.a]"},
    /* a bad entry in any profile is caught at load, at its own line */
    {"[workload]\n[phase.1]\nkernel = sumloop\n[profile.quick]\ntasks = 2\n"
     "phase.1.m = 3\n",
     6, "unknown key 'phase.1.m'"},
    {"[workload]\n[phase.1]\nkernel = sumloop\n[profile.quick]\nn = -3\n", 5,
     "phase.1.n: expected an integer"},
    /* ambiguous bare key, via a profile entry */
    {"[workload]\n[phase.1]\nkernel = sumloop\n[phase.2]\nkernel = nbody\n"
     "[profile.quick]\nn = 5\n",
     7, "key 'n' is ambiguous"},
    {"[workload]\n[phase.1]\nkernel = sumloop\n[profile.empty]\n", 4, "sets nothing"},
};

static void test_workload_errors(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof workload_errors / sizeof workload_errors[0]; i++)
    expect_workload_error(workload_errors[i].text, workload_errors[i].line, workload_errors[i].want);
  char longline[400];
  snprintf(longline, sizeof longline, "[workload]\nsummary = %0300d\n[phase.1]\nkernel = sumloop\n", 0);
  expect_workload_error(longline, 2, "too long");

  char err[ERRLEN];
  gb_workload wl;
  assert_int_equal(gb_workload_load("/nonexistent/x.ini", &wl, err, sizeof err), GB_EINVAL);
  assert_error_at(err, "/nonexistent/x.ini", 0, "cannot open");
}

static void test_set_and_bare_keys(void **state) {
  (void)state;
  char path[64], err[ERRLEN];
  gb_workload wl;
  load_ok("[workload]\n[phase.1]\nkernel = sumloop\n[phase.2]\nkernel = square\nn = 2\n"
          "[phase.3]\nkernel = nbody\n",
          path, &wl);
  assert_int_equal(gb_workload_set(&wl, "n", "5", err, sizeof err), GB_EINVAL);
  assert_non_null(strstr(err, "ambiguous"));
  assert_non_null(strstr(err, "phase.1.n, phase.2.n, phase.3.n"));
  assert_int_equal(gb_workload_set(&wl, "phase.2.n", "5", err, sizeof err), 0);
  assert_int_equal(wl.groups[0].phases[1].params.v[0], 5);
  assert_int_equal(gb_workload_set(&wl, "tasks", "1e3", err, sizeof err), 0);
  assert_int_equal(wl.groups[0].tasks, 1000);
  assert_int_equal(gb_workload_set(&wl, "schedule", "static", err, sizeof err), 0);
  assert_int_equal(wl.schedule, GB_SCHED_STATIC);
  assert_int_equal(gb_workload_set(&wl, "chunk", "0", err, sizeof err), GB_EINVAL);
  assert_string_equal(err, "chunk: expected an integer in [1, 100000000], got '0'");
  assert_int_equal(gb_workload_set(&wl, "phase.4.n", "1", err, sizeof err), GB_EINVAL);
  assert_int_equal(gb_workload_set(&wl, "phase.1.zz", "1", err, sizeof err), GB_EINVAL);
  assert_int_equal(gb_workload_set(&wl, "zz", "1", err, sizeof err), GB_EINVAL);
  assert_non_null(strstr(err, "unknown key 'zz'"));
  assert_int_equal(gb_workload_set(&wl, "group.main.tasks", "1", err, sizeof err), GB_EINVAL);
  gb_workload_free(&wl);
  unlink(path);

  /* a bare key that exactly one phase has */
  load_ok("[workload]\n[phase.1]\nkernel = sumloop\n", path, &wl);
  assert_int_equal(gb_workload_set(&wl, "n", "77", err, sizeof err), 0);
  assert_int_equal(wl.groups[0].phases[0].params.v[0], 77);
  assert_int_equal(gb_workload_set(&wl, "n", "x", err, sizeof err), GB_EINVAL);
  assert_non_null(strstr(err, "phase.1.n: expected an integer"));
  gb_workload_free(&wl);
  unlink(path);
}

static void test_profiles_precedence(void **state) {
  (void)state;
  char path[64], err[ERRLEN];
  gb_workload wl;
  load_ok(single_text, path, &wl);
  /* definition */
  assert_int_equal(wl.groups[0].phases[0].params.v[0], 1000000);
  assert_int_equal(gb_workload_apply_profile(&wl, "default", err, sizeof err), 0);
  assert_int_equal(gb_workload_apply_profile(&wl, "", err, sizeof err), 0);
  assert_int_equal(wl.groups[0].phases[0].params.v[0], 1000000);
  /* < profile */
  assert_int_equal(gb_workload_apply_profile(&wl, "quick", err, sizeof err), 0);
  assert_int_equal(wl.groups[0].phases[0].params.v[0], 50);
  assert_int_equal(wl.groups[0].tasks, 10);
  assert_int_equal(wl.groups[0].phases[1].params.v[0], 200); /* untouched by quick */
  /* < --set */
  assert_int_equal(gb_workload_set(&wl, "phase.1.n", "25", err, sizeof err), 0);
  assert_int_equal(wl.groups[0].phases[0].params.v[0], 25);
  assert_int_equal(gb_workload_apply_profile(&wl, "nope", err, sizeof err), GB_EINVAL);
  assert_string_equal(err, "workload 'two-phase' has no profile 'nope' (it has: quick, tiny)");
  gb_workload_free(&wl);
  unlink(path);

  load_ok("[workload]\nname = plain\n[phase.1]\nkernel = sumloop\n", path, &wl);
  assert_int_equal(gb_workload_apply_profile(&wl, "quick", err, sizeof err), GB_EINVAL);
  assert_non_null(strstr(err, "workload 'plain' has no profile 'quick'"));
  gb_workload_free(&wl);
  unlink(path);
}

static void collect(void *user, const char *key, int64_t value, const char *text) {
  char *buf = user;
  char item[256];
  snprintf(item, sizeof item, "%s=%s(%lld);", key, text, (long long)value);
  strcat(buf, item);
}

static void test_params_each(void **state) {
  (void)state;
  char path[64], out[4096] = "";
  gb_workload wl;
  load_ok(single_text, path, &wl);
  gb_workload_params_each(&wl, collect, out);
  assert_string_equal(out, "tasks=1000(1000);input_bytes=1024(1024);output_bytes=64(64);"
                           "chunk=4(4);schedule=static(0);phase.1.n=1000000(1000000);"
                           "phase.2.n=200(200);");
  gb_workload_free(&wl);
  unlink(path);

  out[0] = '\0';
  load_ok(groups_text, path, &wl);
  gb_workload_params_each(&wl, collect, out);
  assert_string_equal(out, "group.cpu.tasks=1(1);group.cpu.input_bytes=64(64);"
                           "group.cpu.output_bytes=64(64);group.cpu.phase.1.n=4194304(4194304);"
                           "group.short.tasks=200(200);group.short.input_bytes=0(0);"
                           "group.short.output_bytes=16(16);group.short.phase.1.n=12345(12345);"
                           "group.short.phase.2.n=3(3);chunk=1(1);schedule=dynamic(1);");
  gb_workload_free(&wl);
  unlink(path);
}

/* ---------------------------------------------------------------------------------------------
 * Resolution */

static void test_resolve_and_list(void **state) {
  (void)state;
  char dir[] = "/tmp/gbdefs_dir_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char wpath[PATH_MAX], spath[PATH_MAX], sdir[256], found[PATH_MAX];
  snprintf(wpath, sizeof wpath, "%s/zz-mine.ini", dir);
  snprintf(sdir, sizeof sdir, "%s/suites", dir);
  snprintf(spath, sizeof spath, "%s/zz-suite.ini", sdir);
  assert_int_equal(mkdir(sdir, 0700), 0);
  FILE *f = fopen(wpath, "w");
  fputs("[workload]\n[phase.1]\nkernel = sumloop\n", f);
  fclose(f);
  f = fopen(spath, "w");
  fputs("[suite]\nworkloads = zz-mine\n", f);
  fclose(f);

  setenv("GILBENCH_PATH", dir, 1);
  assert_int_equal(gb_workload_resolve("zz-mine", found, sizeof found), 0);
  assert_string_equal(found, wpath);
  assert_int_equal(gb_suite_resolve("zz-suite", found, sizeof found), 0);
  assert_string_equal(found, spath);
  assert_int_equal(gb_workload_resolve(wpath, found, sizeof found), 0);
  assert_string_equal(found, wpath);
  assert_int_equal(gb_workload_resolve("zz-none", found, sizeof found), GB_EINVAL);
  assert_non_null(strstr(found, "zz-none"));
  assert_non_null(strstr(found, dir));
  assert_int_equal(gb_workload_resolve("/nonexistent/a.ini", found, sizeof found), GB_EINVAL);
  char err[ERRLEN];
  gb_suite s;
  if (gb_suite_load(spath, &s, err, sizeof err)) fail_msg("%s", err);
  gb_suite_free(&s);

  char **names;
  int n = gb_workload_list(&names);
  assert_true(n >= 1);
  int mine = 0;
  for (int i = 0; i < n; i++) {
    if (i && strcmp(names[i - 1], names[i]) >= 0) /* sorted, no duplicates */
      fail_msg("not sorted or duplicated: '%s' then '%s'", names[i - 1], names[i]);
    mine += !strcmp(names[i], "zz-mine");
    assert_true(strcmp(names[i], "zz-suite") != 0);
  }
  for (int i = 0; i < n; i++)
    free(names[i]);
  free(names);
  assert_int_equal(mine, 1);
  unsetenv("GILBENCH_PATH");
  unlink(spath);
  rmdir(sdir);
  unlink(wpath);
  rmdir(dir);
}

/* ---------------------------------------------------------------------------------------------
 * Suites */

/* Write the workload of groups_text-like shape and a suite using it (%s = workload path). */
static void write_suite(const char *fmt, const char *wpath, char *spath) {
  char text[4096];
  snprintf(text, sizeof text, fmt, wpath, wpath);
  write_tmp(text, spath);
}

static void expect_suite_error(const char *fmt, const char *wpath, int line, const char *want) {
  char spath[64], err[ERRLEN] = "";
  gb_suite s;
  write_suite(fmt, wpath, spath);
  int rc = gb_suite_load(spath, &s, err, sizeof err);
  if (rc != GB_EINVAL) fail_msg("suite loaded but should fail: %s", fmt);
  assert_error_at(err, spath, line, want);
  char err2[ERRLEN] = "";
  assert_int_equal(gb_defs_check(spath, err2, sizeof err2), GB_EINVAL);
  assert_string_equal(err, err2);
  unlink(spath);
}

/* The two workloads the suite tests list: single_text's at wpath, groups_text's at gpath. */
static void suite_workloads(char *wpath, char *gpath) {
  gb_workload wl;
  load_ok(single_text, wpath, &wl);
  gb_workload_free(&wl);
  if (!gpath) return;
  load_ok(groups_text, gpath, &wl);
  gb_workload_free(&wl);
}

static void test_suite(void **state) {
  (void)state;
  char wpath[64], gpath[64], spath[64], err[ERRLEN];
  suite_workloads(wpath, gpath);
  char text[4096];
  snprintf(text, sizeof text,
           "[suite]\n"
           "workloads = %s, %s\n"
           "strategies = all\n"
           "workers = 1, 2,pus , 2*pus\n"
           "profile = quick\n"
           "reps = 3\n"
           "warmup = 0\n"
           "bind = compact\n"
           "timeout = 2.5\n"
           "[set]\n"
           "gil.switch_interval_us = 5000, 1000, 100\n"
           "phase.1.n = 1e3, 2k\n"
           "group.short.tasks = 7\n"
           "schedule = static\n",
           wpath, gpath);
  write_tmp(text, spath);
  gb_suite s;
  if (gb_suite_load(spath, &s, err, sizeof err)) fail_msg("%s", err);
  assert_string_equal(s.path, spath);
  assert_int_equal(s.nworkloads, 2);
  assert_string_equal(s.workloads[0], wpath);
  /* the words as written: the plan selects from them as from -s */
  assert_int_equal(s.nstrategies, 1);
  assert_string_equal(s.strategies[0], "all");
  assert_int_equal(s.nworkers, 4);
  assert_int_equal(s.workers[0], 1);
  assert_int_equal(s.workers[1], 2);
  assert_int_equal(s.workers[2], -1);
  assert_int_equal(s.workers[3], -2);
  assert_string_equal(s.profile, "quick");
  assert_int_equal(s.reps, 3);
  assert_int_equal(s.warmup, 0);
  assert_string_equal(s.bind, "compact");
  assert_true(s.timeout == 2.5);
  assert_int_equal(s.nsets, 4);
  assert_string_equal(s.sets[0].key, "gil.switch_interval_us");
  assert_int_equal(s.sets[0].nvalues, 3);
  assert_string_equal(s.sets[0].values[2], "100");
  assert_int_equal(s.sets[0].line, 11);
  assert_int_equal(s.sets[1].nvalues, 2);
  assert_string_equal(s.sets[1].values[1], "2k");
  assert_int_equal(s.sets[2].nvalues, 1);
  gb_suite_free(&s);
  assert_int_equal(gb_defs_check(spath, err, sizeof err), 0);
  unlink(spath);
  unlink(wpath);
  unlink(gpath);
}

/* Defaults when not given; strategies by name. */
static void test_suite_defaults(void **state) {
  (void)state;
  char wpath[64], spath[64], err[ERRLEN], text[4096];
  gb_suite s;
  suite_workloads(wpath, NULL);
  snprintf(text, sizeof text, "[suite]\nworkloads = %s\nstrategies = serial, threads\n", wpath);
  write_tmp(text, spath);
  if (gb_suite_load(spath, &s, err, sizeof err)) fail_msg("%s", err);
  assert_int_equal(s.nstrategies, 2);
  assert_string_equal(s.strategies[1], "threads");
  assert_int_equal(s.reps, -1);
  assert_int_equal(s.warmup, -1);
  assert_int_equal(s.nworkers, 0);
  assert_string_equal(s.profile, "");
  assert_true(s.timeout == 0);
  gb_suite_free(&s);
  unlink(spath);
  unlink(wpath);
}

/* A suite with one mistake (%s: the workload's path): the line, and what the message says. */
typedef struct suite_error {
  const char *fmt;
  int line;
  const char *want;
} suite_error;

static const suite_error suite_errors[] = {
    {"[suite]\nworkloads = %s\nstrategies = serial, warp\n", 3, "unknown strategy 'warp'"},
    {"[suite]\nworkloads = %s\n[set]\ngil.switch_interval_us = 100, 0\n", 4,
     "gil.switch_interval_us: expected an integer in [1, 10000000], got '0'"},
    {"[suite]\nworkloads = %s\n[set]\ngil.nope = 1\n", 4, "unknown option 'nope' of gil"},
    {"[suite]\nworkloads = %s\n[set]\n\ncolour = red\n", 5, "unknown key 'colour'"},
    {"[suite]\nworkloads = %s\n[set]\nphase.1.n = 5, x\n", 4, "phase.1.n: expected an integer"},
    {"[suite]\nworkloads = %s\n[set]\nn = 5\n", 4, "ambiguous"},
    {"[suite]\nworkloads = %s\nworkers = 1, 0\n", 3, "workers"},
    {"[suite]\nworkloads = %s\nworkers = 1,,2\n", 3, "list"},
    {"[suite]\nworkloads = %s\nreps = 0\n", 3, "reps"},
    {"[suite]\nworkloads = %s\nwarmup = 1001\n", 3, "warmup"},
    {"[suite]\nworkloads = %s\ntimeout = -1\n", 3, "timeout"},
    {"[suite]\nworkloads = %s\nspeed = 11\n", 3, "unknown key 'speed'"},
    {"[suite]\nworkloads = %s\n\nprofile = slow\n", 4, "has no profile 'slow'"},
    {"[suite]\nworkloads = zz-no-such-workload\n", 2, "no workload 'zz-no-such-workload'"},
    {"[suite]\nstrategies = serial\n", 1, "no workloads"},
    {"[suite]\nworkloads = %s\n[other]\n", 3, "unknown section [other]"},
    {"[set]\nn = 1\n", 0, "no [suite] section"},
};

static void test_suite_errors(void **state) {
  (void)state;
  char wpath[64];
  suite_workloads(wpath, NULL);
  for (size_t i = 0; i < sizeof suite_errors / sizeof suite_errors[0]; i++)
    expect_suite_error(suite_errors[i].fmt, wpath, suite_errors[i].line, suite_errors[i].want);
  unlink(wpath);
}

/* An error inside a listed workload is reported at the workload's own file and line. */
static void test_suite_workload_error(void **state) {
  (void)state;
  char bpath[64], spath[64], err2[ERRLEN];
  gb_suite s;
  write_tmp("[workload]\n[phase.1]\nkernel = sumloop\nn = zz\n", bpath);
  write_suite("[suite]\nworkloads = %s\n", bpath, spath);
  assert_int_equal(gb_suite_load(spath, &s, err2, sizeof err2), GB_EINVAL);
  assert_error_at(err2, bpath, 4, "got 'zz'");
  unlink(spath);
  unlink(bpath);
}

/* ---------------------------------------------------------------------------------------------
 * Every shipped definition file checks */

static int check_glob(const char *pattern) {
  glob_t g;
  int n = 0;
  if (glob(pattern, 0, NULL, &g) != 0) return 0;
  for (size_t i = 0; i < g.gl_pathc; i++) {
    char err[ERRLEN] = "";
    int rc;
    if (gb_findings_file_is(g.gl_pathv[i])) { /* the findings rules: their own reader */
      gb_frules r;
      rc = gb_findings_load(g.gl_pathv[i], &r, err, sizeof err);
      if (!rc) gb_findings_free(&r);
    } else {
      rc = gb_defs_check(g.gl_pathv[i], err, sizeof err);
    }
    if (rc) {
      globfree(&g);
      fail_msg("shipped file does not check: %s", err);
    }
    n++;
  }
  globfree(&g);
  return n;
}

static void test_shipped_files(void **state) {
  (void)state;
  unsetenv("GILBENCH_PATH");
  int nw = check_glob(GB_SOURCE_DIR "/workloads/*.ini");
  int ns = check_glob(GB_SOURCE_DIR "/workloads/suites/*.ini");
  print_message("checked %d workload and %d suite files\n", nw, ns);
  /* every shipped workload has a quick profile (docs/ARCHITECTURE.md) */
  glob_t g;
  if (glob(GB_SOURCE_DIR "/workloads/*.ini", 0, NULL, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; i++) {
      char err[ERRLEN];
      gb_workload wl;
      if (gb_findings_file_is(g.gl_pathv[i])) continue; /* findings.ini: rules, not a workload */
      if (gb_workload_load(g.gl_pathv[i], &wl, err, sizeof err)) fail_msg("%s", err);
      if (gb_workload_apply_profile(&wl, "quick", err, sizeof err)) fail_msg("%s", err);
      gb_workload_free(&wl);
    }
    globfree(&g);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_param_parse),
      cmocka_unit_test(test_param_choices_format_find),
      cmocka_unit_test(test_single_group),
      cmocka_unit_test(test_defaults_and_name),
      cmocka_unit_test(test_two_groups),
      cmocka_unit_test(test_workload_errors),
      cmocka_unit_test(test_set_and_bare_keys),
      cmocka_unit_test(test_profiles_precedence),
      cmocka_unit_test(test_params_each),
      cmocka_unit_test(test_resolve_and_list),
      cmocka_unit_test(test_suite),
      cmocka_unit_test(test_suite_defaults),
      cmocka_unit_test(test_suite_errors),
      cmocka_unit_test(test_suite_workload_error),
      cmocka_unit_test(test_shipped_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
