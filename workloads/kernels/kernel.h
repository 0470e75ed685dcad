/* kernel.h: the CPU kernels' contract. A kernel is a C function plus a descriptor (name, summary,
 * parameters as data, unit of work, canonical-output printer). Kernels call gb_checkpoint() at
 * loop boundaries, at most ~50 us of work apart: the analogue of CPython's eval breaker. */
#ifndef GB_KERNEL_H
#define GB_KERNEL_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "gb.h"
#include "params.h"

/* Execution context of one worker, handed to every kernel and I/O op it runs. */
typedef struct gb_ctx {
  atomic_int breaker; /* nonzero asks the worker to call on_checkpoint (eval breaker) */
  void (*on_checkpoint)(struct gb_ctx *ctx);  /* slow path, run when breaker is set */
  void (*on_block_begin)(struct gb_ctx *ctx); /* before a blocking call (GIL: release) or NULL */
  void (*on_block_end)(struct gb_ctx *ctx);   /* after a blocking call (GIL: retake) or NULL */
  void *owner;                                /* the strategy's per-worker state, for the callbacks */
  int worker;                                 /* index of the worker that owns this context */
  uint64_t checkpoints; /* counted only on the slow path (stats mode), not in the hot path */
} gb_ctx;

/* Initialise a context whose breaker is never set (every strategy but the GIL model). */
void gb_ctx_init(gb_ctx *ctx, int worker);

/* Slow path of gb_checkpoint, out of line so the fast path stays one relaxed load. */
void gb__checkpoint_slow(gb_ctx *ctx);

/* The eval breaker: one relaxed load of a flag; only the GIL model ever sets it. */
static inline void gb_checkpoint(gb_ctx *ctx) {
  if (__builtin_expect(atomic_load_explicit(&ctx->breaker, memory_order_relaxed), 0))
    gb__checkpoint_slow(ctx);
}

/* Parameter values of one kernel invocation, in the order of the kernel's param table. */
typedef struct gb_kparams {
  int64_t v[GB_MAX_PARAMS];
} gb_kparams;

/* A kernel's descriptor. */
typedef struct gb_kernel {
  const char *name;           /* as written in definitions: `kernel = nbody` */
  const char *summary;        /* one line */
  const char *unit;           /* the unit of work it reports: "iterations", "bodies*steps", ... */
  const gb_param_def *params; /* parameter table */
  int nparams;
  /* Run once for task `task` on its input payload (as the worker received it). Returns the
   * kernel's 64-bit result (floating-point results as their IEEE-754 bits). The work is steered by
   * gb_kernel_seed(task, in, in_len) (a starting state, an offset, an ordering: at the same cost
   * as the unperturbed program) and the result is gb_kernel_mix(seed, what the work gave), so it
   * depends on the task and on every byte of the input, and no other task's result can stand in
   * for it. Must call gb_checkpoint(ctx) at most ~50 us of work apart. Must be thread-safe and
   * reentrant. */
  uint64_t (*run)(gb_ctx *ctx, const gb_kparams *p, uint64_t task, const uint8_t *in, size_t in_len);
  /* Print the canonical output (what the Benchmarks Game program prints) for these params: the
   * unperturbed program, no seed. Returns 0 or a negative code. */
  int (*print)(FILE *out, gb_ctx *ctx, const gb_kparams *p);
  /* Units of work one run performs with these params (for rates in reports). */
  double (*work)(const gb_kparams *p);
  /* Peak memory one run needs, in bytes, so a plan that cannot fit is refused before it runs;
   * NULL when it is negligible. */
  double (*bytes)(const gb_kparams *p);
  /* 1 when workloads/python/gilbench/numpy_kernels.py holds an exact NumPy twin (the same result
   * per task, computed by NumPy's vectorized code, which releases the GIL): `python = numpy`. */
  int numpy_twin;
} gb_kernel;

/* The seed of a kernel run: a splitmix64 chain over the input's little-endian words, started
 * from the task (kernel.c; the Python twins compute the same). */
uint64_t gb_kernel_seed(uint64_t task, const uint8_t *in, size_t in_len);
/* A kernel's result from its seed and what its (seeded) work gave: splitmix64(r ^ seed). */
static inline uint64_t gb_kernel_mix(uint64_t seed, uint64_t r) {
  return gb_splitmix64(r ^ seed);
}

/* Registry (workloads/kernels/kernels.c): every kernel, NULL-terminated, in one list. */
extern const gb_kernel *const gb_kernels[];
const gb_kernel *gb_kernel_find(const char *name);
/* Fill p with the kernel's defaults. */
void gb_kparams_defaults(const gb_kernel *k, gb_kparams *p);

#endif
