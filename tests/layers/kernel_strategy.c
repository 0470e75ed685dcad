/* Must NOT compile with its layer's include directories: a kernel reaching a strategy.
 * tests/CMakeLists.txt expects the compiler to say that strategy.h is not found. */
#include "kernel.h"
#include "strategy.h"
