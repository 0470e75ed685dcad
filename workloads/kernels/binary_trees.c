/* binary_trees.c: the Computer Language Benchmarks Game's binary-trees (n = max depth, min depth
 * 4): allocate, walk and free many perfect binary trees, one malloc/free per node. It is the
 * allocation-heavy kernel. The printer prints the checks (node counts). It checkpoints every 256
 * nodes allocated, checked or freed (a depth-21 tree has 4M nodes). A task's run gives each node
 * an item (a tree's root gets 32 bits of the seed and the tree's number, a right child its
 * parent's item + 1) and checks each tree by walking it: a leaf gives its item, a node
 * left ^ (right << 1), below 2^57 so never wrapping; the trees' values are chained,
 * chain * 0x100000001b3 + value. A node is still one malloc (24 bytes: malloc's 32-byte chunk, as for 16). */
#include <math.h>
#include <stdlib.h>

#include "gb.h"
#include "kernel.h"

#define BT_MIN_DEPTH 4
#define BT_MAX_DEPTH 22
#define BT_TICK_MASK 255u /* checkpoint every 256 node operations */

static const gb_param_def binary_trees_params[] = {
    {.name = "n",
     .help = "maximum tree depth (at least min depth 4 + 2 is used)",
     .def = 10,
     .min = BT_MIN_DEPTH,
     .max = BT_MAX_DEPTH},
};

typedef struct bt_node {
  struct bt_node *left, *right;
  uint64_t item;
} bt_node;

typedef struct bt_state {
  gb_ctx *ctx;
  unsigned ticks;
} bt_state;

static inline void bt_tick(bt_state *s) {
  if ((++s->ticks & BT_TICK_MASK) == 0) gb_checkpoint(s->ctx);
}

static bt_node *bt_make(bt_state *s, int depth, uint64_t item) {
  bt_node *nd = malloc(sizeof *nd);
  if (!nd) {
    fputs("binary-trees: out of memory\n", stderr);
    abort();
  }
  bt_tick(s);
  nd->item = item;
  if (depth > 0) {
    nd->left = bt_make(s, depth - 1, item);
    nd->right = bt_make(s, depth - 1, item + 1);
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

/* A seeded run's check: the tree's value from its items. */
static uint64_t bt_value(bt_state *s, const bt_node *nd) {
  bt_tick(s);
  if (!nd->left) return nd->item;
  return bt_value(s, nd->left) ^ (bt_value(s, nd->right) << 1);
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

static int bt_max_depth(int64_t n) {
  return n < BT_MIN_DEPTH + 2 ? BT_MIN_DEPTH + 2 : (int)n;
}

/* Seeded: tree number k's root item, and what checking tree t adds to the chain. */
static uint64_t bt_root_item(uint64_t seed, uint64_t k) {
  return ((seed >> 32) ^ seed ^ (k * 0x9e3779b9u)) & 0xffffffffu;
}
static int64_t bt_walk(bt_state *s, const bt_node *t, int seeded, uint64_t *chain) {
  if (!seeded) return bt_check(s, t);
  *chain = *chain * 0x100000001b3ull + bt_value(s, t);
  return 0;
}

/* The program; seeded, *chain receives the trees' values chained instead of the checks. */
static void bt_solve(gb_ctx *ctx, int64_t n, uint64_t seed, int seeded, bt_result *r, uint64_t *chain) {
  bt_state s = {.ctx = ctx, .ticks = 0};
  uint64_t k = 0;
  *chain = seed;
  r->max_depth = bt_max_depth(n);
  bt_node *t = bt_make(&s, r->max_depth + 1, seeded ? bt_root_item(seed, k++) : 0);
  r->stretch_check = bt_walk(&s, t, seeded, chain);
  bt_free(&s, t);
  bt_node *long_lived = bt_make(&s, r->max_depth, seeded ? bt_root_item(seed, k++) : 0);
  r->levels = 0;
  for (int d = BT_MIN_DEPTH; d <= r->max_depth; d += 2) {
    int64_t iters = INT64_C(1) << (r->max_depth - d + BT_MIN_DEPTH), check = 0;
    for (int64_t i = 0; i < iters; i++) {
      t = bt_make(&s, d, seeded ? bt_root_item(seed, k++) : 0);
      check += bt_walk(&s, t, seeded, chain);
      bt_free(&s, t);
    }
    r->iters[r->levels] = iters;
    r->checks[r->levels] = check;
    r->levels++;
  }
  r->long_check = bt_walk(&s, long_lived, seeded, chain);
  bt_free(&s, long_lived);
  gb_checkpoint(ctx);
}

static uint64_t binary_trees_run(gb_ctx *ctx, const gb_kparams *p, uint64_t task, const uint8_t *in,
                                 size_t in_len) {
  uint64_t seed = gb_kernel_seed(task, in, in_len), chain;
  bt_result r;
  bt_solve(ctx, p->v[0], seed, 1, &r, &chain);
  return gb_kernel_mix(seed, chain);
}

static int binary_trees_print(FILE *out, gb_ctx *ctx, const gb_kparams *p) {
  bt_result r;
  uint64_t chain;
  bt_solve(ctx, p->v[0], 0, 0, &r, &chain);
  if (fprintf(out, "stretch tree of depth %d\t check: %lld\n", r.max_depth + 1, (long long)r.stretch_check) <
      0)
    return GB_EIO;
  for (int i = 0; i < r.levels; i++)
    if (fprintf(out, "%lld\t trees of depth %d\t check: %lld\n", (long long)r.iters[i], BT_MIN_DEPTH + 2 * i,
                (long long)r.checks[i]) < 0)
      return GB_EIO;
  if (fprintf(out, "long lived tree of depth %d\t check: %lld\n", r.max_depth, (long long)r.long_check) < 0)
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
    nodes += (double)(INT64_C(1) << (max - d + BT_MIN_DEPTH)) * (double)((INT64_C(1) << (d + 1)) - 1);
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
