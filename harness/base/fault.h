/* fault.h: the test-only fault switches, GILBENCH_TEST_FAULT=KIND:TASK[,KIND:TASK...]:
 *   in:TASK, out:TASK  flip one byte of that task's input (output) payload in transit;
 *   skipcopy:TASK      the worker regenerates the task's input (without the run secret) instead
 *                      of reading the payload it received;
 *   reuse:TASK         the worker returns its previous kernel result instead of running the kernel;
 *   skipio:TASK        the task's I/O ops return without doing their I/O (no server, no file, no
 *                      wait), with the result a worker can compute alone;
 *   enospc:FILE        every write of a file of that base name fails with ENOSPC (gb_fault_write).
 * Each must fail the cell. The reference path never sees them. They are in base, below every layer
 * that consults them: the task model (payloads, kernels), the I/O phases, the event-loop strategy,
 * and whoever writes a file (the results, the journal, the reports). */
#ifndef GB_FAULT_H
#define GB_FAULT_H

#include <stddef.h>
#include <stdint.h>

enum { GB_FAULT_IN, GB_FAULT_OUT, GB_FAULT_SKIPCOPY, GB_FAULT_REUSE, GB_FAULT_SKIPIO, GB_FAULT_KINDS };

/* The task each fault names (-1: none), as gb_fault_init read it. Read it through gb_fault_armed. */
extern int64_t gb_fault_task[GB_FAULT_KINDS];

/* Parse a switch's text into task[GB_FAULT_KINDS] (-1: not set) and the enospc:FILE names (kept
 * for gb_fault_write). 0, or GB_EINVAL with err. */
int gb_fault_parse(const char *spec, int64_t task[GB_FAULT_KINDS], char *err, size_t errlen);
/* Read GILBENCH_TEST_FAULT (called once at start-up, before any worker exists). 0, or GB_EINVAL
 * with a message on stderr when it cannot be parsed. */
int gb_fault_init(void);
/* Whether fault `kind` names some task: the cheap test a hot path makes first. */
static inline int gb_fault_armed(int kind) {
  return __builtin_expect(gb_fault_task[kind] >= 0, 0);
}
/* Whether fault `kind` names task `task` (never on the reference path). */
int gb_fault_hits(int kind, uint64_t task);
/* 1: the calling thread is on the reference path, where no fault hits; 0: it left it. */
void gb_fault_suspend(int on);
/* Before writing path: -ENOSPC when the test-only switch enospc:BASENAME names it, else 0. */
int gb_fault_write(const char *path);

#endif
