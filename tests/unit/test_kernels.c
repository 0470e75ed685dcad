/* test_kernels.c: the CPU kernels print exactly what the Benchmarks Game programs print, run()
 * is deterministic (and depends on the task where it should), and checkpoints come often.
 * The mandelbrot golden file comes from an independent Python implementation; regenerate it with
 *   python3 tests/golden/mandelbrot.py 200 > tests/golden/mandelbrot-200.pbm */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "kernel.h"
#include "task.h"

#ifndef GB_SOURCE_DIR
#define GB_SOURCE_DIR "."
#endif

static const gb_kernel *kernel(const char *name) {
  const gb_kernel *k = gb_kernel_find(name);
  assert_non_null(k);
  return k;
}

/* Default parameters with n set. */
static gb_kparams params_n(const gb_kernel *k, int64_t n) {
  gb_kparams p;
  gb_kparams_defaults(k, &p);
  int found = 0;
  for (int i = 0; i < k->nparams; i++)
    if (strcmp(k->params[i].name, "n") == 0) {
      assert_true(n >= k->params[i].min && n <= k->params[i].max);
      p.v[i] = n;
      found = 1;
    }
  assert_true(found);
  return p;
}

/* What the kernel prints for n; *len gets the length (the PBM has NUL bytes). Caller frees. */
static char *print_n(const char *name, int64_t n, size_t *len) {
  const gb_kernel *k = kernel(name);
  gb_kparams p = params_n(k, n);
  gb_ctx ctx;
  gb_ctx_init(&ctx, 0);
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);
  assert_non_null(f);
  assert_int_equal(k->print(f, &ctx, &p), 0);
  assert_int_equal(fclose(f), 0);
  if (len) *len = size;
  return buf;
}

static void assert_prints(const char *name, int64_t n, const char *expected) {
  char *got = print_n(name, n, NULL);
  assert_string_equal(got, expected);
  free(got);
}

static uint64_t run_n(const char *name, int64_t n, uint64_t task) {
  const gb_kernel *k = kernel(name);
  gb_kparams p = params_n(k, n);
  gb_ctx ctx;
  gb_ctx_init(&ctx, 0);
  return k->run(&ctx, &p, task, NULL, 0);
}

static void test_registry(void **state) {
  (void)state;
  static const char *const names[] = {"sumloop",    "square",         "nbody",       "spectral-norm",
                                      "mandelbrot", "fannkuch-redux", "binary-trees"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const gb_kernel *k = kernel(names[i]);
    assert_string_equal(k->name, names[i]);
    assert_non_null(k->summary);
    assert_non_null(k->unit);
    assert_non_null(k->run);
    assert_non_null(k->print);
    assert_non_null(k->work);
    assert_true(k->nparams >= 1 && k->nparams <= GB_MAX_PARAMS);
    for (int j = 0; j < k->nparams; j++) {
      assert_true(k->params[j].min <= k->params[j].def);
      assert_true(k->params[j].def <= k->params[j].max);
    }
    gb_kparams p;
    gb_kparams_defaults(k, &p);
    assert_true(k->work(&p) > 0);
  }
}

static void test_print_nbody(void **state) {
  (void)state;
  assert_prints("nbody", 1000, "-0.169075164\n-0.169087605\n");
}

static void test_print_spectral_norm(void **state) {
  (void)state;
  assert_prints("spectral-norm", 100, "1.274219991\n");
}

static void test_print_fannkuch_redux(void **state) {
  (void)state;
  assert_prints("fannkuch-redux", 7, "228\nPfannkuchen(7) = 16\n");
}

static void test_print_binary_trees(void **state) {
  (void)state;
  assert_prints("binary-trees", 10,
                "stretch tree of depth 11\t check: 4095\n"
                "1024\t trees of depth 4\t check: 31744\n"
                "256\t trees of depth 6\t check: 32512\n"
                "64\t trees of depth 8\t check: 32704\n"
                "16\t trees of depth 10\t check: 32752\n"
                "long lived tree of depth 10\t check: 2047\n");
}

static void test_print_sumloop_square(void **state) {
  (void)state;
  assert_prints("sumloop", 1000, "499500\n");
  assert_prints("square", 12345, "152399025\n");
}

static void test_print_mandelbrot_golden(void **state) {
  (void)state;
  const char *path = GB_SOURCE_DIR "/tests/golden/mandelbrot-200.pbm";
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("cannot open %s", path);
  static unsigned char golden[65536];
  size_t glen = fread(golden, 1, sizeof golden, f);
  fclose(f);
  assert_int_equal(glen, 11 + 25 * 200);
  size_t len;
  char *got = print_n("mandelbrot", 200, &len);
  assert_int_equal(len, glen);
  assert_memory_equal(got, golden, glen);
  free(got);
  /* a width that is not a multiple of 8 pads each row */
  got = print_n("mandelbrot", 13, &len);
  assert_int_equal(len, strlen("P4\n13 13\n") + 2 * 13);
  free(got);
}

static void test_run_deterministic(void **state) {
  (void)state;
  static const struct {
    const char *name;
    int64_t n;
  } cases[] = {{"sumloop", 100000}, {"square", 7},         {"nbody", 1000},    {"spectral-norm", 50},
               {"mandelbrot", 64},  {"fannkuch-redux", 6}, {"binary-trees", 8}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint64_t a = run_n(cases[i].name, cases[i].n, 3);
    uint64_t b = run_n(cases[i].name, cases[i].n, 3);
    assert_int_equal(a, b);
  }
  assert_int_not_equal(run_n("sumloop", 1000, 0), run_n("sumloop", 1000, 1));
  assert_int_not_equal(run_n("square", 1000, 0), run_n("square", 1000, 1));
}

/* The printed (unseeded) sumloop is the plain sum, across block boundaries. */
static void test_sumloop_closed_form(void **state) {
  (void)state;
  static const int64_t ns[] = {0, 1, 2, 4095, 4096, 4097, 1000000, 3000001};
  for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
    uint64_t n = (uint64_t)ns[i];
    char want[32];
    snprintf(want, sizeof want, "%llu\n", (unsigned long long)(n > 0 ? n * (n - 1) / 2 : 0));
    assert_prints("sumloop", ns[i], want);
  }
}

static void test_fannkuch_results(void **state) {
  (void)state;
  /* Known answers of the Benchmarks Game program: (checksum, max flips). */
  static const struct {
    int64_t n, checksum, maxflips;
  } cases[] = {{1, 0, 0}, {2, -1, 1}, {3, 2, 2}, {7, 228, 16}, {8, 1616, 22}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char want[64];
    snprintf(want, sizeof want, "%lld\nPfannkuchen(%lld) = %lld\n", (long long)cases[i].checksum,
             (long long)cases[i].n, (long long)cases[i].maxflips);
    assert_prints("fannkuch-redux", cases[i].n, want);
  }
}

/* splitmix64's inverse, to take a result apart: r = splitmix64(work ^ seed) (gb_kernel_mix). */
static uint64_t unshift(uint64_t y, int s) {
  uint64_t x = y;
  for (int i = 0; i < 64 / s + 1; i++)
    x = y ^ (x >> s);
  return x;
}
static uint64_t inverse_odd(uint64_t m) {
  uint64_t inv = m; /* Newton: each step doubles the correct low bits */
  for (int i = 0; i < 6; i++)
    inv *= 2 - m * inv;
  return inv;
}
static uint64_t work_of(uint64_t seed, uint64_t result) {
  uint64_t z = unshift(result, 31) * inverse_odd(0x94d049bb133111ebull);
  z = unshift(z, 27) * inverse_odd(0xbf58476d1ce4e5b9ull);
  z = unshift(z, 30) - 0x9e3779b97f4a7c15ull;
  return z ^ seed;
}

/* Proof of work: a run depends on the task and on every byte (every bit's byte, the top one
 * too) of its input, and not only through the final mix: the work's own value differs too. */
static void test_run_depends_on_task_and_input(void **state) {
  (void)state;
  assert_int_equal(work_of(77, gb_kernel_mix(77, 123456789)), 123456789); /* the inverse works */
  static const struct {
    const char *name;
    int64_t n;
  } cases[] = {{"sumloop", 10000},  {"square", 7},         {"nbody", 200},      {"spectral-norm", 30},
               {"mandelbrot", 200}, {"fannkuch-redux", 6}, {"binary-trees", 6}, {"parse", 1}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const gb_kernel *k = kernel(cases[i].name);
    gb_kparams p;
    if (strcmp(k->name, "parse") == 0)
      gb_kparams_defaults(k, &p); /* passes = 1 */
    else
      p = params_n(k, cases[i].n);
    gb_ctx ctx;
    gb_ctx_init(&ctx, 0);
    uint8_t in[64];
    gb_payload_fill(41, in, sizeof in);
    uint64_t r = k->run(&ctx, &p, 3, in, sizeof in), seed = gb_kernel_seed(3, in, sizeof in);
    uint64_t r4 = k->run(&ctx, &p, 4, in, sizeof in), seed4 = gb_kernel_seed(4, in, sizeof in);
    if (r == r4 || work_of(seed, r) == work_of(seed4, r4))
      fail_msg("%s: task 4 gives task 3's result or work", cases[i].name);
    if (strcmp(k->name, "nbody") == 0 || strcmp(k->name, "spectral-norm") == 0) {
      uint64_t bits = work_of(seed, r);
      double v;
      memcpy(&v, &bits, sizeof v);
      if (!isnormal(v)) fail_msg("%s: the seeded work gives %g", cases[i].name, v);
    }
    for (size_t b = 0; b < sizeof in; b++) {
      in[b] ^= 0x80;
      uint64_t rb = k->run(&ctx, &p, 3, in, sizeof in), seedb = gb_kernel_seed(3, in, sizeof in);
      in[b] ^= 0x80;
      if (rb == r) fail_msg("%s: flipping input byte %zu changes nothing", cases[i].name, b);
      if (work_of(seedb, rb) == work_of(seed, r))
        fail_msg("%s: flipping input byte %zu leaves the work's value alone", cases[i].name, b);
    }
  }
}

/* Checkpoint gaps: the breaker is always set, so every checkpoint takes the slow path. */
typedef struct gap_rec {
  struct timespec last;
  int64_t max_ns;
  uint64_t over_50us; /* gaps above the 50 us goal (noise on a busy machine, or a real gap) */
} gap_rec;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void record_gap(gb_ctx *ctx) {
  gap_rec *g = ctx->owner;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  int64_t gap = (int64_t)(ts.tv_sec - g->last.tv_sec) * 1000000000 + (ts.tv_nsec - g->last.tv_nsec);
  if (gap > g->max_ns) g->max_ns = gap;
  if (gap > 50000) g->over_50us++;
  g->last = ts;
}

static void test_checkpoint_gaps(void **state) {
  (void)state;
  static const struct {
    const char *name;
    int64_t n;
    double max_units_per_checkpoint;        /* from the loop structure, in the kernel's unit of work */
  } cases[] = {{"sumloop", 2000000, 4096},  /* every 4096 iterations */
               {"square", 1, 1},            /* once per square */
               {"nbody", 20000, 5},         /* once per step of 5 bodies */
               {"spectral-norm", 300, 300}, /* once per matrix row */
               {"mandelbrot", 400, 8},      /* once per output byte of 8 pixels */
               {"fannkuch-redux", 8, 1},    /* once per permutation */
               {"binary-trees", 12, 256}};  /* every 256 nodes built, checked or freed */
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const gb_kernel *k = kernel(cases[i].name);
    gb_kparams p = params_n(k, cases[i].n);
    gb_ctx ctx;
    gb_ctx_init(&ctx, 0);
    gap_rec g = {.max_ns = 0};
    ctx.owner = &g;
    ctx.on_checkpoint = record_gap;
    atomic_store(&ctx.breaker, 1);
    int64_t t0 = now_ns();
    clock_gettime(CLOCK_MONOTONIC, &g.last);
    uint64_t r = k->run(&ctx, &p, 0, NULL, 0);
    record_gap(&ctx); /* the tail after the last checkpoint counts too */
    int64_t total = now_ns() - t0;
    gb_ctx plain;
    gb_ctx_init(&plain, 0);
    assert_int_equal(r, k->run(&plain, &p, 0, NULL, 0)); /* the slow path changes nothing */
    assert_true(ctx.checkpoints > 0);
    double per = k->work(&p) / (double)ctx.checkpoints;
    printf("  %-15s n=%-8lld run %8.3f ms, %8llu checkpoints, %10.1f %s per checkpoint, max gap %8.2f us "
           "(%llu > 50 us)\n",
           k->name, (long long)cases[i].n, (double)total / 1e6, (unsigned long long)ctx.checkpoints, per,
           k->unit, (double)g.max_ns / 1e3, (unsigned long long)g.over_50us);
    /* Deterministic, not timed (a loaded or sanitized machine stretches any gap): the work done
     * between two checkpoints on average stays within what the kernel's loop structure promises.
     * The 50 us goal itself is checked by `gilbench kernel NAME --checkpoint-stats`. */
    assert_true(per <= cases[i].max_units_per_checkpoint);
  }
}

/* parse: the result depends on the bytes (one flipped byte changes it), on the task and on the
 * passes; it is deterministic; it checkpoints at least once per pass and 1 KiB; and its canonical
 * output counts what it found in task 0's 2 KiB payload. */
static void test_parse(void **state) {
  (void)state;
  const gb_kernel *k = kernel("parse");
  gb_kparams p;
  gb_kparams_defaults(k, &p);
  assert_int_equal(k->nparams, 1);
  assert_true(k->work(&p) > 0);
  uint8_t in[4096];
  gb_payload_fill(9, in, sizeof in);
  gb_ctx ctx;
  gb_ctx_init(&ctx, 0);
  uint64_t r = k->run(&ctx, &p, 9, in, sizeof in);
  assert_int_equal(r, k->run(&ctx, &p, 9, in, sizeof in));
  assert_int_not_equal(r, k->run(&ctx, &p, 10, in, sizeof in));
  in[1234] ^= 0x10;
  assert_int_not_equal(r, k->run(&ctx, &p, 9, in, sizeof in));
  in[1234] ^= 0x10;
  p.v[0] = 3;
  assert_int_not_equal(r, k->run(&ctx, &p, 9, in, sizeof in));
  assert_int_equal(k->run(&ctx, &p, 9, NULL, 0), k->run(&ctx, &p, 9, NULL, 0)); /* no payload */
  gb_ctx counting;
  gb_ctx_init(&counting, 0);
  atomic_store(&counting.breaker, 1);
  uint64_t rc = k->run(&counting, &p, 9, in, sizeof in);
  assert_int_equal(rc, k->run(&ctx, &p, 9, in, sizeof in));    /* the slow path changes nothing */
  assert_true(counting.checkpoints >= 3 * (sizeof in / 1024)); /* 3 passes of 4 KiB */
  p.v[0] = 1;
  char *out = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&out, &size);
  assert_int_equal(k->print(f, &ctx, &p), 0);
  assert_int_equal(fclose(f), 0);
  assert_non_null(strstr(out, "2048 bytes: "));
  assert_non_null(strstr(out, " lines, "));
  assert_non_null(strstr(out, "result "));
  free(out);
}

/* The test-only switches' parser: a comma-separated list of KIND:TASK. */
static void test_fault_parse(void **state) {
  (void)state;
  int64_t t[GB_FAULT_KINDS];
  char err[256];
  assert_int_equal(gb_fault_parse("reuse:5,in:3,skipio:0", t, err, sizeof err), 0);
  assert_int_equal(t[GB_FAULT_REUSE], 5);
  assert_int_equal(t[GB_FAULT_IN], 3);
  assert_int_equal(t[GB_FAULT_SKIPIO], 0);
  assert_int_equal(t[GB_FAULT_OUT], -1);
  assert_int_equal(t[GB_FAULT_SKIPCOPY], -1);
  assert_int_equal(gb_fault_parse("", t, err, sizeof err), 0);
  for (int k = 0; k < GB_FAULT_KINDS; k++)
    assert_int_equal(t[k], -1);
  static const char *const bad[] = {"reuse", "reuse:", "reuse:x", "reuse:3x", "nope:1", "in:-1", ",in:1"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    err[0] = '\0';
    assert_int_equal(gb_fault_parse(bad[i], t, err, sizeof err), GB_EINVAL);
    assert_non_null(strstr(err, "expected KIND:TASK"));
  }
}

/* The coordinator's check: an output payload that is not the one its partial result implies is
 * a proof failure (first byte named), and the result returned is not the right one. */
static void test_task_result_check(void **state) {
  (void)state;
  uint8_t out[61];
  uint64_t partial = 0x1234567890abcdefull;
  gb_payload_fill(partial, out, sizeof out);
  uint64_t task, at;
  gb_proof_reset();
  uint64_t r = gb_task_result(7, partial, out, sizeof out);
  assert_int_equal(gb_proof_failed(&task, &at), 0);
  out[57] ^= 0x40;
  assert_int_not_equal(gb_task_result(7, partial, out, sizeof out), r);
  assert_int_equal(gb_proof_failed(&task, &at), 1);
  assert_int_equal(task, 7);
  assert_int_equal(at, 57);
  gb_proof_reset();
  assert_int_equal(gb_proof_failed(&task, &at), 0);
  /* inputs derive from the run secret: another secret, other bytes; forgotten, 0 */
  uint8_t a[64], b[64];
  gb_run_secret_set(11);
  gb_payload_input(5, a, sizeof a);
  gb_run_secret_set(12);
  gb_payload_input(5, b, sizeof b);
  assert_memory_not_equal(a, b, sizeof a);
  gb_run_secret_forget();
  assert_int_equal(gb_run_secret(), 0);
  assert_int_not_equal(gb_run_secret_draw(), 0);
}

/* null does no work, yet its result depends on the task index and on every input byte. */
static void test_null_depends_on_input(void **state) {
  (void)state;
  const gb_kernel *k = kernel("null");
  gb_kparams p;
  gb_kparams_defaults(k, &p);
  gb_ctx ctx;
  gb_ctx_init(&ctx, 0);
  uint8_t in[37];
  gb_payload_fill(5, in, sizeof in);
  uint64_t r = k->run(&ctx, &p, 5, in, sizeof in);
  assert_true(r == gb_splitmix64(5 ^ gb_payload_hash(in, sizeof in)));
  assert_true(k->run(&ctx, &p, 6, in, sizeof in) != r);
  for (size_t i = 0; i < sizeof in; i++) {
    in[i] ^= 1;
    assert_true(k->run(&ctx, &p, 5, in, sizeof in) != r);
    in[i] ^= 1;
  }
  assert_true(k->run(&ctx, &p, 5, in, sizeof in - 1) != r); /* its length too */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse),
      cmocka_unit_test(test_registry),
      cmocka_unit_test(test_print_nbody),
      cmocka_unit_test(test_print_spectral_norm),
      cmocka_unit_test(test_print_fannkuch_redux),
      cmocka_unit_test(test_print_binary_trees),
      cmocka_unit_test(test_print_sumloop_square),
      cmocka_unit_test(test_print_mandelbrot_golden),
      cmocka_unit_test(test_run_deterministic),
      cmocka_unit_test(test_sumloop_closed_form),
      cmocka_unit_test(test_fannkuch_results),
      cmocka_unit_test(test_run_depends_on_task_and_input),
      cmocka_unit_test(test_fault_parse),
      cmocka_unit_test(test_task_result_check),
      cmocka_unit_test(test_checkpoint_gaps),
      cmocka_unit_test(test_null_depends_on_input),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
