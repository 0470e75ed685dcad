/* task.c: the task model's arithmetic: payloads, the per-task result and the test-only fault
 * switch. Both C and the Python twins compute exactly this, bit for bit. */
#include "task.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ioop.h"

uint64_t gb_workload_ntasks(const gb_workload *wl) {
  uint64_t n = 0;
  for (int g = 0; g < wl->ngroups; g++) n += (uint64_t)wl->groups[g].tasks;
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

void gb_payload_fill(uint64_t seed, uint8_t *buf, size_t len) {
  uint64_t s = seed;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w = gb_splitmix64_next(&s);
    for (int b = 0; b < 8; b++) buf[i + b] = (uint8_t)(w >> (8 * b)); /* little-endian */
  }
  if (i < len) {
    uint64_t w = gb_splitmix64_next(&s);
    for (int b = 0; i < len; b++, i++) buf[i] = (uint8_t)(w >> (8 * b));
  }
}

uint64_t gb_payload_hash(const uint8_t *buf, size_t len) {
  uint64_t h = 0x6a09e667f3bcc908ull; /* fixed start so an empty payload hashes to non-zero */
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w = 0;
    for (int b = 0; b < 8; b++) w |= (uint64_t)buf[i + b] << (8 * b);
    h = gb_splitmix64(h ^ w);
  }
  if (i < len) {
    uint64_t w = 0;
    for (int b = 0; i < len; b++, i++) w |= (uint64_t)buf[i] << (8 * b);
    h = gb_splitmix64(h ^ w);
  }
  return gb_splitmix64(h ^ (uint64_t)len);
}

/* Result of a phase: a kernel's, or an I/O op's (run and timed by io.c). */
static uint64_t gb__phase_run(const gb_phase *ph, gb_ctx *ctx, uint64_t task, const uint8_t *in,
                              size_t in_len) {
  if (ph->kind == GB_PHASE_IO) return gb_io_phase_run(ph, ctx, task, in, in_len);
  GB_ASSERT(ph->kind == GB_PHASE_CPU && ph->kernel);
  return ph->kernel->run(ctx, &ph->params, task, in, in_len);
}

uint64_t gb_task_finish(uint64_t r, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len) {
  uint64_t partial = gb_splitmix64(r ^ gb_payload_hash(in, in_len));
  gb_payload_fill(partial, out, out_len);
  return partial;
}

uint64_t gb_task_exec(const gb_workload *wl, gb_ctx *ctx, uint64_t task, const uint8_t *in,
                      size_t in_len, uint8_t *out, size_t out_len) {
  const gb_group *g = gb_workload_group_of(wl, task);
  uint64_t r = gb_task_begin(task);
  for (int p = 0; p < g->nphases; p++) r = gb_task_mix(r, gb__phase_run(&g->phases[p], ctx, task, in, in_len));
  return gb_task_finish(r, in, in_len, out, out_len);
}

uint64_t gb_task_result(uint64_t partial, const uint8_t *out, size_t out_len) {
  return gb_splitmix64(partial + gb_payload_hash(out, out_len));
}

/* Test-only fault switch: which payload of which task to corrupt in transit (-1: none). */
static int64_t gb__fault_in = -1, gb__fault_out = -1;

/* enospc:FILE entries: writes to a file of that base name fail with ENOSPC. */
static char gb__fault_enospc[8][64];
static int gb__fault_nenospc;

/* One entry of the comma-separated fault list. */
static void gb__fault_entry(const char *e) {
  if (strncmp(e, "in:", 3) == 0)
    gb__fault_in = strtoll(e + 3, NULL, 10);
  else if (strncmp(e, "out:", 4) == 0)
    gb__fault_out = strtoll(e + 4, NULL, 10);
  else if (strncmp(e, "enospc:", 7) == 0 && gb__fault_nenospc < (int)GB_ARRAY_LEN(gb__fault_enospc))
    snprintf(gb__fault_enospc[gb__fault_nenospc++], sizeof gb__fault_enospc[0], "%s", e + 7);
}

void gb_fault_init(void) {
  const char *f = getenv("GILBENCH_TEST_FAULT");
  if (!f) return;
  char *dup = gb_xstrdup(f), *save = NULL;
  for (char *e = strtok_r(dup, ",", &save); e; e = strtok_r(NULL, ",", &save))
    gb__fault_entry(e);
  free(dup);
}

int gb_fault_write(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  for (int i = 0; i < gb__fault_nenospc; i++)
    if (strcmp(base, gb__fault_enospc[i]) == 0) return -ENOSPC;
  return 0;
}

void gb_payload_received_in(uint64_t task, uint8_t *buf, size_t len) {
  if (__builtin_expect(gb__fault_in >= 0, 0) && (uint64_t)gb__fault_in == task && len > 0)
    buf[len / 2] ^= 0x01;
}

void gb_payload_received_out(uint64_t task, uint8_t *buf, size_t len) {
  if (__builtin_expect(gb__fault_out >= 0, 0) && (uint64_t)gb__fault_out == task && len > 0)
    buf[len / 2] ^= 0x01;
}

uint64_t gb_task_run_local(const gb_workload *wl, gb_ctx *ctx, uint64_t task, uint8_t *in,
                           uint8_t *out) {
  const gb_group *g = gb_workload_group_of(wl, task);
  size_t in_len = (size_t)g->input_bytes, out_len = (size_t)g->output_bytes;
  gb_payload_fill(task, in, in_len);
  gb_payload_received_in(task, in, in_len);
  uint64_t partial = gb_task_exec(wl, ctx, task, in, in_len, out, out_len);
  gb_payload_received_out(task, out, out_len);
  return gb_task_result(partial, out, out_len);
}

uint64_t gb_workload_reference(const gb_workload *wl) {
  gb_ctx ctx;
  gb_ctx_init(&ctx, 0);
  uint8_t *in = gb_xmalloc(gb_workload_max_input(wl));
  uint8_t *out = gb_xmalloc(gb_workload_max_output(wl));
  uint64_t sum = 0, n = gb_workload_ntasks(wl);
  gb_io_reference_begin(); /* I/O phases give their expected results, without I/O */
  /* No transit here, so no transit hooks: the reference never sees the test-only fault. */
  for (uint64_t t = 0; t < n; t++) {
    const gb_group *g = gb_workload_group_of(wl, t);
    size_t in_len = (size_t)g->input_bytes, out_len = (size_t)g->output_bytes;
    gb_payload_fill(t, in, in_len);
    uint64_t partial = gb_task_exec(wl, &ctx, t, in, in_len, out, out_len);
    sum += gb_checksum_term(t, gb_task_result(partial, out, out_len));
  }
  gb_io_reference_end();
  free(in);
  free(out);
  return sum;
}
