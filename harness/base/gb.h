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
  GB_EINVAL = -22,      /* bad input: definition, option, value out of range */
  GB_ENOMEM = -12,      /* allocation failed */
  GB_EIO = -5,          /* a read, write or system call failed */
  GB_ECHECKSUM = -1000, /* a strategy computed a checksum different from the reference */
  GB_ETIMEOUT = -1001,  /* a repetition ran past its timeout */
  GB_EUNAVAIL = -1002,  /* the strategy or feature is not available in this build/machine */
};
const char *gb_strerror(int code);
/* The one way a failing function reports: the message (printf-style; "file:line: message" when
 * it is about a file) goes into the caller's err buffer (skipped when err is NULL), and code, a
 * negative GB_E* or -errno, is returned: `return gb_err(err, errlen, GB_EINVAL, "%s: ...", path);`. */
int gb_err(char *err, size_t errlen, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Always-on assertion for the program's own invariants (never compiled out). */
#define GB_ASSERT(expr)                                                                                      \
  do {                                                                                                       \
    if (!(expr)) gb_assert_fail(#expr, __FILE__, __LINE__, __func__);                                        \
  } while (0)
_Noreturn void gb_assert_fail(const char *expr, const char *file, int line, const char *fn);

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
static inline double gb_now_s(void) {
  return (double)gb_now_ns() * 1e-9;
}
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

/* The one character set of every name gilbench takes (workloads, strategies, options, profiles,
 * groups, labels): [A-Za-z0-9][A-Za-z0-9._+-]{0,63}. Nothing else can reach a shell, a report or
 * a gnuplot script as a name. 1 if s is such a name. */
#define GB_NAME_CHARSET "[A-Za-z0-9][A-Za-z0-9._+-]{0,63}"
int gb_name_valid(const char *s);

/* The one parser of comma-separated lists (strategies and workloads, in suites and on the command
 * line): trimmed items, none empty. 0 with *items (caller frees with gb_list_free), or GB_EINVAL
 * on an empty list or an empty item. */
int gb_list_split(const char *text, char ***items, int *n);
void gb_list_free(char **items, int n);

/* Exit status of a run that could not write its results, journal, report or chart (disk full,
 * EIO, EROFS), or that found its folder locked by another run. */
#define GB_EXIT_WRITE 3

#endif
