/* ops.c: the one list of I/O ops. Adding one: write workloads/io/NAME.c ending in
 * `const gb_ioop gb_ioop_NAME = {...};`, add X(NAME) below, and give it a non-blocking twin in
 * strategies/async.c (a unit test checks that every op has one). */
#include <string.h>

#include "ioop.h"

#define GB_IOOP_LIST(X)                                                                                      \
  X(sleep)                                                                                                   \
  X(tcp)                                                                                                     \
  X(file)                                                                                                    \
  X(null)

#define GB__IOOP_DECLARE(n) extern const gb_ioop gb_ioop_##n;
GB_IOOP_LIST(GB__IOOP_DECLARE)
#define GB__IOOP_ENTRY(n) &gb_ioop_##n,
const gb_ioop *const gb_ioops[] = {GB_IOOP_LIST(GB__IOOP_ENTRY) NULL};

const gb_ioop *gb_ioop_find(const char *name) {
  for (int i = 0; gb_ioops[i]; i++)
    if (strcmp(gb_ioops[i]->name, name) == 0) return gb_ioops[i];
  return NULL;
}
