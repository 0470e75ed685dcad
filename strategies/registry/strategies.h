/* strategies.h: the one list of strategies. Adding one: write strategies/NAME.c ending in
 * `const gb_strategy gb_strategy_NAME = {...};` and add X(NAME) here. */
#ifndef GB_STRATEGIES_H
#define GB_STRATEGIES_H

#include <jansson.h>
#include <stddef.h>

#include "strategy.h"

#define GB_STRATEGY_LIST(X)                                                                                  \
  X(serial)                                                                                                  \
  X(gil)                                                                                                     \
  X(threads)                                                                                                 \
  X(processes)                                                                                               \
  X(openmp)                                                                                                  \
  X(async)                                                                                                   \
  X(mpi)                                                                                                     \
  X(cpython_serial)                                                                                          \
  X(cpython_ext_serial)                                                                                      \
  X(cpython_serial_spawn)                                                                                    \
  X(cpython_threads)                                                                                         \
  X(cpython_processes)                                                                                       \
  X(cpython_asyncio)                                                                                         \
  X(cpython_ext)                                                                                             \
  X(cpython_ext_held)                                                                                        \
  X(cpython_subinterp)                                                                                       \
  X(pypy_serial)                                                                                             \
  X(pypy_threads)                                                                                            \
  X(pypy_processes)                                                                                          \
  X(pypy_asyncio)                                                                                            \
  X(jython_serial)                                                                                           \
  X(jython_threads)                                                                                          \
  X(jython_asyncio)                                                                                          \
  X(cpython_futures)                                                                                         \
  X(cpython_joblib)                                                                                          \
  X(cpython_dask)                                                                                            \
  X(cpython_ray)                                                                                             \
  X(cpython_spark)

#define GB__STRATEGY_DECLARE(n) extern const gb_strategy gb_strategy_##n;
GB_STRATEGY_LIST(GB__STRATEGY_DECLARE)
#undef GB__STRATEGY_DECLARE

/* ---- What the harness may ask of particular strategies ----
 * The harness (definitions, plan, run, results, command line) reaches strategies through this
 * header only: the headers in strategies/ are private to the strategies library
 * (docs/ARCHITECTURE.md, "Layers"). These are the few questions that go to one strategy by name. */

/* libuv's version when the async strategy is built (strategies/async.c), else NULL; whether the
 * async strategy has a non-blocking twin of the op called `op` (0 when built without libuv). */
const char *gb_async_libuv_version(void);
int gb_async_has_twin(const char *op);

/* The old GIL model's bytecode (gil.h): the time per bytecode of the sumloop twin's loop in the
 * embedded interpreter, best of a few short runs; the bytecodes per iteration are counted with
 * dis. Returns the figure in ns and fills *per_iter, or returns 0 with why (no CPython, or the
 * measurement failed). Starts the interpreter in the calling process. */
double gb_cpython_bytecode_ns(int *per_iter, char *why, size_t len);
/* The gil strategy's models, in the order of its `model` choices; its bytecode time (the old
 * model's), set once per run before any repetition when a cell runs the old model. */
typedef enum { GB_GIL_NEW = 0, GB_GIL_OLD = 1 } gb_gil_model;
void gb_gil_set_bytecode_ns(double ns);
double gb_gil_bytecode_ns(void);

/* The interpreter as the results' meta.python: version, build, free-threaded or not and the
 * GIL's state when it can be asked, default switch interval. JSON null without CPython. */
json_t *gb_cpython_meta(void);

/* Python families (pyhost.h). The family with that label, or NULL. */
struct gb_pyfamily *gb_pyfamily_find(const char *label);
/* --python LABEL=PATH: add a family and register its strategies. 0, or -1 with err (a bad or
 * reserved label, a label given twice, too many families). */
int gb_pyhost_add(const char *spec, char *err, size_t errlen);
/* --set cpython.exe=PATH (pypy.exe, jython.exe, LABEL.exe): another interpreter for a family. 1 when
 * key is such a key (0 ok or -1 with err in *rc), 0 when it is not. */
int gb_pyhost_set_exe(const char *key, const char *value, int *rc, char *err, size_t errlen);
/* meta.pythons: for every family a planned cell uses (names: strategy names of the plan), the
 * interpreter as it reports itself (implementation, version, build, free-threaded, GIL state). */
json_t *gb_pyhost_meta(const char *const *strategy_names, int n);

/* `gilbench __mpi-rank HEX`: one rank of the mpi strategy (strategies/mpi/rank.c; only in builds
 * with MPI). */
int gb_mpi_rank_main(int argc, char **argv);

#endif
