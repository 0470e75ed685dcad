/* null.c: the `null` op returns at once, without a system call. Its result is a hash of the task
 * index and of every byte of the input the worker received, so an I/O phase of it still proves
 * the input was delivered. With it, an I/O workload costs only what the strategy and the harness
 * add around an op (the latency histogram, the async loop's bookkeeping). */
#include "gb.h"
#include "ioop.h"
#include "payload.h"

uint64_t gb_null_io_result(const gb_io_call *call) {
  return gb_splitmix64(call->task ^ gb_payload_hash(call->in, call->in_len) ^ 0x0a11ull);
}

static int null_io_run(gb_ctx *ctx, gb_io_worker *w, const gb_kparams *p, const gb_io_call *call,
                       uint64_t *result, char *err, size_t errlen) {
  (void)ctx;
  (void)w;
  (void)p;
  (void)err;
  (void)errlen;
  *result = gb_null_io_result(call);
  return 0;
}

static uint64_t null_io_expect(const gb_kparams *p, const gb_io_call *call) {
  (void)p;
  return gb_null_io_result(call);
}

static double null_io_estimate(const gb_kparams *p) {
  (void)p;
  return 0;
}

const gb_ioop gb_ioop_null = {
    .name = "null",
    .summary = "returns at once: a hash of the task and its input, no system call (fixed costs)",
    .params = NULL,
    .nparams = 0,
    .run = null_io_run,
    .expect = null_io_expect,
    .skipped = null_io_expect, /* nothing to skip: it does no I/O */
    .estimate_s = null_io_estimate,
};
