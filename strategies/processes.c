/* processes.c: multiprocessing. A forked pool; the coordinator hands out chunks of tasks and
 * copies every payload both ways, so serialization and IPC cost is real and measured.
 *
 * Two transports, both at one message per chunk each way:
 * - shm (default): per worker, a ring of `inflight` slots in shared memory. The coordinator writes
 *   a chunk's input payloads into a slot and publishes it by bumping a sequence number; the worker
 *   copies them out, runs the tasks, copies the outputs and partial results back into the slot and
 *   bumps its own sequence number. Nobody makes a system call while the other side is busy: a
 *   side that runs out of work spins for `spin_us` (a worker only while the pool and the
 *   coordinator fit on the CPUs, and nobody while its partner sleeps), then sleeps on a futex
 *   after raising a flag, and the other side issues FUTEX_WAKE only when it sees that flag. The
 *   coordinator keeps 8 chunks outstanding per worker, up to the whole ring while chunks are short
 *   (proc_depth), so that a worker that sleeps is woken once per batch of chunks.
 * - pipe: a chunk is one write of its header and input payloads; its results come back as one write
 *   of header, partial results and output payloads; both ends read whatever is in the pipe at once
 *   into a buffer, so a read takes in one chunk or several.
 * Control messages (ready, end of run with the worker's report) always travel over the pipe, whose
 * hang-up also tells the coordinator that a worker died. */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io_util.h"
#include "strategy.h"

enum { PROC_OPT_TRANSFER, PROC_OPT_INFLIGHT, PROC_OPT_SPIN };
enum { PROC_PIPE = 0, PROC_SHM = 1 };
enum { MSG_CHUNK = 1, MSG_QUIT = 2, MSG_RESULTS = 3, MSG_END = 4, MSG_READY = 5 };

static const gb_param_def proc_options[] = {
    [PROC_OPT_TRANSFER] = {"transfer",
                           "how payloads travel: a shared-memory ring with futex wake-ups, or the pipe",
                           PROC_SHM, 0, 1, "pipe|shm"},
    [PROC_OPT_INFLIGHT] = {"inflight",
                           "most chunks outstanding per worker (pipelining): 8, up to this many while "
                           "chunks are short",
                           32, 1, 32, NULL},
    [PROC_OPT_SPIN] = {"spin_us", "shm: microseconds a side polls for work before it sleeps on a futex", 20,
                       0, 100000, NULL},
};

static const gb_metric_def proc_metrics[] = {
    {"ipc_bytes", "bytes", GB_AGG_SUM, "payload and header bytes moved between processes"},
    {"ipc_messages", "count", GB_AGG_SUM, "chunk and result messages exchanged with the workers"},
    {"ipc_syscalls", "count", GB_AGG_SUM,
     "read/write (pipe) or futex wait/wake (shm) calls made to move chunks, both sides"},
};

/* Header of every message, both directions (and of every shared-memory slot). */
typedef struct proc_msg {
  uint32_t type;  /* MSG_* */
  uint32_t slot;  /* ring slot of the chunk */
  uint64_t begin; /* first task of the chunk */
  uint64_t end;   /* one past the last */
} proc_msg;

/* The shared-memory ring of one worker: its two sequence numbers on their own cache lines. */
typedef struct proc_ring {
  _Alignas(64) _Atomic uint32_t posted; /* chunks the coordinator has published (futex word) */
  _Alignas(64) _Atomic uint32_t done;   /* chunks the worker has finished */
  _Atomic uint32_t sleeping;            /* the worker is (about to be) asleep on `posted` */
  uint64_t wakes;                       /* worker: FUTEX_WAKE calls it made */
  uint64_t waits;                       /* worker: FUTEX_WAIT calls it made */
} proc_ring;

/* Shared by the coordinator and every worker: how workers wake a sleeping coordinator. */
typedef struct proc_ctl {
  _Alignas(64) _Atomic uint32_t word; /* futex word: bumped by a worker that wakes it */
  _Atomic uint32_t sleeping;          /* the coordinator is (about to be) asleep */
} proc_ctl;

/* What the coordinator knows of one worker. */
typedef struct proc_worker {
  pid_t pid;
  int to_fd;           /* coordinator -> worker */
  int from_fd;         /* worker -> coordinator */
  uint8_t *shm;        /* shm: its ring, then its slots */
  uint32_t posted;     /* chunks sent */
  uint32_t consumed;   /* chunks whose results were collected */
  uint32_t depth;      /* chunks kept outstanding (proc_depth) */
  uint64_t seen_ns;    /* when its results were last collected */
  double chunk_ns;     /* its time per chunk, smoothed */
  gb_sched_cursor cur; /* static schedule cursor */
  int exhausted;       /* no more chunks for it */
  int quit_sent;       /* shm: a quit slot was posted */
} proc_worker;

typedef struct proc_layout {
  size_t max_in, max_out, chunk;
  size_t slot_bytes;  /* shm: one slot: header, partials, inputs, outputs (cache-line aligned) */
  size_t ring_bytes;  /* shm: ring header + inflight slots */
  uint32_t inflight;  /* ring slots: the most chunks outstanding per worker */
  uint32_t depth_min; /* chunks always kept outstanding when there are any: min(8, inflight) */
  int transfer;
  uint64_t spin_ns;        /* the coordinator's most spin (spin_us) */
  uint64_t worker_spin_ns; /* a worker's: 0 when the pool outnumbers the CPUs (proc_prepare) */
} proc_layout;

#define PROC_LINE 64u
#define PROC_DEPTH_MIN 8u
static size_t proc_align(size_t n) {
  return (n + PROC_LINE - 1) & ~(size_t)(PROC_LINE - 1);
}

static proc_ring *ring_of(uint8_t *shm) {
  return (proc_ring *)(void *)shm;
}
static uint8_t *slot_base(const proc_layout *L, uint8_t *shm, uint32_t seq) {
  return shm + proc_align(sizeof(proc_ring)) + (size_t)(seq % L->inflight) * L->slot_bytes;
}
static proc_msg *slot_hdr(const proc_layout *L, uint8_t *shm, uint32_t seq) {
  return (proc_msg *)(void *)slot_base(L, shm, seq);
}
static uint64_t *slot_partials(const proc_layout *L, uint8_t *shm, uint32_t seq) {
  return (uint64_t *)(void *)(slot_base(L, shm, seq) + PROC_LINE);
}
static uint8_t *slot_in(const proc_layout *L, uint8_t *shm, uint32_t seq) {
  return slot_base(L, shm, seq) + PROC_LINE + proc_align(L->chunk * sizeof(uint64_t));
}
static uint8_t *slot_out(const proc_layout *L, uint8_t *shm, uint32_t seq) {
  return slot_in(L, shm, seq) + proc_align(L->chunk * L->max_in);
}

static long proc_futex(_Atomic uint32_t *word, int op, uint32_t val, const struct timespec *ts) {
  return syscall(SYS_futex, (uint32_t *)word, op, val, ts, NULL, 0);
}

static inline void proc_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/* Adaptive spinning, as an adaptive mutex does: a side spins at most its current budget; a spin
 * that found work doubles the budget (up to spin_us), one that ended in a futex sleep halves it.
 * On a quiet machine the partner answers within the spin and nobody sleeps; on a loaded one the
 * partner is often not running, spinning only burns the slice it needs, and the budget falls to 0
 * (a futex wait at once). */
static void proc_spin_adapt(uint64_t *budget, uint64_t max, int found) {
  if (found)
    *budget = *budget * 2 + 1000 > max ? max : *budget * 2 + 1000;
  else
    *budget /= 2;
}

/* The CPUs this process may run on. */
static int proc_cpus(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return CPU_COUNT(&set);
}

/* Poll `word` until it differs from `seen` for up to spin_ns; returns its value then. */
static uint32_t proc_spin(_Atomic uint32_t *word, uint32_t seen, uint64_t spin_ns) {
  uint32_t v = atomic_load_explicit(word, memory_order_acquire);
  if (v != seen || spin_ns == 0) return v;
  uint64_t t0 = gb_now_ns();
  for (unsigned k = 1;; k++) {
    proc_relax();
    v = atomic_load_explicit(word, memory_order_acquire);
    if (v != seen) return v;
    if ((k & 63) == 0 && gb_now_ns() - t0 >= spin_ns) return v;
  }
}

/* The per-chunk work of a worker: take the chunk's inputs (copied out of `in_src`, a slot or the
 * pipe buffer), run its tasks, write partial results and outputs to where they travel back. */
static void proc_run_chunk(const gb_job *job, gb_ctx *ctx, const proc_layout *L, const proc_msg *m,
                           const uint8_t *in_src, uint64_t *partials, uint8_t *out_dst, uint8_t *in,
                           uint8_t *out, gb_worker_out *wo) {
  size_t ioff = 0, ooff = 0;
  for (uint64_t t = m->begin; t < m->end; t++) {
    const gb_group *g = gb_workload_group_of(job->wl, t);
    size_t il = (size_t)g->input_bytes, ol = (size_t)g->output_bytes;
    memcpy(in, in_src + ioff, il); /* the receive: the payload arrives in this process's memory */
    gb_payload_received_in(t, in, il);
    partials[t - m->begin] = gb_task_exec(job->wl, ctx, t, in, il, out, ol);
    memcpy(out_dst + ooff, out, ol); /* the send */
    ioff += L->transfer == PROC_SHM ? L->max_in : il;
    ooff += L->transfer == PROC_SHM ? L->max_out : ol;
    wo->tasks++;
  }
  gb_worker_sample();
}

/* Buffered reader of one pipe: every read takes whatever is there. */
typedef struct proc_rd {
  uint8_t *data;
  size_t len, off, cap;
} proc_rd;

/* Make room for `need` more bytes beyond what is buffered. */
static void rd_room(proc_rd *r, size_t need) {
  if (r->off > 0) {
    memmove(r->data, r->data + r->off, r->len - r->off);
    r->len -= r->off;
    r->off = 0;
  }
  if (r->len + need > r->cap) {
    r->cap = (r->len + need) * 2;
    r->data = gb_xrealloc(r->data, r->cap);
  }
}

/* One read of what is available (blocking if nothing is). Returns bytes read, 0 at end, -errno. */
static ssize_t rd_fill(proc_rd *r, int fd, size_t want) {
  if (r->cap - r->len < want) rd_room(r, want);
  for (;;) {
    ssize_t n = read(fd, r->data + r->len, r->cap - r->len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -errno;
    r->len += (size_t)n;
    return n;
  }
}

static size_t rd_avail(const proc_rd *r) {
  return r->len - r->off;
}

/* The worker, pipe transport: one buffered read takes in one or more chunks; one write per chunk
 * returns header, partial results and outputs. */
static int proc_child_pipe(const gb_job *job, int idx, int in_fd, int out_fd, const proc_layout *L,
                           gb_worker_out *wo, uint64_t *syscalls) {
  proc_rd rd = {0};
  size_t reply_cap = sizeof(proc_msg) + L->chunk * (sizeof(uint64_t) + L->max_out);
  uint8_t *reply = gb_xmalloc(reply_cap);
  uint8_t *in = gb_xmalloc(L->max_in + 1), *out = gb_xmalloc(L->max_out + 1);
  gb_ctx ctx;
  gb_ctx_init(&ctx, idx);
  size_t chunk_in = sizeof(proc_msg) + L->chunk * L->max_in;
  int rc = 0;
  for (;;) {
    proc_msg m;
    while (rd_avail(&rd) < sizeof m) {
      ssize_t n = rd_fill(&rd, in_fd, chunk_in * L->depth_min); /* room, not a limit */
      ++*syscalls;
      if (n <= 0) return 4;
    }
    memcpy(&m, rd.data + rd.off, sizeof m);
    if (m.type == MSG_QUIT) break;
    if (m.type != MSG_CHUNK || m.end <= m.begin || m.end - m.begin > L->chunk) return 5;
    size_t il = 0;
    for (uint64_t t = m.begin; t < m.end; t++)
      il += (size_t)gb_workload_group_of(job->wl, t)->input_bytes;
    while (rd_avail(&rd) < sizeof m + il) {
      ssize_t n = rd_fill(&rd, in_fd, sizeof m + il - rd_avail(&rd));
      ++*syscalls;
      if (n <= 0) return 4;
    }
    size_t n = (size_t)(m.end - m.begin);
    uint64_t *partials = (uint64_t *)(void *)(reply + sizeof m); /* 24 bytes in: 8-aligned */
    proc_run_chunk(job, &ctx, L, &m, rd.data + rd.off + sizeof m, partials,
                   reply + sizeof m + n * sizeof *partials, in, out, wo);
    rd.off += sizeof m + il;
    size_t ol = 0;
    for (uint64_t t = m.begin; t < m.end; t++)
      ol += (size_t)gb_workload_group_of(job->wl, t)->output_bytes;
    m.type = MSG_RESULTS;
    memcpy(reply, &m, sizeof m);
    ++*syscalls;
    if (gb_write_full(out_fd, reply, sizeof m + n * sizeof(uint64_t) + ol) != 0) {
      rc = 6;
      break;
    }
  }
  free(rd.data), free(reply), free(in), free(out);
  return rc;
}

/* shm, worker: wait until the coordinator has posted past `seen`; returns what it posted. Spins
 * (up to *budget, adapting it) unless the coordinator sleeps: it must be woken and scheduled
 * before it can post, a context switch away, and a spinner would hold the CPU it wants. Then
 * raises the ring's flag and sleeps on its futex. */
static uint32_t proc_child_wait(proc_ring *r, proc_ctl *ctl, uint32_t seen, uint64_t *budget, uint64_t max) {
  int partner_awake = !atomic_load_explicit(&ctl->sleeping, memory_order_relaxed);
  uint32_t posted = proc_spin(&r->posted, seen, partner_awake ? *budget : 0);
  if (posted != seen) {
    if (*budget) proc_spin_adapt(budget, max, 1);
    return posted;
  }
  if (partner_awake) proc_spin_adapt(budget, max, 0);
  atomic_store(&r->sleeping, 1);
  if (atomic_load(&r->posted) == seen) {
    r->waits++;
    /* EAGAIN: it posted between our flag and the wait, faster than a sleep: spinning pays again */
    if (proc_futex(&r->posted, FUTEX_WAIT, seen, NULL) != 0 && errno == EAGAIN)
      proc_spin_adapt(budget, max, 1);
  }
  atomic_store_explicit(&r->sleeping, 0, memory_order_relaxed);
  return atomic_load_explicit(&r->posted, memory_order_acquire);
}

/* shm, worker: it finished chunks up to `done`, the last of `tasks` tasks. A sleeping coordinator
 * is woken once the chunks waiting for it are as many as this worker still has queued, or hold
 * PROC_WAKE_TASKS tasks, or when it has nothing left (a coordinator asleep posts nothing, so that
 * wake always comes): at small chunks one wake then collects several, and the ring never runs
 * dry while the coordinator sleeps. */
#define PROC_WAKE_TASKS 64u
typedef struct proc_unwoken {
  uint32_t chunks;
  uint64_t tasks;
} proc_unwoken;
static void proc_child_wake(proc_ring *r, proc_ctl *ctl, uint32_t done, uint64_t tasks, proc_unwoken *u) {
  if (!atomic_load(&ctl->sleeping)) { /* seq_cst: after the store of done */
    *u = (proc_unwoken){0};
    return;
  }
  u->chunks++;
  u->tasks += tasks;
  if (u->tasks < PROC_WAKE_TASKS && u->chunks < atomic_load(&r->posted) - done) return;
  *u = (proc_unwoken){0};
  atomic_fetch_add(&ctl->word, 1);
  r->wakes++;
  proc_futex(&ctl->word, FUTEX_WAKE, 1, NULL);
}

/* The worker, shm transport: take published slots in order; sleep on the ring's futex only after
 * spinning, and wake the coordinator only when it said it sleeps. */
static int proc_child_shm(const gb_job *job, int idx, uint8_t *shm, proc_ctl *ctl, const proc_layout *L,
                          gb_worker_out *wo) {
  proc_ring *r = ring_of(shm);
  uint8_t *in = gb_xmalloc(L->max_in + 1), *out = gb_xmalloc(L->max_out + 1);
  gb_ctx ctx;
  gb_ctx_init(&ctx, idx);
  uint32_t seen = 0;
  proc_unwoken unwoken = {0}; /* finished for a sleeping coordinator (proc_child_wake) */
  uint64_t budget = L->worker_spin_ns;
  for (;;) {
    uint32_t posted = proc_child_wait(r, ctl, seen, &budget, L->worker_spin_ns);
    for (; seen != posted; seen++) {
      proc_msg *m = slot_hdr(L, shm, seen);
      if (m->type == MSG_QUIT) goto quit;
      if (m->type != MSG_CHUNK || m->end <= m->begin || m->end - m->begin > L->chunk) return 5;
      proc_run_chunk(job, &ctx, L, m, slot_in(L, shm, seen), slot_partials(L, shm, seen),
                     slot_out(L, shm, seen), in, out, wo);
      m->type = MSG_RESULTS;
      atomic_store(&r->done, seen + 1);
      proc_child_wake(r, ctl, seen + 1, m->end - m->begin, &unwoken);
    }
  }
quit:
  free(in), free(out);
  return 0;
}

/* The worker process: begin, say ready, run chunks until told to quit, end and report. */
static _Noreturn void proc_child(const gb_job *job, int idx, int in_fd, int out_fd, uint8_t *shm,
                                 proc_ctl *ctl, const proc_layout *L) {
  gb_run_secret_forget(); /* a worker gets its inputs only as payloads */
  gb_worker_begin(job, idx);
  proc_msg m = {.type = MSG_READY};
  if (gb_write_full(out_fd, &m, sizeof m) != 0) _exit(3);
  gb_worker_out wo;
  memset(&wo, 0, sizeof wo);
  uint64_t syscalls = 0;
  int rc = L->transfer == PROC_SHM ? proc_child_shm(job, idx, shm, ctl, L, &wo)
                                   : proc_child_pipe(job, idx, in_fd, out_fd, L, &wo, &syscalls);
  if (rc != 0) _exit(rc);
  if (shm) syscalls = ring_of(shm)->wakes + ring_of(shm)->waits;
  gb_worker_end(job, idx, &wo);
  m.type = MSG_END;
  if (gb_write_full(out_fd, &m, sizeof m) != 0 || gb_write_full(out_fd, &wo, sizeof wo) != 0 ||
      gb_write_full(out_fd, &syscalls, sizeof syscalls) != 0)
    _exit(7);
  _exit(0);
}

/* Growable outgoing buffer of a worker's pipe (the coordinator never blocks on a write, so a
 * worker blocked writing its results can always be drained). */
typedef struct proc_outbuf {
  uint8_t *data;
  size_t len, off, cap;
} proc_outbuf;

static uint8_t *outbuf_reserve(proc_outbuf *b, size_t n) {
  if (b->off > 0 && b->off == b->len) b->off = b->len = 0;
  if (b->len + n > b->cap) {
    b->cap = (b->len + n) * 2;
    b->data = gb_xrealloc(b->data, b->cap);
  }
  uint8_t *p = b->data + b->len;
  b->len += n;
  return p;
}

/* Everything the coordinator holds during one repetition. */
typedef struct proc_run {
  const gb_job *job;
  gb_rep *rep;
  proc_layout L;
  gb_sched sched;
  proc_worker *w;
  proc_outbuf *ob;       /* pipe: pending writes per worker */
  proc_rd *rd;           /* pipe: buffered reads per worker */
  proc_ctl *ctl;         /* shm: the coordinator's wake-up word */
  uint8_t *rbuf;         /* received outputs of one chunk */
  uint64_t collected;    /* tasks whose result arrived */
  uint64_t posted_tasks; /* tasks handed to a worker */
  double ipc_bytes, ipc_msgs, ipc_syscalls;
} proc_run;

/* Write the next chunk for worker i (into its next slot, or its pipe buffer); 0 if none is left. */
static int proc_post(proc_run *R, int i) {
  proc_worker *w = &R->w[i];
  uint64_t b, e;
  if (w->exhausted || !gb_sched_next(&R->sched, i, &w->cur, &b, &e)) {
    w->exhausted = 1;
    return 0;
  }
  proc_msg m = {.type = MSG_CHUNK, .slot = w->posted % R->L.inflight, .begin = b, .end = e};
  uint8_t *dst;
  size_t stride = R->L.max_in;
  if (R->L.transfer == PROC_SHM) {
    *slot_hdr(&R->L, w->shm, w->posted) = m;
    dst = slot_in(&R->L, w->shm, w->posted);
  } else {
    size_t il = 0;
    for (uint64_t t = b; t < e; t++)
      il += (size_t)gb_workload_group_of(R->job->wl, t)->input_bytes;
    memcpy(outbuf_reserve(&R->ob[i], sizeof m), &m, sizeof m);
    dst = outbuf_reserve(&R->ob[i], il);
    stride = 0;
  }
  R->ipc_bytes += sizeof m;
  for (uint64_t t = b; t < e; t++) {
    size_t il = (size_t)gb_workload_group_of(R->job->wl, t)->input_bytes;
    gb_payload_input(t, dst, il); /* serialize straight into what travels */
    dst += stride ? stride : il;
    R->ipc_bytes += (double)il;
  }
  w->posted++;
  R->posted_tasks += e - b;
  R->ipc_msgs++;
  return 1;
}

/* Chunks kept outstanding for worker i after it returned `chunks`: about PROC_AHEAD_NS of its
 * work, at least PROC_DEPTH_MIN and at most the ring (inflight). On short chunks a deep ring lets a
 * worker run long batches between sleeps (one futex wake a batch, not one per few tasks); on long
 * ones the depth stays low, so a dynamic schedule still balances its tail (a worker queues at most
 * about PROC_AHEAD_NS more than it would with PROC_DEPTH_MIN). */
#define PROC_AHEAD_NS 200000.0
static void proc_depth(proc_run *R, int i, uint32_t chunks) {
  proc_worker *w = &R->w[i];
  uint64_t now = gb_now_ns();
  double per = (double)(now - w->seen_ns) / chunks; /* idle gaps included: errs towards shallow */
  w->seen_ns = now;
  w->chunk_ns = w->chunk_ns > 0 ? 0.75 * w->chunk_ns + 0.25 * per : per;
  double d = PROC_AHEAD_NS / (w->chunk_ns + 1.0);
  w->depth = d <= R->L.depth_min ? R->L.depth_min : d >= R->L.inflight ? R->L.inflight : (uint32_t)d;
}

/* Post chunks to worker i until its depth is outstanding or none is left; near the end no more
 * than its share of the chunks not yet posted, so that under a dynamic schedule no worker holds
 * the last chunks while another has none. */
static void proc_refill(proc_run *R, int i) {
  proc_worker *w = &R->w[i];
  for (;;) {
    uint32_t out = w->posted - w->consumed;
    uint64_t left = (R->job->ntasks - R->posted_tasks + R->L.chunk - 1) / R->L.chunk;
    if (out >= w->depth || (out > 0 && left < (uint64_t)out * (uint64_t)R->job->workers) || !proc_post(R, i))
      return;
  }
}

/* Account for the results of one chunk: outputs as received, into the checksum. */
static int proc_collect(proc_run *R, int i, const proc_msg *m, const uint64_t *partials,
                        const uint8_t *outs) {
  proc_worker *w = &R->w[i];
  if (m->type != MSG_RESULTS || m->end <= m->begin || m->end - m->begin > R->L.chunk)
    return gb_rep_fail(R->rep, GB_EIO, "worker %d (pid %d) sent a malformed message", i, (int)w->pid);
  size_t n = (size_t)(m->end - m->begin), off = 0, total = 0;
  for (uint64_t t = m->begin; t < m->end; t++) {
    size_t ol = (size_t)gb_workload_group_of(R->job->wl, t)->output_bytes;
    uint8_t *o = R->rbuf + total;
    memcpy(o, outs + off, ol); /* the receive: the output arrives in the coordinator's memory */
    gb_payload_received_out(t, o, ol);
    R->rep->checksum += gb_checksum_term(t, gb_task_result(t, partials[t - m->begin], o, ol));
    off += R->L.transfer == PROC_SHM ? R->L.max_out : ol;
    total += ol;
  }
  R->ipc_bytes += (double)(sizeof *m + n * sizeof *partials + total);
  R->ipc_msgs++;
  R->collected += n;
  w->consumed++;
  return 0;
}

/* Fail if worker i's pipe says it died (hang-up or an unexpected message) before its end. */
static int proc_check_alive(proc_run *R) {
  int n = R->job->workers;
  struct pollfd *pf = gb_xcalloc((size_t)n, sizeof *pf);
  for (int i = 0; i < n; i++)
    pf[i] = (struct pollfd){.fd = R->w[i].from_fd, .events = POLLIN};
  int rc = 0;
  if (poll(pf, (nfds_t)n, 0) > 0)
    for (int i = 0; i < n && rc == 0; i++)
      if (pf[i].revents)
        rc = gb_rep_fail(R->rep, GB_EIO, "worker %d (pid %d) exited or closed its pipe mid-run", i,
                         (int)R->w[i].pid);
  free(pf);
  return rc;
}

/* shm: publish what was posted to worker i since `before`, waking it only if it sleeps. */
static void proc_publish(proc_run *R, int i, uint32_t before) {
  proc_worker *w = &R->w[i];
  if (w->posted == before) return;
  proc_ring *r = ring_of(w->shm);
  atomic_store(&r->posted, w->posted);
  if (atomic_load(&r->sleeping)) {
    R->ipc_syscalls++;
    proc_futex(&r->posted, FUTEX_WAKE, 1, NULL);
  }
}

/* shm: collect every finished slot of every worker, refill each and publish; 1 if any finished. */
static int proc_sweep_shm(proc_run *R, int *rc) {
  int progress = 0;
  for (int i = 0; i < R->job->workers && *rc == 0; i++) {
    proc_worker *w = &R->w[i];
    uint32_t done = atomic_load_explicit(&ring_of(w->shm)->done, memory_order_acquire);
    uint32_t before = w->posted, got = done - w->consumed;
    while (*rc == 0 && w->consumed != done) {
      uint32_t s = w->consumed;
      *rc = proc_collect(R, i, slot_hdr(&R->L, w->shm, s), slot_partials(&R->L, w->shm, s),
                         slot_out(&R->L, w->shm, s));
      if (*rc == 0) slot_hdr(&R->L, w->shm, s)->type = 0;
    }
    if (got == 0 || *rc != 0) continue;
    progress = 1;
    proc_depth(R, i, got);
    proc_refill(R, i);
    proc_publish(R, i, before);
  }
  return progress;
}

/* shm: 1 if a worker finished a slot the coordinator has not collected; *awake: whether a worker
 * with chunks outstanding is awake (spinning for its answer can pay only then). */
static int proc_any_done(const proc_run *R, int *awake) {
  for (int i = 0; i < R->job->workers; i++) {
    proc_ring *r = ring_of(R->w[i].shm);
    if (atomic_load(&r->done) != R->w[i].consumed) return 1; /* seq_cst: after our flag's store */
    if (awake && R->w[i].consumed != R->w[i].posted &&
        !atomic_load_explicit(&r->sleeping, memory_order_relaxed))
      *awake = 1;
  }
  return 0;
}

/* shm: nothing finished: spin (while a busy worker is awake, up to the adaptive budget), then
 * sleep until a worker bumps the word, or 20 ms pass, to look for a dead worker. */
static int proc_wait_shm(proc_run *R, uint64_t *spin) {
  uint32_t v = atomic_load(&R->ctl->word);
  int awake = 0, found = proc_any_done(R, &awake);
  if (awake && *spin) {
    uint64_t t0 = gb_now_ns();
    while (!found && gb_now_ns() - t0 < *spin) {
      for (int k = 0; k < 64; k++)
        proc_relax();
      found = proc_any_done(R, NULL);
    }
  }
  if (awake || found) proc_spin_adapt(spin, R->L.spin_ns, found);
  if (found) return 0;
  atomic_store(&R->ctl->sleeping, 1);
  int rc = 0;
  if (!proc_any_done(R, NULL)) {
    struct timespec ts = {0, 20 * 1000 * 1000};
    R->ipc_syscalls++;
    if (proc_futex(&R->ctl->word, FUTEX_WAIT, v, &ts) != 0 && errno == ETIMEDOUT) rc = proc_check_alive(R);
  }
  atomic_store_explicit(&R->ctl->sleeping, 0, memory_order_relaxed);
  return rc;
}

/* shm: the timed region: collect finished slots, refill them, wait when nothing is finished. */
static int proc_loop_shm(proc_run *R) {
  int rc = 0;
  uint64_t spin = R->L.spin_ns; /* the adaptive budget (proc_spin_adapt) */
  while (rc == 0 && R->collected < R->job->ntasks)
    if (!proc_sweep_shm(R, &rc) && rc == 0) rc = proc_wait_shm(R, &spin);
  return rc;
}

/* pipe: flush what can be written to worker i without blocking. */
static int proc_flush(proc_run *R, int i) {
  proc_outbuf *b = &R->ob[i];
  while (b->off < b->len) {
    ssize_t r = write(R->w[i].to_fd, b->data + b->off, b->len - b->off);
    R->ipc_syscalls++;
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return 0;
      return gb_rep_fail(R->rep, GB_EIO, "writing to worker %d: %s", i, strerror(errno));
    }
    b->off += (size_t)r;
  }
  return 0;
}

/* pipe: take in what worker i sent (one read), collect every complete result message in it and
 * refill the worker. */
static int proc_receive_pipe(proc_run *R, int i) {
  proc_rd *rd = &R->rd[i];
  size_t want = R->L.depth_min * (sizeof(proc_msg) + R->L.chunk * (sizeof(uint64_t) + R->L.max_out));
  ssize_t got = rd_fill(rd, R->w[i].from_fd, want);
  R->ipc_syscalls++;
  if (got <= 0)
    return gb_rep_fail(R->rep, GB_EIO, "worker %d (pid %d) exited or closed its pipe mid-run", i,
                       (int)R->w[i].pid);
  int rc = 0;
  uint32_t before = R->w[i].consumed;
  while (rc == 0 && rd_avail(rd) >= sizeof(proc_msg)) {
    proc_msg m;
    memcpy(&m, rd->data + rd->off, sizeof m);
    if (m.type != MSG_RESULTS || m.end <= m.begin || m.end - m.begin > R->L.chunk)
      return gb_rep_fail(R->rep, GB_EIO, "worker %d (pid %d) sent a malformed message", i, (int)R->w[i].pid);
    size_t n = (size_t)(m.end - m.begin), ol = 0;
    for (uint64_t t = m.begin; t < m.end; t++)
      ol += (size_t)gb_workload_group_of(R->job->wl, t)->output_bytes;
    if (rd_avail(rd) < sizeof m + n * sizeof(uint64_t) + ol) break; /* the rest comes later */
    const uint8_t *p = rd->data + rd->off + sizeof m;
    uint64_t part[64];
    uint64_t *pp = n <= 64 ? part : gb_xmalloc(n * sizeof *pp); /* aligned copy of the partials */
    memcpy(pp, p, n * sizeof *pp);
    rc = proc_collect(R, i, &m, pp, p + n * sizeof *pp);
    if (pp != part) free(pp);
    rd->off += sizeof m + n * sizeof(uint64_t) + ol;
  }
  if (rc != 0) return rc;
  if (R->w[i].consumed != before) {
    proc_depth(R, i, R->w[i].consumed - before);
    proc_refill(R, i);
  }
  return proc_flush(R, i);
}

/* pipe: the timed region: keep every worker fed until every result is in. */
static int proc_loop_pipe(proc_run *R) {
  int n = R->job->workers;
  struct pollfd *pf = gb_xcalloc((size_t)n * 2, sizeof *pf);
  int rc = 0;
  while (rc == 0 && R->collected < R->job->ntasks) {
    for (int i = 0; i < n; i++) {
      pf[2 * i] = (struct pollfd){.fd = R->w[i].from_fd, .events = POLLIN};
      int pending = R->ob[i].off < R->ob[i].len;
      pf[2 * i + 1] = (struct pollfd){.fd = pending ? R->w[i].to_fd : -1, .events = POLLOUT};
    }
    R->ipc_syscalls++;
    if (poll(pf, (nfds_t)n * 2, -1) < 0) {
      if (errno == EINTR) continue;
      rc = gb_rep_fail(R->rep, GB_EIO, "poll: %s", strerror(errno));
      break;
    }
    for (int i = 0; i < n && rc == 0; i++) {
      if (pf[2 * i + 1].revents & (POLLOUT | POLLERR)) rc = proc_flush(R, i);
      if (rc == 0 && (pf[2 * i].revents & (POLLIN | POLLHUP | POLLERR))) rc = proc_receive_pipe(R, i);
    }
  }
  free(pf);
  return rc;
}

/* Fork worker i with its pipes; returns 0 or a negative code. */
static int proc_spawn(proc_run *R, int i) {
  int tw[2], fw[2];
  if (pipe2(tw, O_CLOEXEC) != 0) return gb_rep_fail(R->rep, GB_EIO, "pipe: %s", strerror(errno));
  if (pipe2(fw, O_CLOEXEC) != 0) {
    close(tw[0]), close(tw[1]);
    return gb_rep_fail(R->rep, GB_EIO, "pipe: %s", strerror(errno));
  }
  fflush(NULL); /* nothing buffered may be written twice */
  pid_t pid = fork();
  if (pid < 0) {
    close(tw[0]), close(tw[1]), close(fw[0]), close(fw[1]);
    return gb_rep_fail(R->rep, GB_EIO, "fork: %s", strerror(errno));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the coordinator, even a SIGKILLed one */
    for (int k = 0; k < i; k++)
      close(R->w[k].to_fd), close(R->w[k].from_fd);
    close(tw[1]), close(fw[0]);
    proc_child(R->job, i, tw[0], fw[1], R->w[i].shm, R->ctl, &R->L);
  }
  close(tw[0]), close(fw[1]);
  R->w[i].pid = pid;
  R->w[i].to_fd = tw[1];
  R->w[i].from_fd = fw[0];
  fcntl(tw[1], F_SETFL, fcntl(tw[1], F_GETFL) | O_NONBLOCK);
  return 0;
}

/* Stop every worker: ask politely after a clean run, kill otherwise; collect worker outputs. */
static void proc_stop(proc_run *R, int spawned, int clean) {
  for (int i = 0; i < spawned; i++) {
    proc_worker *w = &R->w[i];
    proc_msg q = {.type = MSG_QUIT, .slot = w->posted % R->L.inflight};
    proc_msg m;
    gb_worker_out wo;
    uint64_t sys = 0;
    int fl = fcntl(w->to_fd, F_GETFL);
    fcntl(w->to_fd, F_SETFL, fl & ~O_NONBLOCK);
    int sent = 0;
    if (clean && R->L.transfer == PROC_SHM) {
      *slot_hdr(&R->L, w->shm, w->posted) = q;
      uint32_t before = w->posted++;
      proc_publish(R, i, before);
      sent = 1;
    } else if (clean) {
      sent = gb_write_full(w->to_fd, &q, sizeof q) == 0;
    }
    if (!sent || gb_read_full(w->from_fd, &m, sizeof m) != 0 || m.type != MSG_END ||
        gb_read_full(w->from_fd, &wo, sizeof wo) != 0 || gb_read_full(w->from_fd, &sys, sizeof sys) != 0) {
      kill(w->pid, SIGKILL);
    } else {
      R->rep->workers[i] = wo;
      R->rep->tasks_done += wo.tasks;
      R->ipc_syscalls += (double)sys;
    }
    close(w->to_fd);
    close(w->from_fd);
  }
  for (int i = 0; i < spawned; i++) {
    int st;
    while (waitpid(R->w[i].pid, &st, 0) < 0 && errno == EINTR) {
    }
    if (clean && WIFSIGNALED(st))
      gb_rep_fail(R->rep, GB_EIO, "worker %d killed by signal %d", i, WTERMSIG(st));
  }
}

/* The repetition's shapes (slots, rings, inflight) and the coordinator's buffers: before the clock. */
static void proc_prepare(proc_run *R, const gb_job *job, gb_rep *rep) {
  memset(R, 0, sizeof *R);
  R->job = job;
  R->rep = rep;
  int n = job->workers;
  R->L.max_in = gb_workload_max_input(job->wl);
  R->L.max_out = gb_workload_max_output(job->wl);
  R->L.chunk = job->chunk;
  R->L.inflight = (uint32_t)job->opts[PROC_OPT_INFLIGHT];
  /* Large payloads: fewer slots, so one worker's ring stays within about 64 MiB (at least 2). */
  size_t per_slot = R->L.chunk * (R->L.max_in + R->L.max_out + sizeof(uint64_t)) + 1;
  while (R->L.inflight > 2 && per_slot * R->L.inflight > ((size_t)64 << 20))
    R->L.inflight--;
  R->L.depth_min = PROC_DEPTH_MIN < R->L.inflight ? PROC_DEPTH_MIN : R->L.inflight;
  R->L.transfer = (int)job->opts[PROC_OPT_TRANSFER];
  R->L.spin_ns = (uint64_t)job->opts[PROC_OPT_SPIN] * 1000u;
  /* Workers spin only while the pool and its coordinator fit on the CPUs: a worker spinning for
   * the next chunk then takes no CPU another needs. Beyond that, a spinning worker holds the CPU
   * the coordinator (the one that posts its next chunk) or a busy worker waits for. */
  R->L.worker_spin_ns = n + 1 <= proc_cpus() ? R->L.spin_ns : 0;
  R->L.slot_bytes = PROC_LINE + proc_align(R->L.chunk * sizeof(uint64_t)) +
                    proc_align(R->L.chunk * R->L.max_in) + proc_align(R->L.chunk * R->L.max_out);
  R->L.ring_bytes = proc_align(sizeof(proc_ring)) + R->L.slot_bytes * R->L.inflight;
  gb_sched_init(&R->sched, job);
  R->w = gb_xcalloc((size_t)n, sizeof *R->w);
  R->ob = gb_xcalloc((size_t)n, sizeof *R->ob);
  R->rd = gb_xcalloc((size_t)n, sizeof *R->rd);
  R->rbuf = gb_xmalloc(R->L.chunk * R->L.max_out + 1);
}

/* Startup: the shared control page and rings (shm), every worker forked, and the start line
 * (every worker's begin hook ran before its READY). 0 or a negative code; *spawned: the workers
 * forked, to stop whatever happened. */
static int proc_start(proc_run *R, int *spawned) {
  int n = R->job->workers, rc = 0;
  if (R->L.transfer == PROC_SHM) {
    void *p = mmap(NULL, sizeof(proc_ctl), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
      rc = gb_rep_fail(R->rep, GB_ENOMEM, "mmap of the shared control page: %s", strerror(errno));
    else
      R->ctl = p;
  }
  for (int i = 0; i < n && rc == 0; i++) {
    if (R->L.transfer == PROC_SHM) {
      void *p = mmap(NULL, R->L.ring_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) {
        rc = gb_rep_fail(R->rep, GB_ENOMEM, "mmap of %zu bytes of shared memory: %s", R->L.ring_bytes,
                         strerror(errno));
        break;
      }
      R->w[i].shm = p;
    }
    if ((rc = proc_spawn(R, i)) == 0) ++*spawned;
  }
  for (int i = 0; i < *spawned && rc == 0; i++) { /* the start line: every worker's begin has run */
    proc_msg m;
    if (gb_read_full(R->w[i].from_fd, &m, sizeof m) != 0 || m.type != MSG_READY)
      rc = gb_rep_fail(R->rep, GB_EIO, "worker %d did not start", i);
  }
  return rc;
}

/* The timed region: fill every worker's first chunks, then keep them fed until every result is in. */
static int proc_feed(proc_run *R) {
  int rc = 0;
  uint64_t t0 = gb_now_ns();
  for (uint32_t k = 1; k <= R->L.depth_min; k++) /* a chunk to each in turn: a short run is shared out */
    for (int i = 0; i < R->job->workers; i++) {
      R->w[i].depth = k;
      R->w[i].seen_ns = t0;
      proc_refill(R, i);
    }
  for (int i = 0; i < R->job->workers && rc == 0; i++) {
    if (R->L.transfer == PROC_SHM)
      proc_publish(R, i, 0);
    else
      rc = proc_flush(R, i);
  }
  if (rc == 0) rc = R->L.transfer == PROC_SHM ? proc_loop_shm(R) : proc_loop_pipe(R);
  return rc;
}

/* After the run: the IPC metrics into the repetition, and every mapping and buffer released. */
static void proc_finish(proc_run *R) {
  gb_metric_add(R->rep, "ipc_bytes", R->ipc_bytes);
  gb_metric_add(R->rep, "ipc_messages", R->ipc_msgs);
  gb_metric_add(R->rep, "ipc_syscalls", R->ipc_syscalls);
  for (int i = 0; i < R->job->workers; i++) {
    if (R->w[i].shm) munmap(R->w[i].shm, R->L.ring_bytes);
    free(R->ob[i].data);
    free(R->rd[i].data);
  }
  if (R->ctl) munmap(R->ctl, sizeof(proc_ctl));
  free(R->w), free(R->ob), free(R->rd), free(R->rbuf);
}

static int processes_run(const gb_job *job, gb_rep *rep) {
  proc_run R;
  proc_prepare(&R, job, rep);
  int spawned = 0;
  gb_rep_mark_create(rep); /* the timing contract (job.h) */
  int rc = proc_start(&R, &spawned);
  gb_rep_clock_start(rep); /* every worker's begin hook ran before its READY */
  if (rc == 0) rc = proc_feed(&R);
  gb_rep_clock_stop(rep); /* the end hooks run after QUIT, in proc_stop */
  proc_stop(&R, spawned, rc == 0);
  gb_rep_mark_joined(rep);
  proc_finish(&R);
  if (rc == 0 && rep->error[0]) rc = GB_EIO;
  return rc;
}

const gb_strategy gb_strategy_processes = {
    .name = "processes",
    .summary =
        "multiprocessing: a forked pool, payloads copied both ways through a shared-memory ring or pipes",
    .caps = GB_CAP_PARALLEL_CPU,
    .baseline = "serial",
    .options = proc_options,
    .noptions = GB_ARRAY_LEN(proc_options),
    .metrics = proc_metrics,
    .nmetrics = GB_ARRAY_LEN(proc_metrics),
    .run = processes_run,
};
