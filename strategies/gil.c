/* gil.c: threads under a faithful model of CPython's GIL (see gil.h and docs/ARCHITECTURE.md, "The GIL
 * model"). The lock follows Python/ceval_gil.c: a waiter waits on a condition variable for the
 * switch interval; if no switch happened meanwhile it sets a drop request on the holder's eval
 * breaker; the holder sees it at its next checkpoint, drops the lock and (FORCE_SWITCHING) waits
 * until another thread has taken it, then queues again. Blocking calls release and retake it. The
 * pre-3.2 model (model=old) releases and immediately retakes every check_interval estimated
 * bytecodes, counted on one ticker shared by all workers as Python 2's _Py_Ticker was. */
#include "gil.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "strategy.h"
#include "thread_pool.h"

/* The old model's bytecode: calibrated once per run (gb_gil_set_bytecode_ns) from the sumloop
 * twin's time per bytecode, else Python 2.7.18's sumloop here (29.5 ns for its 7-bytecode loop). */
static double gil_bytecode_ns = GB_GIL_BYTECODE_NS_DEFAULT;
void gb_gil_set_bytecode_ns(double ns) {
  if (ns > 0) gil_bytecode_ns = ns;
}
double gb_gil_bytecode_ns(void) {
  return gil_bytecode_ns;
}

/* One trace record. */
typedef struct gil_rec {
  uint64_t t_ns; /* since the trace's t0 */
  uint32_t ev;   /* gb_gil_event */
} gil_rec;

/* What belongs to one worker: written only by that worker's thread, read after it is joined. */
typedef struct gil_worker_state {
  uint64_t wait_ns;     /* total time spent in gb_gil_take */
  uint64_t wait_max_ns; /* longest single gb_gil_take */
  uint64_t last_ns;     /* old model: when this worker last passed a checkpoint or took the lock */
  gil_rec *rec;         /* trace records (NULL when not tracing) */
  size_t nrec, caprec;  /* stored, capacity */
  uint64_t lost;        /* records that did not fit */
} gil_worker_state;

struct gb_gil {
  pthread_mutex_t mu;       /* guards every field below up to the per-worker array */
  pthread_cond_t cv;        /* signalled on release: waiters in take retry */
  pthread_cond_t switch_cv; /* signalled on acquisition: a forced dropper checks for a switch */
  int locked;               /* someone holds the lock */
  int holder;               /* current holder's index, or the last one's when unlocked; -1 none */
  gb_ctx *holder_ctx;       /* the holder's context, for its breaker (NULL when unlocked) */
  uint64_t switch_number;   /* bumped when a worker other than the last holder acquires */
  int drop_request;         /* a waiter asked the holder to drop (CPython's gil_drop_request) */
  gb_ctx *drop_ctx;         /* the context whose breaker carries the request */
  int waiters;              /* workers blocked in take */
  uint64_t acquisitions, switches, drop_requests; /* counters for the metrics */
  uint64_t forced_switches;                       /* hand-offs a drop request forced */
  int64_t interval_us;                            /* switch interval (new model) */
  gb_gil_model model;                             /* new | old */
  int64_t check_interval;                         /* old model: estimated bytecodes between releases */
  double ticker;      /* old model: Python 2's _Py_Ticker, one for all workers, in estimated
                         bytecodes; only the holder touches it */
  double bytecode_ns; /* old model: the time one bytecode stands for */
  int tracing;        /* trace buffers allocated */
  uint64_t t0_ns;     /* trace time origin */
  int nworkers;
  gil_worker_state *w; /* nworkers entries */
};

const char *gb_gil_event_name(gb_gil_event ev) {
  switch (ev) {
  case GB_GIL_EV_TAKE_REQUEST: return "take-request";
  case GB_GIL_EV_ACQUIRED: return "acquired";
  case GB_GIL_EV_DROP_REQUEST: return "drop-request";
  case GB_GIL_EV_RELEASED: return "released";
  }
  return "?";
}

/* Record an event of worker w (called by w's own thread only). */
static void gil_trace(gb_gil *g, int w, gb_gil_event ev) {
  if (!g->tracing) return;
  gil_worker_state *pw = &g->w[w];
  if (pw->nrec >= pw->caprec) {
    pw->lost++;
    return;
  }
  pw->rec[pw->nrec].t_ns = gb_now_ns() - g->t0_ns;
  pw->rec[pw->nrec].ev = (uint32_t)ev;
  pw->nrec++;
}

gb_gil *gb_gil_create(int nworkers, int64_t interval_us, gb_gil_model model, int64_t check_interval) {
  GB_ASSERT(nworkers >= 1);
  gb_gil *g = gb_xcalloc(1, sizeof *g);
  pthread_mutex_init(&g->mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* timed waits immune to clock steps */
  pthread_cond_init(&g->cv, &ca);
  pthread_cond_init(&g->switch_cv, &ca);
  pthread_condattr_destroy(&ca);
  g->holder = -1;
  g->interval_us = interval_us < 1 ? 1 : interval_us; /* CPython: max(interval, 1) */
  g->model = model;
  g->check_interval = check_interval < 1 ? 1 : check_interval;
  g->nworkers = nworkers;
  g->w = gb_xcalloc((size_t)nworkers, sizeof *g->w);
  g->ticker = (double)g->check_interval;
  g->bytecode_ns = gb_gil_bytecode_ns();
  return g;
}

void gb_gil_destroy(gb_gil *g) {
  if (!g) return;
  for (int i = 0; i < g->nworkers; i++)
    free(g->w[i].rec);
  free(g->w);
  pthread_cond_destroy(&g->switch_cv);
  pthread_cond_destroy(&g->cv);
  pthread_mutex_destroy(&g->mu);
  free(g);
}

void gb_gil_attach(gb_gil *g, gb_ctx *ctx) {
  GB_ASSERT(ctx->worker >= 0 && ctx->worker < g->nworkers);
  ctx->owner = g;
  ctx->on_checkpoint = gb_gil_checkpoint_cb;
  ctx->on_block_begin = gb_gil_block_begin_cb;
  ctx->on_block_end = gb_gil_block_end_cb;
  /* Old model: the holder counts every checkpoint (Python 2's _Py_Ticker), so all of them must
   * take the slow path. New model: only a drop request sets it. */
  atomic_store(&ctx->breaker, g->model == GB_GIL_OLD ? 1 : 0);
}

/* Deadline `us` microseconds from now on the monotonic clock. */
static struct timespec deadline(int64_t us) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  int64_t ns = (int64_t)ts.tv_nsec + (us % 1000000) * 1000;
  ts.tv_sec += (time_t)(us / 1000000 + ns / 1000000000);
  ts.tv_nsec = (long)(ns % 1000000000);
  return ts;
}

/* New model, with g->mu held: the waiter timed out with no switch, so ask the holder to drop. */
static void gil_request_drop(gb_gil *g, int waiter) {
  if (!g->drop_request) {
    g->drop_requests++;
    gil_trace(g, waiter, GB_GIL_EV_DROP_REQUEST);
  }
  g->drop_request = 1;
  g->drop_ctx = g->holder_ctx;
  if (g->drop_ctx) atomic_store(&g->drop_ctx->breaker, 1); /* SET_GIL_DROP_REQUEST */
}

void gb_gil_take(gb_gil *g, gb_ctx *ctx) {
  int me = ctx->worker;
  uint64_t t0 = gb_now_ns();
  pthread_mutex_lock(&g->mu);
  gil_trace(g, me, GB_GIL_EV_TAKE_REQUEST);
  GB_ASSERT(!(g->locked && g->holder == me)); /* not reentrant, as in CPython */
  if (g->locked) {
    g->waiters++;
    while (g->locked) {
      if (g->model == GB_GIL_OLD) { /* Python 2: a plain lock, no timeout, no request */
        pthread_cond_wait(&g->cv, &g->mu);
        continue;
      }
      uint64_t saved = g->switch_number;
      struct timespec dl = deadline(g->interval_us);
      int rc = pthread_cond_timedwait(&g->cv, &g->mu, &dl);
      if (rc == ETIMEDOUT && g->locked && g->switch_number == saved) gil_request_drop(g, me);
    }
    g->waiters--;
  }
  /* We now hold the lock. */
  g->locked = 1;
  g->acquisitions++;
  if (g->holder != me) {
    if (g->holder >= 0) g->switches++;
    g->holder = me;
    g->switch_number++;
  }
  g->holder_ctx = ctx;
  if (g->model == GB_GIL_NEW) {
    /* FORCE_SWITCHING: wake a dropper waiting for someone else to take the lock. */
    pthread_cond_broadcast(&g->switch_cv);
    if (g->drop_request) { /* RESET_GIL_DROP_REQUEST: it was meant for the previous holder */
      g->drop_request = 0;
      if (g->drop_ctx) atomic_store(&g->drop_ctx->breaker, 0);
      g->drop_ctx = NULL;
    }
    atomic_store(&ctx->breaker, 0);
  }
  gil_trace(g, me, GB_GIL_EV_ACQUIRED);
  pthread_mutex_unlock(&g->mu);
  uint64_t t1 = gb_now_ns(), dt = t1 - t0;
  gil_worker_state *pw = &g->w[me];
  pw->last_ns = t1; /* old model: bytecodes are counted from here, not while waiting */
  pw->wait_ns += dt;
  if (dt > pw->wait_max_ns) pw->wait_max_ns = dt;
}

/* drop_gil; `final`: the worker is leaving, so no forced wait and no context kept. */
static void gil_release(gb_gil *g, gb_ctx *ctx, int final) {
  int me = ctx->worker;
  pthread_mutex_lock(&g->mu);
  GB_ASSERT(g->locked && g->holder == me);
  g->locked = 0;
  g->holder_ctx = NULL;
  gil_trace(g, me, GB_GIL_EV_RELEASED);
  pthread_cond_signal(&g->cv);
  if (g->drop_request && g->drop_ctx == ctx) {
    /* The request was for us: clear our breaker. A final release leaves the request itself to
     * the next taker, who resets it (CPython skips the wait on its final release). */
    atomic_store(&ctx->breaker, 0);
    g->drop_ctx = NULL;
    if (!final && g->model == GB_GIL_NEW) {
      /* FORCE_SWITCHING: not switched yet, so wait until another worker has taken the lock,
       * lest we retake it at once and starve the waiter that asked. */
      g->drop_request = 0;
      uint64_t saved = g->switch_number;
      while (g->switch_number == saved)
        pthread_cond_wait(&g->switch_cv, &g->mu);
      g->forced_switches++;
    }
  }
  pthread_mutex_unlock(&g->mu);
}

void gb_gil_drop(gb_gil *g, gb_ctx *ctx) {
  gil_release(g, ctx, 0);
}
void gb_gil_drop_final(gb_gil *g, gb_ctx *ctx) {
  gil_release(g, ctx, 1);
}

void gb_gil_checkpoint_cb(gb_ctx *ctx) {
  gb_gil *g = ctx->owner;
  if (g->model == GB_GIL_OLD) {
    /* Python 2 counted bytecodes on one global ticker; a checkpoint stands for the bytecodes
     * Python 2 would have run in the time since the last one (gb_gil_bytecode_ns). The holder
     * alone touches the ticker, and the lock's mutex orders one holder's updates before the next
     * one's. */
    gil_worker_state *pw = &g->w[ctx->worker];
    uint64_t now = gb_now_ns();
    g->ticker -= (double)(now - pw->last_ns) / g->bytecode_ns;
    pw->last_ns = now;
    if (g->ticker > 0) return;
    /* Checkpoints are microseconds apart, more than 100 bytecodes of Python 2: Python 2 would
     * have released once per check_interval in that span, so release (and at once try to retake,
     * with no handoff) as many times as it would have, at most 64. */
    int times = 1 + (int)(-g->ticker / (double)g->check_interval);
    if (times > 64) times = 64;
    g->ticker = (double)g->check_interval;
    for (int k = 0; k < times; k++) {
      gil_release(g, ctx, 0);
      gb_gil_take(g, ctx);
    }
    return;
  }
  pthread_mutex_lock(&g->mu);
  int asked = g->drop_request && g->drop_ctx == ctx;
  pthread_mutex_unlock(&g->mu);
  if (!asked) return;     /* a stale breaker: the request was already served */
  gil_release(g, ctx, 0); /* waits for the handoff */
  gb_gil_take(g, ctx);
}

/* Py_BEGIN_ALLOW_THREADS: CPython's PyEval_SaveThread calls the same drop_gil, so a pending drop
 * request is honoured with a forced switch here too. */
void gb_gil_block_begin_cb(gb_ctx *ctx) {
  gil_release(ctx->owner, ctx, 0);
}
void gb_gil_block_end_cb(gb_ctx *ctx) {
  gb_gil_take(ctx->owner, ctx);
}

uint64_t gb_gil_acquisitions(gb_gil *g) {
  pthread_mutex_lock(&g->mu);
  uint64_t v = g->acquisitions;
  pthread_mutex_unlock(&g->mu);
  return v;
}

uint64_t gb_gil_switches(gb_gil *g) {
  pthread_mutex_lock(&g->mu);
  uint64_t v = g->switches;
  pthread_mutex_unlock(&g->mu);
  return v;
}

uint64_t gb_gil_forced_switches(gb_gil *g) {
  pthread_mutex_lock(&g->mu);
  uint64_t v = g->forced_switches;
  pthread_mutex_unlock(&g->mu);
  return v;
}

uint64_t gb_gil_drop_requests(gb_gil *g) {
  pthread_mutex_lock(&g->mu);
  uint64_t v = g->drop_requests;
  pthread_mutex_unlock(&g->mu);
  return v;
}

int gb_gil_holders(gb_gil *g) {
  pthread_mutex_lock(&g->mu);
  int v = g->locked;
  pthread_mutex_unlock(&g->mu);
  return v;
}

int gb_gil_holder(gb_gil *g) {
  pthread_mutex_lock(&g->mu);
  int v = g->locked ? g->holder : -1;
  pthread_mutex_unlock(&g->mu);
  return v;
}

int gb_gil_waiters(gb_gil *g) {
  pthread_mutex_lock(&g->mu);
  int v = g->waiters;
  pthread_mutex_unlock(&g->mu);
  return v;
}

double gb_gil_wait_s(const gb_gil *g, int worker) {
  return (double)g->w[worker].wait_ns * 1e-9;
}
double gb_gil_wait_max_s(const gb_gil *g, int worker) {
  return (double)g->w[worker].wait_max_ns * 1e-9;
}

void gb_gil_trace_enable(gb_gil *g, size_t total_records, uint64_t t0_ns) {
  size_t per = total_records / (size_t)g->nworkers;
  if (per < 1) per = 1;
  for (int i = 0; i < g->nworkers; i++) {
    free(g->w[i].rec);
    g->w[i].rec = gb_xmalloc(per * sizeof *g->w[i].rec);
    g->w[i].nrec = 0;
    g->w[i].caprec = per;
    g->w[i].lost = 0;
  }
  g->t0_ns = t0_ns;
  g->tracing = 1;
}

/* A record with its worker, for the merged, time-ordered file. */
typedef struct gil_row {
  uint64_t t_ns;
  int worker;
  uint32_t ev;
  size_t seq; /* position in its worker's buffer: keeps the sort stable */
} gil_row;

static int gil_row_cmp(const void *a, const void *b) {
  const gil_row *x = a, *y = b;
  if (x->t_ns != y->t_ns) return x->t_ns < y->t_ns ? -1 : 1;
  if (x->worker != y->worker) return x->worker < y->worker ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int gb_gil_trace_write(const gb_gil *g, const char *path, uint64_t *lost) {
  size_t n = 0;
  uint64_t nlost = 0;
  for (int i = 0; i < g->nworkers; i++) {
    n += g->w[i].nrec;
    nlost += g->w[i].lost;
  }
  if (lost) *lost = nlost;
  gil_row *rows = gb_xmalloc((n ? n : 1) * sizeof *rows);
  size_t k = 0;
  for (int i = 0; i < g->nworkers; i++)
    for (size_t j = 0; j < g->w[i].nrec; j++)
      rows[k++] = (gil_row){g->w[i].rec[j].t_ns, i, g->w[i].rec[j].ev, j};
  qsort(rows, n, sizeof *rows, gil_row_cmp);
  FILE *f = fopen(path, "w");
  if (!f) {
    free(rows);
    return GB_EIO;
  }
  fputs("t_ns\tworker\tevent\n", f);
  for (size_t j = 0; j < n; j++)
    fprintf(f, "%llu\t%d\t%s\n", (unsigned long long)rows[j].t_ns, rows[j].worker,
            gb_gil_event_name((gb_gil_event)rows[j].ev));
  /* A comment line (gnuplot and most TSV readers skip it) says the timeline is incomplete. */
  if (nlost) fprintf(f, "# truncated: %llu records not stored\n", (unsigned long long)nlost);
  int bad = ferror(f);
  bad |= fclose(f) != 0;
  free(rows);
  return bad ? GB_EIO : GB_OK;
}

/* ---- the strategy ---- */

enum { GIL_OPT_INTERVAL = 0, GIL_OPT_MODEL, GIL_OPT_CHECK, GIL_OPT_TRACE };

static const gb_param_def gil_options[] = {
    [GIL_OPT_INTERVAL] = {.name = "switch_interval_us",
                          .help = "switch interval: how long a waiter waits before asking the "
                                  "holder to drop (sys.setswitchinterval)",
                          .def = 5000,
                          .min = 1,
                          .max = 10000000},
    [GIL_OPT_MODEL] = {.name = "model",
                       .help = "new: the 3.2+ GIL (timed waits, drop requests, forced "
                               "switching); old: the pre-3.2 GIL (release and retake every "
                               "check_interval estimated bytecodes)",
                       .def = GB_GIL_NEW,
                       .min = 0,
                       .max = 1,
                       .choices = "new|old"},
    [GIL_OPT_CHECK] = {.name = "check_interval",
                       .help = "old model: estimated bytecodes between releases, on one ticker for "
                               "all workers (sys.setcheckinterval; a bytecode is the calibrated time "
                               "of one of the sumloop twin's)",
                       .def = 100,
                       .min = 1,
                       .max = 1000000},
    [GIL_OPT_TRACE] = {.name = "trace",
                       .help = "1: write a (t_ns, worker, event) lock timeline beside the results",
                       .def = 0,
                       .min = 0,
                       .max = 1},
};

static const gb_metric_def gil_metrics[] = {
    {.name = "gil_acquisitions",
     .unit = "count",
     .agg = GB_AGG_SUM,
     .help = "times a worker acquired the GIL"},
    {.name = "gil_switches",
     .unit = "count",
     .agg = GB_AGG_SUM,
     .help = "acquisitions by a worker other than the previous holder"},
    {.name = "gil_drop_requests",
     .unit = "count",
     .agg = GB_AGG_SUM,
     .help = "times a waiter asked the holder to drop the GIL after a switch interval"},
    {.name = "gil_forced_switches",
     .unit = "count",
     .agg = GB_AGG_SUM,
     .help = "switches a drop request forced (the holder released and waited for another worker to "
             "take the lock): the switch interval's hand-offs, without a leaving worker's last one"},
    {.name = "gil_wait_s",
     .unit = "s",
     .agg = GB_AGG_SUM,
     .help = "time workers spent waiting for the GIL, summed over workers"},
    {.name = "gil_wait_max_s", .unit = "s", .agg = GB_AGG_MAX, .help = "longest single wait for the GIL"},
};

#define GIL_TRACE_RECORDS ((size_t)1 << 20) /* trace records over all workers (16 MiB) */

/* Body of one worker: hold the GIL for the whole run, as a Python thread does; fetching the next
 * chunk is Python code too, so it also runs under the lock. */
static void gil_worker(gb_pool_worker *pw) {
  gb_gil *g = pw->pool->shared;
  gb_ctx ctx;
  gb_ctx_init(&ctx, pw->index);
  gb_gil_attach(g, &ctx);
  gb_gil_take(g, &ctx);
  gb_pool_run_share(pw, &ctx);
  gb_gil_drop_final(g, &ctx);
  pw->pool->rep->workers[pw->index].checkpoints = ctx.checkpoints; /* kept by gb_worker_end */
}

static int gil_run(const gb_job *job, gb_rep *rep) {
  gb_gil *g = gb_gil_create(job->workers, job->opts[GIL_OPT_INTERVAL], (gb_gil_model)job->opts[GIL_OPT_MODEL],
                            job->opts[GIL_OPT_CHECK]);
  int trace = job->opts[GIL_OPT_TRACE] != 0 && job->artifact_path != NULL;
  if (trace) gb_gil_trace_enable(g, GIL_TRACE_RECORDS, gb_now_ns());
  int rc = gb_pool_run(job, rep, gil_worker, g);

  gb_metric_add(rep, "gil_acquisitions", (double)gb_gil_acquisitions(g));
  gb_metric_add(rep, "gil_switches", (double)gb_gil_switches(g));
  gb_metric_add(rep, "gil_drop_requests", (double)gb_gil_drop_requests(g));
  gb_metric_add(rep, "gil_forced_switches", (double)gb_gil_forced_switches(g));
  for (int i = 0; i < job->workers; i++) {
    gb_metric_add(rep, "gil_wait_s", gb_gil_wait_s(g, i));
    gb_metric_add(rep, "gil_wait_max_s", gb_gil_wait_max_s(g, i));
  }
  if (trace) {
    char path[4096];
    snprintf(path, sizeof path, "%s.gil-trace.tsv", job->artifact_path);
    uint64_t lost = 0;
    int wrc = gb_gil_trace_write(g, path, &lost);
    if (wrc != 0 && rc == 0) rc = gb_rep_fail(rep, wrc, "%s: %s", path, strerror(errno));
    if (lost)
      fprintf(stderr, "gilbench: gil trace truncated: %llu records past the %zu preallocated\n",
              (unsigned long long)lost, GIL_TRACE_RECORDS);
  }
  gb_gil_destroy(g);
  return rc;
}

const gb_strategy gb_strategy_gil = {
    .name = "gil",
    .summary = "threads under a faithful model of CPython's GIL (one runs at a time)",
    .caps = GB_CAP_SHARED_MEMORY,
    .baseline = "serial",
    .options = gil_options,
    .noptions = (int)GB_ARRAY_LEN(gil_options),
    .metrics = gil_metrics,
    .nmetrics = (int)GB_ARRAY_LEN(gil_metrics),
    .run = gil_run,
};
