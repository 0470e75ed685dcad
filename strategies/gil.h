/* gil.h: the lock object behind the `gil` strategy, a model of CPython's GIL, exposed so that unit
 * tests can drive it directly. The new model (3.2+, Python/ceval_gil.c) is a mutex + condition
 * variable with timed waits, drop requests through the holder's eval breaker (gb_ctx.breaker) and
 * forced switching; the old model (before 3.2) releases and at once retakes the lock every
 * check_interval estimated bytecodes (one ticker for all workers), with no handoff. A worker is identified by
 * its gb_ctx (ctx->worker is its index, below the nworkers given at creation). Every function is thread-safe.
 */
#ifndef GB_GIL_H
#define GB_GIL_H

#include <stddef.h>
#include <stdint.h>

#include "kernel.h"
#include "strategies.h" /* gb_gil_set_bytecode_ns, gb_gil_bytecode_ns */

/* gb_gil_model (the `model` choices) is declared in strategies.h: the runner asks for it. */

/* Trace events, in the words the trace file uses. */
typedef enum {
  GB_GIL_EV_TAKE_REQUEST = 0, /* a worker asks for the lock */
  GB_GIL_EV_ACQUIRED = 1,     /* it got it */
  GB_GIL_EV_DROP_REQUEST = 2, /* a waiter timed out with no switch and asked the holder to drop */
  GB_GIL_EV_RELEASED = 3,     /* the holder released it */
} gb_gil_event;

typedef struct gb_gil gb_gil;

/* The old model counts bytecodes: each checkpoint stands for the time since the last one divided
 * by the time of one bytecode, calibrated once per run from the sumloop twin (the runner calls
 * the setter before any repetition; locks created later use it). The default is what Python
 * 2.7.18's sumloop took a bytecode on the machine gilbench was written on. */
#define GB_GIL_BYTECODE_NS_DEFAULT 4.2

/* Create a lock for workers 0..nworkers-1. interval_us: the switch interval of the new model
 * (values below 1 count as 1, as in CPython); check_interval: estimated bytecodes between
 * releases in the old model (>= 1). Never returns NULL (allocation failure aborts). */
gb_gil *gb_gil_create(int nworkers, int64_t interval_us, gb_gil_model model, int64_t check_interval);
void gb_gil_destroy(gb_gil *g);

/* Make ctx a worker of g: installs the checkpoint and blocking-call callbacks and, in the old
 * model, sets the breaker for good (every checkpoint must reach the callback to be counted). */
void gb_gil_attach(gb_gil *g, gb_ctx *ctx);

/* CPython's take_gil: block until the calling worker holds the lock. The wait is timed and
 * accumulated per worker. */
void gb_gil_take(gb_gil *g, gb_ctx *ctx);
/* CPython's drop_gil: release the lock; if a drop request addressed to this holder is pending
 * (new model), wait until another worker has taken it (FORCE_SWITCHING). */
void gb_gil_drop(gb_gil *g, gb_ctx *ctx);
/* The last release of a worker that is leaving (CPython's final_release): never waits, and the
 * lock forgets the worker's context. */
void gb_gil_drop_final(gb_gil *g, gb_ctx *ctx);

/* The callbacks gb_gil_attach installs (ctx->owner is the lock). Checkpoint: new model, drop and
 * retake when a drop request is pending; old model, every check_interval-th call releases and
 * retakes at once. Block begin/end: release around a blocking call, retake after it. */
void gb_gil_checkpoint_cb(gb_ctx *ctx);
void gb_gil_block_begin_cb(gb_ctx *ctx);
void gb_gil_block_end_cb(gb_ctx *ctx);

/* Counters (read under the lock's mutex). Switches count acquisitions by a worker other than the
 * previous holder (the first acquisition is not a switch); drop requests count holders asked to
 * drop (a request already pending is not counted again). */
uint64_t gb_gil_acquisitions(gb_gil *g);
uint64_t gb_gil_switches(gb_gil *g);
uint64_t gb_gil_drop_requests(gb_gil *g);
int gb_gil_holders(gb_gil *g); /* workers holding it now: 0 or 1 */
int gb_gil_holder(gb_gil *g);  /* index of the current holder, -1 if unlocked */
int gb_gil_waiters(gb_gil *g); /* workers blocked in gb_gil_take */
/* Per-worker wait in gb_gil_take: the total and the longest single wait, in seconds. Read them once
 * the worker is done (joined), or from the worker itself. */
double gb_gil_wait_s(const gb_gil *g, int worker);
double gb_gil_wait_max_s(const gb_gil *g, int worker);

/* Tracing: preallocate `total_records` records split evenly among the workers, with times
 * relative to t0_ns (gb_now_ns clock). Call before any worker runs. Records past a worker's share
 * are counted as lost, not stored. */
void gb_gil_trace_enable(gb_gil *g, size_t total_records, uint64_t t0_ns);
/* Write the trace (all workers, in time order) as TSV with the header `t_ns\tworker\tevent`.
 * Call once the workers are done. Returns 0 or GB_EIO. *lost is set to the records not stored. */
int gb_gil_trace_write(const gb_gil *g, const char *path, uint64_t *lost);
const char *gb_gil_event_name(gb_gil_event ev);

#endif
