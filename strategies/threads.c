/* threads.c: true threading with no lock (Jython, IronPython, free-threaded CPython): one pthread
 * per worker, tasks handed out by the shared schedule. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "strategy.h"
#include "thread_pool.h"

/* Body of one worker: pull chunks, run tasks, add checksum terms. */
static void threads_worker(gb_pool_worker *pw) {
  const gb_job *job = pw->pool->job;
  gb_ctx ctx;
  gb_ctx_init(&ctx, pw->index);
  gb_sched_cursor cur = {0};
  uint64_t b, e;
  while (gb_sched_next(&pw->pool->sched, pw->index, &cur, &b, &e)) {
    for (uint64_t t = b; t < e; t++) {
      pw->sum += gb_checksum_term(t, gb_task_run_local(job->wl, &ctx, t, pw->in, pw->out));
      pw->tasks++;
    }
    gb_worker_sample();
  }
}

static int threads_run(const gb_job *job, gb_rep *rep) {
  return gb_pool_run(job, rep, threads_worker, NULL);
}

const gb_strategy gb_strategy_threads = {
    .name = "threads",
    .summary = "true threading, no lock (Jython, IronPython, free-threaded CPython)",
    .caps = GB_CAP_PARALLEL_CPU | GB_CAP_SHARED_MEMORY,
    .baseline = "serial",
    .run = threads_run,
};
