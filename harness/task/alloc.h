/* alloc.h: the allocator policy of a run, a recorded and settable property (--set alloc.KEY=V).
 *
 * Why it exists: glibc's malloc takes a fast path while its process has never had a second
 * thread (SINGLE_THREAD_P: no arena lock, no atomic fastbin updates). Once any thread has existed
 * the process keeps the locked path for good, and a fork inherits it. An allocation-heavy kernel
 * (binary-trees) ran about 1.3-1.7x slower in any worker thread than in a never-threaded main
 * thread, and the serial baseline fell into one mode or the other depending on whether the
 * process it ran in had had a thread. Per-thread arenas (arena_max) do not change it.
 *
 * alloc.threaded (default 1): every repetition's process has had a second thread before the
 *   timed region (the memory sampler), so serial, processes' workers and every worker thread all
 *   allocate on the same, locked path; 0: the repetition keeps the single-thread fast path where
 *   its strategy creates no thread (serial, processes, openmp and async at one worker on the main
 *   thread), and peak memory is then taken at the start and end only.
 * alloc.arena_max (default 0 = glibc's own, 8 per core): mallopt(M_ARENA_MAX) in the repetition. */
#ifndef GB_ALLOC_H
#define GB_ALLOC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gb_alloc_policy {
  int threaded;      /* 1: every repetition's process is multi-threaded from the start */
  int64_t arena_max; /* 0: glibc's default */
} gb_alloc_policy;

extern gb_alloc_policy gb_alloc;

/* `--set alloc.KEY=VALUE`: 1 if key is an alloc.* key (applied, or err set and -1 returned on a
 * bad key or value), 0 if it is not one. */
int gb_alloc_set(const char *key, const char *value, char *err, size_t errlen);
/* In the process that runs a repetition, before the strategy: apply the policy. */
void gb_alloc_apply(void);
/* The policy and the allocator's facts, for the results' meta. */
json_t *gb_alloc_json(void);

#endif
