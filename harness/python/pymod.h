/* pymod.h: the _gilbench extension module, through which Python code (the twins' runner, in the
 * embedded interpreter or in a multiprocessing child) calls gilbench's C side: the C kernels with
 * the GIL released or held, and the worker hooks, so Python workers are bound, counted and timed
 * exactly like native ones. It is built into gilbench (PyImport_AppendInittab) and, from the same
 * code, as an importable shared module (workloads/python/_gilbench.c) for other interpreters.
 *
 * This header needs no Python header: PyObject is only named. */
#ifndef GB_PYMOD_H
#define GB_PYMOD_H

#include "job.h"

struct _object; /* PyObject */

/* The module's init function (PyInit__gilbench's body): a multi-phase module definition. */
struct _object *gb_pymod_init(void);

/* The repetition the embedded interpreter runs now (NULL between repetitions): worker_begin(i)
 * without a job argument uses it. Set by the cpython-* strategies, with the GIL held. */
void gb_pymod_set_job(const gb_job *job);

/* For a worker thread running Python in its own sub-interpreter: the shared schedule it takes
 * chunks from through sched_next(), its index, and a flag that, once set, makes sched_next() say
 * there is nothing left (another worker failed). NULL to unset. */
void gb_pymod_set_worker_sched(gb_sched *sched, int worker, _Atomic int *stop);

/* The part of a job that a worker in another process needs for the hooks (its binding, its
 * counter set's spec), as bytes: a spawned interpreter cannot follow the coordinator's pointers.
 * Returns the length written, 0 when len is too small, or the length needed when buf is NULL. */
size_t gb_pymod_job_pack(const gb_job *job, void *buf, size_t len);

/* Rebuild a job from gb_pymod_job_pack's bytes, in a worker's process (one job per process: the
 * storage it points into is static). 0, or -1 with err when the bytes are not one from this build
 * or its counter set does not resolve here. The pointers that mean nothing in another process
 * (workload, strategy, artifacts) are NULL. Needs no Python: libgbhooks uses it too. */
int gb_pymod_job_unpack(const void *buf, size_t len, gb_job *job, char *err, size_t errlen);

#endif
