/* sumloop.c: the simplest CPU-bound task, a counted loop summing 0..n-1. An empty asm statement
 * keeps the compiler from replacing the loop with its closed form, so the work really scales with
 * n; it checkpoints every few thousand iterations. A task's run starts the sum at its seed and
 * scrambles it (s ^= s >> 29) after each block of iterations, so no closed form or earlier result
 * gives it; the printed reference is the plain sum. */
#include <inttypes.h>

#include "gb.h"
#include "kernel.h"

#define SUMLOOP_BLOCK 4096 /* iterations between checkpoints: a few microseconds */

static const gb_param_def sumloop_params[] = {
    {.name = "n", .help = "iterations of the loop", .def = 1000000, .min = 0, .max = INT64_C(1000000000000)},
};

/* The sum of 0..n-1 from `sum`; seeded, scrambled after every block. */
static uint64_t sumloop_sum(gb_ctx *ctx, uint64_t n, uint64_t sum, int seeded) {
  uint64_t i = 0;
  while (i < n) {
    uint64_t end = n - i > SUMLOOP_BLOCK ? i + SUMLOOP_BLOCK : n;
    for (; i < end; i++) {
      sum += i;
      __asm__ volatile("" : "+r"(sum)); /* opaque to the optimiser: no closed form */
    }
    if (seeded) sum ^= sum >> 29;
    gb_checkpoint(ctx);
  }
  return sum;
}

static uint64_t sumloop_run(gb_ctx *ctx, const gb_kparams *p, uint64_t task, const uint8_t *in,
                            size_t in_len) {
  uint64_t seed = gb_kernel_seed(task, in, in_len);
  return gb_kernel_mix(seed, sumloop_sum(ctx, (uint64_t)p->v[0], seed, 1));
}

static int sumloop_print(FILE *out, gb_ctx *ctx, const gb_kparams *p) {
  uint64_t r = sumloop_sum(ctx, (uint64_t)p->v[0], 0, 0);
  return fprintf(out, "%" PRIu64 "\n", r) < 0 ? GB_EIO : GB_OK;
}

static double sumloop_work(const gb_kparams *p) {
  return (double)p->v[0];
}

const gb_kernel gb_kernel_sumloop = {
    .name = "sumloop",
    .summary = "sum of 0..n-1 in a loop the compiler cannot fold",
    .unit = "iterations",
    .params = sumloop_params,
    .nparams = (int)GB_ARRAY_LEN(sumloop_params),
    .run = sumloop_run,
    .print = sumloop_print,
    .numpy_twin = 1,
    .work = sumloop_work,
};
