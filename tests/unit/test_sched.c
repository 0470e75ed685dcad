/* test_sched.c: the task hand-out (gb_sched, job.h). The static schedule deals chunks round-robin;
 * the dynamic one hands every chunk out exactly once, whether one worker drains it alone (stealing
 * every other worker's range), several threads race for it (some slowed, so that ranges are stolen
 * while their owners take from them), or the workers are more than GB_SCHED_SLOTS (one shared
 * counter). */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "job.h"

static gb_job make_job(uint64_t ntasks, uint64_t chunk, int workers, gb_schedule schedule) {
  gb_job job;
  memset(&job, 0, sizeof job);
  job.ntasks = ntasks;
  job.chunk = chunk;
  job.workers = workers;
  job.schedule = schedule;
  return job;
}

static void test_static_round_robin(void **state) {
  (void)state;
  gb_job job = make_job(103, 4, 3, GB_SCHED_STATIC);
  gb_sched s;
  gb_sched_init(&s, &job);
  for (int w = 0; w < 3; w++) {
    gb_sched_cursor c = {0};
    uint64_t b, e, k = 0;
    while (gb_sched_next(&s, w, &c, &b, &e)) {
      uint64_t chunk = k * 3 + (uint64_t)w; /* its k-th chunk */
      assert_int_equal(b, chunk * 4);
      assert_int_equal(e, chunk * 4 + 4 < 103 ? chunk * 4 + 4 : 103);
      k++;
    }
    assert_int_equal(k, w < 2 ? 9 : 8); /* 26 chunks: 9, 9, 8 */
  }
}

/* One worker of five asks alone: it takes its own range, then steals the others' until none is
 * left; every chunk comes exactly once, whole. */
static void test_dynamic_one_drains_all(void **state) {
  (void)state;
  for (int workers = 2; workers <= 5; workers++) {
    gb_job job = make_job(111, 3, workers, GB_SCHED_DYNAMIC);
    gb_sched s;
    gb_sched_init(&s, &job);
    int seen[37] = {0};
    gb_sched_cursor c = {0};
    uint64_t b, e, n = 0;
    while (gb_sched_next(&s, workers - 1, &c, &b, &e)) {
      assert_int_equal(b % 3, 0);
      assert_int_equal(e, b + 3);
      assert_true(b < 111);
      seen[b / 3]++;
      n++;
    }
    assert_int_equal(n, 37);
    for (int i = 0; i < 37; i++)
      assert_int_equal(seen[i], 1);
    assert_int_equal(gb_sched_next(&s, 0, &c, &b, &e), 0); /* and nothing for the others after */
  }
}

typedef struct race {
  gb_sched *s;
  int w;
  int slow;               /* yield after each task, so the others steal from it */
  _Atomic uint8_t *count; /* per task: times it was handed out */
  uint64_t tasks;         /* tasks this thread got */
} race;

static void *race_main(void *arg) {
  race *r = arg;
  gb_sched_cursor c = {0};
  uint64_t b, e;
  while (gb_sched_next(r->s, r->w, &c, &b, &e)) {
    for (uint64_t t = b; t < e; t++)
      atomic_fetch_add_explicit(&r->count[t], 1, memory_order_relaxed);
    r->tasks += e - b;
    if (r->slow) sched_yield();
  }
  return NULL;
}

/* `threads` threads (workers 0..threads-1 of `workers`) race for `ntasks` in chunks of `chunk`;
 * every task must be handed out once and only once. */
static void race_check(uint64_t ntasks, uint64_t chunk, int workers, int threads) {
  gb_job job = make_job(ntasks, chunk, workers, GB_SCHED_DYNAMIC);
  gb_sched *s = aligned_alloc(GB_CACHE_LINE, sizeof *s);
  assert_non_null(s);
  gb_sched_init(s, &job);
  _Atomic uint8_t *count = calloc(ntasks, sizeof *count);
  race r[8];
  pthread_t tid[8];
  assert_true(threads <= 8);
  for (int i = 0; i < threads; i++) {
    r[i] = (race){.s = s, .w = i, .slow = i % 2, .count = count};
    assert_int_equal(pthread_create(&tid[i], NULL, race_main, &r[i]), 0);
  }
  uint64_t total = 0;
  for (int i = 0; i < threads; i++) {
    pthread_join(tid[i], NULL);
    total += r[i].tasks;
  }
  assert_int_equal(total, ntasks);
  for (uint64_t t = 0; t < ntasks; t++)
    if (atomic_load(&count[t]) != 1)
      fail_msg("task %llu handed out %d times", (unsigned long long)t, count[t]);
  free(count);
  free(s);
}

static void test_dynamic_race(void **state) {
  (void)state;
  race_check(200000, 1, 4, 4); /* per-worker ranges, chunk 1 */
  race_check(100003, 7, 8, 8); /* a short last chunk */
  race_check(50000, 1, 8, 3);  /* five workers never ask: their ranges are all stolen */
  race_check(50000, 2, 70, 4); /* more workers than slots: the shared counter */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_static_round_robin),
      cmocka_unit_test(test_dynamic_one_drains_all),
      cmocka_unit_test(test_dynamic_race),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
