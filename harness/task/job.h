/* job.h: what a strategy is asked to run (one repetition of one cell) and what it hands back.
 * Also the worker hooks and the metrics API, so strategies include one header. */
#ifndef GB_JOB_H
#define GB_JOB_H

#include <stdint.h>

#include "histogram.h"
#include "params.h"
#include "task.h"

#define GB_MAX_WORKERS 1024
#define GB_MAX_PUS 256
#define GB_MAX_METRICS 32
#define GB_MAX_COUNTERS 16 /* counters one run may take per worker */

struct gb_counter_set;

struct gb_strategy;

/* One repetition of one cell, as handed to a strategy's run(). */
typedef struct gb_job {
  const gb_workload *wl;                 /* workload with its effective parameters */
  uint64_t ntasks;                       /* total tasks over all groups */
  int workers;                           /* worker count */
  gb_schedule schedule;                  /* static | dynamic (from the workload) */
  uint64_t chunk;                        /* tasks handed out at a time (>= 1) */
  const struct gb_strategy *strategy;    /* the strategy running it */
  int64_t opts[GB_MAX_PARAMS];           /* strategy option values, in its options-table order */
  const char *scratch_dir;               /* the run's scratch directory (I/O ops) */
  const char *artifact_path;             /* prefix for this repetition's side files (traces), or
                                            NULL when none are to be written */
  int io_port;                           /* the loopback server's port on 127.0.0.1 (0: none) */
  const char *binding;                   /* the cell's binding policy text ("none", "scatter", ...) */
  const int *bind_pus;                   /* per worker: OS PU it is bound to (-1: none), or NULL for
                                            no binding; placed once per repetition by the runner */
  const struct gb_counter_set *counters; /* counters every worker takes, or NULL for none */
  double timeout_s;                      /* the repetition's timeout (0: none): a strategy whose
                                            workers live elsewhere fails before it, naming the one
                                            that hangs */
} gb_job;

/* What one worker reports at its end: a fixed-size plain struct, so a process or an MPI rank can
 * send it back as bytes. */
typedef struct gb_worker_out {
  double cpu_s;                       /* CPU time the worker used, between begin and end */
  uint64_t pus_seen[GB_MAX_PUS / 64]; /* bit p set: the worker was seen running on PU p */
  float pu_time_s[GB_MAX_PUS];        /* time on each PU, as sampled (about once a millisecond, and at
                                         begin and end): the time between two samples counts on the
                                         PU of the first; all 0 where only pus_seen is known */
  uint32_t migrations;                /* times it was seen on a different PU than the last sample */
  int32_t bind_held;                  /* 1 every sample in its binding, 0 not, -1 not bound */
  uint64_t tasks;                     /* tasks it ran */
  uint64_t checkpoints;               /* checkpoint slow-path calls seen (GIL model only) */
  gb_hist latency;                    /* latency of each I/O op the worker ran */
  uint64_t io_errors;                 /* I/O ops that failed */
  char io_error[192];                 /* the first failure, "" if none */
  /* Counters, indexed like the run's gb_counter_set (names and reasons live there). */
  uint64_t counter_value[GB_MAX_COUNTERS]; /* value, scaled when multiplexed */
  float counter_fraction[GB_MAX_COUNTERS]; /* time counted / time enabled (1 when not multiplexed) */
  int32_t counter_err[GB_MAX_COUNTERS];    /* the backend's error code when it failed here (0 none) */
  uint8_t counter_status[GB_MAX_COUNTERS]; /* gb_counter_status; 0: never reported */
  int32_t bound_pu;                        /* OS PU it was bound to, -1 when not bound */
  int32_t pid;                             /* the process it ran in: threads of one process share memory */
  int64_t maxrss_kb;                       /* peak resident memory of that process (getrusage), KiB */
  int64_t pss_kb;                          /* its proportional set size at the worker's end (shared pages
                                              divided among the processes sharing them), KiB; -1 unknown */
  char host[64];                           /* host it ran on when that may not be this one (MPI ranks),
                                              else "": pus_seen and bound_pu are that host's PUs */
  uint64_t begun_ns;                       /* gb_now_ns() when its begin hook returned */
  uint64_t end_ns;                         /* gb_now_ns() when its end hook was entered */
} gb_worker_out;

/* Worker hooks: called in the worker itself (thread, process, OpenMP thread, loop thread) when
 * worker i starts and when it ends. They bind, start/stop counters and take CPU time, so no
 * strategy does that on its own. State between the two lives in thread-local storage. */
void gb_worker_begin(const gb_job *job, int i);
void gb_worker_end(const gb_job *job, int i, gb_worker_out *out);
/* Sample the PU now (called from checkpoints and task boundaries; cheap, rate-limited). */
void gb_worker_sample(void);

/* Metrics: named figures a strategy reports, each with its unit and its aggregation across
 * workers and repetitions. Declared in the strategy's descriptor. */
typedef enum { GB_AGG_SUM = 0, GB_AGG_MEAN = 1, GB_AGG_MAX = 2 } gb_agg;
typedef struct gb_metric_def {
  const char *name; /* "gil_switches" */
  const char *unit; /* "count", "s", "bytes" */
  gb_agg agg;       /* how workers' values combine, and how reps combine in stats */
  const char *help; /* one line */
} gb_metric_def;

/* What else ran on the machine during one repetition (harness/probes/noise.c): NAN where unknown. */
typedef struct gb_noise {
  double other_load;       /* CPUs' worth of non-idle time other processes used */
  double resolution;       /* CPUs' worth /proc/stat's tick granularity can hide over the window */
  double steal_fraction;   /* share of the machine's CPU time the hypervisor took */
  double steal_resolution; /* the share /proc/stat's ticks can hide over the window */
  double freq_mhz;         /* mean current frequency of the PUs, NAN when unreadable */
  double window_s;         /* how long the sample window was */
  char freq_reason[160];   /* why freq_mhz is NAN, "" otherwise */
  char reason[96];         /* why other_load/steal are NAN, "" otherwise */
} gb_noise;

/* The result of one repetition. */
typedef struct gb_rep {
  double wall_s;                      /* first task handed out .. last result collected */
  double startup_s;                   /* creating workers */
  double teardown_s;                  /* joining them */
  double user_s;                      /* coordinator + workers user CPU (the runner fills it) */
  double sys_s;                       /* coordinator + workers system CPU (the runner fills it) */
  double server_user_s, server_sys_s; /* the loopback server's CPU time, apart */
  double base_rss_bytes;              /* RSS of the repetition's process and its children before the run */
  double peak_rss_bytes;              /* their largest RSS while it ran (sampled; the runner fills both) */
  double ctx_switches;                /* context switches of its threads and children while it ran */
  int alloc_single_threaded;          /* its process had never had a second thread when it began (glibc's
                                         single-thread malloc fast path; alloc.h) */
  uint64_t checksum;                  /* sum of the tasks' checksum terms */
  uint64_t tasks_done;                /* tasks whose result was collected */
  int nworkers;
  gb_worker_out *workers;           /* nworkers entries (allocated by the runner) */
  const gb_metric_def *metric_defs; /* the strategy's metric table */
  int nmetrics;
  double metric_sum[GB_MAX_METRICS];     /* per metric: sum of values added */
  double metric_max[GB_MAX_METRICS];     /* per metric: largest value added */
  uint32_t metric_n[GB_MAX_METRICS];     /* per metric: number of values added */
  char error[1024];                      /* why the repetition failed (empty if it did not) */
  int code;                              /* 0, or the code it failed with (GB_ETIMEOUT: timed out) */
  gb_hist latency;                       /* I/O op latencies, merged over the workers */
  uint64_t io_ops_planned;               /* I/O ops the workload plans (the runner checks count) */
  int server_port;                       /* the loopback server's port, 0 if none ran */
  const struct gb_counter_set *counters; /* the run's counter set (names of workers' counters) */
  /* The timing contract's timestamps (gb_now_ns(); 0: not reached), set through the gb_rep_*
   * calls below; the runner derives startup_s, wall_s and teardown_s from them. */
  uint64_t t_create_ns; /* creating workers (threads, processes, loops, interpreters) began */
  uint64_t t_begun_ns;  /* the last worker's begin hook returned (the runner fills it) */
  uint64_t t_start_ns;  /* the clock started */
  uint64_t t_stop_ns;   /* the clock stopped */
  uint64_t t_end_ns;    /* the first worker's end hook was entered (the runner fills it) */
  uint64_t t_joined_ns; /* every worker joined */
  int no_hooks;         /* the workers are a library's own (the cpython library strategies) and run
                           no worker hooks: only creation <= start < stop <= joined is checked */
  gb_noise noise;       /* the runner fills it */
} gb_rep;

/* "ok", "failed" or "timeout": what the journal and results.json say of a repetition. Only an
 * "ok" repetition has a time and a checksum that mean anything, and only it enters statistics. */
static inline const char *gb_rep_status(const gb_rep *rep) {
  return rep->code == GB_ETIMEOUT ? "timeout" : rep->code || rep->error[0] ? "failed" : "ok";
}
static inline int gb_rep_ok(const gb_rep *rep) {
  return !rep->code && !rep->error[0];
}
/* The timing contract, owned by the harness: every strategy, native or Python, calls these from
 * its coordinator (gb_rep_clock_stop may come from the last worker to finish, under the lock that
 * orders it with the others), in this order, once per repetition:
 *   gb_rep_mark_create   before it creates any worker or loop          (startup_s starts)
 *   gb_rep_clock_start   after every worker's begin hook has returned,
 *                        before the first task is handed out           (wall_s starts)
 *   gb_rep_clock_stop    after the last result is collected,
 *                        before any worker's end hook                  (wall_s ends)
 *   gb_rep_mark_joined   after every worker is joined or closed        (teardown_s ends)
 * Workers sample (gb_worker_sample) once per chunk of tasks. The runner checks the order against
 * the hooks' own timestamps (gb_worker_out.begun_ns, end_ns) and fails a repetition that breaks
 * it. */
static inline void gb_rep_mark_create(gb_rep *rep) {
  rep->t_create_ns = gb_now_ns();
}
static inline void gb_rep_clock_start(gb_rep *rep) {
  rep->t_start_ns = gb_now_ns();
}
static inline void gb_rep_clock_stop(gb_rep *rep) {
  rep->t_stop_ns = gb_now_ns();
}
static inline void gb_rep_mark_joined(gb_rep *rep) {
  rep->t_joined_ns = gb_now_ns();
}
/* After run(): derive the durations from the timestamps and check the contract's order against
 * the workers' hooks; returns rc, or a failure when rc was 0 and the order is broken. */
int gb_rep_timing_finish(gb_rep *rep, int rc);

/* Add one worker's (or the whole run's) value of metric `name`; aborts on an undeclared name. */
void gb_metric_add(gb_rep *rep, const char *name, double value);
/* The metric's value for the repetition, aggregated by its rule (NAN if never added). */
double gb_metric_value(const gb_rep *rep, int idx);

/* Record a failure reason in rep->error (printf-style) and return code. */
int gb_rep_fail(gb_rep *rep, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Hand-out of tasks to workers: static (chunk c of worker w is w, w+W, ...) or dynamic (a free
 * chunk to whoever asks). Thread-safe; shared by the shared-memory strategies.
 * Dynamic with 2..GB_SCHED_SLOTS workers: each worker owns a range of chunks on a cache line of its
 * own and takes the lowest with an uncontended fetch_add; one whose range is empty steals the
 * upper half of another's (the first non-empty one after it) with a compare-and-swap, keeps its
 * first chunk and puts the rest in its own range. So no cache line moves between workers per
 * task, only per steal (at chunk 1 a shared counter moved one per task: the dispatch's largest
 * cost under `threads`). Every chunk is handed out exactly once; ranges only split, so a thief's
 * compare-and-swap cannot succeed on a stale value (no ABA). With one worker or more than
 * GB_SCHED_SLOTS, one shared counter. */
#define GB_CACHE_LINE 64
#define GB_SCHED_SLOTS 64
typedef struct gb_sched_slot {
  _Alignas(GB_CACHE_LINE) _Atomic uint64_t range; /* chunks [lo, hi): lo in the low 32 bits */
} gb_sched_slot;
typedef struct gb_sched {
  uint64_t ntasks;
  uint64_t chunk;
  uint64_t nchunks;
  int workers;
  int dynamic;
  int ranges;                                    /* dynamic through the per-worker ranges */
  _Alignas(GB_CACHE_LINE) _Atomic uint64_t next; /* dynamic, one counter: next chunk start */
  gb_sched_slot slot[GB_SCHED_SLOTS];            /* dynamic, ranges: worker w's range */
} gb_sched;
typedef struct gb_sched_cursor {
  uint64_t k; /* static: how many chunks this worker has taken */
} gb_sched_cursor;
void gb_sched_init(gb_sched *s, const gb_job *job);
/* The next range [*begin, *end) for worker w; 0 when there is none left. */
int gb_sched_next(gb_sched *s, int w, gb_sched_cursor *c, uint64_t *begin, uint64_t *end);

#endif
