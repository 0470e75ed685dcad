/* test_topo.c: --bind parsing and the placement policies, on hwloc synthetic topologies bigger
 * than this machine (two packages, SMT), so compact/scatter/cores are checked where they differ;
 * and the worker hook's binding on this machine (the PU sched_getcpu reports). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sched.h>
#include <string.h>

#include "topo.h"

static void test_bind_parse(void **state) {
  (void)state;
  gb_bind b;
  char err[512];
  assert_int_equal(gb_bind_parse("none", &b, err, sizeof err), 0);
  assert_int_equal(b.policy, GB_BIND_NONE);
  assert_int_equal(gb_bind_parse("scatter", &b, err, sizeof err), 0);
  assert_int_equal(b.policy, GB_BIND_SCATTER);
  assert_int_equal(gb_bind_parse("list:3,0-2,7", &b, err, sizeof err), 0);
  assert_int_equal(b.policy, GB_BIND_LIST);
  int want[] = {3, 0, 1, 2, 7};
  assert_int_equal(b.ncpus, 5);
  for (int i = 0; i < 5; i++)
    assert_int_equal(b.cpus[i], want[i]);
  static const char *const bad[] = {"",           "pinned",   "list:",          "list:a",
                                    "list:1,",    "list:3-1", "list:-1",        "list:1-",
                                    "list:99999", "list:1;2", "compact,scatter"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    err[0] = '\0';
    assert_int_equal(gb_bind_parse(bad[i], &b, err, sizeof err), GB_EINVAL);
    assert_non_null(strstr(err, "bind '"));
  }
}

#ifdef GB_HAVE_HWLOC
static void check_place(const gb_topo *t, const char *policy, int workers, const int *want, int wrapped) {
  gb_bind b;
  char err[256], note[256];
  int pus[64];
  assert_int_equal(gb_bind_parse(policy, &b, err, sizeof err), 0);
  assert_int_equal(gb_bind_place(t, &b, workers, pus, note, sizeof note), wrapped);
  assert_int_equal(note[0] != '\0', wrapped);
  for (int i = 0; i < workers; i++) {
    if (pus[i] != want[i]) print_error("%s worker %d: PU %d, expected %d\n", policy, i, pus[i], want[i]);
    assert_int_equal(pus[i], want[i]);
  }
}

/* 2 packages x 4 cores x 2 PUs; PU P#k of core c in package p is 8p + 2c + k. */
static void test_policies_synthetic(void **state) {
  (void)state;
  gb_topo *t;
  char err[256];
  assert_int_equal(gb_topo_load(&t, "pack:2 l3:1 core:4 pu:2", err, sizeof err), 0);
  assert_int_equal(gb_topo_npus(t), 16);
  assert_int_equal(gb_topo_ncores(t), 8);
  assert_int_equal(gb_topo_npackages(t), 2);
  int compact[] = {0, 1, 2, 3, 4, 5};             /* SMT siblings, then the next core */
  int scatter[] = {0, 8, 2, 10, 4, 12, 6, 14, 1}; /* packages, then cores, SMT last */
  int cores[] = {0, 2, 4, 6, 8, 10, 12, 14, 1};   /* one per core; siblings only beyond 8 */
  check_place(t, "compact", 6, compact, 0);
  check_place(t, "scatter", 9, scatter, 0);
  check_place(t, "cores", 8, cores, 0);
  check_place(t, "cores", 9, cores, 1); /* 9 workers on 8 cores: says SMT siblings are shared */
  int list[] = {5, 9, 5, 9, 5};
  check_place(t, "list:5,9", 5, list, 1); /* wraps around, and says so */
  int wrap[18];
  for (int i = 0; i < 18; i++)
    wrap[i] = i % 16;
  check_place(t, "compact", 18, wrap, 1);
  gb_bind b;
  assert_int_equal(gb_bind_check(t, "list:15", &b, err, sizeof err), 0);
  assert_int_equal(gb_bind_check(t, "list:16", &b, err, sizeof err), GB_EINVAL);
  assert_non_null(strstr(err, "PU 16 is not one"));
  gb_topo_destroy(t);
  assert_int_equal(gb_topo_load(&t, "not a topology", err, sizeof err), GB_EINVAL);
}
#endif

/* This machine: bind through the worker hook and see where sched_getcpu says we run. */
static void test_worker_binding(void **state) {
  (void)state;
  const gb_topo *t = gb_topo_machine();
  int n = gb_topo_npus(t);
  assert_true(n >= 1);
  cpu_set_t before;
  assert_int_equal(sched_getaffinity(0, sizeof before, &before), 0);
  int last = gb_topo_pu(t, n - 1);
  int pus[1] = {last};
  gb_job job;
  memset(&job, 0, sizeof job);
  job.workers = 1;
  job.bind_pus = pus;
  gb_worker_out out;
  memset(&out, 0, sizeof out);
  gb_worker_begin(&job, 0);
  assert_int_equal(sched_getcpu(), last);
  gb_worker_sample();
  gb_worker_end(&job, 0, &out);
  assert_int_equal(out.bind_held, 1);
  assert_int_equal(out.bound_pu, last);
  assert_true(out.pus_seen[last / 64] & (1ull << (last % 64)));
  cpu_set_t after; /* the thread's affinity is given back (pooled and main threads live on) */
  assert_int_equal(sched_getaffinity(0, sizeof after, &after), 0);
  assert_true(CPU_EQUAL(&before, &after));
  /* Not bound: bind_held says so (-1), never "held". */
  job.bind_pus = NULL;
  gb_worker_begin(&job, 0);
  gb_worker_end(&job, 0, &out);
  assert_int_equal(out.bind_held, -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bind_parse),
#ifdef GB_HAVE_HWLOC
      cmocka_unit_test(test_policies_synthetic),
#endif
      cmocka_unit_test(test_worker_binding),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
