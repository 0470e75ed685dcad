/* kernels.c: the one list of kernels. Adding one: write workloads/kernels/NAME.c ending in
 * `const gb_kernel gb_kernel_NAME = {...};` and add X(NAME) below. */
#include <string.h>

#include "kernel.h"

#define GB_KERNEL_LIST(X)                                                                                    \
  X(sumloop)                                                                                                 \
  X(square)                                                                                                  \
  X(nbody)                                                                                                   \
  X(spectral_norm)                                                                                           \
  X(mandelbrot)                                                                                              \
  X(fannkuch_redux)                                                                                          \
  X(binary_trees)                                                                                            \
  X(parse)                                                                                                   \
  X(null)

#define GB__KERNEL_DECLARE(n) extern const gb_kernel gb_kernel_##n;
GB_KERNEL_LIST(GB__KERNEL_DECLARE)
#define GB__KERNEL_ENTRY(n) &gb_kernel_##n,
const gb_kernel *const gb_kernels[] = {GB_KERNEL_LIST(GB__KERNEL_ENTRY) NULL};

/* Test-only kernels (tests/kernels/): defined only in the gilbench-test binary. */
extern const gb_kernel *const gb_test_kernels[] __attribute__((weak));

const gb_kernel *gb_kernel_find(const char *name) {
  for (int i = 0; gb_kernels[i]; i++)
    if (strcmp(gb_kernels[i]->name, name) == 0) return gb_kernels[i];
  for (int i = 0; gb_test_kernels && gb_test_kernels[i]; i++)
    if (strcmp(gb_test_kernels[i]->name, name) == 0) return gb_test_kernels[i];
  return NULL;
}
