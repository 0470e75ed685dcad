/* sleep.c: the `sleep` op, a timer wait: the stand-in for "waiting on something else" (a slow
 * service, a lock held elsewhere). Blocking: one call, clock_nanosleep to an absolute deadline, so
 * a signal cannot make it shorter. Its event-loop twin keeps a per-loop timer heap on a timerfd
 * watched by a uv_poll_t (microsecond deadlines: uv_timer_t ticks in whole milliseconds of a
 * cached clock, so it would end a 1 ms sleep anywhere between 0 and 2 ms, where asyncio's call_at
 * and clock_nanosleep keep time). A sleep measured shorter than asked fails its worker (min_ns). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gb.h"
#include "ioop.h"

enum { SLEEP_P_US = 0 };

static const gb_param_def sleep_params[] = {
    [SLEEP_P_US] =
        {.name = "us", .help = "how long to wait, in microseconds", .def = 1000, .min = 0, .max = 60000000},
};

/* The result depends on the task and the duration only. */
static uint64_t sleep_result(const gb_kparams *p, const gb_io_call *call) {
  return gb_splitmix64(call->task ^ ((uint64_t)p->v[SLEEP_P_US] << 32) ^ 0x51ee9ull);
}

static int sleep_run(gb_ctx *ctx, gb_io_worker *w, const gb_kparams *p, const gb_io_call *call,
                     uint64_t *result, char *err, size_t errlen) {
  (void)w;
  (void)err;
  (void)errlen;
  struct timespec dl;
  clock_gettime(CLOCK_MONOTONIC, &dl);
  int64_t ns = dl.tv_nsec + p->v[SLEEP_P_US] * 1000;
  dl.tv_sec += (time_t)(ns / 1000000000);
  dl.tv_nsec = (long)(ns % 1000000000);
  gb_io_block_begin(ctx);
  int rc;
  while ((rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL)) == EINTR) {
  }
  gb_io_block_end(ctx);
  if (rc != 0) return -rc;
  *result = sleep_result(p, call);
  return 0;
}

static uint64_t sleep_min_ns(const gb_kparams *p) {
  return (uint64_t)p->v[SLEEP_P_US] * 1000u;
}

static double sleep_estimate(const gb_kparams *p) {
  return (double)p->v[SLEEP_P_US] * 1e-6 + 60e-6; /* timer slack and wake-up */
}

/* ---- the event-loop twin: a timer heap per loop ---- */

#ifdef GB_HAVE_LIBUV
#include <sys/timerfd.h>
#include <unistd.h>
#include <uv.h>

typedef struct sl_wait { /* one sleeping op */
  uint64_t deadline;
  int heap_idx;
  gb_io_async *a;
} sl_wait;

typedef struct sl_loop {
  uv_poll_t tpoll;
  int tfd, tpoll_ref;
  int firing; /* sl_fired is serving expired timers */
  sl_wait **heap;
  int nheap, capheap;
  uint64_t armed_ns;
} sl_loop;

static void sl_swap(sl_loop *S, int a, int b) {
  sl_wait *t = S->heap[a];
  S->heap[a] = S->heap[b];
  S->heap[b] = t;
  S->heap[a]->heap_idx = a;
  S->heap[b]->heap_idx = b;
}

static void sl_push(sl_loop *S, sl_wait *T) {
  if (S->nheap == S->capheap) {
    S->capheap = S->capheap ? 2 * S->capheap : 256;
    S->heap = gb_xrealloc(S->heap, sizeof *S->heap * (size_t)S->capheap);
  }
  int i = S->nheap++;
  S->heap[i] = T;
  T->heap_idx = i;
  while (i > 0 && S->heap[(i - 1) / 2]->deadline > S->heap[i]->deadline) {
    sl_swap(S, i, (i - 1) / 2);
    i = (i - 1) / 2;
  }
}

static sl_wait *sl_pop(sl_loop *S) {
  sl_wait *top = S->heap[0];
  S->heap[0] = S->heap[--S->nheap];
  S->heap[0]->heap_idx = 0;
  for (int i = 0;;) {
    int l = 2 * i + 1, r = l + 1, m = i;
    if (l < S->nheap && S->heap[l]->deadline < S->heap[m]->deadline) m = l;
    if (r < S->nheap && S->heap[r]->deadline < S->heap[m]->deadline) m = r;
    if (m == i) break;
    sl_swap(S, i, m);
    i = m;
  }
  top->heap_idx = -1;
  return top;
}

/* Arm the timerfd for the earliest deadline, only when it comes before the one armed: in a VM
 * timerfd_settime costs microseconds, and a timer that fires with nothing due is harmless (the
 * heap is looked at, the timer rearmed). Not while expired timers are being served: sl_fired
 * rearms once at the end. The poll handle keeps the loop alive only while an op sleeps. */
static void sl_rearm(sl_loop *S) {
  uint64_t due = S->nheap ? S->heap[0]->deadline : 0;
  if (!S->firing && due && (S->armed_ns == 0 || due < S->armed_ns)) {
    struct itimerspec its = {{0, 0}, {(time_t)(due / 1000000000u), (long)(due % 1000000000u)}};
    timerfd_settime(S->tfd, TFD_TIMER_ABSTIME, &its, NULL);
    S->armed_ns = due;
  }
  if (S->nheap && !S->tpoll_ref) uv_ref((uv_handle_t *)&S->tpoll), S->tpoll_ref = 1;
  if (!S->nheap && S->tpoll_ref) uv_unref((uv_handle_t *)&S->tpoll), S->tpoll_ref = 0;
}

static void sl_fired(uv_poll_t *h, int status, int events) {
  (void)status;
  (void)events;
  sl_loop *S = h->data;
  uint64_t ticks;
  if (read(S->tfd, &ticks, sizeof ticks) < 0) { /* EAGAIN: re-armed since it fired */
  }
  S->armed_ns = 0;
  S->firing = 1;
  uint64_t now = gb_now_ns();
  while (S->nheap && S->heap[0]->deadline <= now) {
    gb_io_async *a = sl_pop(S)->a;
    a->done(a, sleep_result(a->p, &a->call), NULL); /* may start another sleep: pushed, not armed */
  }
  S->firing = 0;
  sl_rearm(S);
}

static int sl_loop_open(void *ls, uv_loop_t *loop, const char *scratch_dir, int io_port, char *err,
                        size_t errlen) {
  (void)scratch_dir;
  (void)io_port;
  sl_loop *S = ls;
  S->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  int rc = S->tfd < 0 ? -errno : uv_poll_init(loop, &S->tpoll, S->tfd);
  if (rc != 0) {
    snprintf(err, errlen, "the sleep op's timer: %s", uv_strerror(rc));
    if (S->tfd >= 0) close(S->tfd);
    S->tfd = -1;
    return rc;
  }
  S->tpoll.data = S;
  uv_poll_start(&S->tpoll, UV_READABLE, sl_fired);
  uv_unref((uv_handle_t *)&S->tpoll); /* ref'd only while an op sleeps */
  return 0;
}

static void sl_closed(uv_handle_t *h) {
  sl_loop *S = h->data;
  close(S->tfd);
  free(S->heap);
}

static void sl_loop_close(void *ls) {
  sl_loop *S = ls;
  if (S->tfd >= 0) uv_close((uv_handle_t *)&S->tpoll, sl_closed);
}

static void sl_start(gb_io_async *a) {
  sl_wait *T = a->state;
  sl_loop *S = a->loop_state;
  T->a = a;
  T->deadline = a->t0 + (uint64_t)a->p->v[SLEEP_P_US] * 1000u;
  sl_push(S, T);
  sl_rearm(S);
}

static const gb_io_twin sleep_twin = {
    .loop_bytes = sizeof(sl_loop),
    .loop_open = sl_loop_open,
    .loop_close = sl_loop_close,
    .task_bytes = sizeof(sl_wait),
    .start = sl_start,
};
#define SLEEP_TWIN (&sleep_twin)
#else
#define SLEEP_TWIN NULL
#endif

const gb_ioop gb_ioop_sleep = {
    .name = "sleep",
    .summary = "a timer wait: clock_nanosleep, or a microsecond timer on the async loop",
    .params = sleep_params,
    .nparams = (int)GB_ARRAY_LEN(sleep_params),
    .run = sleep_run,
    .expect = sleep_result,
    .skipped = sleep_result, /* the result needs no wait: the measured time catches a skip */
    .min_ns = sleep_min_ns,
    .estimate_s = sleep_estimate,
    .twin = SLEEP_TWIN,
};
