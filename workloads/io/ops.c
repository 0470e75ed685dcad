/* ops.c: the one list of I/O ops. Adding one: write workloads/io/NAME.c (its blocking run, its
 * event-loop twin, its parameters and hooks) ending in `const gb_ioop gb_ioop_NAME = {...};` and
 * add X(NAME) below (docs/ARCHITECTURE.md, "Add an I/O op"; tests/unit/test_io.c checks that this
 * list names exactly the files that define an op, and that each has its twin). */
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
