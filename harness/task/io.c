/* io.c: the harness side of I/O phases (see ioop.h): each worker's I/O state (connection,
 * latency histogram, first failure), timing every op, the reference path, the ops' setup,
 * teardown and proof-of-work hooks around a repetition, and the open-files limit. No op is named
 * here. */
#include "ioop.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "job.h"

/* Per-worker state between gb_io_worker_begin and gb_io_worker_end, thread-local like the worker
 * hooks' own, so threads, forked processes and loop threads each have theirs. */
typedef struct io_state {
  int active;      /* inside a worker */
  int reference;   /* on the reference path: no I/O, expected results */
  gb_io_worker w;  /* what the blocking ops use */
  gb_hist hist;    /* latency of every op */
  uint64_t errors; /* failed ops */
  char error[192]; /* the first failure */
} io_state;

static _Thread_local io_state io_tls;

void gb_io_reference_begin(void) {
  io_tls.reference = 1;
}
void gb_io_reference_end(void) {
  io_tls.reference = 0;
}

void gb_io_worker_begin(const gb_job *job, int i) {
  (void)i;
  free(io_tls.w.buf);
  memset(&io_tls, 0, sizeof io_tls);
  io_tls.active = 1;
  io_tls.w.job = job;
  io_tls.w.scratch_dir = job ? job->scratch_dir : NULL;
  io_tls.w.io_port = job ? job->io_port : 0;
  io_tls.w.tcp_fd = -1;
  gb_hist_init(&io_tls.hist);
}

void gb_io_worker_end(gb_worker_out *out) {
  if (io_tls.w.tcp_fd >= 0) close(io_tls.w.tcp_fd);
  io_tls.w.tcp_fd = -1;
  free(io_tls.w.buf);
  io_tls.w.buf = NULL;
  io_tls.w.cap = 0;
  out->latency = io_tls.hist;
  out->io_errors = io_tls.errors;
  snprintf(out->io_error, sizeof out->io_error, "%s", io_tls.error);
  io_tls.active = 0;
}

void gb_io_latency_add(uint64_t ns) {
  gb_hist_add(&io_tls.hist, ns);
}

void gb_io_op_done(const gb_ioop *op, const gb_kparams *p, uint64_t task, uint64_t ns) {
  gb_hist_add(&io_tls.hist, ns);
  uint64_t least = op->min_ns ? op->min_ns(p) : 0;
  if (ns < least)
    gb_io_fail("%s op of task %llu took %llu ns, less than the %llu ns it must wait", op->name,
               (unsigned long long)task, (unsigned long long)ns, (unsigned long long)least);
}

void gb_io_fail(const char *fmt, ...) {
  if (io_tls.errors++ == 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(io_tls.error, sizeof io_tls.error, fmt, ap);
    va_end(ap);
  }
}

int gb_io_failed(void) {
  return io_tls.errors > 0;
}

uint64_t gb_io_phase_run(const gb_phase *ph, gb_ctx *ctx, uint64_t task, const uint8_t *in, size_t in_len) {
  GB_ASSERT(ph->kind == GB_PHASE_IO && ph->op);
  gb_io_call call = {.task = task, .in = in, .in_len = in_len};
  if (io_tls.reference) return ph->op->expect(&ph->params, &call);
  GB_ASSERT(io_tls.active); /* a strategy ran an I/O phase outside gb_worker_begin/end */
  uint64_t result = 0;
  if (io_tls.errors) return 0; /* after a failure, fail fast: the repetition is lost anyway */
  char err[160] = "";
  uint64_t t0 = gb_now_ns();
  int rc = 0;
  if (gb_fault_hits(GB_FAULT_SKIPIO, task))
    result = ph->op->skipped(&ph->params, &call); /* test-only */
  else
    rc = ph->op->run(ctx, &io_tls.w, &ph->params, &call, &result, err, sizeof err);
  uint64_t t1 = gb_now_ns();
  if (rc != 0) {
    gb_io_fail("%s op of task %llu: %s", ph->op->name, (unsigned long long)task,
               err[0] ? err : gb_strerror(rc));
    return 0;
  }
  gb_io_op_done(ph->op, &ph->params, task, t1 - t0);
  return result;
}

/* ---- what a workload's I/O phases add up to ---- */

uint64_t gb_io_ops_planned(const gb_workload *wl) {
  uint64_t n = 0;
  for (int g = 0; g < wl->ngroups; g++)
    for (int p = 0; p < wl->groups[g].nphases; p++)
      if (wl->groups[g].phases[p].kind == GB_PHASE_IO) n += (uint64_t)wl->groups[g].tasks;
  return n;
}

int gb_io_uses(const gb_workload *wl, const char *name) {
  for (int g = 0; g < wl->ngroups; g++)
    for (int p = 0; p < wl->groups[g].nphases; p++) {
      const gb_phase *ph = &wl->groups[g].phases[p];
      if (ph->kind == GB_PHASE_IO && ph->op && strcmp(ph->op->name, name) == 0) return 1;
    }
  return 0;
}

double gb_io_estimate_s(const gb_workload *wl) {
  double s = 0;
  for (int g = 0; g < wl->ngroups; g++)
    for (int p = 0; p < wl->groups[g].nphases; p++) {
      const gb_phase *ph = &wl->groups[g].phases[p];
      if (ph->kind == GB_PHASE_IO && ph->op && ph->op->estimate_s)
        s += (double)wl->groups[g].tasks * ph->op->estimate_s(&ph->params);
    }
  return s;
}

double gb_io_chain_s(const gb_workload *wl) {
  double longest = 0;
  for (int g = 0; g < wl->ngroups; g++) {
    double chain = 0;
    for (int p = 0; p < wl->groups[g].nphases; p++) {
      const gb_phase *ph = &wl->groups[g].phases[p];
      if (ph->kind == GB_PHASE_IO && ph->op && ph->op->estimate_s) chain += ph->op->estimate_s(&ph->params);
    }
    if (chain > longest) longest = chain;
  }
  return longest;
}

int64_t gb_io_loop_limit(const gb_workload *wl) {
  int64_t m = 0;
  for (int g = 0; g < wl->ngroups; g++)
    for (int p = 0; p < wl->groups[g].nphases; p++) {
      const gb_phase *ph = &wl->groups[g].phases[p];
      if (ph->kind == GB_PHASE_IO && ph->op && ph->op->loop_limit) {
        int64_t l = ph->op->loop_limit(&ph->params);
        if (l > m) m = l;
      }
    }
  return m;
}

/* ---- around a repetition: the ops' setup and teardown hooks ---- */

/* Whether env already holds op (set up for an earlier phase). */
static int env_has(const gb_io_env *env, const gb_ioop *op) {
  for (int i = 0; i < env->nops; i++)
    if (env->ops[i] == op) return 1;
  return 0;
}

int gb_io_setup(const gb_workload *wl, const char *dir, gb_io_env *env, char *err, size_t errlen) {
  memset(env, 0, sizeof *env);
  env->server_ctl = env->server_report = -1;
  snprintf(env->dir, sizeof env->dir, "%s", dir);
  int rc = 0;
  for (int g = 0; g < wl->ngroups && rc == 0; g++)
    for (int p = 0; p < wl->groups[g].nphases && rc == 0; p++) {
      const gb_phase *ph = &wl->groups[g].phases[p];
      if (ph->kind != GB_PHASE_IO || !ph->op->setup) continue;
      if (!env_has(env, ph->op)) {
        GB_ASSERT(env->nops < GB_IO_MAX_OPS);
        env->ops[env->nops++] = ph->op; /* before its setup: a failed one is torn down too */
      }
      rc = ph->op->setup(&ph->params, env, err, errlen);
    }
  if (rc != 0) {
    double u, s;
    char e2[256];
    gb_server_tally t;
    gb_io_teardown(env, &u, &s, &t, e2, sizeof e2);
  }
  return rc;
}

int gb_io_teardown(gb_io_env *env, double *user_s, double *sys_s, gb_server_tally *served, char *err,
                   size_t errlen) {
  int rc = 0;
  memset(&env->served, 0, sizeof env->served);
  env->server_user_s = env->server_sys_s = 0;
  for (int i = env->nops - 1; i >= 0; i--) {
    char e[256] = "";
    int r = env->ops[i]->teardown ? env->ops[i]->teardown(env, e, sizeof e) : 0;
    if (r != 0 && rc == 0) {
      rc = r;
      snprintf(err, errlen, "%s", e);
    }
  }
  env->nops = 0;
  *user_s = env->server_user_s;
  *sys_s = env->server_sys_s;
  *served = env->served;
  return rc;
}

/* Calls fn(ph, call, arg) for every task and every I/O phase of the workload whose op `wants`
 * (the task's input made as a worker receives it), until fn returns nonzero. */
static int each_io_call(const gb_workload *wl, int (*wants)(const gb_ioop *op),
                        int (*fn)(const gb_phase *ph, const gb_io_call *call, void *arg), void *arg) {
  int any = 0;
  for (int g = 0; g < wl->ngroups; g++)
    for (int p = 0; p < wl->groups[g].nphases; p++)
      any |= wl->groups[g].phases[p].kind == GB_PHASE_IO && wants(wl->groups[g].phases[p].op);
  if (!any) return 0; /* no task loop for workloads that need none */
  uint8_t *in = gb_xmalloc(gb_workload_max_input(wl) + 1);
  uint64_t task = 0;
  int rc = 0;
  for (int g = 0; g < wl->ngroups && rc == 0; g++) {
    const gb_group *gr = &wl->groups[g];
    for (int64_t k = 0; k < gr->tasks && rc == 0; k++, task++)
      for (int p = 0; p < gr->nphases && rc == 0; p++) {
        const gb_phase *ph = &gr->phases[p];
        if (ph->kind != GB_PHASE_IO || !wants(ph->op)) continue;
        gb_payload_input(task, in, (size_t)gr->input_bytes);
        gb_io_call call = {.task = task, .in = in, .in_len = (size_t)gr->input_bytes};
        rc = fn(ph, &call, arg);
      }
  }
  free(in);
  return rc;
}

static int has_served(const gb_ioop *op) {
  return op->served != NULL;
}

static int add_served(const gb_phase *ph, const gb_io_call *call, void *arg) {
  ph->op->served(&ph->params, call, arg);
  return 0;
}

void gb_io_expect_served(const gb_workload *wl, gb_server_tally *t) {
  memset(t, 0, sizeof *t);
  each_io_call(wl, has_served, add_served, t);
}

typedef struct verify_arg {
  const gb_io_env *env;
  char *err;
  size_t errlen;
} verify_arg;

static int has_check(const gb_ioop *op) {
  return op->check != NULL;
}

static int check_one(const gb_phase *ph, const gb_io_call *call, void *arg) {
  verify_arg *v = arg;
  return ph->op->check(&ph->params, v->env, call, v->err, v->errlen);
}

int gb_io_verify(const gb_workload *wl, const gb_io_env *env, char *err, size_t errlen) {
  verify_arg v = {env, err, errlen};
  return each_io_call(wl, has_check, check_one, &v);
}

void gb_io_sweep(const char *dir) {
  for (int i = 0; gb_ioops[i]; i++)
    if (gb_ioops[i]->sweep) gb_ioops[i]->sweep(dir);
}

/* ---- descriptors ---- */

void gb_io_raise_nofile(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  rlim_t want = rl.rlim_max;
  if (want == RLIM_INFINITY) { /* the kernel caps it at fs.nr_open */
    want = 1048576;
    FILE *f = fopen("/proc/sys/fs/nr_open", "r");
    unsigned long v;
    if (f && fscanf(f, "%lu", &v) == 1) want = v;
    if (f) fclose(f);
  }
  if (want > rl.rlim_cur) {
    rl.rlim_cur = want;
    setrlimit(RLIMIT_NOFILE, &rl); /* as far as allowed; on failure the old limit stands */
  }
}

long gb_io_nofile_limit(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return -1;
  return rl.rlim_cur == RLIM_INFINITY ? 1L << 30 : (long)rl.rlim_cur;
}

long gb_io_fds_needed(const gb_workload *wl, int workers, int overlaps_io, long *server) {
  long need = 32 + 2L * workers;         /* stdio, results, journal; a pipe pair per process worker */
  if (overlaps_io) need += 6L * workers; /* per loop: epoll, eventfd, signal pipe, timerfd */
  long srv = 0;
  for (int i = 0; gb_ioops[i]; i++) { /* per op: the most any of its phases holds, per worker */
    long most = 0, most_srv = 0;
    for (int g = 0; g < wl->ngroups; g++)
      for (int p = 0; p < wl->groups[g].nphases; p++) {
        const gb_phase *ph = &wl->groups[g].phases[p];
        if (ph->kind != GB_PHASE_IO || ph->op != gb_ioops[i] || !ph->op->fds) continue;
        long s = 0, n = ph->op->fds(&ph->params, overlaps_io, &s);
        if (n > most) most = n;
        if (s > most_srv) most_srv = s;
      }
    need += workers * most;
    srv += workers * most_srv;
  }
  *server = srv ? 16 + srv : 0; /* listening socket, epoll, timerfd, pipe, one per client */
  return need;
}
