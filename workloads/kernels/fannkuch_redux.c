/* fannkuch_redux.c: the Computer Language Benchmarks Game's fannkuch-redux (n = permutation
 * length): the maximum number of pancake flips over all permutations of 0..n-1, and a checksum
 * with alternating signs, in the permutation order of its first C program. The result is
 * (checksum << 8) | maxflips, mod 2^64. It checkpoints once per permutation (< 1 us each). A
 * task's run starts from a permutation its seed shuffles (Fisher-Yates on the splitmix64 stream),
 * so every permutation is still visited, in an order (and with signs) of its own; its result also
 * chains the flip counts in the order visited (FNV-1a), which the order changes. */
#include <inttypes.h>

#include "gb.h"
#include "kernel.h"

#define FK_MAX 12

static const gb_param_def fannkuch_redux_params[] = {
    {.name = "n", .help = "length of the permutations", .def = 7, .min = 1, .max = FK_MAX},
};

static void fk_solve(gb_ctx *ctx, int n, uint64_t seed, int seeded, int64_t *checksum_out, int *maxflips_out,
                     uint64_t *order_out) {
  uint64_t order = 0xcbf29ce484222325ull;
  int perm[FK_MAX], perm1[FK_MAX], count[FK_MAX];
  int maxflips = 0, r = n;
  int64_t checksum = 0, permcount = 0;
  for (int i = 0; i < n; i++)
    perm1[i] = i;
  for (int i = n - 1; seeded && i > 0; i--) {
    int j = (int)(gb_splitmix64_next(&seed) % (uint64_t)(i + 1)), t = perm1[i];
    perm1[i] = perm1[j];
    perm1[j] = t;
  }
  for (;;) {
    while (r != 1) {
      count[r - 1] = r;
      r--;
    }
    for (int i = 0; i < n; i++)
      perm[i] = perm1[i];
    int flips = 0, k;
    while ((k = perm[0]) != 0) {
      int k2 = (k + 1) >> 1;
      for (int i = 0; i < k2; i++) {
        int t = perm[i];
        perm[i] = perm[k - i];
        perm[k - i] = t;
      }
      flips++;
    }
    if (flips > maxflips) maxflips = flips;
    checksum += permcount % 2 == 0 ? flips : -flips;
    order = (order ^ (uint64_t)flips) * 0x100000001b3ull;
    gb_checkpoint(ctx);
    /* next permutation, by rotations of prefixes */
    for (;;) {
      if (r == n) {
        *checksum_out = checksum;
        *maxflips_out = maxflips;
        *order_out = order;
        return;
      }
      int perm0 = perm1[0];
      for (int i = 0; i < r; i++)
        perm1[i] = perm1[i + 1];
      perm1[r] = perm0;
      if (--count[r] > 0) break;
      r++;
    }
    permcount++;
  }
}

static uint64_t fannkuch_redux_run(gb_ctx *ctx, const gb_kparams *p, uint64_t task, const uint8_t *in,
                                   size_t in_len) {
  uint64_t seed = gb_kernel_seed(task, in, in_len);
  int64_t checksum;
  int maxflips;
  uint64_t order;
  fk_solve(ctx, (int)p->v[0], seed, 1, &checksum, &maxflips, &order);
  return gb_kernel_mix(seed, gb_splitmix64(order ^ (((uint64_t)checksum << 8) | (uint64_t)maxflips)));
}

static int fannkuch_redux_print(FILE *out, gb_ctx *ctx, const gb_kparams *p) {
  int64_t checksum;
  int maxflips;
  int n = (int)p->v[0];
  uint64_t order;
  fk_solve(ctx, n, 0, 0, &checksum, &maxflips, &order);
  return fprintf(out, "%" PRId64 "\nPfannkuchen(%d) = %d\n", checksum, n, maxflips) < 0 ? GB_EIO : GB_OK;
}

static double fannkuch_redux_work(const gb_kparams *p) {
  double f = 1.0;
  for (int64_t i = 2; i <= p->v[0]; i++)
    f *= (double)i;
  return f;
}

const gb_kernel gb_kernel_fannkuch_redux = {
    .name = "fannkuch-redux",
    .summary = "pancake flips over all permutations of n items (Benchmarks Game)",
    .unit = "permutations",
    .params = fannkuch_redux_params,
    .nparams = (int)GB_ARRAY_LEN(fannkuch_redux_params),
    .run = fannkuch_redux_run,
    .print = fannkuch_redux_print,
    .work = fannkuch_redux_work,
};
