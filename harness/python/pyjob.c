/* pyjob.c: the portable form of a job (see gb_pymod_job_pack in pymod.h): what a Python worker in
 * another process needs for the worker hooks. No Python here: libgbhooks links it too. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "counters.h"
#include "pymod.h"

/* ---- the portable job (no Python needed) ---- */

#define GB__PYJOB_MAGIC 0x6a627967u /* "gybj" */

/* The wire form of what a worker in another process needs from the job. */
typedef struct pyjob_wire {
  uint32_t magic;                   /* GB__PYJOB_MAGIC */
  uint32_t size;                    /* sizeof(pyjob_wire): a different build does not match */
  uint64_t ntasks;                  /* total tasks */
  uint64_t chunk;                   /* tasks handed out at a time */
  int32_t workers;                  /* worker count */
  int32_t schedule;                 /* gb_schedule */
  int64_t opts[GB_MAX_PARAMS];      /* the strategy's option values */
  char scratch_dir[PATH_MAX];       /* the run's scratch directory ("" for none) */
  char binding[64];                 /* the binding policy's text */
  int32_t bound;                    /* bind_pus holds one PU per worker */
  int32_t bind_pus[GB_MAX_WORKERS]; /* per worker: the PU it is bound to, -1 none */
  int32_t counted;                  /* the workers take counters: resolve counters_spec there */
  char counters_spec[256];          /* the set's spec, resolved again in the worker's process */
  char counters_backend[64];        /* its forced backend, "" for the chain */
} pyjob_wire;

size_t gb_pymod_job_pack(const gb_job *job, void *buf, size_t len) {
  if (!buf) return sizeof(pyjob_wire);
  if (len < sizeof(pyjob_wire)) return 0;
  pyjob_wire w;
  memset(&w, 0, sizeof w);
  w.magic = GB__PYJOB_MAGIC;
  w.size = (uint32_t)sizeof w;
  w.ntasks = job->ntasks;
  w.chunk = job->chunk;
  w.workers = job->workers;
  w.schedule = (int32_t)job->schedule;
  memcpy(w.opts, job->opts, sizeof w.opts);
  if (job->scratch_dir) snprintf(w.scratch_dir, sizeof w.scratch_dir, "%s", job->scratch_dir);
  if (job->binding) snprintf(w.binding, sizeof w.binding, "%s", job->binding);
  w.bound = job->bind_pus != NULL;
  for (int i = 0; w.bound && i < job->workers && i < GB_MAX_WORKERS; i++)
    w.bind_pus[i] = job->bind_pus[i];
  if (job->counters) {
    w.counted = 1;
    snprintf(w.counters_spec, sizeof w.counters_spec, "%s", job->counters->spec);
    if (job->counters->forced)
      snprintf(w.counters_backend, sizeof w.counters_backend, "%s", job->counters->forced->name);
  }
  memcpy(buf, &w, sizeof w);
  return sizeof w;
}

/* What an unpacked job points to, in the worker's process (one job per process: a pool worker is
 * one worker). */
static struct {
  pyjob_wire w;             /* strings and PUs the job points into */
  gb_counter_set *counters; /* resolved again here */
} pyjob_child;

/* Rebuild a job from its wire form; 0, or -1 with err when the bytes are not one or its counter
 * set does not resolve here. The job's pointers that have no meaning in another process
 * (workload, strategy, artifacts) are NULL. */
int gb_pymod_job_unpack(const void *buf, size_t len, gb_job *job, char *err, size_t errlen) {
  pyjob_wire *w = &pyjob_child.w;
  if (len != sizeof *w) return snprintf(err, errlen, "not a job from this build of _gilbench"), -1;
  memcpy(w, buf, sizeof *w);
  if (w->magic != GB__PYJOB_MAGIC || w->size != sizeof *w)
    return snprintf(err, errlen, "not a job from this build of _gilbench"), -1;
  w->scratch_dir[sizeof w->scratch_dir - 1] = w->binding[sizeof w->binding - 1] = '\0';
  w->counters_spec[sizeof w->counters_spec - 1] = w->counters_backend[sizeof w->counters_backend - 1] = '\0';
  gb_counters_free(pyjob_child.counters);
  pyjob_child.counters = NULL;
  if (w->counted && gb_counters_resolve(w->counters_spec, w->counters_backend[0] ? w->counters_backend : NULL,
                                        &pyjob_child.counters, err, errlen) != 0)
    return -1;
  memset(job, 0, sizeof *job);
  job->binding = w->binding;
  job->bind_pus = w->bound ? w->bind_pus : NULL;
  job->counters = pyjob_child.counters;
  job->ntasks = w->ntasks;
  job->chunk = w->chunk;
  job->workers = w->workers;
  job->schedule = (gb_schedule)w->schedule;
  memcpy(job->opts, w->opts, sizeof job->opts);
  job->scratch_dir = w->scratch_dir[0] ? w->scratch_dir : NULL;
  return 0;
}
