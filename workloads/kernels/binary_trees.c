/* binary_trees.c: the Computer Language Benchmarks Game's binary-trees (n = max depth, min depth
 * 4): allocate, walk and free many perfect binary trees, one malloc/free per node. It is the
 * allocation-heavy kernel. The result is the sum of all the checks (node counts) it prints. It
 * checkpoints every 256 nodes allocated, checked or freed (a depth-21 tree has 4M nodes). */
#include <math.h>
#include <stdlib.h>

#include "gb.h"
#include "kernel.h"

#define BT_MIN_DEPTH 4
#define BT_MAX_DEPTH 22
#define BT_TICK_MASK 255u /* checkpoint every 256 node operations */

static const gb_param_def binary_trees_params[] = {
    {.name = "n", .help = "maximum tree depth (at least min depth 4 + 2 is used)", .def = 10,
     .min = BT_MIN_DEPTH, .max = BT_MAX_DEPTH},
};

typedef struct bt_node {
  struct bt_node *left, *right;
} bt_node;

typedef struct bt_state {
  gb_ctx *ctx;
  unsigned ticks;
} bt_state;

static inline void bt_tick(bt_state *s) {
  if ((++s->ticks & BT_TICK_MASK) == 0) gb_checkpoint(s->ctx);
}

static bt_node *bt_make(bt_state *s, int depth) {
  bt_node *nd = malloc(sizeof *nd);
  if (!nd) {
    fputs("binary-trees: out of memory\n", stderr);
    abort();
  }
  bt_tick(s);
  if (depth > 0) {
    nd->left = bt_make(s, depth - 1);
    nd->right = bt_make(s, depth - 1);
  } else {
    nd->left = nd->right = NULL;
  }
  return nd;
}

static int64_t bt_check(bt_state *s, const bt_node *nd) {
  bt_tick(s);
  if (!nd->left) return 1;
  return 1 + bt_check(s, nd->left) + bt_check(s, nd->right);
}

static void bt_free(bt_state *s, bt_node *nd) {
  if (nd->left) {
    bt_free(s, nd->left);
    bt_free(s, nd->right);
  }
  free(nd);
  bt_tick(s);
}

/* What the program prints, as numbers. */
typedef struct bt_result {
  int max_depth, levels;
  int64_t stretch_check, long_check;
  int64_t iters[BT_MAX_DEPTH], checks[BT_MAX_DEPTH]; /* per depth min, min+2, ... */
} bt_result;

static int bt_max_depth(int64_t n) { return n < BT_MIN_DEPTH + 2 ? BT_MIN_DEPTH + 2 : (int)n; }

static void bt_solve(gb_ctx *ctx, int64_t n, bt_result *r) {
  bt_state s = {.ctx = ctx, .ticks = 0};
  r->max_depth = bt_max_depth(n);
  bt_node *t = bt_make(&s, r->max_depth + 1);
  r->stretch_check = bt_check(&s, t);
  bt_free(&s, t);
  bt_node *long_lived = bt_make(&s, r->max_depth);
  r->levels = 0;
  for (int d = BT_MIN_DEPTH; d <= r->max_depth; d += 2) {
    int64_t iters = INT64_C(1) << (r->max_depth - d + BT_MIN_DEPTH), check = 0;
    for (int64_t i = 0; i < iters; i++) {
      t = bt_make(&s, d);
      check += bt_check(&s, t);
      bt_free(&s, t);
    }
    r->iters[r->levels] = iters;
    r->checks[r->levels] = check;
    r->levels++;
  }
  r->long_check = bt_check(&s, long_lived);
  bt_free(&s, long_lived);
  gb_checkpoint(ctx);
}

static uint64_t binary_trees_run(gb_ctx *ctx, const gb_kparams *p, uint64_t task,
                                 const uint8_t *in, size_t in_len) {
  (void)task;
  (void)in;
  (void)in_len;
  bt_result r;
  bt_solve(ctx, p->v[0], &r);
  uint64_t sum = (uint64_t)r.stretch_check + (uint64_t)r.long_check;
  for (int i = 0; i < r.levels; i++) sum += (uint64_t)r.checks[i];
  return sum;
}

static int binary_trees_print(FILE *out, gb_ctx *ctx, const gb_kparams *p) {
  bt_result r;
  bt_solve(ctx, p->v[0], &r);
  if (fprintf(out, "stretch tree of depth %d\t check: %lld\n", r.max_depth + 1,
              (long long)r.stretch_check) < 0)
    return GB_EIO;
  for (int i = 0; i < r.levels; i++)
    if (fprintf(out, "%lld\t trees of depth %d\t check: %lld\n", (long long)r.iters[i],
                BT_MIN_DEPTH + 2 * i, (long long)r.checks[i]) < 0)
      return GB_EIO;
  if (fprintf(out, "long lived tree of depth %d\t check: %lld\n", r.max_depth,
              (long long)r.long_check) < 0)
    return GB_EIO;
  return GB_OK;
}

/* Nodes allocated (each is also checked and freed once). */
/* The long-lived tree and the stretch tree (one level deeper) are alive at once at most; a node
 * is two pointers plus malloc's header, about 32 bytes. */
static double binary_trees_bytes(const gb_kparams *p) {
  int64_t d = p->v[0] > 6 ? p->v[0] : 6;
  return (ldexp(1.0, (int)d + 1) + ldexp(1.0, (int)d + 2)) * 32.0;
}

static double binary_trees_work(const gb_kparams *p) {
  int max = bt_max_depth(p->v[0]);
  double nodes = (double)((INT64_C(1) << (max + 2)) - 1) + (double)((INT64_C(1) << (max + 1)) - 1);
  for (int d = BT_MIN_DEPTH; d <= max; d += 2)
    nodes += (double)(INT64_C(1) << (max - d + BT_MIN_DEPTH)) *
             (double)((INT64_C(1) << (d + 1)) - 1);
  return nodes;
}

const gb_kernel gb_kernel_binary_trees = {
    .name = "binary-trees",
    .summary = "allocate, check and free perfect binary trees node by node (Benchmarks Game)",
    .unit = "nodes",
    .params = binary_trees_params,
    .nparams = (int)GB_ARRAY_LEN(binary_trees_params),
    .run = binary_trees_run,
    .print = binary_trees_print,
    .work = binary_trees_work,
    .bytes = binary_trees_bytes,
};
