/* spectral_norm.c: the Computer Language Benchmarks Game's spectral-norm (n = size of the
 * infinite matrix's leading block, 10 power iterations of A^T A). The result is the norm's
 * IEEE-754 bits. It checkpoints once per matrix row (n evaluations of A). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gb.h"
#include "kernel.h"

static const gb_param_def spectral_norm_params[] = {
    {.name = "n", .help = "size of the matrix", .def = 100, .min = 1, .max = 10000},
};

static inline double sn_eval_a(int64_t i, int64_t j) {
  return 1.0 / (double)((i + j) * (i + j + 1) / 2 + i + 1);
}

/* v = A u */
static void sn_mult_av(gb_ctx *ctx, int64_t n, const double *u, double *v) {
  for (int64_t i = 0; i < n; i++) {
    double sum = 0.0;
    for (int64_t j = 0; j < n; j++) sum += sn_eval_a(i, j) * u[j];
    v[i] = sum;
    gb_checkpoint(ctx);
  }
}

/* v = A^T u */
static void sn_mult_atv(gb_ctx *ctx, int64_t n, const double *u, double *v) {
  for (int64_t i = 0; i < n; i++) {
    double sum = 0.0;
    for (int64_t j = 0; j < n; j++) sum += sn_eval_a(j, i) * u[j];
    v[i] = sum;
    gb_checkpoint(ctx);
  }
}

/* v = A^T A u */
static void sn_mult_atav(gb_ctx *ctx, int64_t n, const double *u, double *v, double *tmp) {
  sn_mult_av(ctx, n, u, tmp);
  sn_mult_atv(ctx, n, tmp, v);
}

static double sn_norm(gb_ctx *ctx, int64_t n) {
  double *u = malloc(3 * (size_t)n * sizeof *u);
  if (!u) {
    fputs("spectral-norm: out of memory\n", stderr);
    abort();
  }
  double *v = u + n, *tmp = v + n;
  for (int64_t i = 0; i < n; i++) u[i] = 1.0;
  for (int k = 0; k < 10; k++) {
    sn_mult_atav(ctx, n, u, v, tmp);
    sn_mult_atav(ctx, n, v, u, tmp);
  }
  double vbv = 0.0, vv = 0.0;
  for (int64_t i = 0; i < n; i++) {
    vbv += u[i] * v[i];
    vv += v[i] * v[i];
  }
  free(u);
  return sqrt(vbv / vv);
}

static uint64_t spectral_norm_run(gb_ctx *ctx, const gb_kparams *p, uint64_t task,
                                  const uint8_t *in, size_t in_len) {
  (void)task;
  (void)in;
  (void)in_len;
  double norm = sn_norm(ctx, p->v[0]);
  uint64_t bits;
  memcpy(&bits, &norm, sizeof bits);
  return bits;
}

static int spectral_norm_print(FILE *out, gb_ctx *ctx, const gb_kparams *p) {
  return fprintf(out, "%0.9f\n", sn_norm(ctx, p->v[0])) < 0 ? GB_EIO : GB_OK;
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
