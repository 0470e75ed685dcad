/* Must NOT compile with its layer's include directories: a probe reaching strategies (only the worker hooks
 * may meet them). tests/CMakeLists.txt expects the compiler to say that strategy.h is not found. */
#include "counters.h"
#include "strategy.h"
