/* Compiled with the kernels' include directories: what a kernel may include (must compile). */
#include "gb.h"
#include "kernel.h"
#include "params.h"
#include "payload.h"

uint64_t gb_layers_kernel_ok(void);
uint64_t gb_layers_kernel_ok(void) {
  return gb_kernel_mix(gb_splitmix64(1), GB_MAX_PARAMS);
}
