/* kernel.c: the checkpoint slow path, kernel-parameter helpers and the kernels' seed. */
#include "kernel.h"

#include <string.h>

void gb_ctx_init(gb_ctx *ctx, int worker) {
  memset(ctx, 0, sizeof *ctx);
  atomic_init(&ctx->breaker, 0);
  ctx->worker = worker;
}

void gb__checkpoint_slow(gb_ctx *ctx) {
  ctx->checkpoints++;
  if (ctx->on_checkpoint) ctx->on_checkpoint(ctx);
}

void gb_kparams_defaults(const gb_kernel *k, gb_kparams *p) {
  memset(p, 0, sizeof *p);
  for (int i = 0; i < k->nparams && i < GB_MAX_PARAMS; i++)
    p->v[i] = k->params[i].def;
}

/* ---- the kernels' seed (kernel.h) ---- */

uint64_t gb_kernel_seed(uint64_t task, const uint8_t *in, size_t in_len) {
  uint64_t h = 0x6a09e667f3bcc908ull ^ (task * 0x9e3779b97f4a7c15ull); /* odd factor: one per task */
  size_t i = 0;
  for (; i + 8 <= in_len; i += 8) {
    uint64_t w = 0;
    for (int b = 0; b < 8; b++)
      w |= (uint64_t)in[i + b] << (8 * b);
    h = gb_splitmix64(h ^ w);
  }
  if (i < in_len) {
    uint64_t w = 0;
    for (int b = 0; i < in_len; b++, i++)
      w |= (uint64_t)in[i] << (8 * b);
    h = gb_splitmix64(h ^ w);
  }
  return gb_splitmix64(h ^ (uint64_t)in_len);
}
