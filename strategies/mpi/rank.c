/* rank.c: one rank of the mpi strategy (`gilbench __mpi-rank SPEC`, started by mpiexec on every
 * host). Rank 0 hands out chunks with the workload's schedule (static: dealt round-robin; dynamic:
 * the next free chunk to whichever rank returns results) and computes its own share between
 * messages; the other ranks receive each chunk's input payloads as one MPI message and send back
 * partial results and output payloads as another. Rank 0 verifies every task as the processes
 * strategy does (transit hooks on arrival, gb_task_result over the output as received), and
 * reports to the launcher through its standard output (mpi_spec.h). Linked only into builds with
 * MPI; the launcher side (strategies/mpi.c) needs no MPI library. */
#include <jansson.h>
#include <mpi.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "counters.h"
#include "ioop.h"
#include "machine.h"
#include "mpi_spec.h"
#include "topo.h"

enum { TAG_CHUNK = 1, TAG_QUIT = 2, TAG_RESULTS = 3 };

/* Rank 0 looks for messages inside its own long tasks every R0_SERVICE_NS (an MPI_Iprobe, a turn
 * of Open MPI's progress engine, costs microseconds); a chunk whose round trip took longer than
 * R0_LONG_CHUNK_NS is refilled one at a time (see r0_receive). */
#define R0_SERVICE_NS 100000u
#define R0_LONG_CHUNK_NS 10000000u

/* Header of a chunk (rank 0 -> rank) and of its results (rank -> rank 0). */
typedef struct rank_msg {
  uint64_t begin, end; /* tasks [begin, end) */
  uint32_t slot;       /* rank 0's send slot of the chunk */
  uint32_t pad;
} rank_msg;

/* This rank. */
typedef struct rank_self {
  int rank, size, local_rank, local_size;
  char host[GB_MPI_HOST_MAX];
  gb_mpi_spec *sp;
  gb_job job;
  int *bind_pus;
} rank_self;

/* Tell the launcher why the cell fails (kind FAIL, or HANG for a rank that does not answer in
 * time), then end the whole job on every host. */
static _Noreturn void rank_end(const rank_self *me, const char *kind, const char *fmt, va_list ap) {
  char msg[800];
  vsnprintf(msg, sizeof msg, fmt, ap);
  for (char *c = msg; *c; c++)
    if (*c == '\n') *c = ' ';
  printf(GB_MPI_LINE "%s %s\n", kind, msg);
  fflush(stdout);
  if (me->rank != 0) fprintf(stderr, "gilbench: rank %d on host %s: %s\n", me->rank, me->host, msg);
  MPI_Abort(MPI_COMM_WORLD, 3);
  _exit(3);
}

static _Noreturn void rank_fail(const rank_self *me, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static _Noreturn void rank_fail(const rank_self *me, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  rank_end(me, "FAIL", fmt, ap);
}

static _Noreturn void rank_hang(const rank_self *me, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static _Noreturn void rank_hang(const rank_self *me, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  rank_end(me, "HANG", fmt, ap);
}

/* Bytes of the input (or output) payloads of tasks [b, e). */
static size_t payload_bytes(const gb_workload *wl, uint64_t b, uint64_t e, int output) {
  size_t n = 0;
  for (uint64_t t = b; t < e; t++) {
    const gb_group *g = gb_workload_group_of(wl, t);
    n += (size_t)(output ? g->output_bytes : g->input_bytes);
  }
  return n;
}

/* Wait for a message (source, tag may be MPI_ANY_*): poll for about 50 us, then sleep 100 us
 * between polls. A rank that has nothing to do then leaves its PU to the ranks that compute
 * instead of spinning in MPI_Probe (with inflight >= 2 a computing rank finds its next chunk
 * already there, so the sleeps fall only where a rank is idle anyway). */
static void rank_wait(int source, int tag, MPI_Status *st) {
  uint64_t t0 = gb_now_ns();
  for (;;) {
    int flag = 0;
    MPI_Iprobe(source, tag, MPI_COMM_WORLD, &flag, st);
    if (flag) return;
    if (gb_now_ns() - t0 > 50000u) {
      struct timespec ts = {0, 100000};
      nanosleep(&ts, NULL);
    }
  }
}

/* Complete a non-blocking collective without spinning on a PU: test for about 50 us, then sleep
 * 100 us between tests. Open MPI's blocking calls poll; its mpi_yield_when_idle would make them
 * yield, but also every MPI_Iprobe that finds nothing, which rank 0 calls inside its own tasks
 * (r0_checkpoint): there each yield hands its PU to any runnable process, and on a loaded machine
 * rank 0 then got a fraction of the CPU time the other ranks got. The launcher sets it to 0. */
static void rank_complete(MPI_Request *req) {
  uint64_t t0 = gb_now_ns();
  for (;;) {
    int done = 0;
    MPI_Test(req, &done, MPI_STATUS_IGNORE);
    if (done) return;
    if (gb_now_ns() - t0 > 50000u) {
      struct timespec ts = {0, 100000};
      nanosleep(&ts, NULL);
    }
  }
}

/* ---- rank 0 ---- */

/* What rank 0 knows of one other rank. */
typedef struct r0_peer {
  uint8_t **buf;       /* per slot: the chunk message being sent */
  size_t *cap;         /* per slot: its capacity */
  MPI_Request *req;    /* per slot: the send */
  uint64_t *sent_b;    /* per slot: first task of the chunk in it */
  uint64_t *sent_ns;   /* per slot: when it was sent */
  uint32_t free_slots; /* bitmask */
  int outstanding;     /* chunks sent and not yet answered */
  gb_sched_cursor cur; /* static schedule cursor */
  int exhausted;       /* no more chunks for it */
  uint64_t last_ns;    /* when it last answered (or was primed) */
} r0_peer;

typedef struct r0_run {
  rank_self *me;
  gb_sched sched;
  r0_peer *peer;
  uint8_t *rbuf; /* one results message */
  size_t rcap;
  uint64_t collected, checksum;
  double ipc_bytes, ipc_msgs;
  int inflight;
  uint64_t last_service; /* when rank 0 last looked for messages */
  unsigned ticks;        /* checkpoints of its own tasks' kernels */
} r0_run;

/* Send rank w its next chunk, if there is one. */
static void r0_send_next(r0_run *R, int w) {
  r0_peer *p = &R->peer[w];
  const gb_workload *wl = &R->me->sp->wl;
  uint64_t b, e;
  if (p->exhausted || !gb_sched_next(&R->sched, w, &p->cur, &b, &e)) {
    p->exhausted = 1;
    return;
  }
  uint32_t slot = (uint32_t)__builtin_ctz(p->free_slots);
  p->free_slots &= ~(1u << slot);
  size_t need = sizeof(rank_msg) + payload_bytes(wl, b, e, 0);
  if (p->cap[slot] < need) {
    p->cap[slot] = need;
    p->buf[slot] = gb_xrealloc(p->buf[slot], need);
  }
  rank_msg m = {.begin = b, .end = e, .slot = slot};
  memcpy(p->buf[slot], &m, sizeof m);
  size_t off = sizeof m;
  for (uint64_t t = b; t < e; t++) {
    size_t il = (size_t)gb_workload_group_of(wl, t)->input_bytes;
    gb_payload_input(t, p->buf[slot] + off, il);
    off += il;
  }
  p->sent_b[slot] = b;
  p->sent_ns[slot] = gb_now_ns();
  MPI_Isend(p->buf[slot], (int)need, MPI_BYTE, w, TAG_CHUNK, MPI_COMM_WORLD, &p->req[slot]);
  p->outstanding++;
  R->ipc_bytes += (double)need;
  R->ipc_msgs++;
}

/* Receive one results message from st's source: verify every task, then refill that rank. */
static void r0_receive(r0_run *R, const MPI_Status *st) {
  rank_self *me = R->me;
  const gb_workload *wl = &me->sp->wl;
  int w = st->MPI_SOURCE, count = 0;
  MPI_Get_count(st, MPI_BYTE, &count);
  if ((size_t)count > R->rcap) {
    R->rcap = (size_t)count;
    R->rbuf = gb_xrealloc(R->rbuf, R->rcap);
  }
  MPI_Recv(R->rbuf, count, MPI_BYTE, w, TAG_RESULTS, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  r0_peer *p = &R->peer[w];
  rank_msg m;
  if ((size_t)count < sizeof m)
    rank_fail(me, "rank %d sent a malformed results message (%d bytes)", w, count);
  memcpy(&m, R->rbuf, sizeof m);
  size_t n = m.end > m.begin ? (size_t)(m.end - m.begin) : 0;
  if (m.slot >= 32 || (p->free_slots & (1u << m.slot)) || p->sent_b[m.slot] != m.begin || n == 0 ||
      n > me->sp->chunk || (size_t)count != sizeof m + n * 8 + payload_bytes(wl, m.begin, m.end, 1))
    rank_fail(me, "rank %d sent results that match no chunk it was given ([%llu, %llu))", w,
              (unsigned long long)m.begin, (unsigned long long)m.end);
  MPI_Wait(&p->req[m.slot], MPI_STATUS_IGNORE); /* delivered: the slot is free again */
  const uint8_t *partials = R->rbuf + sizeof m, *o = partials + n * 8;
  for (uint64_t t = m.begin; t < m.end; t++) {
    uint64_t partial;
    memcpy(&partial, partials + (t - m.begin) * 8, 8);
    size_t ol = (size_t)gb_workload_group_of(wl, t)->output_bytes;
    gb_payload_received_out(t, (uint8_t *)o, ol);
    R->checksum += gb_checksum_term(t, gb_task_result(t, partial, o, ol));
    o += ol;
  }
  R->collected += n;
  R->ipc_bytes += (double)count;
  R->ipc_msgs++;
  p->outstanding--;
  p->free_slots |= 1u << m.slot;
  p->last_ns = gb_now_ns();
  /* Chunks queued behind the one a rank computes hide the wait for rank 0's answer, which short
   * chunks need; a long chunk's rank waits at most a service interval for its next one, and a
   * chunk queued at the end would keep that rank busy after the others (rank 0 included) are done. */
  int want = p->last_ns - p->sent_ns[m.slot] > R0_LONG_CHUNK_NS ? 1 : R->inflight;
  while (p->outstanding < want && !p->exhausted)
    r0_send_next(R, w);
}

/* Handle every results message already there. Returns how many. */
static int r0_service(r0_run *R) {
  int handled = 0, flag = 1;
  while (flag) {
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULTS, MPI_COMM_WORLD, &flag, &st);
    if (flag) {
      r0_receive(R, &st);
      handled++;
    }
  }
  return handled;
}

/* Rank 0's eval breaker (kernel.h): the kernel of its own task calls this at each checkpoint, a
 * few microseconds apart, so rank 0 hands out and collects even in the middle of a long task. */
static void r0_checkpoint(gb_ctx *ctx) {
  r0_run *R = ctx->owner;
  if (++R->ticks % 32u) return; /* the clock once every 32 checkpoints */
  uint64_t now = gb_now_ns();
  if (now - R->last_service < R0_SERVICE_NS) return;
  R->last_service = now;
  r0_service(R);
}

/* Past the deadline: name the rank that has kept a chunk longest without answering. */
static _Noreturn void r0_hang(r0_run *R, const char **hosts, double waited) {
  int worst = -1;
  for (int w = 1; w < R->me->size; w++)
    if (R->peer[w].outstanding > 0 && (worst < 0 || R->peer[w].last_ns < R->peer[worst].last_ns)) worst = w;
  if (worst < 0)
    rank_hang(R->me, "rank 0 (host %s) waited %.3g s for results no rank owes", R->me->host, waited);
  r0_peer *p = &R->peer[worst];
  rank_hang(R->me,
            "rank %d (host %s) did not return its chunk within %.3g s (no answer for %.3g s); every rank "
            "stopped",
            worst, hosts[worst], waited, (double)(gb_now_ns() - p->last_ns) * 1e-9);
}

/* Rank 0's state for the repetition: a send slot per chunk outstanding at each other rank. */
static void r0_init(r0_run *R, rank_self *me) {
  memset(R, 0, sizeof *R);
  R->me = me;
  R->inflight = me->sp->inflight;
  gb_sched_init(&R->sched, &me->job);
  R->peer = gb_xcalloc((size_t)me->size, sizeof *R->peer);
  for (int w = 1; w < me->size; w++) {
    r0_peer *p = &R->peer[w];
    p->buf = gb_xcalloc((size_t)R->inflight, sizeof *p->buf);
    p->cap = gb_xcalloc((size_t)R->inflight, sizeof *p->cap);
    p->req = gb_xcalloc((size_t)R->inflight, sizeof *p->req);
    p->sent_b = gb_xcalloc((size_t)R->inflight, sizeof *p->sent_b);
    p->sent_ns = gb_xcalloc((size_t)R->inflight, sizeof *p->sent_ns);
    p->free_slots = R->inflight >= 32 ? 0xffffffffu : (1u << R->inflight) - 1;
  }
}

/* After the last result: the other ranks told to quit, the figures into head, R freed. */
static void r0_finish(r0_run *R, gb_mpi_head *head) {
  head->checksum = R->checksum;
  head->collected = R->collected;
  for (int w = 1; w < R->me->size; w++) { /* every chunk was answered: every send is complete */
    r0_peer *p = &R->peer[w];
    for (int k = 0; k < R->inflight; k++)
      free(p->buf[k]);
    free(p->buf), free(p->cap), free(p->req), free(p->sent_b), free(p->sent_ns);
    MPI_Send(NULL, 0, MPI_BYTE, w, TAG_QUIT, MPI_COMM_WORLD);
    R->ipc_msgs++;
  }
  head->ipc_bytes = R->ipc_bytes;
  head->ipc_messages = R->ipc_msgs;
  free(R->peer), free(R->rbuf);
}

/* Rank 0's timed region: hand out, compute its own share, collect. Fills head. */
static void r0_loop(rank_self *me, const char **hosts, gb_mpi_head *head, gb_worker_out *wo) {
  const gb_workload *wl = &me->sp->wl;
  r0_run R;
  r0_init(&R, me);
  gb_ctx ctx;
  gb_ctx_init(&ctx, 0);
  if (me->size > 1) { /* look for messages inside its own tasks too */
    ctx.owner = &R;
    ctx.on_checkpoint = r0_checkpoint;
    atomic_store(&ctx.breaker, 1);
  }
  uint8_t *in = gb_xmalloc(gb_workload_max_input(wl) + 1), *out = gb_xmalloc(gb_workload_max_output(wl) + 1);
  gb_sched_cursor own = {0};
  uint64_t ob = 0, oe = 0;
  int own_done = 0;
  double limit = me->sp->timeout_s;

  uint64_t t_go = gb_now_ns();
  for (int w = 1; w < me->size; w++) { /* prime every rank */
    R.peer[w].last_ns = t_go;
    for (int k = 0; k < R.inflight; k++)
      r0_send_next(&R, w);
  }
  unsigned polls = 0;
  while (R.collected < me->sp->ntasks) {
    /* Between its own tasks, look for messages every 10 us at most: an MPI_Iprobe (a turn of
     * Open MPI's progress engine) costs microseconds, more than a tiny task. */
    int handled = 0;
    uint64_t now = gb_now_ns();
    if (own_done || now - R.last_service >= 10000u) {
      handled = r0_service(&R);
      R.last_service = now;
    }
    if (!own_done) { /* one task of its own between messages */
      if (ob == oe && !gb_sched_next(&R.sched, 0, &own, &ob, &oe)) {
        own_done = 1;
        continue;
      }
      R.checksum += gb_checksum_term(ob, gb_task_run_local(wl, &ctx, ob, in, out));
      R.collected++;
      wo->tasks++;
      ob++;
      gb_worker_sample();
    } else if (!handled) { /* its own share done: wait for the others' results */
      if (++polls > 500) {
        struct timespec ts = {0, 100000};
        nanosleep(&ts, NULL);
      }
      double waited = (double)(gb_now_ns() - t_go) * 1e-9;
      if (limit > 0 && waited > limit) r0_hang(&R, hosts, waited);
    } else {
      polls = 0;
    }
  }
  head->wall_s = (double)(gb_now_ns() - t_go) * 1e-9;
  r0_finish(&R, head);
  free(in), free(out);
}

/* ---- the other ranks ---- */

static void worker_loop(rank_self *me, gb_worker_out *wo) {
  const gb_workload *wl = &me->sp->wl;
  gb_ctx ctx;
  gb_ctx_init(&ctx, me->rank);
  uint8_t *msg = NULL, *res[2] = {NULL, NULL};
  size_t mcap = 0, rcap[2] = {0, 0};
  MPI_Request rreq[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
  int which = 0;
  for (;;) {
    MPI_Status st;
    rank_wait(0, MPI_ANY_TAG, &st);
    int count = 0;
    MPI_Get_count(&st, MPI_BYTE, &count);
    if ((size_t)count > mcap) {
      mcap = (size_t)count;
      msg = gb_xrealloc(msg, mcap);
    }
    MPI_Recv(msg, count, MPI_BYTE, 0, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (st.MPI_TAG == TAG_QUIT) break;
    rank_msg m;
    memcpy(&m, msg, sizeof m);
    size_t n = (size_t)(m.end - m.begin);
    size_t need = sizeof m + n * 8 + payload_bytes(wl, m.begin, m.end, 1);
    MPI_Wait(&rreq[which], MPI_STATUS_IGNORE); /* this buffer's previous results are out */
    if (rcap[which] < need) {
      rcap[which] = need;
      res[which] = gb_xrealloc(res[which], need);
    }
    uint8_t *r = res[which], *in = msg + sizeof m, *o = r + sizeof m + n * 8;
    memcpy(r, &m, sizeof m);
    for (uint64_t t = m.begin; t < m.end; t++) {
      const gb_group *g = gb_workload_group_of(wl, t);
      size_t il = (size_t)g->input_bytes, ol = (size_t)g->output_bytes;
      gb_payload_received_in(t, in, il);
      uint64_t partial = gb_task_exec(wl, &ctx, t, in, il, o, ol);
      memcpy(r + sizeof m + (t - m.begin) * 8, &partial, 8);
      in += il;
      o += ol;
      wo->tasks++;
    }
    gb_worker_sample();
    MPI_Isend(r, (int)need, MPI_BYTE, 0, TAG_RESULTS, MPI_COMM_WORLD, &rreq[which]);
    which ^= 1;
  }
  MPI_Waitall(2, rreq, MPI_STATUSES_IGNORE);
  free(msg), free(res[0]), free(res[1]);
}

/* ---- set-up and the end ---- */

/* The spec from the argument; rebuild the workload's kernel and op pointers from their names. */
static gb_mpi_spec *rank_spec(rank_self *me, const char *hex) {
  gb_mpi_spec *sp = gb_xcalloc(1, sizeof *sp);
  if (strlen(hex) != 2 * sizeof *sp || gb_mpi_hex_decode(hex, sp, sizeof *sp) != 0 ||
      sp->magic != GB_MPI_MAGIC || sp->size != sizeof *sp)
    rank_fail(
        me,
        "rank %d (host %s): the job it was given is not from this gilbench build; run the same gilbench "
        "at the same path on every host",
        me->rank, me->host);
  for (int g = 0; g < sp->wl.ngroups; g++)
    for (int p = 0; p < sp->wl.groups[g].nphases; p++) {
      gb_phase *ph = &sp->wl.groups[g].phases[p];
      sp->kernel[g][p][GB_NAME_MAX - 1] = '\0';
      if (ph->kind == GB_PHASE_CPU)
        ph->kernel = gb_kernel_find(sp->kernel[g][p]);
      else
        ph->op = gb_ioop_find(sp->kernel[g][p]);
      if (!ph->kernel && !ph->op)
        rank_fail(me, "rank %d (host %s): this gilbench has no kernel or op '%s'", me->rank, me->host,
                  sp->kernel[g][p]);
    }
  sp->launcher_host[GB_MPI_HOST_MAX - 1] = sp->scratch_dir[PATH_MAX - 1] = '\0';
  sp->binding[sizeof sp->binding - 1] = sp->counters_spec[sizeof sp->counters_spec - 1] = '\0';
  sp->counters_backend[sizeof sp->counters_backend - 1] = '\0';
  return sp;
}

/* The run secret, from the environment mpiexec passed on (mpi_spec.h): rank 0 makes the inputs
 * from it; a worker rank gets its inputs only as payloads, so every rank drops the variable. */
static void rank_secret(const rank_self *me) {
  const char *hex = getenv(GB_MPI_SECRET_ENV);
  char *end = NULL;
  unsigned long long secret = hex ? strtoull(hex, &end, 16) : 0;
  int ok = hex && strlen(hex) == 16 && end && *end == '\0' && secret != 0;
  unsetenv(GB_MPI_SECRET_ENV);
  if (me->rank != 0) return;
  if (!ok)
    rank_fail(me, "rank 0 (host %s): the run secret did not arrive in %s (mpiexec -x)", me->host,
              GB_MPI_SECRET_ENV);
  gb_run_secret_set((uint64_t)secret);
}

/* The job as this rank runs it: placement from the binding policy among the ranks of its host;
 * counters resolved here; the loopback server only reachable on the launching host. */
static void rank_job(rank_self *me) {
  gb_mpi_spec *sp = me->sp;
  gb_job *job = &me->job;
  memset(job, 0, sizeof *job);
  job->wl = &sp->wl;
  job->ntasks = sp->ntasks;
  job->workers = sp->workers;
  job->schedule = (gb_schedule)sp->schedule;
  job->chunk = sp->chunk;
  job->strategy = gb_strategy_find("mpi");
  job->scratch_dir = sp->scratch_dir;
  job->io_port = sp->io_port;
  job->binding = sp->binding;
  char note[256];
  int *pus = strcmp(sp->binding, "none") == 0
                 ? NULL
                 : gb_bind_place_text(sp->binding, me->local_size, note, sizeof note);
  if (pus) {
    me->bind_pus = gb_xmalloc(sizeof *me->bind_pus * (size_t)me->size);
    for (int r = 0; r < me->size; r++)
      me->bind_pus[r] = -1;
    me->bind_pus[me->rank] = pus[me->local_rank];
    job->bind_pus = me->bind_pus;
    free(pus);
  }
  if (sp->counters_spec[0] && strcmp(sp->counters_spec, "none") != 0) {
    gb_counter_set *cs = NULL;
    char err[512];
    if (gb_counters_resolve(sp->counters_spec, sp->counters_backend[0] ? sp->counters_backend : NULL, &cs,
                            err, sizeof err) != 0)
      rank_fail(me, "rank %d (host %s): counters: %s", me->rank, me->host, err);
    job->counters = cs;
  }
  int here = strcmp(me->host, sp->launcher_host) == 0;
  for (int g = 0; g < sp->wl.ngroups && !here; g++)
    for (int p = 0; p < sp->wl.groups[g].nphases; p++) {
      const gb_phase *ph = &sp->wl.groups[g].phases[p];
      if (ph->kind == GB_PHASE_IO && strcmp(ph->op->name, "tcp") == 0)
        rank_fail(me,
                  "rank %d runs on host %s, but the loopback server of the tcp op listens on 127.0.0.1 of %s "
                  "(the launching host): run tcp workloads with every rank there",
                  me->rank, me->host, sp->launcher_host);
      if (ph->kind == GB_PHASE_IO && strcmp(ph->op->name, "file") == 0 && access(sp->scratch_dir, W_OK) != 0)
        rank_fail(me, "rank %d (host %s): the scratch folder %s of the file op is not there (it is on %s)",
                  me->rank, me->host, sp->scratch_dir, sp->launcher_host);
    }
}

/* This host's machine description, for meta.mpi.hosts. */
static char *host_json(const rank_self *me) {
  struct utsname u;
  uname(&u);
  json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "hostname", me->host, "os", u.sysname, "kernel",
                        u.release, "machine", u.machine, "virtualization", gb_machine_vm_json(), "cpu",
                        gb_machine_cpu_json(), "topology", gb_topo_json(gb_topo_machine()));
  json_object_set_new(o, "ranks", json_integer(me->local_size));
  char *s = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  return s;
}

/* After the timed region: every rank's figures and every host's description to rank 0, which
 * prints them for the launcher. */
static void rank_report(rank_self *me, const gb_mpi_head *head0, gb_worker_out *wo) {
  gb_mpi_rank mine;
  memset(&mine, 0, sizeof mine);
  mine.out = *wo;
  snprintf(mine.out.host, sizeof mine.out.host, "%s", me->host);
  mine.local_rank = me->local_rank;
  mine.local_size = me->local_size;
  gb_mpi_rank *all = me->rank == 0 ? gb_xmalloc(sizeof *all * (size_t)me->size) : NULL;
  MPI_Request req;
  MPI_Igather(&mine, (int)sizeof mine, MPI_BYTE, all, (int)sizeof mine, MPI_BYTE, 0, MPI_COMM_WORLD, &req);
  rank_complete(&req);

  char *desc = me->local_rank == 0 ? host_json(me) : NULL; /* one description per host */
  int len = desc ? (int)strlen(desc) + 1 : 0;
  int *lens = me->rank == 0 ? gb_xcalloc((size_t)me->size, sizeof *lens) : NULL;
  MPI_Igather(&len, 1, MPI_INT, lens, 1, MPI_INT, 0, MPI_COMM_WORLD, &req);
  rank_complete(&req);
  int *displ = NULL, total = 0;
  char *descs = NULL;
  if (me->rank == 0) {
    displ = gb_xcalloc((size_t)me->size, sizeof *displ);
    for (int r = 0; r < me->size; r++)
      displ[r] = total, total += lens[r];
    descs = gb_xmalloc((size_t)total + 1);
  }
  MPI_Igatherv(desc, len, MPI_CHAR, descs, lens, displ, MPI_CHAR, 0, MPI_COMM_WORLD, &req);
  rank_complete(&req);
  free(desc);
  if (me->rank != 0) return;

  gb_mpi_head h = *head0;
  h.magic = GB_MPI_MAGIC;
  h.nranks = me->size;
  json_t *hosts = json_object();
  for (int r = 0; r < me->size; r++) {
    if (!lens[r]) continue;
    json_error_t je;
    json_t *d = json_loads(descs + displ[r], 0, &je);
    if (d) json_object_set_new(hosts, all[r].out.host, d);
  }
  h.hosts = (int32_t)json_object_size(hosts);
  size_t n = sizeof h + sizeof *all * (size_t)me->size;
  uint8_t *b = gb_xmalloc(n);
  memcpy(b, &h, sizeof h);
  memcpy(b + sizeof h, all, sizeof *all * (size_t)me->size);
  char *hex = gb_xmalloc(2 * n + 1);
  gb_mpi_hex_encode(b, n, hex);
  char lib[MPI_MAX_LIBRARY_VERSION_STRING];
  int liblen = 0;
  MPI_Get_library_version(lib, &liblen);
  lib[strcspn(lib, "\n,")] = '\0';
  json_t *hj = json_pack("{s:s,s:o}", "library", lib, "hosts", hosts);
  char *hs = json_dumps(hj, JSON_COMPACT);
  printf(GB_MPI_LINE "HOSTS %s\n" GB_MPI_LINE "RESULT %s\n", hs, hex);
  fflush(stdout);
  free(hs), json_decref(hj), free(hex), free(b), free(all), free(lens), free(displ), free(descs);
}

/* Every rank's host (to name them in READY and in failures), and this rank's index among the ranks
 * of its host and their number, from the names (a gather that sleeps while it waits, where
 * MPI_Comm_split_type would spin). */
static const char **rank_hosts(rank_self *me, char **hostbuf) {
  *hostbuf = gb_xcalloc((size_t)me->size, GB_MPI_HOST_MAX);
  MPI_Request req;
  MPI_Iallgather(me->host, GB_MPI_HOST_MAX, MPI_CHAR, *hostbuf, GB_MPI_HOST_MAX, MPI_CHAR, MPI_COMM_WORLD,
                 &req);
  rank_complete(&req);
  const char **hosts = gb_xcalloc((size_t)me->size, sizeof *hosts);
  me->local_rank = me->local_size = 0;
  for (int r = 0; r < me->size; r++) {
    hosts[r] = *hostbuf + (size_t)r * GB_MPI_HOST_MAX;
    if (strcmp(hosts[r], me->host) == 0) me->local_size++, me->local_rank += r < me->rank;
  }
  return hosts;
}

int gb_mpi_rank_main(int argc, char **argv) {
  /* Never outlive mpiexec (this host) or its daemon (other hosts), even when they are SIGKILLed. */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() == 1) _exit(3);
  rank_self me;
  memset(&me, 0, sizeof me);
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &me.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &me.size);
  gethostname(me.host, sizeof me.host - 1);
  if (argc != 2)
    rank_fail(&me, "rank %d: usage: gilbench __mpi-rank SPEC (started by the mpi strategy)", me.rank);
  me.sp = rank_spec(&me, argv[1]);
  rank_secret(&me);
  if (me.sp->workers != me.size)
    rank_fail(&me, "mpiexec started %d ranks, the cell asks for %d", me.size, me.sp->workers);
  char *hostbuf = NULL;
  const char **hosts = rank_hosts(&me, &hostbuf);
  rank_job(&me);

  gb_worker_out wo;
  memset(&wo, 0, sizeof wo);
  gb_worker_begin(&me.job, me.rank);
  MPI_Request req;
  MPI_Ibarrier(MPI_COMM_WORLD, &req); /* the start line: every rank's begin hook has run */
  rank_complete(&req);
  gb_mpi_head head;
  memset(&head, 0, sizeof head);
  if (me.rank == 0) {
    printf(GB_MPI_LINE "READY");
    for (int r = 0; r < me.size; r++)
      printf(" %s", hosts[r]);
    printf("\n");
    fflush(stdout);
    r0_loop(&me, hosts, &head, &wo); /* the clock stops inside, before any end hook */
  } else {
    worker_loop(&me, &wo);
  }
  gb_worker_end(&me.job, me.rank, &wo);
  rank_report(&me, &head, &wo);
  MPI_Finalize();
  free(hostbuf), free(hosts), free(me.bind_pus), free(me.sp);
  gb_counters_free((gb_counter_set *)me.job.counters);
  return 0;
}
