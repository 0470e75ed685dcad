/* _gilbench.c: the entry point of the importable _gilbench module (the shared-module build of
 * harness/python/pymod.c), for interpreters other than gilbench's embedded one: multiprocessing's spawn
 * children, a plain python3 running the twins' tests. Inside gilbench the same module is built in. */
#include <Python.h>

#include "pymod.h"

PyMODINIT_FUNC PyInit__gilbench(void) {
  return gb_pymod_init();
}
