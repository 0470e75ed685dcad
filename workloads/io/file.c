/* file.c: the `file` op, in the repetition's scratch folder (made by its setup hook under the run's
 * output folder, removed by its teardown hook). mode=write:
 * the task writes its own file (create, write, fsync if asked, close); mode=read: the task opens
 * and reads a file the harness wrote before timing (from the page cache, as a hot file is).
 * Every open, read, write, fsync and close is a blocking call of its own. The result is a hash of
 * the bytes written or read, with the task. What is written derives from the task's input
 * payload, and the harness reads every written file back after the repetition; what is read
 * derives from the run secret, so neither can be had without doing the I/O. Its event-loop twin
 * runs the same stages through uv_fs (libuv's thread pool does the blocking), at most
 * GB_IO_LOOP_MAX_FILES at once per loop. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gb.h"
#include "io_util.h"
#include "ioop.h"
#include "payload.h"

enum { FILE_P_BYTES = 0, FILE_P_MODE = 1, FILE_P_FSYNC = 2 };
enum { FILE_READ = 0, FILE_WRITE = 1 };

static const gb_param_def file_params[] = {
    [FILE_P_BYTES] =
        {.name = "bytes", .help = "bytes written or read", .def = 4096, .min = 1, .max = 64ll << 20},
    [FILE_P_MODE] = {.name = "mode",
                     .help = "write: the task writes its own file; read: it reads a file "
                             "prepared before timing",
                     .def = FILE_WRITE,
                     .min = 0,
                     .max = 1,
                     .choices = "read|write"},
    [FILE_P_FSYNC] = {.name = "fsync",
                      .help = "1: fsync each written file before closing it (write mode)",
                      .def = 0,
                      .min = 0,
                      .max = 1},
};

static void file_path(const char *scratch, const gb_kparams *p, uint64_t task, char *buf, size_t len) {
  if (p->v[FILE_P_MODE] == FILE_READ)
    snprintf(buf, len, "%s/read-%lld.dat", scratch, (long long)p->v[FILE_P_BYTES]);
  else
    snprintf(buf, len, "%s/task-%llu-%lld.dat", scratch, (unsigned long long)task,
             (long long)p->v[FILE_P_BYTES]);
}

static void file_write_data(const gb_kparams *p, const gb_io_call *call, uint8_t *buf) {
  uint64_t seed = gb_splitmix64(call->task ^ gb_payload_hash(call->in, call->in_len) ^ 0xf11eull);
  gb_payload_fill(seed, buf, (size_t)p->v[FILE_P_BYTES]);
}

static void file_read_data(const gb_kparams *p, uint64_t secret, uint8_t *buf) {
  gb_payload_fill(gb_splitmix64(secret ^ (0xf11e0000ull + (uint64_t)p->v[FILE_P_BYTES])), buf,
                  (size_t)p->v[FILE_P_BYTES]);
}

static uint64_t file_result(const gb_kparams *p, uint64_t task, const uint8_t *data, size_t len) {
  return gb_splitmix64(gb_payload_hash(data, len) ^ task ^ ((uint64_t)p->v[FILE_P_MODE] << 40));
}

static uint8_t *file_buf(gb_io_worker *w, size_t n) {
  if (w->cap < n) {
    w->buf = gb_xrealloc(w->buf, n);
    w->cap = n;
  }
  return w->buf;
}

/* One blocking call: `call` evaluated between the brackets, errno kept. */
#define FILE_BLOCKING(ctx, var, call)                                                                        \
  do {                                                                                                       \
    gb_io_block_begin(ctx);                                                                                  \
    var = (call);                                                                                            \
    int e__ = errno;                                                                                         \
    gb_io_block_end(ctx);                                                                                    \
    errno = e__;                                                                                             \
  } while (0)

static int file_fail(int fd, const char *what, const char *path, char *err, size_t errlen) {
  int e = errno ? errno : EIO;
  snprintf(err, errlen, "%s %s: %s", what, path, strerror(e));
  if (fd >= 0) close(fd);
  return -e;
}

static int file_run(gb_ctx *ctx, gb_io_worker *w, const gb_kparams *p, const gb_io_call *call,
                    uint64_t *result, char *err, size_t errlen) {
  if (!w->scratch_dir) {
    snprintf(err, errlen, "no scratch folder for this repetition");
    return GB_EIO;
  }
  char path[4096 + 64];
  file_path(w->scratch_dir, p, call->task, path, sizeof path);
  size_t n = (size_t)p->v[FILE_P_BYTES];
  uint8_t *buf = file_buf(w, n);
  int writing = p->v[FILE_P_MODE] == FILE_WRITE;
  if (writing) file_write_data(p, call, buf);
  int fd;
  ssize_t r;
  FILE_BLOCKING(ctx, fd,
                open(path, writing ? O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC : O_RDONLY | O_CLOEXEC, 0666));
  if (fd < 0) return file_fail(-1, "open", path, err, errlen);
  for (size_t done = 0; done < n;) { /* each read or write is one blocking call */
    if (writing)
      FILE_BLOCKING(ctx, r, write(fd, buf + done, n - done));
    else
      FILE_BLOCKING(ctx, r, read(fd, buf + done, n - done));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return file_fail(fd, writing ? "write" : "read", path, err, errlen);
    if (r == 0) {
      errno = EIO;
      return file_fail(fd, "short read of", path, err, errlen);
    }
    done += (size_t)r;
  }
  int rc = 0;
  if (writing && p->v[FILE_P_FSYNC]) {
    FILE_BLOCKING(ctx, rc, fsync(fd));
    if (rc != 0) return file_fail(fd, "fsync", path, err, errlen);
  }
  FILE_BLOCKING(ctx, rc, close(fd));
  if (rc != 0 && errno != EINTR) return file_fail(-1, "close", path, err, errlen);
  *result = file_result(p, call->task, buf, n);
  return 0;
}

/* The result from the data, made without I/O: the read file's content from `secret`. */
static uint64_t file_result_of(const gb_kparams *p, const gb_io_call *call, uint64_t secret) {
  size_t n = (size_t)p->v[FILE_P_BYTES];
  uint8_t *buf = gb_xmalloc(n);
  if (p->v[FILE_P_MODE] == FILE_WRITE)
    file_write_data(p, call, buf);
  else
    file_read_data(p, secret, buf);
  uint64_t r = file_result(p, call->task, buf, n);
  free(buf);
  return r;
}

static uint64_t file_expect(const gb_kparams *p, const gb_io_call *call) {
  return file_result_of(p, call, gb_run_secret());
}

/* A worker that skips the I/O knows what it would write, not what the file it should read holds. */
static uint64_t file_skipped(const gb_kparams *p, const gb_io_call *call) {
  return file_result_of(p, call, 0);
}

static double file_estimate(const gb_kparams *p) {
  double s = 20e-6 + 0.5e-9 * (double)p->v[FILE_P_BYTES]; /* open, copy, close */
  if (p->v[FILE_P_MODE] == FILE_WRITE && p->v[FILE_P_FSYNC]) s += 500e-6;
  return s;
}

/* ---- around a repetition: the scratch folder, the read file, the read-back ---- */

/* Remove a flat folder and what is in it. */
static void file_rmdir_flat(const char *dir) {
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
static int file_prepare_read(const char *scratch, const gb_kparams *p, char *err, size_t errlen) {
  char path[4096 + 64];
  file_path(scratch, p, 0, path, sizeof path);
  if (access(path, F_OK) == 0) return 0;
  size_t n = (size_t)p->v[FILE_P_BYTES];
  uint8_t *buf = gb_xmalloc(n);
  file_read_data(p, gb_run_secret(), buf);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  int rc = fd < 0 ? -errno : gb_write_full(fd, buf, n);
  if (fd >= 0) close(fd);
  free(buf);
  if (rc != 0) snprintf(err, errlen, "%s: %s", path, strerror(-rc));
  return rc;
}

/* The scratch folder (once per repetition), then the file a read-mode phase reads. */
static int file_setup(const gb_kparams *p, gb_io_env *env, char *err, size_t errlen) {
  if (!env->scratch[0]) {
    snprintf(env->scratch, sizeof env->scratch, "%s/scratch.XXXXXX", env->dir);
    if (!mkdtemp(env->scratch)) {
      int rc = -errno;
      snprintf(err, errlen, "cannot make a scratch folder in %s: %s", env->dir, strerror(errno));
      env->scratch[0] = '\0';
      return rc;
    }
  }
  return p->v[FILE_P_MODE] == FILE_READ ? file_prepare_read(env->scratch, p, err, errlen) : 0;
}

static int file_teardown(gb_io_env *env, char *err, size_t errlen) {
  (void)err;
  (void)errlen;
  if (env->scratch[0]) file_rmdir_flat(env->scratch);
  env->scratch[0] = '\0';
  return 0;
}

/* Read up to cap bytes of path into buf: the length, or -1 when it cannot be opened or read. */
static ssize_t file_slurp(const char *path, uint8_t *buf, size_t cap) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t len = fd < 0 ? -1 : 0, r = 0;
  while (fd >= 0 && (size_t)len < cap && (r = read(fd, buf + len, cap - (size_t)len)) != 0) {
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      len = -1;
      break;
    }
    len += r;
  }
  if (fd >= 0) close(fd);
  return len;
}

/* A written file holds exactly the bytes the task's input implies. */
static int file_check(const gb_kparams *p, const gb_io_env *env, const gb_io_call *call, char *err,
                      size_t errlen) {
  if (p->v[FILE_P_MODE] != FILE_WRITE) return 0;
  size_t n = (size_t)p->v[FILE_P_BYTES];
  uint8_t *want = gb_xmalloc(n + 1), *got = gb_xmalloc(n + 1);
  file_write_data(p, call, want);
  char path[4096 + 64];
  file_path(env->scratch, p, call->task, path, sizeof path);
  ssize_t len = file_slurp(path, got, n + 1);
  int rc = 0;
  if (len != (ssize_t)n || memcmp(got, want, n) != 0) {
    snprintf(err, errlen, "task %llu: %s %s (its file phase must write the %zu bytes its input implies)",
             (unsigned long long)call->task, path,
             len < 0             ? "is missing"
             : len != (ssize_t)n ? "has another length"
                                 : "holds other bytes",
             n);
    rc = GB_EIO;
  }
  free(want);
  free(got);
  return rc;
}

/* A blocking worker holds one file open at a time; an event loop up to GB_IO_LOOP_MAX_FILES. */
static long file_fds(const gb_kparams *p, int overlaps_io, long *server) {
  (void)p;
  *server = 0;
  return overlaps_io ? GB_IO_LOOP_MAX_FILES : 1;
}

/* Scratch folders (scratch.*) a repetition killed mid-way left under dir. */
static void file_sweep(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (strncmp(de->d_name, "scratch.", 8) != 0) continue;
    char p[4096 + 256];
    snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
    struct stat sb;
    if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) file_rmdir_flat(p);
  }
  closedir(d);
}

/* ---- the event-loop twin: uv_fs, one stage after another ---- */

#ifdef GB_HAVE_LIBUV
#include <uv.h>

typedef struct fl_loop {
  uv_loop_t *loop;
  const char *scratch;
  int files_open; /* and queued for a slot */
  gb_io_queue wait;
} fl_loop;

enum { FS_OPEN, FS_IO, FS_SYNC, FS_CLOSE };

typedef struct fl_op {
  gb_io_async *a;
  uv_file fd;
  size_t done;
  int stage;
  uv_fs_t fs;
} fl_op;

static int fl_loop_open(void *ls, uv_loop_t *loop, const char *scratch_dir, int io_port, char *err,
                        size_t errlen) {
  (void)io_port;
  (void)err;
  (void)errlen;
  fl_loop *F = ls;
  F->loop = loop;
  F->scratch = scratch_dir;
  return 0;
}

static size_t fl_buf_bytes(const gb_kparams *p) {
  return (size_t)p->v[FILE_P_BYTES];
}

static void fl_next(fl_op *T);

static void fl_finish(fl_op *T, const char *errmsg) {
  gb_io_async *a = T->a;
  fl_loop *F = a->loop_state;
  F->files_open--;
  gb_io_async *W = gb_io_queue_pop(&F->wait);
  if (W) fl_next(W->state); /* its open, now that a slot is free */
  uint64_t r = errmsg ? 0 : file_result(a->p, a->call.task, a->buf, (size_t)a->p->v[FILE_P_BYTES]);
  a->done(a, r, errmsg);
}

/* A stage failed: close the file (synchronously: the op is failing anyway) and fail the op. */
static void fl_fail(fl_op *T, ssize_t res) {
  static const char *const what[] = {"open", "read/write", "fsync", "close"};
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", what[T->stage], res < 0 ? uv_strerror((int)res) : "short read");
  if (T->stage != FS_OPEN && T->stage != FS_CLOSE) {
    uv_fs_t c;
    uv_fs_close(NULL, &c, T->fd, NULL);
    uv_fs_req_cleanup(&c);
  }
  fl_finish(T, msg);
}

static void fl_cb(uv_fs_t *req) {
  fl_op *T = req->data;
  ssize_t res = req->result;
  uv_fs_req_cleanup(req);
  const gb_kparams *p = T->a->p;
  if (res < 0 || (T->stage == FS_IO && res == 0)) {
    fl_fail(T, res);
    return;
  }
  switch (T->stage) {
  case FS_OPEN: T->fd = (uv_file)res, T->stage = FS_IO, T->done = 0; break;
  case FS_IO:
    T->done += (size_t)res;
    if (T->done == (size_t)p->v[FILE_P_BYTES])
      T->stage = p->v[FILE_P_MODE] == FILE_WRITE && p->v[FILE_P_FSYNC] ? FS_SYNC : FS_CLOSE;
    break;
  case FS_SYNC: T->stage = FS_CLOSE; break;
  case FS_CLOSE: fl_finish(T, NULL); return;
  }
  fl_next(T);
}

/* Issue the request of T's current stage. */
static void fl_next(fl_op *T) {
  gb_io_async *a = T->a;
  fl_loop *F = a->loop_state;
  size_t n = (size_t)a->p->v[FILE_P_BYTES];
  int writing = a->p->v[FILE_P_MODE] == FILE_WRITE, rc = 0;
  T->fs.data = T;
  if (T->stage == FS_OPEN) {
    char path[4096 + 64];
    file_path(F->scratch, a->p, a->call.task, path, sizeof path);
    int flags = writing ? O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC : O_RDONLY | O_CLOEXEC;
    rc = uv_fs_open(F->loop, &T->fs, path, flags, 0666, fl_cb);
  } else if (T->stage == FS_IO) {
    uv_buf_t b = uv_buf_init((char *)a->buf + T->done, (unsigned)(n - T->done));
    rc = writing ? uv_fs_write(F->loop, &T->fs, T->fd, &b, 1, -1, fl_cb)
                 : uv_fs_read(F->loop, &T->fs, T->fd, &b, 1, -1, fl_cb);
  } else if (T->stage == FS_SYNC) {
    rc = uv_fs_fsync(F->loop, &T->fs, T->fd, fl_cb);
  } else {
    rc = uv_fs_close(F->loop, &T->fs, T->fd, fl_cb);
  }
  if (rc < 0) { /* not even queued: fail as the callback would */
    T->fs.result = rc;
    fl_cb(&T->fs);
  }
}

static void fl_start(gb_io_async *a) {
  fl_op *T = a->state;
  fl_loop *F = a->loop_state;
  T->a = a;
  if (a->p->v[FILE_P_MODE] == FILE_WRITE) file_write_data(a->p, &a->call, a->buf);
  T->stage = FS_OPEN;
  T->fd = -1;
  if (!F->scratch) {
    a->done(a, 0, "no scratch folder for this repetition");
    return;
  }
  if (F->files_open++ >= GB_IO_LOOP_MAX_FILES) { /* counted now: fl_finish hands its slot over */
    gb_io_queue_push(&F->wait, a);
    return;
  }
  fl_next(T);
}

static const gb_io_twin file_twin = {
    .loop_bytes = sizeof(fl_loop),
    .loop_open = fl_loop_open,
    .task_bytes = sizeof(fl_op),
    .buf_bytes = fl_buf_bytes,
    .start = fl_start,
};
#define FILE_TWIN (&file_twin)
#else
#define FILE_TWIN NULL
#endif

const gb_ioop gb_ioop_file = {
    .name = "file",
    .summary = "write (and fsync) or read a file in the repetition's scratch folder",
    .params = file_params,
    .nparams = (int)GB_ARRAY_LEN(file_params),
    .run = file_run,
    .expect = file_expect,
    .skipped = file_skipped,
    .estimate_s = file_estimate,
    .setup = file_setup,
    .teardown = file_teardown,
    .check = file_check,
    .fds = file_fds,
    .sweep = file_sweep,
    .twin = FILE_TWIN,
};
