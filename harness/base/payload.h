/* payload.h: the task model's bytes (docs/ARCHITECTURE.md, "The task model"): payloads made from
 * the splitmix64 stream, their hash, and the run secret they are derived from. Kernels and I/O ops
 * use these and nothing else of the task model, so they sit below it (task.h includes this). */
#ifndef GB_PAYLOAD_H
#define GB_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

/* Fill buf with `len` bytes of the splitmix64 stream seeded with `seed` (little-endian words). */
void gb_payload_fill(uint64_t seed, uint8_t *buf, size_t len);
/* Hash of a payload (word-wise splitmix64 chain, then the length), as both sides compute it. */
uint64_t gb_payload_hash(const uint8_t *buf, size_t len);

/* The run secret: 64 random bits drawn once per run (getrandom), recorded in the journal header
 * and in meta. Input payloads are derived from it, so no worker can make a task's input without
 * receiving it; 0 until set (unit tests, `kernel`, dry runs). Forked workers forget it. */
void gb_run_secret_set(uint64_t secret);
uint64_t gb_run_secret(void);
void gb_run_secret_forget(void);
/* Draw a fresh secret from the kernel's random source (never 0). */
uint64_t gb_run_secret_draw(void);
/* The coordinator's side: the input payload of task `task`, derived from the run secret. */
void gb_payload_input(uint64_t task, uint8_t *buf, size_t len);

#endif
