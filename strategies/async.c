/* async.c: asyncio, on libuv. `workers` event loops, one per thread, with no lock between them;
 * each keeps up to async.concurrency tasks in flight (default: all of its share of the tasks). A
 * task's CPU phases run inline and block their loop, as a CPU-bound coroutine blocks asyncio; its
 * I/O phases are non-blocking twins of the blocking ops:
 *   sleep: a per-loop timer heap on a timerfd watched by a uv_poll_t (microsecond deadlines;
 *          uv_timer_t ticks in whole milliseconds of a cached clock, so it would end a 1 ms sleep
 *          anywhere between 0 and 2 ms, where asyncio's call_at and clock_nanosleep keep time);
 *   tcp:   a per-loop pool of up to `connections` uv_tcp_t connections, opened on demand, each
 *          carrying one request at a time (more requests wait for a free one, as aiohttp's
 *          connector limit makes them);
 *   file:  uv_fs open, read or write, fsync, close (libuv's thread pool does the blocking), at
 *          most GB_IO_LOOP_MAX_FILES at once per loop.
 * The twins are here, keyed by op name, rather than in the op descriptors: they need libuv,
 * which is optional, and they reuse the descriptors' request and digest helpers (ioop.h), so a
 * twin computes the very result its blocking op does. Every registered op must have a twin here
 * (a unit test checks; a cell whose workload uses one without fails with the reason).
 * Metrics: loop iterations, the peak of tasks in flight and the heap growth per in-flight task. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ioop.h"
#include "strategies.h" /* gb_async_libuv_version, gb_async_has_twin */
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
#include <sys/timerfd.h>
#include <unistd.h>
#include <uv.h>

const char *gb_async_libuv_version(void) {
  return uv_version_string();
}

struct as_loop;
struct as_conn;
typedef struct as_task as_task;
enum { AS_PENDING = 0, AS_DONE = 1 };
/* An op's twin: start the op for T; AS_DONE (with *result) when it completed at once. */
typedef int (*as_start_fn)(as_task *T, const gb_phase *ph, uint64_t *result);

struct as_task {
  struct as_loop *L;
  uint64_t task;
  const gb_group *g;
  int gi, phase;     /* group index, current phase */
  uint64_t r;        /* the result so far (gb_task_begin/gb_task_mix) */
  uint64_t t0;       /* when the current op started */
  uint8_t *in, *out; /* payloads, in the same allocation */
  size_t in_len, out_len;
  uint8_t *buf;         /* the op buffer: tcp request + reply, or file data */
  as_task *prev, *next; /* the loop's list of live tasks */
  as_task *next_wait;   /* in a wait queue (connection or file slot) */
  const gb_phase *ph;   /* the op being run */
  /* sleep */
  uint64_t deadline;
  int heap_idx;
  /* tcp */
  struct as_conn *conn;
  size_t req_len, got, want;
  int wrote, read; /* the write callback came; the reply is in (or reading ended) */
  int tcp_err;
  /* file */
  uv_file fd;
  size_t done;
  int stage;
  /* libuv's requests, last: libuv initializes them when one is issued, so a new task zeroes only
   * the fields above (what a task that never does I/O costs) */
  uv_write_t wr;
  uv_fs_t fs;
};

typedef struct as_conn {
  uv_tcp_t h;
  uv_connect_t creq;
  struct as_loop *L;
  as_task *cur; /* the task it carries, or waits to connect for */
  struct as_conn *next_free;
  int broken; /* closed after an error: never back in the pool */
} as_conn;

typedef struct as_queue {
  as_task *head, *tail;
} as_queue;

typedef struct as_loop {
  uv_loop_t loop;
  gb_pool_worker *pw;
  const gb_job *job;
  gb_ctx ctx;
  as_stats *st;
  as_start_fn twin[GB_MAX_GROUPS][GB_MAX_PHASES]; /* per I/O phase */
  /* hand-out */
  gb_sched_cursor cur;
  uint64_t cb, ce; /* the current chunk's next and end task */
  int exhausted, filling;
  uint64_t inflight, cap;
  as_task live; /* sentinel of the live-task list */
  /* timers */
  uv_poll_t tpoll;
  int tfd, tpoll_ref;
  int firing; /* th_fired is serving expired timers */
  as_task **heap;
  int nheap, capheap;
  uint64_t armed_ns;
  /* tcp */
  as_conn *free_conns;
  int nconns; /* open or opening */
  as_queue conn_wait;
  struct sockaddr_in addr;
  /* files */
  int files_open;
  as_queue file_wait;
  /* metrics */
  uv_check_t check;
  size_t heap0; /* malloc'd bytes before the first task */
  uint64_t sampled_peak;
  as_task *spare; /* the last finished task's record, kept for the next of its group:
                     a task that completes at once (CPU phases only) costs no malloc */
} as_loop;

static void as_queue_push(as_queue *q, as_task *T) {
  T->next_wait = NULL;
  if (q->tail)
    q->tail->next_wait = T;
  else
    q->head = T;
  q->tail = T;
}

static as_task *as_queue_pop(as_queue *q) {
  as_task *T = q->head;
  if (T) {
    q->head = T->next_wait;
    if (!q->head) q->tail = NULL;
  }
  return T;
}

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

/* The current op of T is over (result mixed in); go on with the task, then refill the loop. */
static void as_op_complete(as_task *T, uint64_t result, int ok) {
  if (ok) gb_io_op_done(T->ph->op, &T->ph->params, T->task, gb_now_ns() - T->t0);
  T->r = gb_task_mix(T->r, result);
  T->phase++;
  as_loop *L = T->L;
  as_advance(T);
  as_fill(L);
}

/* Record an op's failure (the worker's first is kept and reported by the runner). */
static void as_op_failed(as_task *T, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void as_op_failed(as_task *T, const char *fmt, ...) {
  char msg[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  gb_io_fail("%s op of task %llu: %s", T->ph->op->name, (unsigned long long)T->task, msg);
}

/* ---- sleep: the timer heap ---- */

static void th_swap(as_loop *L, int a, int b) {
  as_task *t = L->heap[a];
  L->heap[a] = L->heap[b];
  L->heap[b] = t;
  L->heap[a]->heap_idx = a;
  L->heap[b]->heap_idx = b;
}

static void th_push(as_loop *L, as_task *T) {
  if (L->nheap == L->capheap) {
    L->capheap = L->capheap ? 2 * L->capheap : 256;
    L->heap = gb_xrealloc(L->heap, sizeof *L->heap * (size_t)L->capheap);
  }
  int i = L->nheap++;
  L->heap[i] = T;
  T->heap_idx = i;
  while (i > 0 && L->heap[(i - 1) / 2]->deadline > L->heap[i]->deadline) {
    th_swap(L, i, (i - 1) / 2);
    i = (i - 1) / 2;
  }
}

static as_task *th_pop(as_loop *L) {
  as_task *top = L->heap[0];
  L->heap[0] = L->heap[--L->nheap];
  L->heap[0]->heap_idx = 0;
  for (int i = 0;;) {
    int l = 2 * i + 1, r = l + 1, m = i;
    if (l < L->nheap && L->heap[l]->deadline < L->heap[m]->deadline) m = l;
    if (r < L->nheap && L->heap[r]->deadline < L->heap[m]->deadline) m = r;
    if (m == i) break;
    th_swap(L, i, m);
    i = m;
  }
  top->heap_idx = -1;
  return top;
}

/* Arm the timerfd for the earliest deadline, only when it comes before the one armed: in a VM
 * timerfd_settime costs microseconds, and a timer that fires with nothing due is harmless (the
 * heap is looked at, the timer rearmed). Not while expired timers are being served: th_fired
 * rearms once at the end. The poll handle keeps the loop alive only while a task sleeps. */
static void th_rearm(as_loop *L) {
  uint64_t due = L->nheap ? L->heap[0]->deadline : 0;
  if (!L->firing && due && (L->armed_ns == 0 || due < L->armed_ns)) {
    struct itimerspec its = {{0, 0}, {(time_t)(due / 1000000000u), (long)(due % 1000000000u)}};
    timerfd_settime(L->tfd, TFD_TIMER_ABSTIME, &its, NULL);
    L->armed_ns = due;
  }
  if (L->nheap && !L->tpoll_ref) uv_ref((uv_handle_t *)&L->tpoll), L->tpoll_ref = 1;
  if (!L->nheap && L->tpoll_ref) uv_unref((uv_handle_t *)&L->tpoll), L->tpoll_ref = 0;
}

static void th_fired(uv_poll_t *h, int status, int events) {
  (void)status;
  (void)events;
  as_loop *L = h->data;
  uint64_t ticks;
  if (read(L->tfd, &ticks, sizeof ticks) < 0) { /* EAGAIN: re-armed since it fired */
  }
  L->armed_ns = 0;
  L->firing = 1;
  uint64_t now = gb_now_ns();
  while (L->nheap && L->heap[0]->deadline <= now) {
    as_task *T = th_pop(L);
    as_op_complete(T, gb_sleep_result(&T->ph->params, &(gb_io_call){T->task, T->in, T->in_len}), 1);
  }
  L->firing = 0;
  th_rearm(L);
}

static int as_sleep_start(as_task *T, const gb_phase *ph, uint64_t *result) {
  (void)result;
  T->deadline = T->t0 + (uint64_t)ph->params.v[GB_SLEEP_P_US] * 1000u;
  th_push(T->L, T);
  th_rearm(T->L);
  return AS_PENDING;
}

/* ---- tcp: the connection pool ---- */

static void as_conn_closed(uv_handle_t *h) {
  free(h->data);
}

static void as_tcp_send(as_task *T, as_conn *c);

/* Give a free connection to the next waiting task, or back to the pool. */
static void as_conn_release(as_loop *L, as_conn *c) {
  c->cur = NULL;
  as_task *W = as_queue_pop(&L->conn_wait);
  if (W) {
    as_tcp_send(W, c);
    return;
  }
  c->next_free = L->free_conns;
  L->free_conns = c;
}

/* Close a broken connection; tasks waiting for one then fail too, when no connection is left to
 * serve them (the worker has failed: its later ops fail at once). */
static void as_conn_break(as_loop *L, as_conn *c) {
  if (c->broken) return;
  c->broken = 1;
  L->nconns--;
  uv_close((uv_handle_t *)&c->h, as_conn_closed);
  if (L->nconns > 0) return;
  as_task *W;
  while ((W = as_queue_pop(&L->conn_wait))) {
    as_op_failed(W, "no connection to the server is left");
    as_op_complete(W, 0, 0);
  }
}

/* The write callback or the whole reply came (or failed): when both are in, the op is over (the
 * write request lives in T, so T must not move on before its callback). */
static void as_tcp_step(as_task *T) {
  if (!T->wrote || !T->read) return;
  as_conn *c = T->conn;
  T->conn = NULL;
  uint64_t result = 0;
  if (T->tcp_err)
    as_conn_break(T->L, c);
  else {
    result = gb_tcp_result(T->buf + T->req_len, T->want);
    as_conn_release(T->L, c);
  }
  as_op_complete(T, result, !T->tcp_err);
}

static void as_tcp_error(as_task *T, const char *what, int status) {
  if (!T->tcp_err) as_op_failed(T, "%s: %s", what, uv_strerror(status));
  T->tcp_err = 1;
}

static void as_tcp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  (void)suggested;
  as_conn *c = h->data;
  as_task *T = c->cur;
  static _Thread_local char spill[4096]; /* bytes nobody asked for: a protocol error below */
  if (!T || T->got >= T->want)
    *buf = uv_buf_init(spill, sizeof spill);
  else
    *buf = uv_buf_init((char *)T->buf + T->req_len + T->got, (unsigned)(T->want - T->got));
}

static void as_tcp_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
  (void)buf;
  as_conn *c = s->data;
  as_task *T = c->cur;
  if (nread == 0 || !T || T->read) return;
  if (nread < 0 || T->got + (size_t)nread > T->want) {
    as_tcp_error(T, "receive", nread < 0 ? (int)nread : UV_EPROTO);
  } else {
    T->got += (size_t)nread;
    if (T->got < T->want) return;
  }
  uv_read_stop(s);
  T->read = 1;
  as_tcp_step(T);
}

static void as_tcp_written(uv_write_t *req, int status) {
  as_task *T = req->data;
  T->wrote = 1;
  if (status < 0) {
    as_tcp_error(T, "send", status);
    if (!T->read) { /* no reply will come for a request that was not sent */
      uv_read_stop((uv_stream_t *)&T->conn->h);
      T->read = 1;
    }
  }
  as_tcp_step(T);
}

/* Send T's request on connection c and read the reply. */
static void as_tcp_send(as_task *T, as_conn *c) {
  T->conn = c;
  c->cur = T;
  T->wrote = T->read = 0;
  T->wr.data = T;
  uv_buf_t b = uv_buf_init((char *)T->buf, (unsigned)T->req_len);
  int rc = uv_write(&T->wr, (uv_stream_t *)&c->h, &b, 1, as_tcp_written);
  if (rc < 0) { /* not queued: no callback will come */
    as_tcp_error(T, "send", rc);
    T->wrote = T->read = 1;
    as_tcp_step(T);
    return;
  }
  rc = uv_read_start((uv_stream_t *)&c->h, as_tcp_alloc, as_tcp_read);
  if (rc < 0) {
    as_tcp_error(T, "receive", rc);
    T->read = 1;
    as_tcp_step(T); /* completes once the write callback came */
  }
}

static void as_tcp_connected(uv_connect_t *req, int status) {
  as_conn *c = req->data;
  as_task *T = c->cur;
  if (status < 0) {
    T->conn = c;
    T->wrote = T->read = 1;
    as_tcp_error(T, "connect", status);
    as_tcp_step(T);
    return;
  }
  as_tcp_send(T, c);
}

static int as_tcp_start(as_task *T, const gb_phase *ph, uint64_t *result) {
  as_loop *L = T->L;
  T->req_len = gb_tcp_request_build(&ph->params, &(gb_io_call){T->task, T->in, T->in_len}, T->buf);
  T->want = (size_t)ph->params.v[GB_TCP_P_BYTES];
  T->got = 0;
  T->tcp_err = 0;
  if (L->free_conns) {
    as_conn *c = L->free_conns;
    L->free_conns = c->next_free;
    as_tcp_send(T, c);
    return AS_PENDING;
  }
  if (L->nconns >= ph->params.v[GB_TCP_P_CONNECTIONS]) {
    as_queue_push(&L->conn_wait, T); /* every connection is busy: wait for one */
    return AS_PENDING;
  }
  as_conn *c = gb_xcalloc(1, sizeof *c);
  c->L = L;
  c->cur = T;
  c->h.data = c;
  c->creq.data = c;
  int rc = uv_tcp_init(&L->loop, &c->h);
  if (rc == 0) {
    L->nconns++;
    uv_tcp_nodelay(&c->h, 1);
    rc = uv_tcp_connect(&c->creq, &c->h, (const struct sockaddr *)&L->addr, as_tcp_connected);
    if (rc < 0) {
      as_op_failed(T, "connect: %s", uv_strerror(rc));
      as_conn_break(L, c);
      *result = 0;
      return AS_DONE;
    }
    return AS_PENDING;
  }
  free(c);
  as_op_failed(T, "uv_tcp_init: %s", uv_strerror(rc));
  *result = 0;
  return AS_DONE;
}

/* ---- file: uv_fs, one stage after another ---- */

enum { FS_OPEN, FS_IO, FS_SYNC, FS_CLOSE };

static void as_file_next(as_task *T);

static void as_file_finish(as_task *T, int ok) {
  as_loop *L = T->L;
  L->files_open--;
  as_task *W = as_queue_pop(&L->file_wait);
  if (W) as_file_next(W); /* its open, now that a slot is free */
  size_t n = (size_t)T->ph->params.v[GB_FILE_P_BYTES];
  as_op_complete(T, ok ? gb_file_result(&T->ph->params, T->task, T->buf, n) : 0, ok);
}

static void as_file_cb(uv_fs_t *req) {
  as_task *T = req->data;
  ssize_t res = req->result;
  uv_fs_req_cleanup(req);
  const gb_kparams *p = &T->ph->params;
  size_t n = (size_t)p->v[GB_FILE_P_BYTES];
  int writing = p->v[GB_FILE_P_MODE] == GB_FILE_WRITE;
  static const char *const what[] = {"open", "read/write", "fsync", "close"};
  if (res < 0 || (T->stage == FS_IO && res == 0)) {
    as_op_failed(T, "%s: %s", what[T->stage], res < 0 ? uv_strerror((int)res) : "short read");
    if (T->stage != FS_OPEN && T->stage != FS_CLOSE) {
      uv_fs_t c;
      uv_fs_close(NULL, &c, T->fd, NULL); /* synchronous: the op is failing anyway */
      uv_fs_req_cleanup(&c);
    }
    as_file_finish(T, 0);
    return;
  }
  switch (T->stage) {
  case FS_OPEN: T->fd = (uv_file)res, T->stage = FS_IO, T->done = 0; break;
  case FS_IO:
    T->done += (size_t)res;
    if (T->done == n) T->stage = writing && p->v[GB_FILE_P_FSYNC] ? FS_SYNC : FS_CLOSE;
    break;
  case FS_SYNC: T->stage = FS_CLOSE; break;
  case FS_CLOSE: as_file_finish(T, 1); return;
  }
  as_file_next(T);
}

/* Issue the request of T's current stage. */
static void as_file_next(as_task *T) {
  as_loop *L = T->L;
  const gb_kparams *p = &T->ph->params;
  size_t n = (size_t)p->v[GB_FILE_P_BYTES];
  int writing = p->v[GB_FILE_P_MODE] == GB_FILE_WRITE, rc = 0;
  T->fs.data = T;
  if (T->stage == FS_OPEN) {
    char path[4096 + 64];
    gb_file_path(L->job->scratch_dir, p, T->task, path, sizeof path);
    int flags = writing ? O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC : O_RDONLY | O_CLOEXEC;
    rc = uv_fs_open(&L->loop, &T->fs, path, flags, 0644, as_file_cb);
  } else if (T->stage == FS_IO) {
    uv_buf_t b = uv_buf_init((char *)T->buf + T->done, (unsigned)(n - T->done));
    rc = writing ? uv_fs_write(&L->loop, &T->fs, T->fd, &b, 1, -1, as_file_cb)
                 : uv_fs_read(&L->loop, &T->fs, T->fd, &b, 1, -1, as_file_cb);
  } else if (T->stage == FS_SYNC) {
    rc = uv_fs_fsync(&L->loop, &T->fs, T->fd, as_file_cb);
  } else {
    rc = uv_fs_close(&L->loop, &T->fs, T->fd, as_file_cb);
  }
  if (rc < 0) { /* not even queued: fail as the callback would */
    T->fs.result = rc;
    as_file_cb(&T->fs);
  }
}

static int as_file_start(as_task *T, const gb_phase *ph, uint64_t *result) {
  (void)result;
  as_loop *L = T->L;
  if (ph->params.v[GB_FILE_P_MODE] == GB_FILE_WRITE)
    gb_file_write_data(&ph->params, &(gb_io_call){T->task, T->in, T->in_len}, T->buf);
  T->stage = FS_OPEN;
  T->fd = -1;
  if (L->files_open >= GB_IO_LOOP_MAX_FILES) {
    as_queue_push(&L->file_wait, T);
    L->files_open++; /* counted now: as_file_finish hands its slot over */
    return AS_PENDING;
  }
  L->files_open++;
  as_file_next(T);
  return AS_PENDING;
}

/* ---- null: done at once, as the blocking op ---- */

static int as_null_start(as_task *T, const gb_phase *ph, uint64_t *result) {
  (void)ph;
  gb_io_call call = {.task = T->task, .in = T->in, .in_len = T->in_len};
  *result = gb_null_io_result(&call);
  gb_io_latency_add(gb_now_ns() - T->t0);
  return AS_DONE;
}

/* ---- the twins, keyed by op name ---- */

static const struct {
  const char *op;
  as_start_fn start;
} as_twins[] = {
    {"sleep", as_sleep_start}, {"tcp", as_tcp_start}, {"file", as_file_start}, {"null", as_null_start}};

static as_start_fn as_twin_find(const char *op) {
  for (size_t i = 0; i < GB_ARRAY_LEN(as_twins); i++)
    if (strcmp(as_twins[i].op, op) == 0) return as_twins[i].start;
  return NULL;
}

int gb_async_has_twin(const char *op) {
  return as_twin_find(op) != NULL;
}

/* ---- tasks ---- */

/* Bytes a task of group g needs for its op buffer. */
static size_t as_buf_bytes(const gb_group *g) {
  size_t m = 0;
  for (int p = 0; p < g->nphases; p++) {
    const gb_phase *ph = &g->phases[p];
    if (ph->kind != GB_PHASE_IO) continue;
    size_t b = 0;
    if (strcmp(ph->op->name, "tcp") == 0)
      b = GB_TCP_HEADER + 2 * (size_t)ph->params.v[GB_TCP_P_BYTES];
    else if (strcmp(ph->op->name, "file") == 0)
      b = (size_t)ph->params.v[GB_FILE_P_BYTES];
    if (b > m) m = b;
  }
  return m;
}

static as_task *as_task_new(as_loop *L, uint64_t t) {
  const gb_workload *wl = L->job->wl;
  int gi = 0;
  uint64_t k = t;
  while (k >= (uint64_t)wl->groups[gi].tasks)
    k -= (uint64_t)wl->groups[gi].tasks, gi++;
  const gb_group *g = &wl->groups[gi];
  size_t in_len = (size_t)g->input_bytes, out_len = (size_t)g->output_bytes, bl = as_buf_bytes(g);
  as_task *T = L->spare && L->spare->gi == gi ? L->spare : gb_xmalloc(sizeof *T + in_len + out_len + bl);
  if (T == L->spare) L->spare = NULL;
  memset(T, 0, offsetof(as_task, wr));
  T->L = L;
  T->task = t;
  T->g = g;
  T->gi = gi;
  T->in = (uint8_t *)(T + 1);
  T->out = T->in + in_len;
  T->buf = T->out + out_len;
  T->in_len = in_len;
  T->out_len = out_len;
  T->heap_idx = -1;
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
      continue;
    }
    T->ph = ph;
    T->t0 = gb_now_ns();
    uint64_t result = 0;
    if (gb_fault_hits(GB_FAULT_SKIPIO, T->task)) { /* test-only: the op does no I/O */
      result = ph->op->skipped(&ph->params, &(gb_io_call){T->task, T->in, T->in_len});
      gb_io_op_done(ph->op, &ph->params, T->task, gb_now_ns() - T->t0);
    } else if (!gb_io_failed()) {
      if (L->twin[T->gi][T->phase](T, ph, &result) == AS_PENDING) return;
    }
    T->r = gb_task_mix(T->r, result); /* failed at once, or after an earlier failure */
    T->phase++;
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
    as_task *T = as_task_new(L, t);
    L->inflight++;
    if (L->inflight > L->st->peak) L->st->peak = L->inflight;
    as_advance(T);
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

static void as_close_all(uv_handle_t *h, void *arg) {
  (void)arg;
  if (uv_is_closing(h)) return;
  uv_close(h, h->type == UV_TCP ? as_conn_closed : NULL);
}

/* Before the start line (startup): create this worker's loop, its timer and its check handle.
 * pw->state is the loop, or NULL when setting it up failed (the error is in its stats). */
static void async_setup(gb_pool_worker *pw) {
  const gb_job *job = pw->pool->job;
  as_shared *sh = pw->pool->shared;
  as_loop *L = gb_xcalloc(1, sizeof *L);
  L->pw = pw;
  L->job = job;
  L->st = &sh->st[pw->index];
  L->live.next = L->live.prev = &L->live;
  L->tfd = -1;
  gb_ctx_init(&L->ctx, pw->index);
  uint64_t share = (job->ntasks + (uint64_t)job->workers - 1) / (uint64_t)job->workers;
  L->cap = job->opts[ASYNC_OPT_CONCURRENCY] > 0 ? (uint64_t)job->opts[ASYNC_OPT_CONCURRENCY] : share;
  if (L->cap < 1) L->cap = 1;
  for (int g = 0; g < job->wl->ngroups; g++)
    for (int p = 0; p < job->wl->groups[g].nphases; p++) {
      const gb_phase *ph = &job->wl->groups[g].phases[p];
      if (ph->kind != GB_PHASE_IO) continue;
      L->twin[g][p] = as_twin_find(ph->op->name);
      if (!L->twin[g][p])
        snprintf(L->st->error, sizeof L->st->error,
                 "the async strategy has no non-blocking twin of I/O op '%s'", ph->op->name);
    }
  uv_ip4_addr("127.0.0.1", job->io_port, &L->addr);
  int rc = uv_loop_init(&L->loop);
  if (rc == 0) {
    L->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (L->tfd < 0) rc = -errno;
  }
  if (rc == 0) rc = uv_poll_init(&L->loop, &L->tpoll, L->tfd);
  if (rc != 0) {
    snprintf(L->st->error, sizeof L->st->error, "setting up the event loop: %s", uv_strerror(rc));
    if (L->tfd >= 0) close(L->tfd);
    free(L);
    pw->state = NULL;
    return;
  }
  L->tpoll.data = L;
  uv_poll_start(&L->tpoll, UV_READABLE, th_fired);
  uv_unref((uv_handle_t *)&L->tpoll); /* ref'd only while a task sleeps */
  L->check.data = L;
  uv_check_init(&L->loop, &L->check);
  uv_check_start(&L->check, as_check_cb);
  uv_unref((uv_handle_t *)&L->check);
  pw->state = L;
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
  uv_walk(&L->loop, as_close_all, NULL);
  uv_run(&L->loop, UV_RUN_DEFAULT); /* the close callbacks */
  uv_loop_close(&L->loop);
  close(L->tfd);
  free(L->spare);
  free(L->heap);
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
int gb_async_has_twin(const char *op) {
  (void)op;
  return 0;
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
