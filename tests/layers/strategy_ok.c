/* Compiled with a strategy's include directories: the registry, its own headers, the task model,
 * the probes and the Python bridge (must compile). */
#include "counters.h"
#include "gil.h"
#include "job.h"
#include "pymod.h"
#include "strategies.h"
#include "thread_pool.h"

const gb_strategy *gb_layers_strategy_ok(void);
const gb_strategy *gb_layers_strategy_ok(void) {
  return gb_strategy_find("serial");
}
