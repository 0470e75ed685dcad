/* Must NOT compile with its layer's include directories: a kernel reaching the reports.
 * tests/CMakeLists.txt expects the compiler to say that report.h is not found. */
#include "kernel.h"
#include "report.h"
