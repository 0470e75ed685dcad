/* async.c: asyncio, on libuv. `workers` event loops, one per thread, with no lock between them;
 * each keeps up to async.concurrency tasks in flight (default: all of its share of the tasks). A
 * task's CPU phases run inline and block their loop, as a CPU-bound coroutine blocks asyncio (a
 * task with no I/O phase runs start to end as it is started, with no record of its own); its
 * I/O phases run through each op's non-blocking twin (gb_io_twin in ioop.h, in the op's own file
 * under workloads/io/): the loop opens each op's per-loop state (a timer heap, a connection pool,
 * file slots) before the timing, hands a task's op to the twin's start with room for the op's own
 * state in the task's record, and goes on with the task when the twin calls done. No op is named
 * here; a cell whose workload uses an op without a twin fails with the reason.
 * Metrics: loop iterations, the peak of tasks in flight and the heap growth per in-flight task. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ioop.h"
#include "strategies.h" /* gb_async_libuv_version */
#include "thread_pool.h"

enum { ASYNC_OPT_CONCURRENCY = 0 };

static const gb_param_def async_options[] = {
    [ASYNC_OPT_CONCURRENCY] = {.name = "concurrency",
                               .help = "tasks each loop keeps in flight; 0: all of its share, "
                                       "ceil(tasks / workers)",
                               .def = 0,
                               .min = 0,
                               .max = GB_MAX_TASKS},
};

static const gb_metric_def async_metrics[] = {
    {.name = "loop_iterations",
     .unit = "count",
     .agg = GB_AGG_SUM,
     .help = "event-loop iterations, summed over the loops"},
    {.name = "peak_inflight",
     .unit = "count",
     .agg = GB_AGG_MAX,
     .help = "most tasks one loop had in flight at once"},
    {.name = "heap_per_inflight_bytes",
     .unit = "bytes",
     .agg = GB_AGG_MAX,
     .help = "heap growth (malloc'd bytes, libuv's included) per task in flight at a loop's "
             "peak; exact with one loop, an upper bound with several; absent under a sanitizer"},
};

/* What each loop reports, gathered by the coordinator after the join (metrics are not
 * thread-safe to add from the loops). */
typedef struct as_stats {
  uint64_t iterations, peak;
  double heap_per_task;
  char error[256]; /* the loop's own failure (a stall, a missing twin), "" if none */
} as_stats;

typedef struct as_shared {
  as_stats *st; /* one per worker */
} as_shared;

#ifdef GB_HAVE_LIBUV
#include <stddef.h>
#include <unistd.h>
#include <uv.h>

const char *gb_async_libuv_version(void) {
  return uv_version_string();
}

struct as_loop;
typedef struct as_task as_task;
enum { AS_PENDING = 0, AS_DONE = 1 };

struct as_task {
  struct as_loop *L;
  uint64_t task;
  const gb_group *g;
  int gi, phase;      /* group index, current phase */
  int starting, sync; /* inside the twin's start; the op completed there */
  uint64_t r;         /* the result so far (gb_task_begin/gb_task_mix) */
  uint8_t *in, *out;  /* payloads, in the same allocation */
  size_t in_len, out_len;
  as_task *prev, *next; /* the loop's list of live tasks */
  const gb_phase *ph;   /* the I/O phase being run */
  gb_io_async io;       /* its op, as the twin sees it */
};
/* The record is followed by the room its group's twins need for their own state (aligned for any
 * type), then the payloads and the op buffer. */
#define AS_TASK_HEAD                                                                                         \
  ((sizeof(as_task) + _Alignof(max_align_t) - 1) / _Alignof(max_align_t) * _Alignof(max_align_t))

/* One op's state in one loop. */
typedef struct as_opstate {
  const gb_ioop *op;
  void *ls;
  int open; /* loop_open succeeded: loop_close is due */
} as_opstate;

typedef struct as_loop {
  uv_loop_t loop;
  gb_pool_worker *pw;
  const gb_job *job;
  gb_ctx ctx;
  as_stats *st;
  as_opstate ops[GB_IO_MAX_OPS];
  int nops;
  as_opstate *phase_op[GB_MAX_GROUPS][GB_MAX_PHASES];          /* per I/O phase */
  size_t state_bytes[GB_MAX_GROUPS], buf_bytes[GB_MAX_GROUPS]; /* per group: the most its twins need */
  unsigned char cpu_only[GB_MAX_GROUPS]; /* per group: no I/O phase (its tasks never wait) */
  /* hand-out */
  gb_sched_cursor cur;
  uint64_t cb, ce; /* the current chunk's next and end task */
  int exhausted, filling;
  uint64_t inflight, cap;
  as_task live; /* sentinel of the live-task list */
  /* metrics */
  uv_check_t check;
  size_t heap0; /* malloc'd bytes before the first task */
  uint64_t sampled_peak;
  as_task *spare; /* the last finished task's record, kept for the next of its group:
                     a task that completes at once (CPU phases only) costs no malloc */
} as_loop;

/* Under a sanitizer, malloc is the sanitizer's and glibc's mallinfo2 must not be called (it walks
 * arenas that were never set up); the heap metric is then left out. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define AS_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define AS_SANITIZED 1
#endif
#endif

/* Bytes malloc has handed out and not taken back, over every arena (0 under a sanitizer). */
static size_t as_heap_bytes(void) {
#ifdef AS_SANITIZED
  return 0;
#else
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
#endif
}

static void as_fill(as_loop *L);
static void as_advance(as_task *T);

/* The twin's done: the op's latency (or its failure, the worker's first kept and reported by the
 * runner) and result; then the task goes on and the loop refills, unless the op completed inside
 * its start (as_io_start goes on then). */
static void as_io_done(gb_io_async *a, uint64_t result, const char *err) {
  as_task *T = (as_task *)((char *)a - offsetof(as_task, io));
  const gb_phase *ph = T->ph;
  if (err)
    gb_io_fail("%s op of task %llu: %s", ph->op->name, (unsigned long long)T->task, err);
  else
    gb_io_op_done(ph->op, &ph->params, T->task, gb_now_ns() - a->t0);
  T->r = gb_task_mix(T->r, err ? 0 : result);
  T->phase++;
  if (T->starting) {
    T->sync = 1;
    return;
  }
  as_loop *L = T->L;
  as_advance(T);
  as_fill(L);
}

/* Start T's I/O phase ph through its op's twin: AS_DONE when it is over already (its result
 * mixed in, the phase advanced), AS_PENDING when the twin calls done later. */
static int as_io_start(as_task *T, const gb_phase *ph) {
  as_loop *L = T->L;
  gb_io_async *a = &T->io;
  T->ph = ph;
  a->t0 = gb_now_ns();
  a->call = (gb_io_call){.task = T->task, .in = T->in, .in_len = T->in_len};
  if (gb_fault_hits(GB_FAULT_SKIPIO, T->task)) { /* test-only: the op does no I/O */
    uint64_t result = ph->op->skipped(&ph->params, &a->call);
    gb_io_op_done(ph->op, &ph->params, T->task, gb_now_ns() - a->t0);
    T->r = gb_task_mix(T->r, result);
    T->phase++;
    return AS_DONE;
  }
  if (gb_io_failed()) { /* after a failure the worker's later ops fail at once */
    T->phase++;
    T->r = gb_task_mix(T->r, 0);
    return AS_DONE;
  }
  a->loop = &L->loop;
  a->loop_state = L->phase_op[T->gi][T->phase]->ls;
  a->p = &ph->params;
  a->done = as_io_done;
  T->sync = 0;
  T->starting = 1;
  ph->op->twin->start(a);
  T->starting = 0;
  return T->sync ? AS_DONE : AS_PENDING;
}

/* ---- tasks ---- */

/* The index of task t's group. */
static int as_group_index(const gb_workload *wl, uint64_t t) {
  int gi = 0;
  while (t >= (uint64_t)wl->groups[gi].tasks)
    t -= (uint64_t)wl->groups[gi].tasks, gi++;
  return gi;
}

static as_task *as_task_new(as_loop *L, uint64_t t, int gi) {
  const gb_group *g = &L->job->wl->groups[gi];
  size_t in_len = (size_t)g->input_bytes, out_len = (size_t)g->output_bytes, sb = L->state_bytes[gi];
  as_task *T = L->spare && L->spare->gi == gi
                   ? L->spare
                   : gb_xmalloc(AS_TASK_HEAD + sb + in_len + out_len + L->buf_bytes[gi]);
  if (T == L->spare) L->spare = NULL;
  memset(T, 0, sizeof *T);
  T->L = L;
  T->task = t;
  T->g = g;
  T->gi = gi;
  T->io.state = (char *)T + AS_TASK_HEAD;
  T->in = (uint8_t *)T->io.state + sb;
  T->out = T->in + in_len;
  T->io.buf = T->out + out_len;
  T->in_len = in_len;
  T->out_len = out_len;
  T->r = gb_task_begin(t);
  gb_payload_input(t, T->in, in_len);
  gb_payload_received_in(t, T->in, in_len);
  T->next = L->live.next; /* into the live list */
  T->prev = &L->live;
  L->live.next->prev = T;
  L->live.next = T;
  return T;
}

/* All phases done: the output payload, the checksum term, and the task leaves the loop. */
static void as_task_finish(as_task *T) {
  as_loop *L = T->L;
  uint64_t partial = gb_task_finish(T->r, T->in, T->in_len, T->out, T->out_len);
  gb_payload_received_out(T->task, T->out, T->out_len);
  L->pw->sum += gb_checksum_term(T->task, gb_task_result(T->task, partial, T->out, T->out_len));
  L->pw->tasks++;
  T->prev->next = T->next;
  T->next->prev = T->prev;
  if (L->spare) free(L->spare);
  L->spare = T;
  L->inflight--;
}

/* Run T's phases from the current one: CPU phases inline, until an I/O op is pending. */
static void as_advance(as_task *T) {
  as_loop *L = T->L;
  while (T->phase < T->g->nphases) {
    const gb_phase *ph = &T->g->phases[T->phase];
    if (ph->kind == GB_PHASE_CPU) {
      T->r = gb_task_mix(T->r, gb_kernel_phase_run(ph, &L->ctx, T->task, T->in, T->in_len));
      T->phase++;
    } else if (as_io_start(T, ph) == AS_PENDING) {
      return;
    }
  }
  as_task_finish(T);
}

/* The next task of this loop's share, if any. */
static int as_next_task(as_loop *L, uint64_t *t) {
  if (L->cb >= L->ce) {
    gb_worker_sample(); /* once per chunk, as every strategy */
    if (L->exhausted || !gb_sched_next(&L->pw->pool->sched, L->pw->index, &L->cur, &L->cb, &L->ce)) {
      L->exhausted = 1;
      return 0;
    }
  }
  *t = L->cb++;
  return 1;
}

/* Start tasks until `cap` are in flight or none is left. Not reentrant: a task that completes at
 * once, while we start it, comes back here and returns; the loop below goes on. */
static void as_fill(as_loop *L) {
  if (L->filling) return;
  L->filling = 1;
  uint64_t t;
  while (L->inflight < L->cap && as_next_task(L, &t)) {
    int gi = as_group_index(L->job->wl, t);
    L->inflight++;
    if (L->inflight > L->st->peak) L->st->peak = L->inflight;
    if (L->cpu_only[gi]) { /* it never waits: start to end now, as serial runs it, and no record */
      L->pw->sum += gb_checksum_term(t, gb_task_run_local(L->job->wl, &L->ctx, t, L->pw->in, L->pw->out));
      L->pw->tasks++;
      L->inflight--;
      continue;
    }
    as_advance(as_task_new(L, t, gi));
  }
  L->filling = 0;
  if (L->st->peak > L->sampled_peak + L->sampled_peak / 4) { /* memory at a new peak */
    L->sampled_peak = L->st->peak;
    size_t now = as_heap_bytes();
    L->st->heap_per_task = now > L->heap0 ? (double)(now - L->heap0) / (double)L->st->peak : 0;
  }
}

static void as_check_cb(uv_check_t *h) {
  ((as_loop *)h->data)->st->iterations++;
}

static void as_close_rest(uv_handle_t *h, void *arg) {
  (void)arg;
  if (!uv_is_closing(h)) uv_close(h, NULL);
}

/* The loop's state of op (made and opened on first use). NULL with err when the op has no twin or
 * its state cannot be set up. */
static as_opstate *as_op_state(as_loop *L, const gb_ioop *op, char *err, size_t errlen) {
  for (int i = 0; i < L->nops; i++)
    if (L->ops[i].op == op) return &L->ops[i];
  if (!op->twin) {
    snprintf(err, errlen, "the async strategy has no non-blocking twin of I/O op '%s'", op->name);
    return NULL;
  }
  GB_ASSERT(L->nops < GB_IO_MAX_OPS);
  as_opstate *os = &L->ops[L->nops++];
  os->op = op;
  os->ls = gb_xcalloc(1, op->twin->loop_bytes ? op->twin->loop_bytes : 1);
  if (op->twin->loop_open &&
      op->twin->loop_open(os->ls, &L->loop, L->job->scratch_dir, L->job->io_port, err, errlen) != 0)
    return NULL;
  os->open = 1;
  return os;
}

/* Each I/O phase's op state, and per group the room its twins need. 0, or -1 with the loop's error. */
static int as_ops_open(as_loop *L) {
  const gb_workload *wl = L->job->wl;
  for (int g = 0; g < wl->ngroups; g++) {
    L->cpu_only[g] = 1;
    for (int p = 0; p < wl->groups[g].nphases; p++) {
      const gb_phase *ph = &wl->groups[g].phases[p];
      if (ph->kind != GB_PHASE_IO) continue;
      L->cpu_only[g] = 0;
      as_opstate *os = as_op_state(L, ph->op, L->st->error, sizeof L->st->error);
      if (!os) return -1;
      L->phase_op[g][p] = os;
      const gb_io_twin *tw = ph->op->twin;
      size_t sb =
          (tw->task_bytes + _Alignof(max_align_t) - 1) / _Alignof(max_align_t) * _Alignof(max_align_t);
      size_t bb = tw->buf_bytes ? tw->buf_bytes(&ph->params) : 0;
      if (sb > L->state_bytes[g]) L->state_bytes[g] = sb;
      if (bb > L->buf_bytes[g]) L->buf_bytes[g] = bb;
    }
  }
  return 0;
}

/* Before the start line (startup): create this worker's loop, its ops' states and its check
 * handle. pw->state is the loop, or NULL when the loop could not be made (the error is in its
 * stats; an op's failure is there too, and the loop is kept for cleanup). */
static void async_setup(gb_pool_worker *pw) {
  const gb_job *job = pw->pool->job;
  as_shared *sh = pw->pool->shared;
  as_loop *L = gb_xcalloc(1, sizeof *L);
  L->pw = pw;
  L->job = job;
  L->st = &sh->st[pw->index];
  L->live.next = L->live.prev = &L->live;
  gb_ctx_init(&L->ctx, pw->index);
  uint64_t share = (job->ntasks + (uint64_t)job->workers - 1) / (uint64_t)job->workers;
  L->cap = job->opts[ASYNC_OPT_CONCURRENCY] > 0 ? (uint64_t)job->opts[ASYNC_OPT_CONCURRENCY] : share;
  if (L->cap < 1) L->cap = 1;
  int rc = uv_loop_init(&L->loop);
  if (rc != 0) {
    snprintf(L->st->error, sizeof L->st->error, "setting up the event loop: %s", uv_strerror(rc));
    free(L);
    pw->state = NULL;
    return;
  }
  pw->state = L;
  if (as_ops_open(L) != 0) return;
  L->check.data = L;
  uv_check_init(&L->loop, &L->check);
  uv_check_start(&L->check, as_check_cb);
  uv_unref((uv_handle_t *)&L->check);
}

/* The timed part: run every task of the share on the loop. */
static void async_worker(gb_pool_worker *pw) {
  as_loop *L = pw->state;
  if (!L || L->st->error[0]) return;
  L->heap0 = as_heap_bytes();
  as_fill(L);
  uv_run(&L->loop, UV_RUN_DEFAULT); /* returns when nothing is pending: every task is done */
  if (L->inflight)
    snprintf(L->st->error, sizeof L->st->error, "the event loop stalled with %llu tasks in flight",
             (unsigned long long)L->inflight);
}

/* After the end hook (teardown): close the loop and free what it held. */
static void async_cleanup(gb_pool_worker *pw) {
  as_loop *L = pw->state;
  if (!L) return;
  while (L->live.next != &L->live) { /* only after a stall: free what never finished */
    as_task *T = L->live.next;
    L->live.next = T->next;
    free(T);
  }
  for (int i = 0; i < L->nops; i++)
    if (L->ops[i].open && L->ops[i].op->twin->loop_close) L->ops[i].op->twin->loop_close(L->ops[i].ls);
  uv_walk(&L->loop, as_close_rest, NULL);
  uv_run(&L->loop, UV_RUN_DEFAULT); /* the close callbacks */
  uv_loop_close(&L->loop);
  for (int i = 0; i < L->nops; i++)
    free(L->ops[i].ls);
  free(L->spare);
  free(L);
  pw->state = NULL;
}

static int async_run(const gb_job *job, gb_rep *rep) {
  as_shared sh = {.st = gb_xcalloc((size_t)job->workers, sizeof *sh.st)};
  int rc = gb_pool_run_with(job, rep, async_setup, async_worker, async_cleanup, &sh);
  for (int i = 0; i < job->workers; i++) {
    gb_metric_add(rep, "loop_iterations", (double)sh.st[i].iterations);
    gb_metric_add(rep, "peak_inflight", (double)sh.st[i].peak);
#ifndef AS_SANITIZED
    gb_metric_add(rep, "heap_per_inflight_bytes", sh.st[i].heap_per_task);
#endif
    if (sh.st[i].error[0] && rc == 0) rc = gb_rep_fail(rep, GB_EIO, "loop %d: %s", i, sh.st[i].error);
  }
  free(sh.st);
  return rc;
}

static const char *async_unavailable(void) {
  return NULL;
}

#else /* no libuv */

const char *gb_async_libuv_version(void) {
  return NULL;
}

static int async_run(const gb_job *job, gb_rep *rep) {
  (void)job;
  return gb_rep_fail(rep, GB_EUNAVAIL, "built without libuv");
}

static const char *async_unavailable(void) {
  return "built without libuv";
}
#endif

const gb_strategy gb_strategy_async = {
    .name = "async",
    .summary = "asyncio: event loops on libuv, one per worker thread, many tasks in flight each",
    .caps = GB_CAP_PARALLEL_CPU | GB_CAP_SHARED_MEMORY | GB_CAP_OVERLAPS_IO,
    .baseline = "serial",
    .options = async_options,
    .noptions = (int)GB_ARRAY_LEN(async_options),
    .metrics = async_metrics,
    .nmetrics = (int)GB_ARRAY_LEN(async_metrics),
    .unavailable = async_unavailable,
    .run = async_run,
};
