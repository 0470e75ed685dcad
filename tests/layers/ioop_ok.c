/* Compiled with the I/O ops' include directories: what an op may include (must compile). */
#include "gb.h"
#include "ioop.h"
#include "payload.h"

uint64_t gb_layers_ioop_ok(void);
uint64_t gb_layers_ioop_ok(void) {
  return gb_payload_hash(NULL, 0) ^ (uint64_t)GB_TCP_HEADER;
}
