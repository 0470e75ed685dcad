/* Must NOT compile with its layer's include directories: the harness reaching a strategy around the registry.
 * tests/CMakeLists.txt expects the compiler to say that cpython.h is not found. */
#include "cpython.h"
#include "plan.h"
