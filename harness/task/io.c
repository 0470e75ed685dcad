/* io.c: the harness side of I/O phases (see ioop.h): each worker's I/O state (connection,
 * latency histogram, first failure), timing every op, the reference path, the scratch folder and
 * the loopback server around a repetition, and the open-files limit. */
#include "ioop.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io_util.h"
#include "job.h"

/* Per-worker state between gb_io_worker_begin and gb_io_worker_end, thread-local like the worker
 * hooks' own, so threads, forked processes and loop threads each have theirs. */
typedef struct gb__io_state {
  int active;      /* inside a worker */
  int reference;   /* on the reference path: no I/O, expected results */
  gb_io_worker w;  /* what the blocking ops use */
  gb_hist hist;    /* latency of every op */
  uint64_t errors; /* failed ops */
  char error[192]; /* the first failure */
} gb__io_state;

static _Thread_local gb__io_state gb__io;

void gb_io_reference_begin(void) {
  gb__io.reference = 1;
}
void gb_io_reference_end(void) {
  gb__io.reference = 0;
}

void gb_io_worker_begin(const gb_job *job, int i) {
  (void)i;
  free(gb__io.w.buf);
  memset(&gb__io, 0, sizeof gb__io);
  gb__io.active = 1;
  gb__io.w.job = job;
  gb__io.w.scratch_dir = job ? job->scratch_dir : NULL;
  gb__io.w.io_port = job ? job->io_port : 0;
  gb__io.w.tcp_fd = -1;
  gb_hist_init(&gb__io.hist);
}

void gb_io_worker_end(gb_worker_out *out) {
  if (gb__io.w.tcp_fd >= 0) close(gb__io.w.tcp_fd);
  gb__io.w.tcp_fd = -1;
  free(gb__io.w.buf);
  gb__io.w.buf = NULL;
  gb__io.w.cap = 0;
  out->latency = gb__io.hist;
  out->io_errors = gb__io.errors;
  snprintf(out->io_error, sizeof out->io_error, "%s", gb__io.error);
  gb__io.active = 0;
}

void gb_io_latency_add(uint64_t ns) {
  gb_hist_add(&gb__io.hist, ns);
}

void gb_io_op_done(const gb_ioop *op, const gb_kparams *p, uint64_t task, uint64_t ns) {
  gb_hist_add(&gb__io.hist, ns);
  uint64_t least = op->min_ns ? op->min_ns(p) : 0;
  if (ns < least)
    gb_io_fail("%s op of task %llu took %llu ns, less than the %llu ns it must wait", op->name,
               (unsigned long long)task, (unsigned long long)ns, (unsigned long long)least);
}

void gb_io_fail(const char *fmt, ...) {
  if (gb__io.errors++ == 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(gb__io.error, sizeof gb__io.error, fmt, ap);
    va_end(ap);
  }
}

int gb_io_failed(void) {
  return gb__io.errors > 0;
}

uint64_t gb_io_phase_run(const gb_phase *ph, gb_ctx *ctx, uint64_t task, const uint8_t *in, size_t in_len) {
  GB_ASSERT(ph->kind == GB_PHASE_IO && ph->op);
  gb_io_call call = {.task = task, .in = in, .in_len = in_len};
  if (gb__io.reference) return ph->op->expect(&ph->params, &call);
  GB_ASSERT(gb__io.active); /* a strategy ran an I/O phase outside gb_worker_begin/end */
  uint64_t result = 0;
  if (gb__io.errors) return 0; /* after a failure, fail fast: the repetition is lost anyway */
  char err[160] = "";
  uint64_t t0 = gb_now_ns();
  int rc = 0;
  if (gb_fault_hits(GB_FAULT_SKIPIO, task))
    result = ph->op->skipped(&ph->params, &call); /* test-only */
  else
    rc = ph->op->run(ctx, &gb__io.w, &ph->params, &call, &result, err, sizeof err);
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

int64_t gb_io_max_connections(const gb_workload *wl) {
  int64_t m = 0;
  for (int g = 0; g < wl->ngroups; g++)
    for (int p = 0; p < wl->groups[g].nphases; p++) {
      const gb_phase *ph = &wl->groups[g].phases[p];
      if (ph->kind == GB_PHASE_IO && ph->op && strcmp(ph->op->name, "tcp") == 0 &&
          ph->params.v[GB_TCP_P_CONNECTIONS] > m)
        m = ph->params.v[GB_TCP_P_CONNECTIONS];
    }
  return m;
}

/* ---- around a repetition: scratch folder and server ---- */

/* Remove a flat folder and what is in it. */
static void gb__rmdir_flat(const char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *de;
    while ((de = readdir(d))) {
      if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
      char p[4096 + 256];
      snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
      unlink(p);
    }
    closedir(d);
  }
  rmdir(dir);
}

/* Write the file a read-mode phase reads (once per size). */
static int gb__prepare_read_file(const char *scratch, const gb_kparams *p, char *err, size_t errlen) {
  char path[4096 + 64];
  gb_file_path(scratch, p, 0, path, sizeof path);
  if (access(path, F_OK) == 0) return 0;
  size_t n = (size_t)p->v[GB_FILE_P_BYTES];
  uint8_t *buf = gb_xmalloc(n);
  gb_file_read_data(p, gb_run_secret(), buf);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int rc = fd < 0 ? -errno : gb_write_full(fd, buf, n);
  if (fd >= 0) close(fd);
  free(buf);
  if (rc != 0) snprintf(err, errlen, "%s: %s", path, strerror(-rc));
  return rc;
}

int gb_io_setup(const gb_workload *wl, const char *dir, gb_io_env *env, char *err, size_t errlen) {
  memset(env, 0, sizeof *env);
  env->server_ctl = env->server_report = -1;
  int rc = 0;
  if (gb_io_uses(wl, "file")) {
    snprintf(env->scratch, sizeof env->scratch, "%s/scratch.XXXXXX", dir);
    if (!mkdtemp(env->scratch)) {
      rc = -errno;
      snprintf(err, errlen, "cannot make a scratch folder in %s: %s", dir, strerror(errno));
      env->scratch[0] = '\0';
      return rc;
    }
    for (int g = 0; g < wl->ngroups && rc == 0; g++)
      for (int p = 0; p < wl->groups[g].nphases && rc == 0; p++) {
        const gb_phase *ph = &wl->groups[g].phases[p];
        if (ph->kind == GB_PHASE_IO && strcmp(ph->op->name, "file") == 0 &&
            ph->params.v[GB_FILE_P_MODE] == GB_FILE_READ)
          rc = gb__prepare_read_file(env->scratch, &ph->params, err, errlen);
      }
  }
  if (rc == 0 && gb_io_uses(wl, "tcp"))
    rc = gb_server_start(&env->port, &env->server_pid, &env->server_ctl, &env->server_report, err, errlen);
  if (rc != 0) {
    double u, s;
    char e2[256];
    gb_server_tally t;
    gb_io_teardown(env, &u, &s, &t, e2, sizeof e2);
  }
  return rc;
}

static double gb__tv_s(struct timeval tv) {
  return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

int gb_io_teardown(gb_io_env *env, double *user_s, double *sys_s, gb_server_tally *served, char *err,
                   size_t errlen) {
  int rc = 0;
  *user_s = *sys_s = 0;
  memset(served, 0, sizeof *served);
  if (env->server_pid > 0) {
    struct rusage ru;
    rc = gb_server_stop(env->server_pid, env->server_ctl, env->server_report, &ru, served, err, errlen);
    *user_s = gb__tv_s(ru.ru_utime);
    *sys_s = gb__tv_s(ru.ru_stime);
  }
  env->server_pid = 0;
  env->server_ctl = env->server_report = -1;
  env->port = 0;
  if (env->scratch[0]) gb__rmdir_flat(env->scratch);
  env->scratch[0] = '\0';
  return rc;
}

void gb_io_expect_served(const gb_workload *wl, gb_server_tally *t) {
  memset(t, 0, sizeof *t);
  if (!gb_io_uses(wl, "tcp")) return;
  uint8_t *in = gb_xmalloc(gb_workload_max_input(wl) + 1), *req = NULL;
  size_t cap = 0;
  uint64_t task = 0;
  for (int g = 0; g < wl->ngroups; g++) {
    const gb_group *gr = &wl->groups[g];
    for (int64_t k = 0; k < gr->tasks; k++, task++)
      for (int p = 0; p < gr->nphases; p++) {
        const gb_phase *ph = &gr->phases[p];
        if (ph->kind != GB_PHASE_IO || strcmp(ph->op->name, "tcp") != 0) continue;
        size_t n = (size_t)ph->params.v[GB_TCP_P_BYTES];
        if (cap < GB_TCP_HEADER + n) req = gb_xrealloc(req, cap = GB_TCP_HEADER + n);
        gb_payload_input(task, in, (size_t)gr->input_bytes);
        gb_io_call call = {.task = task, .in = in, .in_len = (size_t)gr->input_bytes};
        gb_tcp_request_build(&ph->params, &call, req);
        t->requests++;
        t->bytes_in += GB_TCP_HEADER + n;
        t->bytes_out += n;
        t->digest += gb_payload_hash(req + GB_TCP_HEADER, n);
      }
  }
  free(in);
  free(req);
}

int gb_io_verify_files(const gb_workload *wl, const gb_io_env *env, char *err, size_t errlen) {
  if (!env->scratch[0]) return 0;
  uint8_t *in = gb_xmalloc(gb_workload_max_input(wl) + 1), *want = NULL, *got = NULL;
  size_t cap = 0;
  uint64_t task = 0;
  int rc = 0;
  for (int g = 0; g < wl->ngroups && rc == 0; g++) {
    const gb_group *gr = &wl->groups[g];
    for (int64_t k = 0; k < gr->tasks && rc == 0; k++, task++)
      for (int p = 0; p < gr->nphases && rc == 0; p++) {
        const gb_phase *ph = &gr->phases[p];
        if (ph->kind != GB_PHASE_IO || strcmp(ph->op->name, "file") != 0 ||
            ph->params.v[GB_FILE_P_MODE] != GB_FILE_WRITE)
          continue;
        size_t n = (size_t)ph->params.v[GB_FILE_P_BYTES];
        if (cap < n + 1) {
          cap = n + 1;
          want = gb_xrealloc(want, cap);
          got = gb_xrealloc(got, cap);
        }
        gb_payload_input(task, in, (size_t)gr->input_bytes);
        gb_io_call call = {.task = task, .in = in, .in_len = (size_t)gr->input_bytes};
        gb_file_write_data(&ph->params, &call, want);
        char path[4096 + 64];
        gb_file_path(env->scratch, &ph->params, task, path, sizeof path);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t len = fd < 0 ? -1 : 0, r = 0;
        while (fd >= 0 && (size_t)len <= n && (r = read(fd, got + len, n + 1 - (size_t)len)) != 0) {
          if (r < 0 && errno == EINTR) continue;
          if (r < 0) {
            len = -1;
            break;
          }
          len += r;
        }
        if (fd >= 0) close(fd);
        if (len != (ssize_t)n || memcmp(got, want, n) != 0) {
          snprintf(err, errlen,
                   "task %llu: %s %s (its file phase must write the %zu bytes its input implies)",
                   (unsigned long long)task, path,
                   fd < 0              ? "is missing"
                   : len != (ssize_t)n ? "has another length"
                                       : "holds other bytes",
                   n);
          rc = GB_EIO;
        }
      }
  }
  free(in);
  free(want);
  free(got);
  return rc;
}

void gb_io_sweep(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (strncmp(de->d_name, "scratch.", 8) != 0) continue;
    char p[4096 + 256];
    snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
    struct stat sb;
    if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) gb__rmdir_flat(p);
  }
  closedir(d);
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
  long conns = 0;
  if (gb_io_uses(wl, "tcp")) conns = overlaps_io ? (long)workers * gb_io_max_connections(wl) : workers;
  if (gb_io_uses(wl, "file")) need += overlaps_io ? (long)workers * GB_IO_LOOP_MAX_FILES : workers;
  need += conns;
  *server = conns ? 16 + conns : 0; /* listening socket, epoll, timerfd, pipe, one per client */
  return need;
}
