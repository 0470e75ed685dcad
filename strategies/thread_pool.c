/* thread_pool.c: see thread_pool.h. */
#include "thread_pool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void gb_pool_run_share(gb_pool_worker *pw, gb_ctx *ctx) {
  const gb_workload *wl = pw->pool->job->wl;
  gb_sched_cursor cur = {0};
  uint64_t b, e, sum = 0, tasks = 0;
  uint8_t *in = pw->in, *out = pw->out;
  while (gb_sched_next(&pw->pool->sched, pw->index, &cur, &b, &e)) {
    for (uint64_t t = b; t < e; t++)
      sum += gb_checksum_term(t, gb_task_run_local(wl, ctx, t, in, out));
    tasks += e - b;
    gb_worker_sample();
  }
  pw->sum += sum;
  pw->tasks += tasks;
}

static void *pool_main(void *arg) {
  gb_pool_worker *pw = arg;
  gb_pool *p = pw->pool;
  if (p->setup) p->setup(pw);
  gb_worker_begin(p->job, pw->index);
  pthread_mutex_lock(&p->mu); /* the start line */
  p->ready++;
  pthread_cond_broadcast(&p->cv);
  while (!p->go)
    pthread_cond_wait(&p->cv, &p->mu);
  pthread_mutex_unlock(&p->mu);

  p->body(pw);

  pthread_mutex_lock(&p->mu); /* the finish line: the last one stops the clock */
  if (++p->done == p->expected) {
    gb_rep_clock_stop(p->rep);
    pthread_cond_broadcast(&p->cv);
  }
  while (p->done < p->expected)
    pthread_cond_wait(&p->cv, &p->mu);
  pthread_mutex_unlock(&p->mu);
  gb_worker_out *wo = &p->rep->workers[pw->index];
  wo->tasks = pw->tasks;
  gb_worker_end(p->job, pw->index, wo);
  if (p->cleanup) p->cleanup(pw);
  return NULL;
}

int gb_pool_run(const gb_job *job, gb_rep *rep, void (*body)(gb_pool_worker *pw), void *shared) {
  return gb_pool_run_with(job, rep, NULL, body, NULL, shared);
}

int gb_pool_run_with(const gb_job *job, gb_rep *rep, void (*setup)(gb_pool_worker *pw),
                     void (*body)(gb_pool_worker *pw), void (*cleanup)(gb_pool_worker *pw), void *shared) {
  gb_pool p;
  memset(&p, 0, sizeof p);
  p.job = job;
  p.rep = rep;
  p.body = body;
  p.setup = setup;
  p.cleanup = cleanup;
  p.shared = shared;
  gb_sched_init(&p.sched, job);
  pthread_mutex_init(&p.mu, NULL);
  pthread_cond_init(&p.cv, NULL);
  int n = job->workers, created = 0, rc = 0;
  p.w = aligned_alloc(GB_CACHE_LINE, (size_t)(n > 0 ? n : 1) * sizeof *p.w); /* a whole number of lines */
  GB_ASSERT(p.w);
  memset(p.w, 0, (size_t)n * sizeof *p.w);
  size_t in_len = gb_workload_max_input(job->wl), out_len = gb_workload_max_output(job->wl);

  gb_rep_mark_create(rep);
  for (int i = 0; i < n; i++) {
    p.w[i].pool = &p;
    p.w[i].index = i;
    p.w[i].in = gb_xmalloc(in_len);
    p.w[i].out = gb_xmalloc(out_len);
    int e = pthread_create(&p.w[i].tid, NULL, pool_main, &p.w[i]);
    if (e != 0) {
      rc = gb_rep_fail(rep, -e, "pthread_create for worker %d: %s", i, strerror(e));
      break;
    }
    created++;
  }
  pthread_mutex_lock(&p.mu);
  p.expected = created; /* final before go: no worker reaches the finish line earlier */
  while (p.ready < created)
    pthread_cond_wait(&p.cv, &p.mu);
  if (rc != 0) p.sched.ntasks = 0; /* let the created ones finish at once */
  gb_rep_clock_start(rep);
  p.go = 1;
  pthread_cond_broadcast(&p.cv);
  if (created == 0) gb_rep_clock_stop(rep);
  pthread_mutex_unlock(&p.mu);

  for (int i = 0; i < created; i++)
    pthread_join(p.w[i].tid, NULL);
  gb_rep_mark_joined(rep);

  for (int i = 0; i < n; i++) {
    rep->checksum += p.w[i].sum;
    rep->tasks_done += p.w[i].tasks;
    free(p.w[i].in);
    free(p.w[i].out);
  }
  free(p.w);
  pthread_cond_destroy(&p.cv);
  pthread_mutex_destroy(&p.mu);
  return rc;
}
