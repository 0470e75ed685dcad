/* strategies.h: the one list of strategies. Adding one: write strategies/NAME.c ending in
 * `const gb_strategy gb_strategy_NAME = {...};` and add X(NAME) here. */
#ifndef GB_STRATEGIES_H
#define GB_STRATEGIES_H

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

#endif
