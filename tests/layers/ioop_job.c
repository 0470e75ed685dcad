/* Must NOT compile with its layer's include directories: an I/O op reaching how it is run (the job).
 * tests/CMakeLists.txt expects the compiler to say that job.h is not found. */
#include "ioop.h"
#include "job.h"
