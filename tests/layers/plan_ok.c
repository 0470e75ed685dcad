/* Compiled with the plan's include directories: the registry and the layers below (must compile). */
#include "defs.h"
#include "plan.h"
#include "strategies.h"

const char *gb_layers_plan_ok(void);
const char *gb_layers_plan_ok(void) {
  return gb_async_libuv_version();
}
