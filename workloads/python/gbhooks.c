/* gbhooks.c: libgbhooks.so, the worker hooks and the C kernels as a plain C shared library (no
 * Python API), for a Python host that gilbench runs as a child process (docs/python-host.md). The
 * host loads it with ctypes (CPython 2.7 and 3.x, PyPy): its workers then bind, sample, count and
 * take their CPU time with the very code native workers run. A function that can fail returns 0
 * or -1 and writes the reason into the caller's buffer. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ioop.h"
#include "job.h"
#include "kernel.h"
#include "pymod.h"

#define GBH_API __attribute__((visibility("default")))

/* The job this host process runs: one repetition per process (a fork child inherits it, a spawned
 * one loads it again from the same bytes). */
static gb_job gbh__job;
static int gbh__loaded;

GBH_API int gbh_abi(void) {
  return 1; /* bumped when a signature below changes */
}

GBH_API size_t gbh_worker_out_size(void) {
  return sizeof(gb_worker_out);
}

GBH_API int gbh_job_load(const void *buf, size_t len, char *err, size_t errlen) {
  if (gb_pymod_job_unpack(buf, len, &gbh__job, err, errlen) != 0) return -1;
  gbh__loaded = 1;
  return 0;
}

GBH_API int gbh_worker_begin(int i, char *err, size_t errlen) {
  if (!gbh__loaded) return snprintf(err, errlen, "worker_begin: no job loaded"), -1;
  if (i < 0 || i >= gbh__job.workers)
    return snprintf(err, errlen, "worker_begin: worker %d of %d", i, gbh__job.workers), -1;
  gb_worker_begin(&gbh__job, i);
  return 0;
}

/* Worker i's report (sizeof(gb_worker_out) bytes) into out. */
GBH_API int gbh_worker_end(int i, uint64_t tasks, void *out, size_t len, char *err, size_t errlen) {
  if (!gbh__loaded || len != sizeof(gb_worker_out))
    return snprintf(err, errlen, "worker_end: no job loaded or a report buffer of %zu bytes", len), -1;
  gb_worker_out o;
  memset(&o, 0, sizeof o);
  o.tasks = tasks;
  gb_worker_end(&gbh__job, i, &o);
  memcpy(out, &o, sizeof o);
  return 0;
}

GBH_API void gbh_worker_sample(void) {
  gb_worker_sample();
}

GBH_API void gbh_io_latency_add(uint64_t ns) {
  gb_io_latency_add(ns);
}

GBH_API void gbh_io_fail(const char *msg) {
  gb_io_fail("%s", msg);
}

GBH_API int gbh_kernel_index(const char *name) {
  for (int i = 0; gb_kernels[i]; i++)
    if (strcmp(gb_kernels[i]->name, name) == 0) return i;
  return -1;
}

/* The C kernel `idx` on task's input: its result in *result. Whether the caller's interpreter
 * lock is held meanwhile is the caller's choice (ctypes.CDLL releases it, ctypes.PyDLL does not). */
GBH_API int gbh_kernel(int idx, const int64_t *values, int nvalues, uint64_t task, const void *in, size_t len,
                       uint64_t *result, char *err, size_t errlen) {
  int n = 0;
  while (gb_kernels[n])
    n++;
  if (idx < 0 || idx >= n) return snprintf(err, errlen, "no kernel with index %d (there are %d)", idx, n), -1;
  const gb_kernel *k = gb_kernels[idx];
  if (nvalues != k->nparams)
    return snprintf(err, errlen, "kernel %s takes %d parameters, got %d", k->name, k->nparams, nvalues), -1;
  gb_kparams p;
  for (int i = 0; i < nvalues; i++) {
    if (values[i] < k->params[i].min || values[i] > k->params[i].max)
      return snprintf(err, errlen, "kernel %s: %s = %lld is outside [%lld, %lld]", k->name, k->params[i].name,
                      (long long)values[i], (long long)k->params[i].min, (long long)k->params[i].max),
             -1;
    p.v[i] = values[i];
  }
  gb_ctx ctx;
  gb_ctx_init(&ctx, 0);
  *result = k->run(&ctx, &p, task, in, len);
  return 0;
}
