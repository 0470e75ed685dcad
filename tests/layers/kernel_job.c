/* Must NOT compile with its layer's include directories: a kernel reaching how it is run (the job).
 * tests/CMakeLists.txt expects the compiler to say that job.h is not found. */
#include "job.h"
#include "kernel.h"
