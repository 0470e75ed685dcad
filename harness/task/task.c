/* task.c: the task model's arithmetic: the per-task result and its proof check, where the test-only
 * fault switches strike (they are base/fault.c; payloads and the run secret: base/payload.c; the
 * kernels' seed: kernel.c). Both C and the Python twins compute exactly this, bit for bit. */
#include "task.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "ioop.h"

uint64_t gb_workload_ntasks(const gb_workload *wl) {
  uint64_t n = 0;
  for (int g = 0; g < wl->ngroups; g++)
    n += (uint64_t)wl->groups[g].tasks;
  return n;
}

const gb_group *gb_workload_group_of(const gb_workload *wl, uint64_t task) {
  for (int g = 0; g < wl->ngroups; g++) {
    if (task < (uint64_t)wl->groups[g].tasks) return &wl->groups[g];
    task -= (uint64_t)wl->groups[g].tasks;
  }
  GB_ASSERT(!"task index beyond the workload's tasks");
  return NULL;
}

size_t gb_workload_max_input(const gb_workload *wl) {
  size_t m = 0;
  for (int g = 0; g < wl->ngroups; g++)
    if ((size_t)wl->groups[g].input_bytes > m) m = (size_t)wl->groups[g].input_bytes;
  return m;
}

size_t gb_workload_max_output(const gb_workload *wl) {
  size_t m = 0;
  for (int g = 0; g < wl->ngroups; g++)
    if ((size_t)wl->groups[g].output_bytes > m) m = (size_t)wl->groups[g].output_bytes;
  return m;
}

/* ---- payloads in transit (the test-only fault switches: fault.h) ---- */

void gb_payload_received_in(uint64_t task, uint8_t *buf, size_t len) {
  if (gb_fault_hits(GB_FAULT_SKIPCOPY, task)) gb_payload_fill(task, buf, len); /* no secret */
  if (gb_fault_hits(GB_FAULT_IN, task) && len > 0) buf[len / 2] ^= 0x01;
}

void gb_payload_received_out(uint64_t task, uint8_t *buf, size_t len) {
  if (gb_fault_hits(GB_FAULT_OUT, task) && len > 0) buf[len / 2] ^= 0x01;
}

/* ---- tasks ---- */

static _Thread_local uint64_t last_kernel; /* the worker's previous kernel result (reuse:) */

uint64_t gb_kernel_phase_run(const gb_phase *ph, gb_ctx *ctx, uint64_t task, const uint8_t *in,
                             size_t in_len) {
  GB_ASSERT(ph->kind == GB_PHASE_CPU && ph->kernel);
  if (!gb_fault_armed(GB_FAULT_REUSE)) return ph->kernel->run(ctx, &ph->params, task, in, in_len);
  if (gb_fault_hits(GB_FAULT_REUSE, task)) return last_kernel;
  return last_kernel = ph->kernel->run(ctx, &ph->params, task, in, in_len);
}

/* Result of a phase: a kernel's, or an I/O op's (run and timed by io.c). */
static uint64_t phase_run(const gb_phase *ph, gb_ctx *ctx, uint64_t task, const uint8_t *in, size_t in_len) {
  if (ph->kind == GB_PHASE_IO) return gb_io_phase_run(ph, ctx, task, in, in_len);
  return gb_kernel_phase_run(ph, ctx, task, in, in_len);
}

uint64_t gb_task_finish(uint64_t r, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len) {
  uint64_t partial = gb_splitmix64(r ^ gb_payload_hash(in, in_len));
  gb_payload_fill(partial, out, out_len);
  return partial;
}

/* The group of task `task`: one comparison for a one-group workload, else the walk. */
static inline const gb_group *group_of(const gb_workload *wl, uint64_t task) {
  if (__builtin_expect(wl->ngroups == 1, 1) && task < (uint64_t)wl->groups[0].tasks) return &wl->groups[0];
  return gb_workload_group_of(wl, task);
}

/* gb_task_exec for a task of group g. The common task, one CPU phase and no test-only fault
 * armed, calls its kernel directly; the result is the same as the phase loop's. */
static inline uint64_t task_exec(const gb_group *g, gb_ctx *ctx, uint64_t task, const uint8_t *in,
                                 size_t in_len, uint8_t *out, size_t out_len) {
  uint64_t r = gb_task_begin(task);
  const gb_phase *ph = g->phases;
  if (__builtin_expect(g->nphases == 1 && ph->kind == GB_PHASE_CPU && !gb_fault_armed(GB_FAULT_REUSE), 1))
    r = gb_task_mix(r, ph->kernel->run(ctx, &ph->params, task, in, in_len));
  else
    for (int p = 0; p < g->nphases; p++)
      r = gb_task_mix(r, phase_run(&g->phases[p], ctx, task, in, in_len));
  return gb_task_finish(r, in, in_len, out, out_len);
}

uint64_t gb_task_exec(const gb_workload *wl, gb_ctx *ctx, uint64_t task, const uint8_t *in, size_t in_len,
                      uint8_t *out, size_t out_len) {
  return task_exec(group_of(wl, task), ctx, task, in, in_len, out, out_len);
}

static _Atomic uint64_t proof_task = UINT64_MAX, proof_offset;

void gb_proof_reset(void) {
  atomic_store(&proof_task, UINT64_MAX);
}

int gb_proof_failed(uint64_t *task, uint64_t *offset) {
  *task = atomic_load(&proof_task);
  *offset = atomic_load(&proof_offset);
  return *task != UINT64_MAX;
}

/* The first byte where out differs from the stream seeded with partial, or len when none does. */
/* The first byte where out differs from the stream seeded with partial, or len when none does.
 * Whole words are compared at once (the payload's bytes are the stream's words, little-endian). */
static size_t out_mismatch(uint64_t partial, const uint8_t *out, size_t len) {
  uint64_t s = partial;
  for (size_t i = 0; i < len; i += 8) {
    uint64_t w = gb_splitmix64_next(&s), got;
    if (i + 8 <= len && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
      memcpy(&got, out + i, 8);
      if (got == w) continue;
    }
    for (size_t b = 0; b < 8 && i + b < len; b++)
      if (out[i + b] != (uint8_t)(w >> (8 * b))) return i + b;
  }
  return len;
}

uint64_t gb_task_result(uint64_t task, uint64_t partial, const uint8_t *out, size_t out_len) {
  uint64_t result = gb_splitmix64(partial + (uint64_t)out_len);
  size_t bad = out_mismatch(partial, out, out_len);
  if (__builtin_expect(bad == out_len, 1)) return result;
  uint64_t none = UINT64_MAX;
  if (atomic_compare_exchange_strong(&proof_task, &none, task)) atomic_store(&proof_offset, bad);
  return ~result;
}

uint64_t gb_task_run_local(const gb_workload *wl, gb_ctx *ctx, uint64_t task, uint8_t *in, uint8_t *out) {
  const gb_group *g = group_of(wl, task);
  size_t in_len = (size_t)g->input_bytes, out_len = (size_t)g->output_bytes;
  gb_payload_input(task, in, in_len);
  /* The transit hooks act only when a test-only fault is armed: test that here, inline. */
  if (gb_fault_armed(GB_FAULT_SKIPCOPY) || gb_fault_armed(GB_FAULT_IN))
    gb_payload_received_in(task, in, in_len);
  uint64_t partial = task_exec(g, ctx, task, in, in_len, out, out_len);
  if (gb_fault_armed(GB_FAULT_OUT)) gb_payload_received_out(task, out, out_len);
  return gb_task_result(task, partial, out, out_len);
}

uint64_t gb_workload_reference(const gb_workload *wl) {
  gb_ctx ctx;
  gb_ctx_init(&ctx, 0);
  uint8_t *in = gb_xmalloc(gb_workload_max_input(wl));
  uint8_t *out = gb_xmalloc(gb_workload_max_output(wl));
  uint64_t sum = 0, n = gb_workload_ntasks(wl);
  gb_io_reference_begin(); /* I/O phases give their expected results, without I/O */
  gb_fault_suspend(1);     /* no transit here, and no test-only fault */
  for (uint64_t t = 0; t < n; t++) {
    const gb_group *g = group_of(wl, t);
    size_t in_len = (size_t)g->input_bytes, out_len = (size_t)g->output_bytes;
    gb_payload_input(t, in, in_len);
    uint64_t partial = task_exec(g, &ctx, t, in, in_len, out, out_len);
    sum += gb_checksum_term(t, gb_task_result(t, partial, out, out_len));
  }
  gb_fault_suspend(0);
  gb_io_reference_end();
  free(in);
  free(out);
  return sum;
}
