/* sleep.c: the `sleep` op, a timer wait: the stand-in for "waiting on something else" (a slow
 * service, a lock held elsewhere). One blocking call: clock_nanosleep to an absolute deadline, so
 * a signal cannot make it shorter. */
#include <errno.h>
#include <time.h>

#include "gb.h"
#include "ioop.h"

static const gb_param_def sleep_params[] = {
    [GB_SLEEP_P_US] =
        {.name = "us", .help = "how long to wait, in microseconds", .def = 1000, .min = 0, .max = 60000000},
};

uint64_t gb_sleep_result(const gb_kparams *p, const gb_io_call *call) {
  return gb_splitmix64(call->task ^ ((uint64_t)p->v[GB_SLEEP_P_US] << 32) ^ 0x51ee9ull);
}

static int sleep_run(gb_ctx *ctx, gb_io_worker *w, const gb_kparams *p, const gb_io_call *call,
                     uint64_t *result, char *err, size_t errlen) {
  (void)w;
  (void)err;
  (void)errlen;
  struct timespec dl;
  clock_gettime(CLOCK_MONOTONIC, &dl);
  int64_t ns = dl.tv_nsec + p->v[GB_SLEEP_P_US] * 1000;
  dl.tv_sec += (time_t)(ns / 1000000000);
  dl.tv_nsec = (long)(ns % 1000000000);
  gb_io_block_begin(ctx);
  int rc;
  while ((rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL)) == EINTR) {
  }
  gb_io_block_end(ctx);
  if (rc != 0) return -rc;
  *result = gb_sleep_result(p, call);
  return 0;
}

static uint64_t sleep_expect(const gb_kparams *p, const gb_io_call *call) {
  return gb_sleep_result(p, call);
}

static uint64_t sleep_min_ns(const gb_kparams *p) {
  return (uint64_t)p->v[GB_SLEEP_P_US] * 1000u;
}

static double sleep_estimate(const gb_kparams *p) {
  return (double)p->v[GB_SLEEP_P_US] * 1e-6 + 60e-6; /* timer slack and wake-up */
}

const gb_ioop gb_ioop_sleep = {
    .name = "sleep",
    .summary = "a timer wait: clock_nanosleep, or a microsecond timer on the async loop",
    .params = sleep_params,
    .nparams = (int)GB_ARRAY_LEN(sleep_params),
    .run = sleep_run,
    .expect = sleep_expect,
    .skipped = sleep_expect, /* the result needs no wait: the measured time catches a skip */
    .min_ns = sleep_min_ns,
    .estimate_s = sleep_estimate,
};
