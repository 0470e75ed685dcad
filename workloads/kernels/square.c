/* square.c: the tiniest task there is, x*x mod 2^64 with x = n + task (xor the task's seed in a
 * run). Its cost is the scheduling around it, so it measures per-task overhead of each strategy. */
#include <inttypes.h>

#include "gb.h"
#include "kernel.h"

static const gb_param_def square_params[] = {
    {.name = "n",
     .help = "base of the number squared (x = n + task)",
     .def = 12345,
     .min = 0,
     .max = INT64_C(1000000000000000000)},
};

static uint64_t square_run(gb_ctx *ctx, const gb_kparams *p, uint64_t task, const uint8_t *in,
                           size_t in_len) {
  uint64_t seed = gb_kernel_seed(task, in, in_len);
  uint64_t x = ((uint64_t)p->v[0] + task) ^ seed;
  gb_checkpoint(ctx);
  return gb_kernel_mix(seed, x * x);
}

static int square_print(FILE *out, gb_ctx *ctx, const gb_kparams *p) {
  uint64_t x = (uint64_t)p->v[0];
  gb_checkpoint(ctx);
  uint64_t r = x * x;
  return fprintf(out, "%" PRIu64 "\n", r) < 0 ? GB_EIO : GB_OK;
}

static double square_work(const gb_kparams *p) {
  (void)p;
  return 1.0;
}

const gb_kernel gb_kernel_square = {
    .name = "square",
    .summary = "one multiplication per task: pure scheduling overhead",
    .unit = "squares",
    .params = square_params,
    .nparams = (int)GB_ARRAY_LEN(square_params),
    .run = square_run,
    .print = square_print,
    .numpy_twin = 1,
    .work = square_work,
};
