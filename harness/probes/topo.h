/* topo.h: the machine's topology (from hwloc when built with it, else from sysfs) and the binding
 * policies that place workers on its PUs. A topology follows hwloc's lifecycle: load, use,
 * destroy; gb_topo_machine() is the process-wide one, loaded once. Placement is pure: a policy, a
 * topology and a worker count give one OS PU index per worker, so the runner computes it once per
 * repetition and the worker hook only applies it. */
#ifndef GB_TOPO_H
#define GB_TOPO_H

#include <jansson.h>
#include <stdio.h>

#include "job.h"

typedef struct gb_topo gb_topo; /* opaque */

/* Load a topology: this machine (synthetic == NULL) or an hwloc synthetic description such as
 * "pack:2 l3:1 core:4 pu:2" (tests; needs hwloc). 0, or GB_EINVAL / GB_EUNAVAIL with err. A
 * machine topology never fails: without hwloc (or if hwloc fails) it is read from sysfs and
 * sched_getaffinity, and gb_topo_source() says so. */
int gb_topo_load(gb_topo **out, const char *synthetic, char *err, size_t errlen);
void gb_topo_destroy(gb_topo *t);
/* This machine's topology, loaded on first use (thread-safe) and kept for the process. */
const gb_topo *gb_topo_machine(void);

/* Where the topology came from: "hwloc 2.9.0", or "sysfs (built without hwloc)". */
const char *gb_topo_source(const gb_topo *t);
int gb_topo_npus(const gb_topo *t);   /* PUs this process may run on */
int gb_topo_ncores(const gb_topo *t); /* cores holding them */
int gb_topo_npackages(const gb_topo *t);
int gb_topo_nnuma(const gb_topo *t); /* NUMA nodes (1 when unknown) */
/* OS index of the k-th PU in logical (depth-first) order; -1 out of range. */
int gb_topo_pu(const gb_topo *t, int k);
/* Whether OS PU index `os` is one of the topology's PUs. */
int gb_topo_has_pu(const gb_topo *t, int os);

/* `gilbench topo`: the tree (packages, NUMA nodes, caches, cores, PUs) and the counts. */
void gb_topo_print(const gb_topo *t, FILE *out);
/* meta.topology: counts, SMT, caches by level, NUMA nodes with memory, source. */
json_t *gb_topo_json(const gb_topo *t);
/* Write the topology as hwloc XML (topology.xml beside results.json). 0, GB_EUNAVAIL without
 * hwloc, or GB_EIO; err says why. */
int gb_topo_export_xml(const gb_topo *t, const char *path, char *err, size_t errlen);

/* The hwloc XML `in` (NULL: this machine) written to `out` with each PU p < nshare whose share[p]
 * is in [0, 1] (NAN: left alone) styled for lstopo (info lstopoStyle: a white-to-dark-blue
 * background by share) and the legend lines as the root's lstopoLegend infos, so `lstopo -i out`
 * draws the machine coloured. 0, GB_EUNAVAIL without hwloc, GB_EINVAL (in unreadable), GB_EIO. */
int gb_topo_shade_xml(const char *in, const double *share, int nshare, const char *const *legend, int nlegend,
                      const char *out, char *err, size_t errlen);

/* Binding policies (--bind, suite `bind`). */
typedef enum {
  GB_BIND_NONE = 0, /* not bound: the scheduler decides */
  GB_BIND_COMPACT,  /* fill PUs that share the closest caches first (logical order) */
  GB_BIND_SCATTER,  /* spread across packages, NUMA nodes, caches, cores, then SMT siblings */
  GB_BIND_CORES,    /* one worker per core, first PU of each core; SMT siblings only after */
  GB_BIND_LIST,     /* explicit OS PU indices, worker i on cpus[i % ncpus] */
} gb_bind_policy;

typedef struct gb_bind {
  gb_bind_policy policy;
  int ncpus;            /* GB_BIND_LIST: how many */
  int cpus[GB_MAX_PUS]; /* GB_BIND_LIST: OS PU indices, in order */
} gb_bind;

/* Parse "none|compact|scatter|cores|list:CPU,..." (list items may be ranges, "list:0-3,6").
 * Syntax only; 0 or GB_EINVAL with a message naming the text and what is allowed. */
int gb_bind_parse(const char *text, gb_bind *out, char *err, size_t errlen);
/* Parse and check against a topology (every listed PU exists). 0 or GB_EINVAL with err. */
int gb_bind_check(const gb_topo *t, const char *text, gb_bind *out, char *err, size_t errlen);
/* Place `workers` workers: pus[i] = OS PU index of worker i (-1 for none). Returns 1 when the
 * placement wrapped around or shares SMT siblings the policy would avoid, with a note saying so;
 * 0 (note "") otherwise. pus has room for `workers` entries. */
int gb_bind_place(const gb_topo *t, const gb_bind *b, int workers, int *pus, char *note, size_t notelen);
/* The placement of a cell on this machine: a malloc'ed array of `workers` OS PU indices, or NULL
 * for "none" (or an invalid text, which planning has already refused); note as above. */
int *gb_bind_place_text(const char *text, int workers, char *note, size_t notelen);

#endif
