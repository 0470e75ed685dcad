/* threads.c: true threading with no lock (Jython, IronPython, free-threaded CPython): one pthread
 * per worker, tasks handed out by the shared schedule. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "strategy.h"
#include "thread_pool.h"

/* Body of one worker: pull chunks, run tasks, add checksum terms; nothing else. */
static void threads_worker(gb_pool_worker *pw) {
  gb_ctx ctx;
  gb_ctx_init(&ctx, pw->index);
  gb_pool_run_share(pw, &ctx);
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
