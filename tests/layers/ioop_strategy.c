/* Must NOT compile with its layer's include directories: an I/O op reaching a strategy.
 * tests/CMakeLists.txt expects the compiler to say that strategy.h is not found. */
#include "ioop.h"
#include "strategy.h"
