/* test_counters.c: counter resolution along the backend chain, aggregation and derived metrics,
 * and a fake backend (compiled into this test only, registered at run time) that drives the
 * `multiplexed` and `denied` statuses through a real run to results.json and the console table
 * of `gilbench show`, which this machine's real counters cannot do. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counters.h"
#include "plan.h"
#include "report.h"
#include "results.h"
#include "runner.h"

/* ---- the fake backend ---- */

#define FAKE_DENIED_REASON "perf_event_paranoid=3 (simulated refusal)"

static int fake_probe(const char *event, gb_counter_probe *p) {
  if (strncmp(event, "FAKE_", 5) != 0) {
    snprintf(p->reason, sizeof p->reason, "the fake knows only FAKE_* events");
    return GB_PROBE_UNKNOWN;
  }
  if (strcmp(event, "FAKE_DENIED") == 0) {
    snprintf(p->reason, sizeof p->reason, FAKE_DENIED_REASON);
    return GB_PROBE_DENIED;
  }
  if (strcmp(event, "FAKE_NA") == 0) {
    snprintf(p->reason, sizeof p->reason, "fake: no such counter on this pretend machine");
    return GB_PROBE_UNAVAILABLE;
  }
  snprintf(p->native, sizeof p->native, "fake:%s", event + 5);
  return GB_PROBE_OK;
}

static const gb_counter_backend fake_backend; /* defined below (start/stop compare with it) */

static void fake_start(const gb_counter_set *set, gb_counter_worker *w) {
  for (int e = 0; e < set->n; e++)
    w->priv[e] = 7; /* a begin value, as a real backend keeps */
}

/* FAKE_OK counts 1000 per worker, FAKE_MUX 4000 scaled from a quarter of the time, and
 * FAKE_WDENIED is refused in the worker itself (EACCES). */
static void fake_stop(const gb_counter_set *set, gb_counter_worker *w, gb_worker_out *out) {
  for (int e = 0; e < set->n; e++) {
    if (set->ev[e].backend != &fake_backend) continue;
    const char *n = set->ev[e].name;
    assert_int_equal(w->priv[e], 7);
    if (strcmp(n, "FAKE_MUX") == 0) {
      out->counter_status[e] = GB_CTR_MULTIPLEXED;
      out->counter_value[e] = 4000;
      out->counter_fraction[e] = 0.25f;
    } else if (strcmp(n, "FAKE_WDENIED") == 0) {
      out->counter_status[e] = GB_CTR_DENIED;
      out->counter_err[e] = EACCES;
    } else {
      out->counter_status[e] = GB_CTR_OK;
      out->counter_value[e] = 1000;
      out->counter_fraction[e] = 1;
    }
  }
}

static void fake_strerror(int code, char *buf, size_t len) {
  snprintf(buf, len, "fake refused: %s", strerror(code));
}

static const gb_counter_backend fake_backend = {
    .name = "fake",
    .summary = "a test double",
    .probe = fake_probe,
    .start = fake_start,
    .stop = fake_stop,
    .strerror = fake_strerror,
};

/* ---- resolution ---- */

static void test_resolve_errors(void **state) {
  (void)state;
  gb_counter_set *set;
  char err[512];
  assert_int_equal(gb_counters_resolve("NO_SUCH_EVENT", NULL, &set, err, sizeof err), GB_EINVAL);
  assert_non_null(strstr(err, "unknown counter 'NO_SUCH_EVENT'"));
  assert_int_equal(gb_counters_resolve("default", "nosuch", &set, err, sizeof err), GB_EINVAL);
  assert_non_null(strstr(err, "unknown backend"));
  assert_int_equal(gb_counters_resolve(",,", NULL, &set, err, sizeof err), GB_EINVAL);
  assert_int_equal(gb_counters_resolve("none", NULL, &set, err, sizeof err), 0);
  assert_null(set);
}

/* The OS counters resolve here (perf, or rusage when perf refuses), sets combine and dedupe. */
static void test_resolve_chain(void **state) {
  (void)state;
  gb_counter_set *set;
  char err[512];
  assert_int_equal(gb_counters_resolve("os,context-switches,default", NULL, &set, err, sizeof err), 0);
  int cs = -1, vcs = -1, ins = -1;
  for (int e = 0; e < set->n; e++) {
    for (int k = 0; k < e; k++)
      assert_string_not_equal(set->ev[e].name, set->ev[k].name);
    if (!strcmp(set->ev[e].name, "context-switches")) cs = e;
    if (!strcmp(set->ev[e].name, "voluntary-context-switches")) vcs = e;
    if (!strcmp(set->ev[e].name, "PAPI_TOT_INS")) ins = e;
  }
  assert_true(cs >= 0 && vcs >= 0 && ins >= 0);
  assert_non_null(set->ev[cs].backend);                               /* perf or rusage: never nothing */
  assert_ptr_equal(set->ev[vcs].backend, &gb_counter_backend_rusage); /* only getrusage has it */
  if (!set->ev[ins].backend) { /* no hardware counters: a status and a reason, never a value */
    assert_true(set->ev[ins].status == GB_CTR_UNAVAILABLE || set->ev[ins].status == GB_CTR_DENIED);
    assert_true(strlen(set->ev[ins].tried) > 10);
  }
  gb_counters_free(set);
  /* Forced to getrusage, an event it lacks is unavailable with the reason, not an error. */
  assert_int_equal(gb_counters_resolve("cpu-migrations,context-switches", "rusage", &set, err, sizeof err),
                   0);
  assert_null(set->ev[0].backend);
  assert_int_equal(set->ev[0].status, GB_CTR_UNAVAILABLE);
  assert_non_null(strstr(set->ev[0].tried, "rusage:"));
  assert_ptr_equal(set->ev[1].backend, &gb_counter_backend_rusage);
  gb_counters_free(set);
}

/* Derived metrics only when both inputs were counted. */
static void test_derived(void **state) {
  (void)state;
  json_t *c = json_pack("{s:{s:s,s:i},s:{s:s,s:i,s:f},s:{s:s,s:s},s:{s:s,s:i}}", "PAPI_TOT_INS", "status",
                        "ok", "value", 3000, "PAPI_TOT_CYC", "status", "multiplexed", "value", 1000,
                        "fraction", 0.5, "PAPI_BR_INS", "status", "unavailable", "reason", "none here",
                        "PAPI_BR_MSP", "status", "ok", "value", 10);
  json_t *d = gb_counters_derived_json(c);
  assert_true(fabs(json_real_value(json_object_get(d, "ipc")) - 3.0) < 1e-12);
  assert_null(json_object_get(d, "branch_miss_rate")); /* PAPI_BR_INS was not counted */
  assert_null(json_object_get(d, "l1d_miss_rate"));
  json_decref(d);
  json_decref(c);
}

/* Aggregation: worst status wins, values sum, fraction is the smallest; no value unless counted. */
static void test_rep_aggregation(void **state) {
  (void)state;
  gb_counter_set *set;
  char err[512];
  assert_int_equal(gb_counters_register_backend(&fake_backend), 0);
  assert_int_equal(gb_counters_resolve("FAKE_OK,FAKE_MUX,FAKE_NA", "fake", &set, err, sizeof err), 0);
  gb_worker_out w[2];
  memset(w, 0, sizeof w);
  gb_rep rep;
  memset(&rep, 0, sizeof rep);
  rep.nworkers = 2;
  rep.workers = w;
  w[0].counter_status[0] = GB_CTR_OK, w[0].counter_value[0] = 5;
  w[1].counter_status[0] = GB_CTR_OK, w[1].counter_value[0] = 6;
  w[0].counter_status[1] = GB_CTR_OK, w[0].counter_value[1] = 100;
  w[1].counter_status[1] = GB_CTR_MULTIPLEXED, w[1].counter_value[1] = 200, w[1].counter_fraction[1] = 0.4f;
  w[0].counter_status[2] = w[1].counter_status[2] = GB_CTR_UNAVAILABLE;
  json_t *j = gb_counters_rep_json(set, &rep);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "FAKE_OK"), "value")), 11);
  json_t *mux = json_object_get(j, "FAKE_MUX");
  assert_string_equal(json_string_value(json_object_get(mux, "status")), "multiplexed");
  assert_int_equal(json_integer_value(json_object_get(mux, "value")), 300);
  assert_true(fabs(json_real_value(json_object_get(mux, "fraction")) - 0.4) < 1e-6);
  json_t *na = json_object_get(j, "FAKE_NA");
  assert_string_equal(json_string_value(json_object_get(na, "status")), "unavailable");
  assert_null(json_object_get(na, "value"));
  assert_non_null(strstr(json_string_value(json_object_get(na, "reason")), "pretend machine"));
  json_decref(j);
  /* A worker that never reported (killed) makes the sum unavailable, never a partial sum. */
  w[1].counter_status[0] = GB_CTR_NONE;
  j = gb_counters_rep_json(set, &rep);
  assert_string_equal(json_string_value(json_object_get(json_object_get(j, "FAKE_OK"), "status")),
                      "unavailable");
  assert_null(json_object_get(json_object_get(j, "FAKE_OK"), "value"));
  json_decref(j);
  gb_counters_free(set);
}

/* ---- a real run with the fake: results.json and the console ---- */

/* Run the plan: its code, or else how many cells did not end ok (0: ran to the end, all ok). */
static int run_all_ok(gb_plan *plan, const gb_run_opts *ro) {
  int rc = gb_runner_run(plan, ro), bad = 0;
  for (int i = 0; rc == 0 && i < plan->ncells; i++)
    bad += plan->cells[i].status != GB_CELL_OK;
  return rc ? rc : bad;
}

/* What `show` prints: the console writer over the report model (malloc'd). */
static char *console_text(json_t *root) {
  gb_rmodel model;
  gb_rmodel_build(&model, root, ".");
  gb_buf out;
  gb_buf_init(&out);
  gb_report_console(&model, NULL, &out);
  gb_rmodel_free(&model);
  return out.s;
}

/* Run sumloop with threads and processes at 2 workers, one repetition each, counting the fake's
 * events, into dir; every cell must end ok. */
static void fake_run(char *dir) {
  char *wl[] = {GB_SOURCE_DIR "/workloads/sumloop.ini"};
  char *st[] = {"threads", "processes"};
  gb_request req;
  memset(&req, 0, sizeof req);
  req.workloads = wl, req.nworkloads = 1;
  req.strategies = st, req.nstrategies = 2;
  req.workers[0] = 2, req.nworkers = 1;
  req.profile = "quick";
  req.reps = 1, req.warmup = 0;
  req.seed = 1;
  req.counters = "FAKE_OK,FAKE_MUX,FAKE_DENIED,FAKE_WDENIED";
  req.counters_backend = "fake";
  gb_plan plan;
  char err[1024];
  assert_int_equal(gb_plan_build(&req, &plan, err, sizeof err), 0);
  gb_run_opts ro;
  memset(&ro, 0, sizeof ro);
  ro.outdir = dir, ro.command = "test_counters", ro.quiet = 1;
  assert_int_equal(run_all_ok(&plan, &ro), 0);
  gb_plan_free(&plan);
}

/* One cell of the fake's run in results.json: each status as the fake made it, sums over the two
 * workers, no value for what was not read, the reasons, and a worker's own counters. */
static void check_fake_cell(json_t *cell) {
  assert_string_equal(json_string_value(json_object_get(cell, "status")), "ok");
  json_t *rep = json_array_get(json_object_get(cell, "reps"), 0);
  json_t *c = json_object_get(rep, "counters");
  json_t *ok = json_object_get(c, "FAKE_OK"), *mux = json_object_get(c, "FAKE_MUX");
  json_t *den = json_object_get(c, "FAKE_DENIED"), *wden = json_object_get(c, "FAKE_WDENIED");
  assert_string_equal(json_string_value(json_object_get(ok, "status")), "ok");
  assert_int_equal(json_integer_value(json_object_get(ok, "value")), 2000); /* 2 workers x 1000 */
  assert_string_equal(json_string_value(json_object_get(mux, "status")), "multiplexed");
  assert_int_equal(json_integer_value(json_object_get(mux, "value")), 8000);
  assert_true(fabs(json_number_value(json_object_get(mux, "fraction")) - 0.25) < 1e-6);
  assert_string_equal(json_string_value(json_object_get(den, "status")), "denied");
  assert_null(json_object_get(den, "value")); /* never a 0 for what was not read */
  assert_non_null(strstr(json_string_value(json_object_get(den, "reason")), "perf_event_paranoid=3"));
  assert_string_equal(json_string_value(json_object_get(wden, "status")), "denied");
  assert_null(json_object_get(wden, "value"));
  assert_non_null(
      strstr(json_string_value(json_object_get(wden, "reason")), "fake refused: Permission denied"));
  json_t *w0 = json_object_get(json_array_get(json_object_get(rep, "workers"), 0), "counters");
  assert_int_equal(json_integer_value(json_object_get(json_object_get(w0, "FAKE_OK"), "value")), 1000);
  assert_string_equal(json_string_value(json_object_get(json_object_get(w0, "FAKE_WDENIED"), "status")),
                      "denied");
}

/* What `show` prints of the fake's run: the values, the multiplexed estimate, and why the denied
 * events have no value (never a zero). */
static void check_fake_console(json_t *root) {
  char *text = console_text(root);
  assert_non_null(strstr(text, "counters and metrics"));
  assert_non_null(strstr(text, "FAKE_OK 2000"));
  assert_non_null(strstr(text, "FAKE_MUX ~8000 (multiplexed, 25% counted)"));
  assert_non_null(strstr(text, "FAKE_WDENIED: denied: worker 0: fake: fake refused: Permission denied"));
  assert_non_null(strstr(text, "FAKE_DENIED: denied: fake: " FAKE_DENIED_REASON));
  assert_non_null(strstr(text, "FAKE_MUX: multiplexed"));
  assert_null(strstr(text, "FAKE_DENIED 0")); /* not a zero */
  free(text);
}

static void test_fake_through_run(void **state) {
  (void)state;
  assert_int_equal(gb_counters_register_backend(&fake_backend), 0);
  char dir[] = "/tmp/gilbench-test-counters.XXXXXX";
  assert_non_null(mkdtemp(dir));
  fake_run(dir);
  json_t *root;
  char err[1024];
  assert_int_equal(gb_results_load(dir, &root, err, sizeof err), 0);
  json_t *events = json_object_get(json_object_get(json_object_get(root, "meta"), "counters"), "events");
  assert_string_equal(json_string_value(json_object_get(json_object_get(events, "FAKE_DENIED"), "status")),
                      "denied");
  assert_string_equal(json_string_value(json_object_get(json_object_get(events, "FAKE_MUX"), "backend")),
                      "fake");
  size_t i;
  json_t *cell;
  json_array_foreach(json_object_get(root, "cells"), i, cell) check_fake_cell(cell);
  check_fake_console(root);
  json_decref(root);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_resolve_errors),   cmocka_unit_test(test_resolve_chain),
      cmocka_unit_test(test_derived),          cmocka_unit_test(test_rep_aggregation),
      cmocka_unit_test(test_fake_through_run),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
