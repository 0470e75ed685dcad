/* ioop.h: the I/O ops' contract, the harness side of I/O phases, and the loopback server's API.
 *
 * An I/O op is, like a kernel, a descriptor: name, summary, parameters as data, and functions.
 * `run` performs the op once, blocking, and brackets each blocking system call (each connect,
 * send, receive, sleep, open, read, write, fsync, close) with gb_io_block_begin/end(ctx), which
 * is where the GIL model releases and retakes its lock, exactly as CPython does around a
 * blocking call. `expect` computes the op's result without doing the I/O: the reference path.
 * An op's result is deterministic (a hash of the bytes that came back, or were read), so a wrong
 * reply or a short read changes the cell's checksum.
 *
 * The async strategy needs non-blocking twins of each op. They live in strategies/async.c, keyed
 * by op name, and build requests and digest replies with the same helpers the blocking ops use
 * (declared at the end of this file), so both paths agree by construction and libuv stays an
 * optional dependency of one file. */
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
/* The largest `connections` of the workload's tcp phases (0 without tcp). */
int64_t gb_io_max_connections(const struct gb_workload *wl);

/* What one repetition's I/O needs around it: the scratch folder and the loopback server. */
typedef struct gb_io_env {
  char scratch[4096]; /* the repetition's scratch folder ("" when none was needed) */
  int port;           /* the server's port on 127.0.0.1 (0: no server) */
  pid_t server_pid;   /* the server process (0: none) */
  int server_ctl;     /* write end of the server's control pipe: closing it stops the server */
  int server_report;  /* read end of the pipe the server writes its tally to as it exits */
} gb_io_env;

/* What the loopback server served in one repetition, as it reports it on exit (and as the plan
 * implies it: gb_io_expect_served). The digest is the sum of the request bodies' payload
 * hashes, so it does not depend on the order requests arrive in. */
typedef struct gb_server_tally {
  uint64_t requests;  /* complete requests answered */
  uint64_t bytes_in;  /* request bytes received (headers and bodies) */
  uint64_t bytes_out; /* reply bytes sent */
  uint64_t digest;    /* sum of gb_payload_hash(body) over the requests */
} gb_server_tally;
/* What the workload's tcp phases must make the server serve in one repetition (inputs from the
 * run secret). */
void gb_io_expect_served(const struct gb_workload *wl, gb_server_tally *t);
/* After a repetition, before teardown: every file a write-mode file phase wrote holds exactly the
 * bytes the task's input implies. 0, or GB_EIO with err naming the task and the file. */
int gb_io_verify_files(const struct gb_workload *wl, const gb_io_env *env, char *err, size_t errlen);
/* Before a repetition's timing: make the scratch folder (with the files read-mode phases read)
 * under `dir` when a file phase needs it, and start the loopback server when a tcp phase does.
 * Returns 0, or a negative code with err (nothing is left behind). */
int gb_io_setup(const struct gb_workload *wl, const char *dir, gb_io_env *env, char *err, size_t errlen);
/* After it: stop and reap the server (its CPU time into *user_s, *sys_s, its tally into *served,
 * zeroed when no server ran) and remove the scratch folder. Safe on a zeroed env. Returns 0, or a
 * negative code with err (the server died early, or did not report). */
int gb_io_teardown(gb_io_env *env, double *user_s, double *sys_s, gb_server_tally *served, char *err,
                   size_t errlen);

/* Remove scratch folders (scratch.*) left under dir by a repetition that was killed mid-way. */
void gb_io_sweep(const char *dir);

/* Open-files limit: raise the soft limit as far as the hard limit allows (once, at start-up);
 * the current soft limit. */
void gb_io_raise_nofile(void);
long gb_io_nofile_limit(void);
/* Files one event loop keeps open at once, at most (the async strategy queues file ops beyond). */
#define GB_IO_LOOP_MAX_FILES 64
/* Descriptors a cell needs at most, in the coordinator and in the server: a rough upper bound
 * from the workers, whether one worker overlaps I/O (an event loop) and the workload's ops. */
long gb_io_fds_needed(const struct gb_workload *wl, int workers, int overlaps_io, long *server);

/* ---- the loopback server (workloads/io/server.c) ---- */

/* Start the server as a child process listening on 127.0.0.1, an ephemeral port. It serves many
 * connections at once (epoll) and answers each request after the delay the request asks for. It
 * exits when the control pipe's write end closes (so also when gilbench dies) and on SIGKILL
 * from the kernel if its parent dies; it ignores SIGINT, so the repetition in flight finishes and
 * the runner stops it. Returns 0 or a negative code with err. */
int gb_server_start(int *port, pid_t *pid, int *ctl_fd, int *report_fd, char *err, size_t errlen);
/* Stop it (close ctl_fd, wait, SIGKILL after 5 s) and reap it; ru receives its resource usage and
 * tally what it served (read from report_fd, which is closed). Returns 0, or GB_EIO when it had
 * died on its own or sent no tally (err says which). */
int gb_server_stop(pid_t pid, int ctl_fd, int report_fd, struct rusage *ru, gb_server_tally *tally, char *err,
                   size_t errlen);

/* ---- shared by the blocking ops and their async twins (workloads/io/) ---- */

/* tcp: the request is a 16-byte header (magic, body length, delay in us, 0) and a body derived
 * from the task and its input payload; the server answers with body-length bytes: the body
 * reversed, each byte xor 0xa5. The op's result is the hash of the reply. */
#define GB_TCP_MAGIC 0x67626970u /* "gbip" */
#define GB_TCP_HEADER 16
#define GB_TCP_MAX_BODY (16ll << 20)
size_t gb_tcp_request_build(const gb_kparams *p, const gb_io_call *call, uint8_t *buf);
void gb_tcp_reply_make(const uint8_t *body, size_t len, uint8_t *reply);
uint64_t gb_tcp_result(const uint8_t *reply, size_t len);
enum { GB_TCP_P_BYTES = 0, GB_TCP_P_DELAY = 1, GB_TCP_P_CONNECTIONS = 2 };

/* sleep: the result depends on the task and the duration only. */
uint64_t gb_sleep_result(const gb_kparams *p, const gb_io_call *call);
enum { GB_SLEEP_P_US = 0 };
/* The null op's result (workloads/io/null.c), for the async twin. */
uint64_t gb_null_io_result(const gb_io_call *call);

/* file: write mode writes the task's data (derived from its input payload) to its own file, read
 * mode reads a file prepared before timing (content from the run secret and its size). */
enum { GB_FILE_P_BYTES = 0, GB_FILE_P_MODE = 1, GB_FILE_P_FSYNC = 2 };
enum { GB_FILE_READ = 0, GB_FILE_WRITE = 1 };
void gb_file_path(const char *scratch, const gb_kparams *p, uint64_t task, char *buf, size_t len);
void gb_file_write_data(const gb_kparams *p, const gb_io_call *call, uint8_t *buf); /* bytes */
void gb_file_read_data(const gb_kparams *p, uint64_t secret, uint8_t *buf);         /* the read file */
uint64_t gb_file_result(const gb_kparams *p, uint64_t task, const uint8_t *data, size_t len);

#endif
