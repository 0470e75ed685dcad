/* mandelbrot.c: the Computer Language Benchmarks Game's mandelbrot (n = width = height of the
 * [-1.5,0.5]x[-1,1] plane, 50 iterations, escape limit 2.0), in the plain per-pixel form of its
 * first C program. The printer writes the PBM ("P4\nN N\n" then rows of bits, MSB first, padded to
 * a byte); the result is the 64-bit FNV-1a hash of exactly those bytes. It checkpoints after every
 * output byte (8 pixels, at most 400 iterations). A task's run shifts the plane's corner by its
 * seed (two 16-bit fractions of 2^-10, up to a third of a pixel at the default size), so the
 * bitmap is one of its own, at the same cost. */
#include <stdlib.h>
#include <string.h>

#include "gb.h"
#include "kernel.h"

#define MB_ITER 50
#define MB_LIMIT 2.0

static const gb_param_def mandelbrot_params[] = {
    {.name = "n", .help = "width and height in pixels", .def = 200, .min = 1, .max = 65536},
};

/* The plane's left and bottom edges, as subtracted: (1.5, 1.0) unseeded. */
typedef struct mb_corner {
  double r0, i0;
} mb_corner;

static mb_corner mb_corner_of(uint64_t seed, int seeded) {
  mb_corner c = {1.5, 1.0};
  if (seeded) {
    c.r0 = 1.5 - (double)(seed & 0xffff) * 0x1p-26;
    c.i0 = 1.0 - (double)((seed >> 16) & 0xffff) * 0x1p-26;
  }
  return c;
}

/* Compute row y of an n x n image into row[(n+7)/8]. */
static void mb_row(gb_ctx *ctx, int64_t n, int64_t y, mb_corner c0, uint8_t *row) {
  const double w = (double)n, h = (double)n, limit2 = MB_LIMIT * MB_LIMIT;
  const double ci = 2.0 * (double)y / h - c0.i0;
  uint8_t acc = 0;
  int bits = 0;
  size_t k = 0;
  for (int64_t x = 0; x < n; x++) {
    double zr = 0.0, zi = 0.0, tr = 0.0, ti = 0.0;
    const double cr = 2.0 * (double)x / w - c0.r0;
    for (int i = 0; i < MB_ITER && tr + ti <= limit2; i++) {
      zi = 2.0 * zr * zi + ci;
      zr = tr - ti + cr;
      tr = zr * zr;
      ti = zi * zi;
    }
    acc = (uint8_t)(acc << 1);
    if (tr + ti <= limit2) acc |= 1;
    if (++bits == 8) {
      row[k++] = acc;
      acc = 0;
      bits = 0;
      gb_checkpoint(ctx);
    }
  }
  if (bits) row[k] = (uint8_t)(acc << (8 - bits));
  gb_checkpoint(ctx);
}

typedef struct mb_fnv {
  uint64_t h;
} mb_fnv;

static void mb_fnv_add(mb_fnv *f, const void *data, size_t len) {
  const uint8_t *b = data;
  for (size_t i = 0; i < len; i++)
    f->h = (f->h ^ b[i]) * 0x100000001b3ull;
}

static uint8_t *mb_row_alloc(int64_t n) {
  uint8_t *row = malloc((size_t)(n + 7) / 8);
  if (!row) {
    fputs("mandelbrot: out of memory\n", stderr);
    abort();
  }
  return row;
}

static uint64_t mandelbrot_run(gb_ctx *ctx, const gb_kparams *p, uint64_t task, const uint8_t *in,
                               size_t in_len) {
  uint64_t seed = gb_kernel_seed(task, in, in_len);
  mb_corner c0 = mb_corner_of(seed, 1);
  int64_t n = p->v[0];
  size_t rowlen = (size_t)(n + 7) / 8;
  char header[64];
  int hl = snprintf(header, sizeof header, "P4\n%lld %lld\n", (long long)n, (long long)n);
  mb_fnv f = {0xcbf29ce484222325ull};
  mb_fnv_add(&f, header, (size_t)hl);
  uint8_t *row = mb_row_alloc(n);
  for (int64_t y = 0; y < n; y++) {
    mb_row(ctx, n, y, c0, row);
    mb_fnv_add(&f, row, rowlen);
  }
  free(row);
  return gb_kernel_mix(seed, f.h);
}

static int mandelbrot_print(FILE *out, gb_ctx *ctx, const gb_kparams *p) {
  int64_t n = p->v[0];
  size_t rowlen = (size_t)(n + 7) / 8;
  if (fprintf(out, "P4\n%lld %lld\n", (long long)n, (long long)n) < 0) return GB_EIO;
  uint8_t *row = mb_row_alloc(n);
  int rc = GB_OK;
  for (int64_t y = 0; y < n && rc == GB_OK; y++) {
    mb_row(ctx, n, y, mb_corner_of(0, 0), row);
    if (fwrite(row, 1, rowlen, out) != rowlen) rc = GB_EIO;
  }
  free(row);
  return rc;
}

static double mandelbrot_work(const gb_kparams *p) {
  return (double)p->v[0] * (double)p->v[0];
}

const gb_kernel gb_kernel_mandelbrot = {
    .name = "mandelbrot",
    .summary = "Mandelbrot set as a PBM bitmap, n x n pixels (Benchmarks Game)",
    .unit = "pixels",
    .params = mandelbrot_params,
    .nparams = (int)GB_ARRAY_LEN(mandelbrot_params),
    .run = mandelbrot_run,
    .print = mandelbrot_print,
    .work = mandelbrot_work,
};
