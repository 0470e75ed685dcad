/* ioop.h: the I/O ops' contract (one file per op under workloads/io/, listed in ops.c) and the
 * harness side of I/O phases (harness/task/io.c).
 *
 * An I/O op is, like a kernel, a descriptor: name, summary, parameters as data (gb_param_def, the
 * form the definitions code validates and `gilbench list` prints), and functions. `run` performs
 * the op once, blocking, and brackets each blocking system call (each connect, send, receive,
 * sleep, open, read, write, fsync, close) with gb_io_block_begin/end(ctx), which is where the GIL
 * model releases and retakes its lock, exactly as CPython does around a blocking call. `expect`
 * computes the op's result without doing the I/O: the reference path. An op's result is
 * deterministic (a hash of the bytes that came back, or were read), so a wrong reply or a short
 * read changes the cell's checksum.
 *
 * The same file holds what the op needs around a repetition (setup/teardown hooks: the loopback
 * server, the scratch folder), its proof of work (what the server must have served, what the
 * files must hold) and its non-blocking twin for the event-loop strategy (gb_io_twin, on libuv,
 * compiled only with libuv), which computes the very result `run` does with the same helpers.
 * Nothing here names an op: the harness and the async strategy drive every op through these
 * hooks. docs/ARCHITECTURE.md, "Add an I/O op", is the recipe. */
#ifndef GB_IOOP_H
#define GB_IOOP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "histogram.h"
#include "kernel.h"

struct gb_job;
struct gb_workload;
struct gb_worker_out;
struct uv_loop_s;

/* What one op invocation works on. */
typedef struct gb_io_call {
  uint64_t task;     /* task index */
  const uint8_t *in; /* the task's input payload, as the worker received it */
  size_t in_len;
} gb_io_call;

/* The blocking side's per-worker state (thread-local in io.c, one per worker). */
typedef struct gb_io_worker {
  const struct gb_job *job; /* the repetition (opaque to the ops: they know nothing of jobs) */
  const char *scratch_dir;  /* the repetition's scratch folder (the job's), or NULL */
  int io_port;              /* the loopback server's port on 127.0.0.1 (the job's; 0: none) */
  int tcp_fd;               /* the worker's connection to the loopback server, -1 before use */
  uint8_t *buf;             /* scratch buffer for requests, replies and file data */
  size_t cap;
} gb_io_worker;

/* What the loopback server served in one repetition, as it reports it on exit (and as the plan
 * implies it: gb_io_expect_served). The digest is the sum of the request bodies' payload
 * hashes, so it does not depend on the order requests arrive in. */
typedef struct gb_server_tally {
  uint64_t requests;  /* complete requests answered */
  uint64_t bytes_in;  /* request bytes received (headers and bodies) */
  uint64_t bytes_out; /* reply bytes sent */
  uint64_t digest;    /* sum of gb_payload_hash(body) over the requests */
} gb_server_tally;

#define GB_IO_MAX_OPS 16 /* distinct ops one workload sets up, at most */

/* What one repetition's I/O has around it: made by the ops' setup hooks before timing, undone by
 * their teardown hooks after it. */
typedef struct gb_io_env {
  char dir[4096 - 32]; /* the folder a scratch folder goes in (the run's output folder) */
  char scratch[4096];  /* the repetition's scratch folder ("" when none was needed) */
  int port;            /* the loopback server's port on 127.0.0.1 (0: no server) */
  pid_t server_pid;    /* the server process (0: none) */
  int server_ctl;      /* write end of the server's control pipe: closing it stops the server */
  int server_report;   /* read end of the pipe the server writes its tally to as it exits */
  /* what teardown found: the server's tally and CPU time */
  gb_server_tally served;
  double server_user_s, server_sys_s;
  const struct gb_ioop *ops[GB_IO_MAX_OPS]; /* the ops set up, torn down in reverse order */
  int nops;
} gb_io_env;

/* ---- the event-loop twin (driven by strategies/async.c on libuv) ---- */

/* One op in flight on an event loop. The loop fills it and calls the twin's start; the twin
 * calls done() exactly once, from a libuv callback or before start returns, with err NULL when
 * the op worked (its result then what `run` returns) or a message (the result is then ignored). */
typedef struct gb_io_async gb_io_async;
struct gb_io_async {
  struct uv_loop_s *loop;
  void *loop_state; /* the op's state in this loop (twin.loop_bytes, zeroed, after loop_open) */
  void *state;      /* this op's own state (twin.task_bytes, aligned for any type, not zeroed) */
  const gb_kparams *p;
  gb_io_call call;
  uint64_t t0;            /* when the op started (gb_now_ns) */
  uint8_t *buf;           /* twin.buf_bytes(p) bytes for requests, replies and file data */
  gb_io_async *next_wait; /* in a wait queue of the loop state (gb_io_queue) */
  void (*done)(gb_io_async *a, uint64_t result, const char *err);
};

typedef struct gb_io_twin {
  size_t loop_bytes; /* per-loop state: a timer heap, a connection pool, file slots */
  /* Before the timing, once per loop that runs the op: set up its loop state (handles unref'd, so
   * an idle op keeps no loop alive) for the repetition's scratch folder (or NULL) and loopback
   * server port (or 0). 0, or a negative code with err. */
  int (*loop_open)(void *ls, struct uv_loop_s *loop, const char *scratch_dir, int io_port, char *err,
                   size_t errlen);
  /* After the timing: start closing the state's handles (uv_close). The loop then runs their
   * close callbacks, and the state's memory is freed after that. */
  void (*loop_close)(void *ls);
  /* Per-op room in every task of a group with a phase of this op, in flight or waiting: keep it
   * to what a waiting op needs. What only an op holding a loop resource needs (a connection's
   * buffer and write request) belongs to that resource in the loop state, bounded by the pool. */
  size_t task_bytes;                        /* per-op state (gb_io_async.state); may be 0 */
  size_t (*buf_bytes)(const gb_kparams *p); /* NULL: no buffer */
  void (*start)(gb_io_async *a);
} gb_io_twin;

/* A FIFO of ops waiting for a loop resource (a connection, a file slot). */
typedef struct gb_io_queue {
  gb_io_async *head, *tail;
} gb_io_queue;
static inline void gb_io_queue_push(gb_io_queue *q, gb_io_async *a) {
  a->next_wait = NULL;
  if (q->tail)
    q->tail->next_wait = a;
  else
    q->head = a;
  q->tail = a;
}
static inline gb_io_async *gb_io_queue_pop(gb_io_queue *q) {
  gb_io_async *a = q->head;
  if (a) {
    q->head = a->next_wait;
    if (!q->head) q->tail = NULL;
  }
  return a;
}

/* ---- the op descriptor ---- */

typedef struct gb_ioop {
  const char *name;    /* as written in definitions: `io = tcp` */
  const char *summary; /* one line */
  const gb_param_def *params;
  int nparams;
  /* Perform the op once, blocking. Returns 0 with *result set, or a negative errno-style code
   * with a message in err. */
  int (*run)(gb_ctx *ctx, gb_io_worker *w, const gb_kparams *p, const gb_io_call *call, uint64_t *result,
             char *err, size_t errlen);
  /* The result run() returns when everything works, computed without I/O. */
  uint64_t (*expect)(const gb_kparams *p, const gb_io_call *call);
  /* The result a worker that skips the I/O would return: what it can compute alone, from the
   * task and its input, without the run secret (the test-only fault skipio:TASK). */
  uint64_t (*skipped)(const gb_kparams *p, const gb_io_call *call);
  /* The least time one op can take, in ns (a sleep's duration), or NULL: an op measured shorter
   * fails its worker, so a wait that did not happen is caught. */
  uint64_t (*min_ns)(const gb_kparams *p);
  /* Rough duration of one op alone, in seconds (for plan estimates). */
  double (*estimate_s)(const gb_kparams *p);

  /* Around a repetition (each NULL when the op needs nothing). setup: before the timing, once per
   * phase that runs the op; what it makes is shared in env, so a second phase finds it made.
   * teardown: after the timing, once per op set up (also after a failed setup), in reverse
   * order; undoes what setup made and fills env's findings. Both 0, or a negative code with err. */
  int (*setup)(const gb_kparams *p, gb_io_env *env, char *err, size_t errlen);
  int (*teardown)(gb_io_env *env, char *err, size_t errlen);
  /* Proof of work, after the repetition and before teardown, per task of a phase of the op: what
   * the op left behind is what the task's input implies (a written file's bytes). 0, or GB_EIO
   * with err naming the task. */
  int (*check)(const gb_kparams *p, const gb_io_env *env, const gb_io_call *call, char *err, size_t errlen);
  /* What one op must make the loopback server serve: added to *t (checked against its tally). */
  void (*served)(const gb_kparams *p, const gb_io_call *call, gb_server_tally *t);
  /* Descriptors one worker holds for phases of this op at most (overlaps_io: an event loop), and
   * in *server those the loopback server holds for that worker. */
  long (*fds)(const gb_kparams *p, int overlaps_io, long *server);
  /* Ops of a phase one event loop can have in flight at once (tcp: its connections); NULL: no
   * bound but the loop's concurrency. */
  int64_t (*loop_limit)(const gb_kparams *p);
  /* Remove what a repetition killed mid-way left under dir (a scratch folder). */
  void (*sweep)(const char *dir);
  /* The non-blocking twin, NULL in a build without libuv. */
  const gb_io_twin *twin;
} gb_ioop;

/* Registry (workloads/io/ops.c): every op, NULL-terminated, in one list. */
extern const gb_ioop *const gb_ioops[];
const gb_ioop *gb_ioop_find(const char *name);

/* Blocking-call brackets: what the GIL model hooks. */
static inline void gb_io_block_begin(gb_ctx *ctx) {
  if (ctx->on_block_begin) ctx->on_block_begin(ctx);
}
static inline void gb_io_block_end(gb_ctx *ctx) {
  if (ctx->on_block_end) ctx->on_block_end(ctx);
}

/* ---- the harness side (harness/task/io.c) ---- */

struct gb_phase;
/* Run an I/O phase in the calling worker: times it into the worker's latency histogram. Outside
 * a worker, only the reference path may run I/O phases (gb_io_reference_begin), and gets the
 * op's `expect` result. After a failed op, the worker's later ops fail at once. */
uint64_t gb_io_phase_run(const struct gb_phase *ph, gb_ctx *ctx, uint64_t task, const uint8_t *in,
                         size_t in_len);
/* The reference path (this thread): I/O phases return their expected results without I/O. */
void gb_io_reference_begin(void);
void gb_io_reference_end(void);

/* Worker hooks, called by gb_worker_begin/gb_worker_end in the worker itself. */
void gb_io_worker_begin(const struct gb_job *job, int i);
/* Close the worker's connection and copy its latency histogram and I/O error into out. */
void gb_io_worker_end(struct gb_worker_out *out);
/* For strategies that run I/O their own way (async): record one op's latency, or its failure,
 * in the calling worker's state (the first failure's message is kept). */
void gb_io_latency_add(uint64_t ns);
/* One op of task `task` is over after `ns`: its latency, and a failure when the op's min_ns says
 * it cannot have been done in that time. */
void gb_io_op_done(const gb_ioop *op, const gb_kparams *p, uint64_t task, uint64_t ns);
void gb_io_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Whether the calling worker has had an I/O failure. */
int gb_io_failed(void);

/* I/O ops a workload plans: sum over groups of tasks x I/O phases. */
uint64_t gb_io_ops_planned(const struct gb_workload *wl);
/* Whether any phase of the workload runs the op called `name`. */
int gb_io_uses(const struct gb_workload *wl, const char *name);
/* Serial estimate of the time the workload spends in I/O, in seconds. */
double gb_io_estimate_s(const struct gb_workload *wl);
/* The longest chain of waits one task must make: over the workload's task groups, the largest
 * sum of its I/O phases' estimated durations (each op's estimate_s). 0 when there is no I/O. The
 * overlap ideal (speedup.h) divides the serial time by it. */
double gb_io_chain_s(const struct gb_workload *wl);
/* The largest loop_limit of the workload's I/O phases (tcp: connections), 0 when none has one. */
int64_t gb_io_loop_limit(const struct gb_workload *wl);

/* What the workload's I/O phases must make the loopback server serve in one repetition (the ops'
 * `served`, inputs from the run secret). */
void gb_io_expect_served(const struct gb_workload *wl, gb_server_tally *t);
/* After a repetition, before teardown: every op's `check` for every task (a written file holds
 * exactly the bytes the task's input implies). 0, or GB_EIO with err naming the task. */
int gb_io_verify(const struct gb_workload *wl, const gb_io_env *env, char *err, size_t errlen);
/* Before a repetition's timing: every I/O phase's setup hook (the scratch folder under `dir`, the
 * loopback server). Returns 0, or a negative code with err (nothing is left behind). */
int gb_io_setup(const struct gb_workload *wl, const char *dir, gb_io_env *env, char *err, size_t errlen);
/* After it: the ops' teardown hooks, in reverse (the server's CPU time into *user_s, *sys_s, its
 * tally into *served, zeroed when no server ran; the scratch folder removed). Safe on a zeroed
 * env. Returns 0, or a negative code with err (the first failure: the server died early, or did
 * not report). */
int gb_io_teardown(gb_io_env *env, double *user_s, double *sys_s, gb_server_tally *served, char *err,
                   size_t errlen);

/* Remove what repetitions killed mid-way left under dir (every op's sweep hook). */
void gb_io_sweep(const char *dir);

/* Open-files limit: raise the soft limit as far as the hard limit allows (once, at start-up);
 * the current soft limit. */
void gb_io_raise_nofile(void);
long gb_io_nofile_limit(void);
/* Files one event loop keeps open at once, at most (the file op's twin queues file ops beyond). */
#define GB_IO_LOOP_MAX_FILES 64
/* Descriptors a cell needs at most, in the coordinator and in the server: a rough upper bound
 * from the workers, whether one worker overlaps I/O (an event loop) and the ops' fds hooks. */
long gb_io_fds_needed(const struct gb_workload *wl, int workers, int overlaps_io, long *server);

#endif
