/* Must NOT compile with its layer's include directories: the runner reaching up into the reports
 * (its speedups, ideals and flags come from speedup.h in the base layer).
 * tests/CMakeLists.txt expects the compiler to say that verdict.h is not found. */
#include "results.h"
#include "verdict.h"
