/* null.c: no work. Still a valid kernel: its result is a hash of the task index and of every
 * byte of the input it was handed, so a strategy must deliver both. With it, a repetition costs
 * only what the strategy and the harness add: scripts/bench-overhead.sh measures each strategy's
 * fixed cost per task and per repetition with it. */
#include <inttypes.h>

#include "gb.h"
#include "kernel.h"
#include "payload.h"

static uint64_t null_run(gb_ctx *ctx, const gb_kparams *p, uint64_t task, const uint8_t *in, size_t in_len) {
  (void)p;
  gb_checkpoint(ctx);
  return gb_splitmix64(task ^ gb_payload_hash(in, in_len));
}

static int null_print(FILE *out, gb_ctx *ctx, const gb_kparams *p) {
  uint64_t r = null_run(ctx, p, 0, NULL, 0);
  return fprintf(out, "%016" PRIx64 "\n", r) < 0 ? GB_EIO : GB_OK;
}

static double null_work(const gb_kparams *p) {
  (void)p;
  return 1.0;
}

const gb_kernel gb_kernel_null = {
    .name = "null",
    .summary = "no work: a hash of the task index and its input (measures fixed costs)",
    .unit = "tasks",
    .params = NULL,
    .nparams = 0,
    .run = null_run,
    .print = null_print,
    .work = null_work,
};
