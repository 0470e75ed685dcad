/* task.h: the task model of docs/ARCHITECTURE.md. A workload is task groups; each task gets a deterministic
 * input payload (derived from the run secret), runs its phases, returns an output payload derived
 * from its result and a 64-bit result; every kernel's result depends on the task and on every byte
 * of the input as received, and the coordinator checks the output bytes it received against the
 * result, so a strategy that does not really run the tasks or move the payloads is caught. */
#ifndef GB_TASK_H
#define GB_TASK_H

#include <limits.h>
#include <stdint.h>

#include "fault.h" /* the test-only fault switches the task model consults */
#include "gb.h"
#include "kernel.h"
#include "payload.h"

#define GB_MAX_GROUPS 8
#define GB_MAX_PHASES 8
#define GB_NAME_MAX 64
#define GB_MAX_PAYLOAD (64ll << 20) /* largest input/output payload of one task: 64 MiB */
#define GB_MAX_TASKS (100ll * 1000 * 1000)

typedef enum { GB_PHASE_CPU = 0, GB_PHASE_IO = 1 } gb_phase_kind;
typedef enum { GB_SCHED_STATIC = 0, GB_SCHED_DYNAMIC = 1 } gb_schedule;
typedef enum { GB_KIND_CPU = 0, GB_KIND_IO = 1, GB_KIND_MIXED = 2 } gb_workload_kind;
typedef enum { GB_MEASURE_WALL = 0, GB_MEASURE_LATENCY = 1 } gb_measure;
/* How a cpython-* strategy runs a CPU phase (issue: embedded CPython). */
typedef enum { GB_PY_TWIN = 0, GB_PY_EXT = 1, GB_PY_EXT_HELD = 2, GB_PY_NUMPY = 3 } gb_python_mode;

/* One phase of a task: a kernel (CPU) or an I/O op, with its parameter values. */
typedef struct gb_phase {
  gb_phase_kind kind;       /* CPU or I/O */
  const gb_kernel *kernel;  /* the kernel of a CPU phase */
  gb_kparams params;        /* values, in the order of the kernel's (or op's) param table */
  gb_python_mode python;    /* twin | ext | ext-held */
  int line;                 /* line of its section in the definition file (0 if none) */
  const struct gb_ioop *op; /* the op of an I/O phase (params then follow its param table) */
} gb_phase;

/* A task group: `tasks` independent tasks that run the same phases in order. */
typedef struct gb_group {
  char name[GB_NAME_MAX]; /* "main" for the single-group form, else the name in [group.NAME] */
  int64_t tasks;          /* number of tasks */
  int64_t input_bytes;    /* input payload size of each task */
  int64_t output_bytes;   /* output payload size of each task */
  gb_phase phases[GB_MAX_PHASES];
  int nphases;
  int line; /* line of its section */
} gb_group;

/* One override from a [profile.NAME] section, kept as text until applied. */
typedef struct gb_override {
  char profile[GB_NAME_MAX]; /* profile name */
  char key[128];             /* qualified or bare key */
  char value[128];           /* text value */
  int line;                  /* where it was written */
} gb_override;

/* A workload: a parsed definition file, with its effective parameter values. */
typedef struct gb_workload {
  char name[GB_NAME_MAX];
  char summary[256];
  char path[PATH_MAX];   /* definition file it came from */
  gb_workload_kind kind; /* cpu | io | mixed */
  gb_measure measure;    /* what the verdict compares */
  gb_schedule schedule;  /* static | dynamic */
  int64_t chunk;         /* tasks handed out at a time */
  int single_group;      /* written in the single-group form ([workload] tasks, [phase.N]) */
  gb_group groups[GB_MAX_GROUPS];
  int ngroups;
  gb_override *profiles; /* overrides of every [profile.*] section, in file order */
  int nprofiles;
} gb_workload;

/* Totals derived from a workload. */
uint64_t gb_workload_ntasks(const gb_workload *wl);
/* Group that task `task` belongs to (tasks are numbered across groups in file order). */
const gb_group *gb_workload_group_of(const gb_workload *wl, uint64_t task);
/* Largest input and output payload of any group (for buffer sizing). */
size_t gb_workload_max_input(const gb_workload *wl);
size_t gb_workload_max_output(const gb_workload *wl);

/* Worker side: run the phases of `task` on its input payload as received; write the output
 * payload into out (out_len bytes, the group's output_bytes) and return the partial result. */
uint64_t gb_task_exec(const gb_workload *wl, gb_ctx *ctx, uint64_t task, const uint8_t *in, size_t in_len,
                      uint8_t *out, size_t out_len);
/* A CPU phase's kernel run on the task's input (where the test-only fault reuse:TASK acts). */
uint64_t gb_kernel_phase_run(const gb_phase *ph, gb_ctx *ctx, uint64_t task, const uint8_t *in,
                             size_t in_len);
/* The same, in steps, for a strategy that runs a task's phases itself (the async strategy):
 * r = gb_task_begin(task); r = gb_task_mix(r, phase result) after each phase, in order; then
 * partial = gb_task_finish(r, in, in_len, out, out_len) writes the output payload. */
static inline uint64_t gb_task_begin(uint64_t task) {
  return gb_splitmix64(task);
}
static inline uint64_t gb_task_mix(uint64_t r, uint64_t phase_result) {
  return gb_splitmix64(r ^ phase_result);
}
uint64_t gb_task_finish(uint64_t r, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);
/* Coordinator side: check that the output payload received is exactly the one the partial result
 * implies (the splitmix64 stream seeded with it) and return the task result. On a mismatch the
 * proof failure is recorded (gb_proof_failed) and the result returned is wrong on purpose. */
uint64_t gb_task_result(uint64_t task, uint64_t partial, const uint8_t *out, size_t out_len);
/* The task's term of the cell checksum: splitmix64(task ^ result). Sum terms mod 2^64. */
static inline uint64_t gb_checksum_term(uint64_t task, uint64_t result) {
  uint64_t s = task ^ result;
  return gb_splitmix64_next(&s);
}

/* Proof failures of this process since the last reset: an output payload that did not match its
 * result. The runner resets before a repetition and fails it when one was recorded. */
void gb_proof_reset(void);
/* 1 with the first failing task and byte offset when there was one, else 0. */
int gb_proof_failed(uint64_t *task, uint64_t *offset);

/* A shared-memory worker's whole task: make the input, receive it, run it, receive the output.
 * in/out are scratch buffers of at least the workload's largest payloads. */
uint64_t gb_task_run_local(const gb_workload *wl, gb_ctx *ctx, uint64_t task, uint8_t *in, uint8_t *out);

/* Transit hooks, called by every strategy where a payload arrives (worker: input; coordinator:
 * output). They do nothing unless a test-only fault switch names the task (fault.h). */
void gb_payload_received_in(uint64_t task, uint8_t *buf, size_t len);
void gb_payload_received_out(uint64_t task, uint8_t *buf, size_t len);

/* The reference checksum, computed with the serial path in this thread. */
uint64_t gb_workload_reference(const gb_workload *wl);

#endif
