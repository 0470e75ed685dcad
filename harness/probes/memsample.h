/* memsample.h: the memory a repetition holds while it runs: the resident set of this process and
 * of its children (forked workers, the loopback server), sampled by a thread, beside the process's
 * own kernel-kept peak (VmHWM, reset at the start). Also the context switches the process and its
 * reaped children made, less the sampler's own. */
#ifndef GB_MEMSAMPLE_H
#define GB_MEMSAMPLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

typedef struct gb_memsample {
  pthread_t tid;
  int running;         /* the sampler thread exists */
  _Atomic int stop;    /* asks it to end */
  uint64_t base_bytes; /* the tree's RSS just before the strategy ran */
  uint64_t peak_bytes; /* the largest RSS seen: samples of the tree, and this process's VmHWM */
  uint64_t samples;    /* samples taken */
  long sampler_csw;    /* the sampler thread's own context switches */
  long csw0;           /* voluntary + involuntary switches at start (self + reaped children) */
  long csw;            /* the difference at stop, less the sampler's */
} gb_memsample;

/* Start sampling (before the strategy runs); stop it after, filling peak_bytes and csw. */
void gb_memsample_start(gb_memsample *m, int thread); /* thread 0: no sampler thread (start
                                                         and end samples and VmHWM only) */
void gb_memsample_stop(gb_memsample *m);
/* RSS in bytes of this process plus its direct children, now. */
uint64_t gb_tree_rss_bytes(void);

#endif
