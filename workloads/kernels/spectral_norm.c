/* spectral_norm.c: the Computer Language Benchmarks Game's spectral-norm (n = size of the
 * infinite matrix's leading block, 10 power iterations of A^T A). The result is the norm's
 * IEEE-754 bits. It checkpoints once per matrix row (n evaluations of A). A task's run adds
 * k = 1 + (seed mod 2^12) instead of 1 to every denominator of A, so it takes the norm of a
 * matrix of its own, at the same cost (k <= 4096 keeps the unnormalised iteration's values above
 * 2^-1022 even at n = 1, where they shrink by 1/k^2 per product). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gb.h"
#include "kernel.h"

static const gb_param_def spectral_norm_params[] = {
    {.name = "n", .help = "size of the matrix", .def = 100, .min = 1, .max = 10000},
};

static inline double sn_eval_a(int64_t i, int64_t j, int64_t k) {
  return 1.0 / (double)((i + j) * (i + j + 1) / 2 + i + k);
}

/* v = A u */
static void sn_mult_av(gb_ctx *ctx, int64_t n, int64_t k, const double *u, double *v) {
  for (int64_t i = 0; i < n; i++) {
    double sum = 0.0;
    for (int64_t j = 0; j < n; j++)
      sum += sn_eval_a(i, j, k) * u[j];
    v[i] = sum;
    gb_checkpoint(ctx);
  }
}

/* v = A^T u */
static void sn_mult_atv(gb_ctx *ctx, int64_t n, int64_t k, const double *u, double *v) {
  for (int64_t i = 0; i < n; i++) {
    double sum = 0.0;
    for (int64_t j = 0; j < n; j++)
      sum += sn_eval_a(j, i, k) * u[j];
    v[i] = sum;
    gb_checkpoint(ctx);
  }
}

/* v = A^T A u */
static void sn_mult_atav(gb_ctx *ctx, int64_t n, int64_t k, const double *u, double *v, double *tmp) {
  sn_mult_av(ctx, n, k, u, tmp);
  sn_mult_atv(ctx, n, k, tmp, v);
}

/* The norm with denominators offset by k (1: the Benchmarks Game's matrix). */
static double sn_norm(gb_ctx *ctx, int64_t n, int64_t k) {
  double *u = malloc(3 * (size_t)n * sizeof *u);
  if (!u) {
    fputs("spectral-norm: out of memory\n", stderr);
    abort();
  }
  double *v = u + n, *tmp = v + n;
  for (int64_t i = 0; i < n; i++)
    u[i] = 1.0;
  for (int it = 0; it < 10; it++) {
    sn_mult_atav(ctx, n, k, u, v, tmp);
    sn_mult_atav(ctx, n, k, v, u, tmp);
  }
  double vbv = 0.0, vv = 0.0;
  for (int64_t i = 0; i < n; i++) {
    vbv += u[i] * v[i];
    vv += v[i] * v[i];
  }
  free(u);
  return sqrt(vbv / vv);
}

static uint64_t spectral_norm_run(gb_ctx *ctx, const gb_kparams *p, uint64_t task, const uint8_t *in,
                                  size_t in_len) {
  uint64_t seed = gb_kernel_seed(task, in, in_len);
  double norm = sn_norm(ctx, p->v[0], 1 + (int64_t)(seed & 0xfff));
  uint64_t bits;
  memcpy(&bits, &norm, sizeof bits);
  return gb_kernel_mix(seed, bits);
}

static int spectral_norm_print(FILE *out, gb_ctx *ctx, const gb_kparams *p) {
  return fprintf(out, "%0.9f\n", sn_norm(ctx, p->v[0], 1)) < 0 ? GB_EIO : GB_OK;
}

/* Evaluations of A(i,j): 10 iterations x 2 products A^T A x 2 matrix-vector products x n^2. */
static double spectral_norm_work(const gb_kparams *p) {
  return 40.0 * (double)p->v[0] * (double)p->v[0];
}

const gb_kernel gb_kernel_spectral_norm = {
    .name = "spectral-norm",
    .summary = "spectral norm of an infinite matrix by power iteration (Benchmarks Game)",
    .unit = "matrix-elements",
    .params = spectral_norm_params,
    .nparams = (int)GB_ARRAY_LEN(spectral_norm_params),
    .run = spectral_norm_run,
    .print = spectral_norm_print,
    .work = spectral_norm_work,
};
