/* processes.c: multiprocessing. A forked pool; the coordinator hands out chunks of tasks over
 * pipes and copies every payload both ways (through the pipe, or through a shared-memory slot
 * with only headers on the pipe), so serialization and IPC cost is real and measured. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io_util.h"
#include "strategy.h"

enum { PROC_OPT_TRANSFER, PROC_OPT_INFLIGHT };
enum { PROC_PIPE = 0, PROC_SHM = 1 };
enum { MSG_CHUNK = 1, MSG_QUIT = 2, MSG_RESULTS = 3, MSG_END = 4, MSG_READY = 5 };

static const gb_param_def proc_options[] = {
    [PROC_OPT_TRANSFER] = {"transfer", "how payloads travel: through the pipe, or a shared-memory slot",
                           PROC_PIPE, 0, 1, "pipe|shm"},
    [PROC_OPT_INFLIGHT] = {"inflight", "chunks outstanding per worker (pipelining)", 2, 1, 32, NULL},
};

static const gb_metric_def proc_metrics[] = {
    {"ipc_bytes", "bytes", GB_AGG_SUM, "payload and header bytes moved between processes"},
    {"ipc_messages", "count", GB_AGG_SUM, "messages exchanged with the workers"},
};

/* Header of every message, both directions. */
typedef struct proc_msg {
  uint32_t type;  /* MSG_* */
  uint32_t slot;  /* shared-memory slot of the chunk */
  uint64_t begin; /* first task of the chunk */
  uint64_t end;   /* one past the last */
} proc_msg;

/* What the coordinator knows of one worker. */
typedef struct proc_worker {
  pid_t pid;
  int to_fd;           /* coordinator -> worker */
  int from_fd;         /* worker -> coordinator */
  uint8_t *shm;        /* inflight slots, each [chunk * max_in | chunk * max_out] */
  int outstanding;     /* chunks sent and not yet answered */
  uint32_t free_slots; /* bitmask of free slots */
  gb_sched_cursor cur; /* static schedule cursor */
  int exhausted;       /* no more chunks for it */
} proc_worker;

typedef struct proc_layout {
  size_t max_in, max_out, chunk, slot_bytes;
  int transfer;
} proc_layout;

static uint8_t *slot_in(const proc_layout *L, uint8_t *shm, uint32_t slot) {
  return shm + (size_t)slot * L->slot_bytes;
}
static uint8_t *slot_out(const proc_layout *L, uint8_t *shm, uint32_t slot) {
  return shm + (size_t)slot * L->slot_bytes + L->chunk * L->max_in;
}

/* The worker process: read chunks, run them, send partial results and outputs, until QUIT. */
static _Noreturn void proc_child(const gb_job *job, int idx, int in_fd, int out_fd, uint8_t *shm,
                                 const proc_layout *L) {
  gb_worker_begin(job, idx);
  proc_msg m = {.type = MSG_READY};
  if (gb_write_full(out_fd, &m, sizeof m) != 0) _exit(3);
  uint8_t *in = gb_xmalloc(L->max_in ? L->max_in : 1);
  uint8_t *out = gb_xmalloc(L->chunk * L->max_out + 1);
  uint64_t *partials = gb_xmalloc(L->chunk * sizeof *partials);
  gb_ctx ctx;
  gb_ctx_init(&ctx, idx);
  gb_worker_out wo;
  memset(&wo, 0, sizeof wo);
  for (;;) {
    if (gb_read_full(in_fd, &m, sizeof m) != 0) _exit(4);
    if (m.type == MSG_QUIT) break;
    size_t off = 0;
    for (uint64_t t = m.begin; t < m.end; t++) {
      const gb_group *g = gb_workload_group_of(job->wl, t);
      size_t il = (size_t)g->input_bytes, ol = (size_t)g->output_bytes;
      if (L->transfer == PROC_SHM)
        memcpy(in, slot_in(L, shm, m.slot) + (t - m.begin) * L->max_in, il);
      else if (gb_read_full(in_fd, in, il) != 0)
        _exit(5);
      gb_payload_received_in(t, in, il);
      partials[t - m.begin] = gb_task_exec(job->wl, &ctx, t, in, il, out + off, ol);
      if (L->transfer == PROC_SHM) memcpy(slot_out(L, shm, m.slot) + (t - m.begin) * L->max_out, out + off, ol);
      off += L->transfer == PROC_SHM ? 0 : ol;
      wo.tasks++;
    }
    gb_worker_sample();
    m.type = MSG_RESULTS;
    if (gb_write_full(out_fd, &m, sizeof m) != 0 ||
        gb_write_full(out_fd, partials, (size_t)(m.end - m.begin) * sizeof *partials) != 0 ||
        gb_write_full(out_fd, out, off) != 0)
      _exit(6);
  }
  gb_worker_end(job, idx, &wo);
  m.type = MSG_END;
  if (gb_write_full(out_fd, &m, sizeof m) != 0 || gb_write_full(out_fd, &wo, sizeof wo) != 0) _exit(7);
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
  proc_outbuf *ob;
  uint8_t *rbuf;          /* received outputs of one chunk */
  uint64_t *partials;     /* received partial results of one chunk */
  uint64_t collected;     /* tasks whose result arrived */
  double ipc_bytes, ipc_msgs;
} proc_run;

/* Queue the next chunk for worker i, if there is one. */
static void proc_send_next(proc_run *R, int i) {
  proc_worker *w = &R->w[i];
  uint64_t b, e;
  if (w->exhausted || !gb_sched_next(&R->sched, i, &w->cur, &b, &e)) {
    w->exhausted = 1;
    return;
  }
  uint32_t slot = (uint32_t)__builtin_ctz(w->free_slots);
  w->free_slots &= ~(1u << slot);
  proc_msg m = {.type = MSG_CHUNK, .slot = slot, .begin = b, .end = e};
  memcpy(outbuf_reserve(&R->ob[i], sizeof m), &m, sizeof m);
  R->ipc_bytes += sizeof m;
  for (uint64_t t = b; t < e; t++) {
    size_t il = (size_t)gb_workload_group_of(R->job->wl, t)->input_bytes;
    uint8_t *dst = R->L.transfer == PROC_SHM ? slot_in(&R->L, w->shm, slot) + (t - b) * R->L.max_in
                                             : outbuf_reserve(&R->ob[i], il);
    gb_payload_fill(t, dst, il);
    R->ipc_bytes += (double)il;
  }
  w->outstanding++;
  R->ipc_msgs++;
}

/* Read one message from worker i and account for it. Returns 0 or a negative code. */
static int proc_receive(proc_run *R, int i) {
  proc_worker *w = &R->w[i];
  proc_msg m;
  int rc = gb_read_full(w->from_fd, &m, sizeof m);
  if (rc != 0 || m.type != MSG_RESULTS || m.end <= m.begin || m.end - m.begin > R->L.chunk)
    return gb_rep_fail(R->rep, GB_EIO, "worker %d (pid %d) %s", i, (int)w->pid,
                       rc == 1 ? "exited or closed its pipe mid-run" : "sent a malformed message");
  size_t n = (size_t)(m.end - m.begin), total_out = 0;
  if (gb_read_full(w->from_fd, R->partials, n * sizeof *R->partials) != 0)
    return gb_rep_fail(R->rep, GB_EIO, "worker %d: short read of results", i);
  for (uint64_t t = m.begin; t < m.end; t++)
    total_out += (size_t)gb_workload_group_of(R->job->wl, t)->output_bytes;
  if (R->L.transfer == PROC_PIPE && gb_read_full(w->from_fd, R->rbuf, total_out) != 0)
    return gb_rep_fail(R->rep, GB_EIO, "worker %d: short read of output payloads", i);
  size_t off = 0;
  for (uint64_t t = m.begin; t < m.end; t++) {
    size_t ol = (size_t)gb_workload_group_of(R->job->wl, t)->output_bytes;
    uint8_t *o = R->rbuf + off;
    if (R->L.transfer == PROC_SHM) memcpy(o, slot_out(&R->L, w->shm, m.slot) + (t - m.begin) * R->L.max_out, ol);
    gb_payload_received_out(t, o, ol);
    R->rep->checksum += gb_checksum_term(t, gb_task_result(R->partials[t - m.begin], o, ol));
    off += ol;
  }
  R->ipc_bytes += (double)(sizeof m + n * sizeof *R->partials + total_out);
  R->ipc_msgs++;
  R->collected += n;
  w->outstanding--;
  w->free_slots |= 1u << m.slot;
  return 0;
}

/* Flush what can be written to worker i without blocking. */
static int proc_flush(proc_run *R, int i) {
  proc_outbuf *b = &R->ob[i];
  while (b->off < b->len) {
    ssize_t r = write(R->w[i].to_fd, b->data + b->off, b->len - b->off);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return 0;
      return gb_rep_fail(R->rep, GB_EIO, "writing to worker %d: %s", i, strerror(errno));
    }
    b->off += (size_t)r;
  }
  return 0;
}

/* The timed region: keep every worker fed until every result is in. */
static int proc_loop(proc_run *R) {
  int n = R->job->workers;
  struct pollfd *pf = gb_xcalloc((size_t)n * 2, sizeof *pf);
  int rc = 0;
  while (rc == 0 && R->collected < R->job->ntasks) {
    for (int i = 0; i < n; i++) {
      pf[2 * i] = (struct pollfd){.fd = R->w[i].from_fd, .events = POLLIN};
      int pending = R->ob[i].off < R->ob[i].len;
      pf[2 * i + 1] = (struct pollfd){.fd = pending ? R->w[i].to_fd : -1, .events = POLLOUT};
    }
    if (poll(pf, (nfds_t)n * 2, -1) < 0) {
      if (errno == EINTR) continue;
      rc = gb_rep_fail(R->rep, GB_EIO, "poll: %s", strerror(errno));
      break;
    }
    for (int i = 0; i < n && rc == 0; i++) {
      if (pf[2 * i + 1].revents & (POLLOUT | POLLERR)) rc = proc_flush(R, i);
      if (rc == 0 && (pf[2 * i].revents & (POLLIN | POLLHUP | POLLERR))) {
        rc = proc_receive(R, i);
        for (int k = 0; rc == 0 && k < (int)R->job->opts[PROC_OPT_INFLIGHT] && R->w[i].outstanding < R->job->opts[PROC_OPT_INFLIGHT]; k++)
          proc_send_next(R, i);
        if (rc == 0) rc = proc_flush(R, i);
      }
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
    for (int k = 0; k < i; k++) close(R->w[k].to_fd), close(R->w[k].from_fd);
    close(tw[1]), close(fw[0]);
    proc_child(R->job, i, tw[0], fw[1], R->w[i].shm, &R->L);
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
    proc_msg q = {.type = MSG_QUIT};
    proc_msg m;
    gb_worker_out wo;
    int fl = fcntl(R->w[i].to_fd, F_GETFL);
    fcntl(R->w[i].to_fd, F_SETFL, fl & ~O_NONBLOCK);
    if (!clean || gb_write_full(R->w[i].to_fd, &q, sizeof q) != 0 ||
        gb_read_full(R->w[i].from_fd, &m, sizeof m) != 0 || m.type != MSG_END ||
        gb_read_full(R->w[i].from_fd, &wo, sizeof wo) != 0) {
      kill(R->w[i].pid, SIGKILL);
    } else {
      R->rep->workers[i] = wo;
      R->rep->tasks_done += wo.tasks;
    }
    close(R->w[i].to_fd);
    close(R->w[i].from_fd);
  }
  for (int i = 0; i < spawned; i++) {
    int st;
    while (waitpid(R->w[i].pid, &st, 0) < 0 && errno == EINTR) {}
    if (clean && WIFSIGNALED(st))
      gb_rep_fail(R->rep, GB_EIO, "worker %d killed by signal %d", i, WTERMSIG(st));
  }
}

static int processes_run(const gb_job *job, gb_rep *rep) {
  proc_run R;
  memset(&R, 0, sizeof R);
  R.job = job;
  R.rep = rep;
  int n = job->workers, inflight = (int)job->opts[PROC_OPT_INFLIGHT];
  R.L.max_in = gb_workload_max_input(job->wl);
  R.L.max_out = gb_workload_max_output(job->wl);
  R.L.chunk = job->chunk;
  R.L.transfer = (int)job->opts[PROC_OPT_TRANSFER];
  R.L.slot_bytes = R.L.chunk * (R.L.max_in + R.L.max_out);
  gb_sched_init(&R.sched, job);
  R.w = gb_xcalloc((size_t)n, sizeof *R.w);
  R.ob = gb_xcalloc((size_t)n, sizeof *R.ob);
  R.rbuf = gb_xmalloc(R.L.chunk * R.L.max_out + 1);
  R.partials = gb_xmalloc(R.L.chunk * sizeof *R.partials);
  int rc = 0, spawned = 0;

  gb_rep_mark_create(rep); /* the timing contract (job.h) */
  for (int i = 0; i < n && rc == 0; i++) {
    R.w[i].free_slots = inflight >= 32 ? 0xffffffffu : (1u << inflight) - 1;
    if (R.L.transfer == PROC_SHM) {
      size_t bytes = R.L.slot_bytes * (size_t)inflight + 1;
      void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) {
        rc = gb_rep_fail(rep, GB_ENOMEM, "mmap of %zu bytes of shared memory: %s", bytes, strerror(errno));
        break;
      }
      R.w[i].shm = p;
    }
    if ((rc = proc_spawn(&R, i)) == 0) spawned++;
  }
  for (int i = 0; i < spawned && rc == 0; i++) { /* the start line: every worker is ready */
    proc_msg m;
    if (gb_read_full(R.w[i].from_fd, &m, sizeof m) != 0 || m.type != MSG_READY)
      rc = gb_rep_fail(rep, GB_EIO, "worker %d did not start", i);
  }
  gb_rep_clock_start(rep); /* every worker's begin hook ran before its READY */
  if (rc == 0) {
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < inflight; k++) proc_send_next(&R, i);
      if ((rc = proc_flush(&R, i)) != 0) break;
    }
    if (rc == 0) rc = proc_loop(&R);
  }
  gb_rep_clock_stop(rep); /* the end hooks run after QUIT, in proc_stop */
  proc_stop(&R, spawned, rc == 0);
  gb_rep_mark_joined(rep);

  gb_metric_add(rep, "ipc_bytes", R.ipc_bytes);
  gb_metric_add(rep, "ipc_messages", R.ipc_msgs);
  for (int i = 0; i < n; i++) {
    if (R.w[i].shm) munmap(R.w[i].shm, R.L.slot_bytes * (size_t)inflight + 1);
    free(R.ob[i].data);
  }
  free(R.w), free(R.ob), free(R.rbuf), free(R.partials);
  if (rc == 0 && rep->error[0]) rc = GB_EIO;
  return rc;
}

const gb_strategy gb_strategy_processes = {
    .name = "processes",
    .summary = "multiprocessing: a forked pool, payloads copied both ways over pipes or shared memory",
    .caps = GB_CAP_PARALLEL_CPU,
    .baseline = "serial",
    .options = proc_options,
    .noptions = GB_ARRAY_LEN(proc_options),
    .metrics = proc_metrics,
    .nmetrics = GB_ARRAY_LEN(proc_metrics),
    .run = processes_run,
};
