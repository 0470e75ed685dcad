/* cpython.h: what the cpython-* strategies share: the embedded interpreter (started once per
 * gilbench process, lazily, by the first repetition that needs it; a forked child that inherits
 * it is repaired before use), the hand-over of one repetition to the Python runner
 * (workloads/python/gilbench/runner.py) and the results metadata. Each strategy file is then its
 * descriptor and options. Without CPython's development files every cpython-* strategy is still
 * registered and says why it is unavailable. */
#ifndef GB_CPYTHON_H
#define GB_CPYTHON_H

#include <jansson.h>

#include "strategies.h"

/* Every cpython-* strategy's first option: the interpreter's switch interval, so the GIL model
 * (gil.switch_interval_us) and the real GIL can run at equal settings. */
enum { GB_CPYTHON_OPT_SWITCH = 0 };
#define GB_CPYTHON_SWITCH_OPTION                                                                             \
  {                                                                                                          \
    .name = "switch_interval_us",                                                                            \
    .help = "the embedded interpreter's switch interval (sys.setswitchinterval), in us", .def = 5000,        \
    .min = 1, .max = 10000000                                                                                \
  }

/* How a cpython-* strategy runs Python: in a host, the build's own python3 started as a child
 * process (the default: the interpreter users run, pyhost.h), or in the interpreter gilbench embeds.
 * Only sub-interpreters need the embedded one. */
/* A sanitizer build embeds by default: its instrumented libgbhooks cannot load into a plain python3. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define GB_CPYTHON_HOST_DEFAULT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define GB_CPYTHON_HOST_DEFAULT 1
#endif
#endif
#ifndef GB_CPYTHON_HOST_DEFAULT
#define GB_CPYTHON_HOST_DEFAULT 0
#endif
#define GB_CPYTHON_HOST_OPTION                                                                               \
  {                                                                                                          \
    .name = "host",                                                                                          \
    .help = "process: the build's python3 as a child process (as users run it); embedded: libpython in "     \
            "gilbench",                                                                                      \
    .def = GB_CPYTHON_HOST_DEFAULT, .min = 0, .max = 1, .choices = "process|embedded"                        \
  }

/* Plan estimates: the pure-Python twins cost about this many times the C kernels' CPU time (from
 * 8x for binary-trees to 130x for sumloop here). */
#define GB_CPYTHON_TWIN_COST 60.0

/* How a cpython-* strategy runs CPU phases: each phase's own `python =` (twin by default), or the
 * C kernel from Python for every CPU phase with the GIL released or held. */
typedef enum {
  GB_CPYTHON_PHASES = -1,               /* as each phase says */
  GB_CPYTHON_EXT = GB_PY_EXT,           /* every CPU phase: the C kernel, GIL released */
  GB_CPYTHON_EXT_HELD = GB_PY_EXT_HELD, /* every CPU phase: the C kernel, GIL held */
} gb_cpython_cpu;

/* NULL when the cpython-* strategies can run in this build, else why not. */
const char *gb_cpython_unavailable(void);

/* The library strategies (cpython_libs.c). The project's virtual environment's python (made by
 * scripts/setup.sh --with python-libs from the build's python3, so the same binary), or NULL when
 * there is none; the interpreter that library strategies run and probe (that one, else the
 * build's python3); NULL when `code` (an import of MODULE, run by that interpreter in a child)
 * succeeds, else why MODULE cannot be used, asked once per process. */
const char *gb_cpython_venv_python(void);
const char *gb_cpython_lib_python(void);
const char *gb_cpython_lib_unavailable(const char *module, const char *code);
/* Their metrics: the host's three, then lib_workers_seen and lib_processes_seen. */
#define GB_CPYTHON_LIB_NMETRICS 5
extern const gb_metric_def gb_cpython_lib_metrics[GB_CPYTHON_LIB_NMETRICS];

/* Run one repetition through the Python runner's strategy `runner` ("serial", "threads",
 * "processes", "asyncio"). Fills rep like any strategy; a Python exception fails it with a
 * one-line summary then the traceback in rep->error. */
int gb_cpython_run(const gb_job *job, gb_rep *rep, const char *runner, gb_cpython_cpu cpu);

/* Run one repetition as the strategy's `host` option says: in a host process (pyhost.h) or
 * through gb_cpython_run. */
int gb_cpython_dispatch(const gb_job *job, gb_rep *rep, const char *runner, gb_cpython_cpu cpu);
/* NULL when a cpython-* strategy with a host option can run one way or the other, else why not. */
const char *gb_cpython_any_unavailable(void);
/* gb_cpython_bytecode_ns and gb_cpython_meta, which the harness asks for, are declared in the
 * registry (strategies.h). */

#ifdef GB_HAVE_PYTHON
/* For cpython-subinterp: start the embedded interpreter if needed and make sure the calling
 * process may use it. 0, or -1 with err. */
int gb_cpython_ensure(char *err, size_t errlen);
/* Where the Python package (gilbench/) and the _gilbench shared module are. */
const char *gb_cpython_package_dir(void);
const char *gb_cpython_module_dir(void);
/* The repetition as the runner reads it: a new reference to a dict, or NULL with an exception
 * (GIL held). */
struct _object *gb_cpython_desc(const gb_job *job, const char *runner, gb_cpython_cpu cpu);
/* The current exception as "summary\ntraceback", cleared, into buf (GIL held). When the text
 * does not fit and artifact is not NULL, the whole of it goes to ARTIFACT.traceback.txt and buf
 * keeps the summary, the traceback's tail and that file's name. */
void gb_cpython_format_error(char *buf, size_t len, const char *artifact);
#endif

#endif
