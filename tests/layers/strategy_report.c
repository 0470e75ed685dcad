/* Must NOT compile with its layer's include directories: a strategy reaching the reports.
 * tests/CMakeLists.txt expects the compiler to say that report.h is not found. */
#include "report.h"
#include "strategies.h"
