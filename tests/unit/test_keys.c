/* test_keys.c: the one grammar. Every key of the table that both the command line and a suite
 * take gives the same plan either way; every key --set and a suite's [set] take, likewise; every
 * strategy option through --set and [set], likewise; every workload-definition key gives the same
 * workload written in a definition and through --set, and the same message for a bad value in a
 * definition, --set and a suite's [set]; each command's help names its options; the man page names
 * every key; bad values are refused with the flag or file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"
#include "defs.h"
#include "keys.h"

#define BASE_WORKLOAD "sumloop"

/* A suite file holding text; path receives its name. */
static void write_suite(const char *text, char *path) {
  strcpy(path, "/tmp/gbkeys_XXXXXX.ini");
  int fd = mkstemps(path, 4);
  assert_true(fd >= 0);
  size_t n = strlen(text);
  assert_int_equal(write(fd, text, n), (ssize_t)n);
  close(fd);
}

/* Plan of `gilbench run ARGS...` (argv without "run"), through the command-line parser. */
static void plan_cli(gb_plan *plan, int n, char **args) {
  char *argv[16] = {"run"}, err[2048];
  for (int i = 0; i < n; i++)
    argv[i + 1] = args[i];
  gb_run_cli cli;
  if (gb_cli_run_parse(n + 1, argv, 0, &cli, err, sizeof err) != 0) fail_msg("command line: %s", err);
  if (gb_plan_build(&cli.req, plan, err, sizeof err) != 0) fail_msg("plan from the command line: %s", err);
  gb_cli_run_free(&cli);
}

/* Plan of a suite file holding text. */
static void plan_suite(gb_plan *plan, const char *text) {
  char path[64], err[2048];
  write_suite(text, path);
  gb_request req;
  memset(&req, 0, sizeof req);
  req.reps = req.warmup = req.max_reps = -1;
  req.max_cell_s = -1;
  req.seed = 1;
  req.suite = path;
  if (gb_plan_build(&req, plan, err, sizeof err) != 0) fail_msg("plan from the suite:\n%s\n%s", text, err);
  unlink(path);
}

/* Everything that makes a plan: its settings and every cell's identity. */
static void assert_same_plan(const gb_plan *a, const gb_plan *b, const char *what) {
  if (a->reps != b->reps || a->warmup != b->warmup || a->reps_auto != b->reps_auto ||
      a->max_cell_s != b->max_cell_s || a->timeout_s != b->timeout_s || strcmp(a->profile, b->profile) != 0)
    fail_msg("%s: settings differ (reps %d/%d, warmup %d/%d, auto %g/%g, max_cell_s %g/%g, timeout %g/%g, "
             "profile %s/%s)",
             what, a->reps, b->reps, a->warmup, b->warmup, a->reps_auto, b->reps_auto, a->max_cell_s,
             b->max_cell_s, a->timeout_s, b->timeout_s, a->profile, b->profile);
  if (a->ncells != b->ncells)
    fail_msg("%s: %d cells from the command line, %d from the suite", what, a->ncells, b->ncells);
  for (int i = 0; i < a->ncells; i++)
    if (strcmp(a->cells[i].key, b->cells[i].key) != 0)
      fail_msg("%s: cell %d differs:\n  %s\n  %s", what, i, a->cells[i].key, b->cells[i].key);
}

/* A plan that differs from the defaults' in what the key sets (so the test could fail). */
static void assert_differs_from_default(const gb_plan *p, const gb_key *k) {
  gb_plan d;
  char *args[] = {"-w", BASE_WORKLOAD, "-s", "threads"};
  plan_cli(&d, 4, args);
  int same = d.reps == p->reps && d.warmup == p->warmup && d.reps_auto == p->reps_auto &&
             d.max_cell_s == p->max_cell_s && d.timeout_s == p->timeout_s && !strcmp(d.profile, p->profile) &&
             d.ncells == p->ncells;
  for (int i = 0; same && i < d.ncells; i++)
    same = strcmp(d.cells[i].key, p->cells[i].key) == 0;
  gb_plan_free(&d);
  /* max_reps and max_cell_seconds act with reps = auto only; pythons adds strategies not run */
  if (same && k->id != GB_K_MAX_REPS && k->id != GB_K_MAX_CELL_SECONDS && k->id != GB_K_PYTHONS)
    fail_msg("%s = %s: the plan is the default one (a useless example)", k->name, k->example);
}

/* Every key of `run` that a suite takes too: the same plan both ways. */
static void test_cli_and_suite_agree(void **state) {
  (void)state;
  int tried = 0;
  for (int i = 0; i < gb_nkeys; i++) {
    const gb_key *k = &gb_keys[i];
    if (!(k->where & GB_KW_CLI) || !(k->where & GB_KW_SUITE)) continue;
    char opt[64], text[1024], *args[8];
    int n = 0;
    snprintf(opt, sizeof opt, "--%s", k->flag);
    if (k->id != GB_K_WORKLOADS) args[n++] = "-w", args[n++] = BASE_WORKLOAD;
    if (k->id != GB_K_STRATEGIES) args[n++] = "-s", args[n++] = "threads";
    args[n++] = opt, args[n++] = (char *)k->example;
    /* with reps = auto, so that max_reps and max_cell_seconds act */
    int with_auto = k->id == GB_K_MAX_REPS || k->id == GB_K_MAX_CELL_SECONDS;
    if (with_auto) args[n++] = "--reps", args[n++] = "auto";
    gb_plan a, b;
    plan_cli(&a, n, args);
    snprintf(text, sizeof text, "[suite]\nworkloads = %s\nstrategies = %s\n%s = %s\n%s",
             k->id == GB_K_WORKLOADS ? k->example : BASE_WORKLOAD,
             k->id == GB_K_STRATEGIES ? k->example : "threads",
             k->id == GB_K_WORKLOADS || k->id == GB_K_STRATEGIES ? "warmup" : k->name,
             k->id == GB_K_WORKLOADS || k->id == GB_K_STRATEGIES ? "1" : k->example,
             with_auto ? "reps = auto\n" : "");
    plan_suite(&b, text);
    assert_same_plan(&a, &b, k->name);
    assert_differs_from_default(&a, k);
    gb_plan_free(&a);
    gb_plan_free(&b);
    tried++;
  }
  assert_true(tried >= 10);
}

/* Every key --set and [set] take (the definitions' settings): the same plan both ways, and the
 * value the parameter parses to is the cells'. */
static void test_set_and_suite_set_agree(void **state) {
  (void)state;
  int tried = 0;
  for (int i = 0; i < gb_nkeys; i++) {
    const gb_key *k = &gb_keys[i];
    if (!(k->where & GB_KW_SET) || !k->param) continue;
    char set[256], text[1024], want[128];
    snprintf(set, sizeof set, "%s=%s", k->name, k->example);
    char *args[] = {"-w", BASE_WORKLOAD, "-s", "serial", "--set", set};
    gb_plan a, b;
    plan_cli(&a, 6, args);
    snprintf(text, sizeof text, "[suite]\nworkloads = %s\nstrategies = serial\n[set]\n%s = %s\n",
             BASE_WORKLOAD, k->name, k->example);
    plan_suite(&b, text);
    assert_same_plan(&a, &b, k->name);
    int64_t v;
    char err[256];
    assert_int_equal(gb_param_parse(k->param, k->example, &v, err, sizeof err), 0);
    gb_param_format(k->param, v, want, sizeof want);
    char needle[256];
    snprintf(needle, sizeof needle, "%s=%s", k->name, want);
    if (!strstr(a.paramsets[a.cells[0].paramset].params, needle))
      fail_msg("--set %s: the cell's params are %s", set, a.paramsets[a.cells[0].paramset].params);
    gb_plan_free(&a);
    gb_plan_free(&b);
    tried++;
  }
  assert_true(tried >= 5);
}

/* ---------------------------------------------------------------------------------------------
 * Workload-definition keys: one parser and one store per key, wherever the key is written */

static void params_cb(void *user, const char *key, int64_t value, const char *text) {
  (void)value;
  char *buf = user;
  size_t n = strlen(buf);
  snprintf(buf + n, 2048 - n, "%s=%s,", key, text);
}

/* Everything the definition keys set, as text (buf of 2048). */
static void describe(const gb_workload *wl, char *buf) {
  snprintf(buf, 2048, "%s|%s|%d|%d|", wl->name, wl->summary, (int)wl->kind, (int)wl->measure);
  for (int g = 0; g < wl->ngroups; g++)
    for (int p = 0; p < wl->groups[g].nphases; p++) {
      const gb_phase *ph = &wl->groups[g].phases[p];
      size_t n = strlen(buf);
      snprintf(buf + n, 2048 - n, "%s/%d/%s/%d|", wl->groups[g].name, (int)ph->kind,
               ph->kernel ? ph->kernel->name : "io", (int)ph->python);
    }
  gb_workload_params_each(wl, params_cb, buf);
}

/* Load a definition holding text (grouped: the group is "g"); 0 or the error in err. */
static int load_def(const char *text, gb_workload *wl, char *err, size_t len, char *path) {
  write_suite(text, path);
  return gb_workload_load(path, wl, err, len);
}

/* The base definition (named "base", one sumloop phase; grouped: in group "g"), with
 * `key = value` in the section the key belongs to (line 2 of [workload], line 5 of [phase.1];
 * k NULL: none). */
static void def_text(const gb_key *k, const char *value, int grouped, char *buf, size_t len) {
  int phase = k && (k->where & GB_KW_PHASE), runner = k && (k->id == GB_K_KERNEL || k->id == GB_K_IO);
  const char *name = k && k->id == GB_K_NAME ? "" : "name = base\n";
  char line[256] = "";
  if (k) snprintf(line, sizeof line, "%s = %s\n", k->name, value);
  if (grouped)
    snprintf(buf, len, "[workload]\n%s[group.g]\n%s[group.g.phase.1]\n%s", name, line,
             runner ? "" : "kernel = sumloop\n");
  else
    snprintf(buf, len, "[workload]\n%s%s[phase.1]\n%s%s", phase ? "" : line, name,
             runner ? "" : "kernel = sumloop\n", phase ? line : "");
}

/* Every definition key: its example written in a definition changes the workload, and gives the
 * workload that --set KEY=EXAMPLE gives (group.G.KEY in a workload with groups). */
static void test_definition_keys(void **state) {
  (void)state;
  int tried = 0;
  for (int i = 0; i < gb_nkeys; i++) {
    const gb_key *k = &gb_keys[i];
    if (!(k->where & (GB_KW_DEF | GB_KW_GROUP | GB_KW_PHASE)) || k->id == GB_K_NONE) continue;
    assert_true(*k->example); /* the test needs one */
    for (int grouped = 0; grouped <= ((k->where & GB_KW_GROUP) != 0); grouped++) {
      char text[1024], path[64], err[2048], got[2048], base_d[2048], set_d[2048];
      gb_workload wl, base;
      def_text(k, k->example, grouped, text, sizeof text);
      if (load_def(text, &wl, err, sizeof err, path) != 0) fail_msg("%s = %s: %s", k->name, k->example, err);
      describe(&wl, got);
      unlink(path);
      def_text(NULL, "", grouped, text, sizeof text);
      if (load_def(text, &base, err, sizeof err, path) != 0) fail_msg("base: %s", err);
      describe(&base, base_d);
      unlink(path);
      if (strcmp(got, base_d) == 0) fail_msg("%s = %s: the workload is the base one", k->name, k->example);
      if (k->where & GB_KW_SET) {
        char key[128];
        snprintf(key, sizeof key, grouped ? "group.g.%s" : "%s", k->name);
        if (gb_workload_set(&base, key, k->example, err, sizeof err) != 0) fail_msg("--set %s: %s", key, err);
        describe(&base, set_d);
        if (strcmp(got, set_d) != 0) fail_msg("%s: definition\n  %s\n--set\n  %s", key, got, set_d);
      }
      gb_workload_free(&wl);
      gb_workload_free(&base);
      tried++;
    }
  }
  assert_true(tried >= 12);
}

/* A bad value of a definition key: one message (the key table's parser) in a definition at its
 * line, through --set, through the plan's --set, and in a suite's [set] at its line. */
static void test_definition_messages(void **state) {
  (void)state;
  int tried = 0;
  for (int i = 0; i < gb_nkeys; i++) {
    const gb_key *k = &gb_keys[i];
    if (!(k->where & (GB_KW_DEF | GB_KW_GROUP | GB_KW_PHASE)) || k->type != GB_KT_PARAM) continue;
    char text[1024], path[64], err[2048], msg[1024], want[2048];
    gb_key_value v;
    assert_int_equal(gb_key_parse(k, "zz", &v, msg, sizeof msg), -1);
    gb_workload wl;
    def_text(k, "zz", 0, text, sizeof text);
    assert_int_equal(load_def(text, &wl, err, sizeof err, path), GB_EINVAL);
    snprintf(want, sizeof want, "%s:%d: %s: %s", path, (k->where & GB_KW_PHASE) ? 5 : 2, k->name, msg);
    assert_string_equal(err, want);
    unlink(path);
    tried++;
    if (!(k->where & GB_KW_SET)) continue;
    def_text(NULL, "", 0, text, sizeof text);
    assert_int_equal(load_def(text, &wl, err, sizeof err, path), 0);
    unlink(path);
    assert_int_equal(gb_workload_set(&wl, k->name, "zz", err, sizeof err), GB_EINVAL);
    snprintf(want, sizeof want, "%s: %s", k->name, msg);
    assert_string_equal(err, want);
    gb_workload_free(&wl);
    char set[128], *argv[] = {"run", "-w", BASE_WORKLOAD, "-s", "serial", "--set", set};
    snprintf(set, sizeof set, "%s=zz", k->name);
    gb_run_cli cli;
    gb_plan plan;
    assert_int_equal(gb_cli_run_parse(7, argv, 0, &cli, err, sizeof err), 0);
    assert_int_equal(gb_plan_build(&cli.req, &plan, err, sizeof err), GB_EINVAL);
    snprintf(want, sizeof want, "--set %s: %s: %s", set, k->name, msg);
    assert_string_equal(err, want);
    gb_cli_run_free(&cli);
    snprintf(text, sizeof text, "[suite]\nworkloads = %s\n[set]\n%s = zz\n", BASE_WORKLOAD, k->name);
    write_suite(text, path);
    gb_suite s;
    assert_int_equal(gb_suite_load(path, &s, err, sizeof err), GB_EINVAL);
    snprintf(want, sizeof want, "%s:4: %s: %s", path, k->name, msg);
    assert_string_equal(err, want);
    unlink(path);
  }
  assert_true(tried >= 7);
}

/* A value of option o other than its default (a program to run: NULL, never from a file). */
static const char *option_example(const gb_param_def *o, char *buf, size_t len) {
  int kind = gb_param_text_kind(o);
  if (kind == 2) return NULL;
  if (kind == 1) return "x";
  gb_param_format(o, o->def != o->max ? o->max : o->min, buf, len);
  return buf;
}

/* Every strategy option through --set and [set]: the same plan, the value in the cell. */
static void test_strategy_options_agree(void **state) {
  (void)state;
  int tried = 0;
  for (int s = 0; gb_strategies[s]; s++) {
    const gb_strategy *st = gb_strategies[s];
    for (int o = 0; o < st->noptions; o++) {
      char value[128], set[256], text[1024];
      const char *ex = option_example(&st->options[o], value, sizeof value);
      if (!ex) continue;
      snprintf(set, sizeof set, "%s.%s=%s", st->name, st->options[o].name, ex);
      char *args[] = {"-w", BASE_WORKLOAD, "-s", (char *)st->name, "-n", "2", "--set", set};
      gb_plan a, b;
      plan_cli(&a, 8, args);
      snprintf(text, sizeof text,
               "[suite]\nworkloads = %s\nstrategies = %s\nworkers = 2\n[set]\n%s.%s = %s\n", BASE_WORKLOAD,
               st->name, st->name, st->options[o].name, ex);
      plan_suite(&b, text);
      assert_same_plan(&a, &b, set);
      int found = 0;
      for (int c = 0; c < a.ncells; c++)
        if (a.cells[c].strategy == st) found = 1, assert_true(a.cells[c].opts[o] != st->options[o].def);
      assert_true(found);
      gb_plan_free(&a);
      gb_plan_free(&b);
      tried++;
    }
  }
  assert_true(tried >= 3);
}

/* A family key sets every strategy of the family that has the option; the strategy's own key wins. */
static void test_family_option(void **state) {
  (void)state;
  const gb_strategy *t = gb_strategy_find("cpython-threads"), *p = gb_strategy_find("cpython-processes");
  assert_non_null(t);
  assert_non_null(p);
  assert_string_equal(t->family, "cpython");
  int64_t opts[GB_MAX_PARAMS] = {0};
  int o;
  assert_int_equal(gb_optkey_match("cpython.switch_interval_us", t, &o), 1);
  assert_int_equal(gb_optkey_match("cpython-threads.switch_interval_us", t, &o), 2);
  assert_int_equal(gb_optkey_match("cpython.switch_interval_us", gb_strategy_find("gil"), &o), 0);
  assert_int_equal(gb_optkey_match("cpython.switch_interval_us", t, &o), 1);
  assert_int_equal(gb_optkey_apply("cpython.switch_interval_us", "777", t, 1, opts), 1);
  assert_int_equal(opts[o], 777);
  assert_int_equal(gb_optkey_apply("cpython.switch_interval_us", "778", t, 2, opts), 0); /* not by name */
  assert_int_equal(opts[o], 777);
  char msg[1024];
  char *bad[] = {"1"};
  assert_int_equal(gb_optkey_check("cpython.nope", bad, 1, 0, msg, sizeof msg), -1);
  assert_non_null(strstr(msg, "unknown option 'nope' of the cpython family"));
  assert_int_equal(gb_optkey_check("phase.1.n", bad, 1, 0, msg, sizeof msg), 0); /* a workload key */
  char *native[] = {"native"};
  const gb_strategy *sel[64];
  int n = gb_strategy_select(native, 1, sel, 64, msg, sizeof msg);
  assert_true(n >= 5);
  for (int i = 0; i < n; i++) /* native: the strategies of no family */
    assert_null(sel[i]->family);
}

/* -n takes what a suite's workers takes: N, pus, K*pus. */
static void test_workers(void **state) {
  (void)state;
  char *items[] = {"1", "pus", "3*pus"}, msg[512];
  int w[3];
  assert_int_equal(gb_workers_parse(items, 3, w, 3, msg, sizeof msg), 0);
  assert_int_equal(w[0], 1);
  assert_int_equal(w[1], -1);
  assert_int_equal(w[2], -3);
  char *bad[] = {"0*pus"};
  assert_int_equal(gb_workers_parse(bad, 1, w, 3, msg, sizeof msg), -1);
  assert_non_null(strstr(msg, "0*pus"));
  gb_plan a;
  char *args[] = {"-w", BASE_WORKLOAD, "-s", "threads", "-n", "3*pus"};
  plan_cli(&a, 6, args);
  assert_int_equal(a.ncells, 1);
  assert_int_equal(a.cells[0].workers, 3 * a.pus);
  gb_plan_free(&a);
}

/* Bad values: the flag on the command line, file:line in a suite, one message for both. */
static void test_bad_values(void **state) {
  (void)state;
  static const char *const cases[][3] = {
      {"--reps", "x", "expected an integer count"},
      {"--warmup", "1001", "expected an integer in [0, 1000]"},
      {"-n", "0", "expected an integer in [1, 1024]"},
      {"--timeout", "-1", "expected seconds in (0, 1000000]"},
      {"--max-reps", "5", "expected an integer in [6"},
      {"--bind", "everywhere", "bind 'everywhere'"},
      {"-p", "a.b", "bad name"},
      {"--python", "nolabel", "expected LABEL=PATH"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *argv[] = {"run", (char *)cases[i][0], (char *)cases[i][1]}, err[1024], want[256];
    gb_run_cli cli;
    assert_int_equal(gb_cli_run_parse(3, argv, 0, &cli, err, sizeof err), 2);
    snprintf(want, sizeof want, "%s %s: ", cases[i][0], cases[i][1]);
    if (strncmp(err, want, strlen(want)) != 0 || !strstr(err, cases[i][2]))
      fail_msg("%s %s: got '%s'", cases[i][0], cases[i][1], err);
    gb_cli_run_free(&cli);
  }
  char path[64], err[2048], want[128];
  write_suite("[suite]\nworkloads = " BASE_WORKLOAD "\n\nreps = x\n", path);
  gb_suite s;
  assert_int_equal(gb_suite_load(path, &s, err, sizeof err), GB_EINVAL);
  snprintf(want, sizeof want, "%s:4: reps: 'x': expected an integer count", path);
  if (strncmp(err, want, strlen(want)) != 0) fail_msg("got '%s'", err);
  unlink(path);
}

/* Each command's help names each of its options; the man page names every key. */
static void test_help_and_man(void **state) {
  (void)state;
  for (int c = 0; gb_commands[c].name; c++) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    gb_keys_help(gb_commands[c].name, f);
    fclose(f);
    assert_non_null(strstr(buf, "usage: gilbench "));
    for (int i = 0; i < gb_nkeys; i++) {
      const gb_key *k = &gb_keys[i];
      if (!(k->where & GB_KW_CLI) || !k->command || strcmp(k->command, gb_commands[c].name) != 0) continue;
      char want[64];
      if (k->flag)
        snprintf(want, sizeof want, "--%s", k->flag);
      else
        snprintf(want, sizeof want, "-%c", k->shortopt);
      if (!strstr(buf, want)) fail_msg("%s --help does not name %s:\n%s", gb_commands[c].name, want, buf);
    }
    free(buf);
  }
  char *man = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&man, &len);
  gb_keys_man(f);
  fclose(f);
  assert_non_null(strstr(man, ".TH GILBENCH 1"));
  for (int i = 0; i < gb_nkeys; i++) {
    const gb_key *k = &gb_keys[i];
    char plain[128], want[256];
    size_t o = 0;
    if (k->name)
      snprintf(plain, sizeof plain, "%s", k->name);
    else if (k->flag)
      snprintf(plain, sizeof plain, "--%s", k->flag);
    else
      snprintf(plain, sizeof plain, "-%c", k->shortopt);
    for (const char *p = plain; *p && o + 3 < sizeof want; p++) { /* roff writes '-' as "\-" */
      if (*p == '-') want[o++] = '\\';
      want[o++] = *p;
    }
    want[o] = '\0';
    if (!strstr(man, want)) fail_msg("the man page does not name %s", want);
  }
  free(man);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cli_and_suite_agree),
      cmocka_unit_test(test_set_and_suite_set_agree),
      cmocka_unit_test(test_definition_keys),
      cmocka_unit_test(test_definition_messages),
      cmocka_unit_test(test_strategy_options_agree),
      cmocka_unit_test(test_family_option),
      cmocka_unit_test(test_workers),
      cmocka_unit_test(test_bad_values),
      cmocka_unit_test(test_help_and_man),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
