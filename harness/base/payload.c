/* payload.c: payloads from the splitmix64 stream, their hash and the run secret (payload.h).
 * Both C and the Python twins compute exactly this, bit for bit. */
#include "payload.h"

#include <sys/random.h>
#include <sys/types.h>
#include <unistd.h>

#include "gb.h"

void gb_payload_fill(uint64_t seed, uint8_t *buf, size_t len) {
  uint64_t s = seed;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w = gb_splitmix64_next(&s);
    for (int b = 0; b < 8; b++)
      buf[i + b] = (uint8_t)(w >> (8 * b)); /* little-endian */
  }
  if (i < len) {
    uint64_t w = gb_splitmix64_next(&s);
    for (int b = 0; i < len; b++, i++)
      buf[i] = (uint8_t)(w >> (8 * b));
  }
}

uint64_t gb_payload_hash(const uint8_t *buf, size_t len) {
  uint64_t h = 0x6a09e667f3bcc908ull; /* fixed start so an empty payload hashes to non-zero */
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w = 0;
    for (int b = 0; b < 8; b++)
      w |= (uint64_t)buf[i + b] << (8 * b);
    h = gb_splitmix64(h ^ w);
  }
  if (i < len) {
    uint64_t w = 0;
    for (int b = 0; i < len; b++, i++)
      w |= (uint64_t)buf[i] << (8 * b);
    h = gb_splitmix64(h ^ w);
  }
  return gb_splitmix64(h ^ (uint64_t)len);
}

/* ---- the run secret ---- */

static uint64_t gb__secret;

void gb_run_secret_set(uint64_t secret) {
  gb__secret = secret;
}
uint64_t gb_run_secret(void) {
  return gb__secret;
}
void gb_run_secret_forget(void) {
  gb__secret = 0;
}

uint64_t gb_run_secret_draw(void) {
  uint64_t s = 0;
  while (s == 0) {
    ssize_t r = getrandom(&s, sizeof s, 0);
    if (r != (ssize_t)sizeof s)
      s = gb_splitmix64(gb_now_ns() ^ ((uint64_t)getpid() << 32)); /* no getrandom */
  }
  return s;
}

void gb_payload_input(uint64_t task, uint8_t *buf, size_t len) {
  gb_payload_fill(gb_splitmix64(task ^ gb__secret), buf, len);
}
