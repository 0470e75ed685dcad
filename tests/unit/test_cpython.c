/* test_cpython.c: the embedded interpreter's lifecycle under the strategy API: started lazily by
 * the first repetition, reused by the next ones, and usable in a child forked after it started
 * (the runner may run each repetition in a child process), in the parent again afterwards; a
 * repetition that fails in Python leaves it usable. Skipped in a build without CPython. */
// clang-format off: cmocka.h needs these first
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

// clang-format on

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cpython.h"
#include "defs.h"
#include "strategies.h"

static gb_workload g_wl;
static uint64_t g_reference;

static int setup(void **state) {
  (void)state;
  char err[1024];
  if (gb_workload_load(GB_SOURCE_DIR "/workloads/nbody.ini", &g_wl, err, sizeof err) != 0 ||
      gb_workload_set(&g_wl, "tasks", "6", err, sizeof err) != 0 ||
      gb_workload_set(&g_wl, "phase.1.n", "300", err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err);
    return -1;
  }
  g_reference = gb_workload_reference(&g_wl);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  gb_workload_free(&g_wl);
  return 0;
}

/* One repetition of `strategy` with `workers`; its return code, the rep kept in *rep. */
static int run_rep(const char *strategy, int workers, gb_rep *rep) {
  const gb_strategy *s = gb_strategy_find(strategy);
  assert_non_null(s);
  gb_job job;
  memset(&job, 0, sizeof job);
  job.wl = &g_wl;
  job.ntasks = gb_workload_ntasks(&g_wl);
  job.workers = workers;
  job.schedule = g_wl.schedule;
  job.chunk = 1;
  job.strategy = s;
  for (int i = 0; i < s->noptions; i++)
    job.opts[i] = s->options[i].def;
  memset(rep, 0, sizeof *rep);
  rep->nworkers = workers;
  rep->workers = gb_xcalloc((size_t)workers, sizeof *rep->workers);
  rep->metric_defs = s->metrics;
  rep->nmetrics = s->nmetrics;
  return s->run(&job, rep);
}

static void expect_ok(const char *strategy, int workers) {
  gb_rep rep;
  int rc = run_rep(strategy, workers, &rep);
  if (rc != 0) fprintf(stderr, "%s: %s\n", strategy, rep.error);
  assert_int_equal(rc, 0);
  assert_int_equal(rep.checksum, g_reference);
  assert_int_equal(rep.tasks_done, 6);
  for (int i = 0; i < workers; i++)
    assert_true(rep.workers[i].cpu_s > 0.0);
  free(rep.workers);
}

static void test_lazy_start_and_reuse(void **state) {
  (void)state;
  if (gb_cpython_unavailable()) skip();
  expect_ok("cpython-serial", 1);
  expect_ok("cpython-threads", 2);
  expect_ok("cpython-serial", 1);
}

/* In a child forked after the interpreter started: threads, a pool, and the serial path. */
static void test_fork_after_start(void **state) {
  (void)state;
  if (gb_cpython_unavailable()) skip();
  expect_ok("cpython-serial", 1);
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    const char *const strategies[] = {"cpython-threads", "cpython-processes", "cpython-serial"};
    for (int i = 0; i < 3; i++) {
      gb_rep rep;
      int rc = run_rep(strategies[i], i < 2 ? 2 : 1, &rep);
      if (rc != 0 || rep.checksum != g_reference) {
        fprintf(stderr, "child: %s: rc %d, %s\n", strategies[i], rc, rep.error);
        _exit(10 + i);
      }
      free(rep.workers);
    }
    _exit(0);
  }
  int st = 0;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_true(WIFEXITED(st));
  assert_int_equal(WEXITSTATUS(st), 0);
  expect_ok("cpython-threads", 2); /* and the parent's interpreter still works */
}

/* A Python exception fails the repetition with a summary line and the traceback; the next one
 * runs as usual. */
static void test_exception_then_ok(void **state) {
  (void)state;
  if (gb_cpython_unavailable()) skip();
  gb_rep rep;
  gb_workload saved = g_wl;
  g_wl.groups[0].phases[0].params.v[0] = -1; /* out of range for the C kernel: ValueError */
  int rc = run_rep("cpython-ext", 2, &rep);
  g_wl = saved;
  assert_int_not_equal(rc, 0);
  assert_non_null(strstr(rep.error, "ValueError"));
  assert_non_null(strstr(rep.error, "Traceback"));
  assert_ptr_equal(strchr(rep.error, '\n') > strstr(rep.error, "raised"), 1);
  free(rep.workers);
  expect_ok("cpython-ext", 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lazy_start_and_reuse),
      cmocka_unit_test(test_fork_after_start),
      cmocka_unit_test(test_exception_then_ok),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
