/* bench_alloc.c: the experiment behind the allocator policy (README, "The allocator policy").
 * Runs binary-trees-like work (8 x depth-13 trees: a malloc and a free per node) and prints the
 * thread's CPU seconds and minor page faults in five settings: the main thread of a never-threaded
 * process, a fork of it, the same main thread after one thread has come and gone, a fork of that,
 * and a worker thread. Argument: M_ARENA_MAX to set first (0: glibc's default). Not a test. */
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct node {
  struct node *l, *r;
} node;

static node *make(int d) {
  node *x = malloc(sizeof *x);
  if (!x) abort();
  x->l = d > 0 ? make(d - 1) : NULL;
  x->r = d > 0 ? make(d - 1) : NULL;
  return x;
}
static long check(const node *x) {
  return x->l ? 1 + check(x->l) + check(x->r) : 1;
}
static void drop(node *x) {
  if (x->l) drop(x->l), drop(x->r);
  free(x);
}

static long trees(int maxd) {
  node *t = make(maxd + 1);
  long s = check(t);
  drop(t);
  node *keep = make(maxd);
  for (int d = 4; d <= maxd; d += 2)
    for (int i = 0; i < 1 << (maxd - d + 4); i++) {
      t = make(d);
      s += check(t);
      drop(t);
    }
  s += check(keep);
  drop(keep);
  return s;
}

static void measure(const char *what) {
  struct rusage a, b;
  getrusage(RUSAGE_THREAD, &a);
  long s = 0;
  for (int i = 0; i < 8; i++)
    s += trees(13);
  getrusage(RUSAGE_THREAD, &b);
  double cpu =
      (double)(b.ru_utime.tv_sec - a.ru_utime.tv_sec + b.ru_stime.tv_sec - a.ru_stime.tv_sec) +
      (double)(b.ru_utime.tv_usec - a.ru_utime.tv_usec + b.ru_stime.tv_usec - a.ru_stime.tv_usec) * 1e-6;
  printf("%-40s cpu %.3f s  minor faults %ld  (checks %ld)\n", what, cpu, b.ru_minflt - a.ru_minflt, s);
  fflush(stdout);
}

static void in_fork(const char *what) {
  pid_t p = fork();
  if (p == 0) {
    measure(what);
    _exit(0);
  }
  waitpid(p, NULL, 0);
}

static void *nothing(void *arg) {
  return arg;
}
static void *worker(void *arg) {
  measure(arg);
  return NULL;
}

int main(int argc, char **argv) {
  int arenas = argc > 1 ? atoi(argv[1]) : 0;
  if (arenas > 0) mallopt(M_ARENA_MAX, arenas);
  printf("M_ARENA_MAX: %s\n", arenas > 0 ? argv[1] : "glibc's default");
  fflush(stdout); /* not written twice by the fork */
  in_fork("fork of a never-threaded process");
  measure("main thread, never-threaded process");
  pthread_t t;
  pthread_create(&t, NULL, nothing, NULL);
  pthread_join(t, NULL);
  measure("main thread, after one thread existed");
  in_fork("fork of that process");
  pthread_create(&t, NULL, worker, "a worker thread");
  pthread_join(t, NULL);
  return 0;
}
