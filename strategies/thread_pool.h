/* thread_pool.h: the pthread pool behind the thread-based strategies (threads, gil, async). It
 * keeps the timing contract (job.h): it creates the workers, each runs the strategy's setup (an
 * event loop, say) and its begin hook, and they wait at a start line; the clock starts when all
 * are there. The last worker to finish its share stops the clock, and the others wait at the
 * finish line for that before their end hooks and cleanups; then they are joined (teardown). The
 * strategy supplies the worker body and, optionally, setup and cleanup. */
#ifndef GB_THREAD_POOL_H
#define GB_THREAD_POOL_H

#include <pthread.h>

#include "strategy.h"

typedef struct gb_pool gb_pool;

/* One worker of the pool, on cache lines of its own (its fields are written while the others run). */
typedef struct gb_pool_worker {
  _Alignas(GB_CACHE_LINE) gb_pool *pool; /* its pool */
  int index;                             /* worker index, 0..workers-1 */
  pthread_t tid;                         /* its thread */
  uint8_t *in;                           /* scratch input payload buffer (largest group input) */
  uint8_t *out;                          /* scratch output payload buffer */
  uint64_t sum;                          /* its share of the checksum */
  uint64_t tasks;                        /* tasks it ran */
  void *state;                           /* the strategy's per-worker state */
} gb_pool_worker;

struct gb_pool {
  const gb_job *job;                   /* what runs */
  gb_rep *rep;                         /* where results go */
  gb_sched sched;                      /* task hand-out */
  void (*body)(gb_pool_worker *pw);    /* the strategy's worker body */
  void (*setup)(gb_pool_worker *pw);   /* before the start line (startup), or NULL */
  void (*cleanup)(gb_pool_worker *pw); /* after the end hook (teardown), or NULL */
  void *shared;                        /* the strategy's shared state */
  gb_pool_worker *w;                   /* workers */
  pthread_mutex_t mu;                  /* guards the fields below */
  pthread_cond_t cv;                   /* signalled on ready/go/done changes */
  int ready;                           /* workers waiting at the start line */
  int go;                              /* set once: start */
  int done;                            /* workers finished their share */
  int expected;                        /* workers created (the finish line waits for this many) */
};

/* The common inner loop of a worker body: take chunks from the schedule and run their tasks with
 * ctx, adding each task's checksum term to pw->sum (once, at the end: the sum runs in a register). */
void gb_pool_run_share(gb_pool_worker *pw, gb_ctx *ctx);

/* Run one repetition with `body` in each of job->workers threads; fills rep's timings, checksum,
 * tasks and workers. `shared` is stored in pool->shared. */
int gb_pool_run(const gb_job *job, gb_rep *rep, void (*body)(gb_pool_worker *pw), void *shared);
/* The same with a per-worker setup before the start line and cleanup after the end hook (either
 * may be NULL): what an event loop needs to be created and closed outside the clock. */
int gb_pool_run_with(const gb_job *job, gb_rep *rep, void (*setup)(gb_pool_worker *pw),
                     void (*body)(gb_pool_worker *pw), void (*cleanup)(gb_pool_worker *pw), void *shared);

#endif
