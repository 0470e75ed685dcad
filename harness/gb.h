/* gb.h: what every part of gilbench shares: error codes, the always-on assertion, clocks and
 * the splitmix64 generator that the task model is built on. */
#ifndef GB_GB_H
#define GB_GB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define GB_VERSION "0.1.0"

/* Functions return 0 or a negative errno-style code; gb_strerror() names it. */
enum {
  GB_OK = 0,
  GB_EINVAL = -22,  /* bad input: definition, option, value out of range */
  GB_ENOMEM = -12,  /* allocation failed */
  GB_EIO = -5,      /* a read, write or system call failed */
  GB_ECHECKSUM = -1000, /* a strategy computed a checksum different from the reference */
  GB_ETIMEOUT = -1001,  /* a repetition ran past its timeout */
  GB_EUNAVAIL = -1002,  /* the strategy or feature is not available in this build/machine */
};
const char *gb_strerror(int code);

/* Always-on assertion for the program's own invariants (never compiled out). */
#define GB_ASSERT(expr)                                                                     \
  do {                                                                                      \
    if (!(expr)) gb__assert_fail(#expr, __FILE__, __LINE__, __func__);                      \
  } while (0)
_Noreturn void gb__assert_fail(const char *expr, const char *file, int line, const char *fn);

/* Allocation that never returns NULL (aborts with a message: out of memory is not a result). */
void *gb_xmalloc(size_t n);
void *gb_xcalloc(size_t n, size_t size);
void *gb_xrealloc(void *p, size_t n);
char *gb_xstrdup(const char *s);

/* Monotonic clock in seconds and nanoseconds. */
static inline uint64_t gb_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
static inline double gb_now_s(void) { return (double)gb_now_ns() * 1e-9; }
/* CPU time of the calling thread, in seconds. */
double gb_thread_cpu_s(void);

/* splitmix64: one step of the generator (state advanced in place) and the stateless mixer. */
static inline uint64_t gb_splitmix64_next(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
/* splitmix64(x): the first output of the generator seeded with x. */
static inline uint64_t gb_splitmix64(uint64_t x) {
  uint64_t s = x;
  return gb_splitmix64_next(&s);
}

#define GB_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
