/* cpython_subinterp.c: sub-interpreters, each with its own GIL (Python 3.12+, PEP 684): one
 * native thread per worker creates its own interpreter (Py_NewInterpreterFromConfig with
 * PyInterpreterConfig_OWN_GIL), imports the twins there and runs the tasks the shared schedule
 * hands it, so Python code runs in parallel inside one process. Unavailable, with that reason, on
 * an older embedded Python. */
#include "cpython.h"

static const gb_param_def subinterp_options[] = {
    [GB_CPYTHON_OPT_SWITCH] = GB_CPYTHON_SWITCH_OPTION,
};

#if defined(GB_HAVE_PYTHON)
#include <Python.h>
#endif

#if defined(GB_HAVE_PYTHON) && PY_VERSION_HEX >= 0x030C0000
#define GB__SUBINTERP 1
#endif

static const char *subinterp_unavailable(void) {
#ifdef GB__SUBINTERP
  return gb_cpython_unavailable();
#elif defined(GB_HAVE_PYTHON)
  return "the embedded CPython is " PY_VERSION ": sub-interpreters with their own GIL need 3.12+";
#else
  return gb_cpython_unavailable();
#endif
}

static int cpython_subinterp_run(const gb_job *job, gb_rep *rep) {
  return gb_rep_fail(rep, GB_EUNAVAIL, "%s", subinterp_unavailable());
}

const gb_strategy gb_strategy_cpython_subinterp = {
    .name = "cpython-subinterp",
    .summary = "sub-interpreters with their own GIL (3.12+), one per worker thread",
    .caps = GB_CAP_PARALLEL_CPU | GB_CAP_SHARED_MEMORY,
    .baseline = "cpython-serial",
    .options = subinterp_options,
    .noptions = (int)GB_ARRAY_LEN(subinterp_options),
    .unavailable = subinterp_unavailable,
    .run = cpython_subinterp_run,
};
