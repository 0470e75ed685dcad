/* bench_pingpong.c: the physical limits a dispatcher works against, for scripts/bench-dispatch.sh.
 * Two processes (forked, sharing one anonymous page) bounce a counter back and forth N times, by
 *   line:  spinning on a shared cache line (one round trip = two cache-line transfers);
 *   futex: FUTEX_WAIT / FUTEX_WAKE on that word (two wake-ups and context switches per round trip);
 *   pipe:  a one-byte write and read each way over two pipes (what a pipe-based pool pays).
 * Prints the median of 5 batches, in microseconds per one-way hop. Not a test. */
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gb.h"

typedef struct shared {
  _Alignas(64) _Atomic uint32_t word;
} shared;

static void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

static void futex(_Atomic uint32_t *w, int op, uint32_t v) {
  syscall(SYS_futex, (uint32_t *)w, op, v, NULL, NULL, 0);
}

/* Side `me` (0 or 1) waits for word == k with the given method, then sets it to k + 1. */
static void bounce(const char *how, shared *s, int me, int n, int p_in, int p_out) {
  char b = 0;
  for (uint32_t k = (uint32_t)me; k < 2u * (uint32_t)n; k += 2) {
    if (strcmp(how, "line") == 0) {
      /* After ~10k polls, yield: with both sides on one CPU a pure spin waits out a time slice. */
      for (unsigned i = 1; atomic_load_explicit(&s->word, memory_order_acquire) != k; i++)
        if (i % 10000 == 0)
          sched_yield();
        else
          relax();
      atomic_store_explicit(&s->word, k + 1, memory_order_release);
    } else if (strcmp(how, "futex") == 0) {
      uint32_t v;
      while ((v = atomic_load(&s->word)) != k)
        futex(&s->word, FUTEX_WAIT, v);
      atomic_store(&s->word, k + 1);
      futex(&s->word, FUTEX_WAKE, 1);
    } else {
      if (k > 0 && read(p_in, &b, 1) != 1) _exit(2);
      if (write(p_out, &b, 1) != 1) _exit(2);
    }
  }
}

static double hop_us(const char *how, int n) {
  shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int a[2], b[2];
  if (s == MAP_FAILED || pipe(a) != 0 || pipe(b) != 0) {
    perror("bench_pingpong");
    exit(1);
  }
  atomic_store(&s->word, 0);
  uint64_t t0 = gb_now_ns();
  pid_t pid = fork();
  if (pid == 0) {
    bounce(how, s, 1, n, a[0], b[1]);
    _exit(0);
  }
  bounce(how, s, 0, n, b[0], a[1]);
  char c;
  if (strcmp(how, "pipe") == 0 && read(b[0], &c, 1) != 1) exit(1); /* the last hop back */
  int st;
  waitpid(pid, &st, 0);
  uint64_t t1 = gb_now_ns();
  munmap(s, sizeof *s);
  close(a[0]), close(a[1]), close(b[0]), close(b[1]);
  return (double)(t1 - t0) * 1e-3 / (2.0 * n);
}

static int cmp(const void *x, const void *y) {
  double p = *(const double *)x, q = *(const double *)y;
  return p < q ? -1 : p > q;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 20000;
  const char *hows[] = {"line", "futex", "pipe"};
  for (int h = 0; h < 3; h++) {
    double t[5];
    int nn = n;
    for (int r = 0; r < 5; r++)
      t[r] = hop_us(hows[h], nn);
    qsort(t, 5, sizeof *t, cmp);
    printf("%s %.4f %.4f %.4f\n", hows[h], t[2], t[0], t[4]);
  }
  return 0;
}
