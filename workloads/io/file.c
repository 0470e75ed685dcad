/* file.c: the `file` op, in the repetition's scratch folder (removed afterwards). mode=write:
 * the task writes its own file (create, write, fsync if asked, close); mode=read: the task opens
 * and reads a file the harness wrote before timing (from the page cache, as a hot file is).
 * Every open, read, write, fsync and close is a blocking call of its own. The result is a hash of
 * the bytes written or read, with the task. What is written derives from the task's input
 * payload, and the harness reads every written file back after the repetition; what is read
 * derives from the run secret, so neither can be had without doing the I/O. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gb.h"
#include "ioop.h"
#include "payload.h"

static const gb_param_def file_params[] = {
    [GB_FILE_P_BYTES] =
        {.name = "bytes", .help = "bytes written or read", .def = 4096, .min = 1, .max = 64ll << 20},
    [GB_FILE_P_MODE] = {.name = "mode",
                        .help = "write: the task writes its own file; read: it reads a file "
                                "prepared before timing",
                        .def = GB_FILE_WRITE,
                        .min = 0,
                        .max = 1,
                        .choices = "read|write"},
    [GB_FILE_P_FSYNC] = {.name = "fsync",
                         .help = "1: fsync each written file before closing it (write mode)",
                         .def = 0,
                         .min = 0,
                         .max = 1},
};

void gb_file_path(const char *scratch, const gb_kparams *p, uint64_t task, char *buf, size_t len) {
  if (p->v[GB_FILE_P_MODE] == GB_FILE_READ)
    snprintf(buf, len, "%s/read-%lld.dat", scratch, (long long)p->v[GB_FILE_P_BYTES]);
  else
    snprintf(buf, len, "%s/task-%llu-%lld.dat", scratch, (unsigned long long)task,
             (long long)p->v[GB_FILE_P_BYTES]);
}

void gb_file_write_data(const gb_kparams *p, const gb_io_call *call, uint8_t *buf) {
  uint64_t seed = gb_splitmix64(call->task ^ gb_payload_hash(call->in, call->in_len) ^ 0xf11eull);
  gb_payload_fill(seed, buf, (size_t)p->v[GB_FILE_P_BYTES]);
}

void gb_file_read_data(const gb_kparams *p, uint64_t secret, uint8_t *buf) {
  gb_payload_fill(gb_splitmix64(secret ^ (0xf11e0000ull + (uint64_t)p->v[GB_FILE_P_BYTES])), buf,
                  (size_t)p->v[GB_FILE_P_BYTES]);
}

uint64_t gb_file_result(const gb_kparams *p, uint64_t task, const uint8_t *data, size_t len) {
  return gb_splitmix64(gb_payload_hash(data, len) ^ task ^ ((uint64_t)p->v[GB_FILE_P_MODE] << 40));
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
  gb_file_path(w->scratch_dir, p, call->task, path, sizeof path);
  size_t n = (size_t)p->v[GB_FILE_P_BYTES];
  uint8_t *buf = file_buf(w, n);
  int writing = p->v[GB_FILE_P_MODE] == GB_FILE_WRITE;
  if (writing) gb_file_write_data(p, call, buf);
  int fd;
  ssize_t r;
  FILE_BLOCKING(ctx, fd,
                open(path, writing ? O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC : O_RDONLY | O_CLOEXEC, 0644));
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
  if (writing && p->v[GB_FILE_P_FSYNC]) {
    FILE_BLOCKING(ctx, rc, fsync(fd));
    if (rc != 0) return file_fail(fd, "fsync", path, err, errlen);
  }
  FILE_BLOCKING(ctx, rc, close(fd));
  if (rc != 0 && errno != EINTR) return file_fail(-1, "close", path, err, errlen);
  *result = gb_file_result(p, call->task, buf, n);
  return 0;
}

/* The result from the data, made without I/O: the read file's content from `secret`. */
static uint64_t file_result_of(const gb_kparams *p, const gb_io_call *call, uint64_t secret) {
  size_t n = (size_t)p->v[GB_FILE_P_BYTES];
  uint8_t *buf = gb_xmalloc(n);
  if (p->v[GB_FILE_P_MODE] == GB_FILE_WRITE)
    gb_file_write_data(p, call, buf);
  else
    gb_file_read_data(p, secret, buf);
  uint64_t r = gb_file_result(p, call->task, buf, n);
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
  double s = 20e-6 + 0.5e-9 * (double)p->v[GB_FILE_P_BYTES]; /* open, copy, close */
  if (p->v[GB_FILE_P_MODE] == GB_FILE_WRITE && p->v[GB_FILE_P_FSYNC]) s += 500e-6;
  return s;
}

const gb_ioop gb_ioop_file = {
    .name = "file",
    .summary = "write (and fsync) or read a file in the repetition's scratch folder",
    .params = file_params,
    .nparams = (int)GB_ARRAY_LEN(file_params),
    .run = file_run,
    .expect = file_expect,
    .skipped = file_skipped,
    .estimate_s = file_estimate,
};
