/* misbehave.c: test-only kernels, compiled into the gilbench-test binary alone, that crash
 * (SIGSEGV), abort, spin forever or start a daemon, so the isolation of repetitions can be tested. Each does
 * it only in the worker whose index is its `worker` parameter, so the reference (serial, worker 0) still
 * completes and the failure is the strategy's, not the reference's; worker = -1 makes the reference fail too.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel.h"

static const gb_param_def misbehave_params[] = {
    {"worker", "index of the worker that misbehaves (-1: every worker, the reference included)", 1, -1, 1024,
     NULL},
    {"n", "iterations of harmless work before misbehaving", 1000, 0, 1000000000, NULL},
};

static int misbehaves(const gb_ctx *ctx, const gb_kparams *p) {
  return p->v[0] < 0 || ctx->worker == p->v[0];
}

static uint64_t warm(gb_ctx *ctx, const gb_kparams *p) {
  uint64_t s = 0;
  for (int64_t i = 0; i < p->v[1]; i++) {
    s += (uint64_t)i;
    __asm__ volatile("" : "+r"(s));
    if ((i & 1023) == 0) gb_checkpoint(ctx);
  }
  return s;
}

static uint64_t crash_run(gb_ctx *ctx, const gb_kparams *p, uint64_t task, const uint8_t *in, size_t len) {
  uint64_t s = warm(ctx, p);
  if (misbehaves(ctx, p)) raise(SIGSEGV);
  return s + task;
}

static uint64_t abort_run(gb_ctx *ctx, const gb_kparams *p, uint64_t task, const uint8_t *in, size_t len) {
  uint64_t s = warm(ctx, p);
  if (misbehaves(ctx, p)) abort();
  return s + task;
}

static uint64_t spin_run(gb_ctx *ctx, const gb_kparams *p, uint64_t task, const uint8_t *in, size_t len) {
  uint64_t s = warm(ctx, p);
  while (misbehaves(ctx, p)) { /* forever, politely: checkpoints keep the GIL model working */
    s++;
    __asm__ volatile("" : "+r"(s));
    gb_checkpoint(ctx);
  }
  return s + task;
}

/* A daemon as library clusters and launchers start them: fork, setsid in the middle process, fork
 * again and let the middle one exit, so the daemon is in no process group of the repetition and its
 * parent is gone. It sleeps forever. Once per process, in the misbehaving worker. */
static uint64_t daemon_run(gb_ctx *ctx, const gb_kparams *p, uint64_t task, const uint8_t *in, size_t len) {
  static _Atomic int started;
  uint64_t s = warm(ctx, p);
  if (misbehaves(ctx, p) && atomic_exchange(&started, 1) == 0) {
    pid_t a = fork();
    if (a == 0) {
      setsid();
      if (fork() == 0) {
        for (;;)
          pause();
      }
      _exit(0);
    }
    if (a > 0) waitpid(a, NULL, 0);
  }
  return s + task;
}

static int none_print(FILE *out, gb_ctx *ctx, const gb_kparams *p) {
  fprintf(out, "test-only kernel\n");
  return 0;
}

static double one(const gb_kparams *p) {
  return 1;
}

#define MISBEHAVE(id, nm, sum, fn)                                                                           \
  static const gb_kernel id = {.name = nm,                                                                   \
                               .summary = sum,                                                               \
                               .unit = "tasks",                                                              \
                               .params = misbehave_params,                                                   \
                               .nparams = 2,                                                                 \
                               .run = fn,                                                                    \
                               .print = none_print,                                                          \
                               .work = one};
MISBEHAVE(k_crash, "test-crash", "test only: SIGSEGV in one worker", crash_run)
MISBEHAVE(k_abort, "test-abort", "test only: abort() in one worker", abort_run)
MISBEHAVE(k_spin, "test-spin", "test only: spin forever in one worker", spin_run)
MISBEHAVE(k_daemon, "test-daemon", "test only: start a double-forked setsid daemon in one worker", daemon_run)

/* Found by gb_kernel_find through the weak reference in kernels.c. */
const gb_kernel *const gb_test_kernels[] = {&k_crash, &k_abort, &k_spin, &k_daemon, NULL};
