/* kernel.c: the checkpoint slow path and kernel-parameter helpers. */
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
