/* cpython_ext_serial.c: the baseline of cpython-ext and cpython-ext-held: the embedded
 * interpreter runs every task in one thread, as cpython-serial does, but each CPU phase calls its
 * C kernel (as those two do) rather than its Python twin. A speedup then compares like with like:
 * the same C kernels, called from the same interpreter, serially or from threads. How much faster
 * the C kernels are than the twins is cpython-serial's median over this one's, the implementation
 * factor, which results, `show` and the report give apart and never fold into a speedup. */
#include "pyhost.h"

static const gb_param_def ext_serial_options[] = {
    [GB_CPYTHON_OPT_SWITCH] = GB_CPYTHON_SWITCH_OPTION,
    GB_CPYTHON_HOST_OPTION,
    GB_PYHOST_OPTIONS,
};

static int cpython_ext_serial_run(const gb_job *job, gb_rep *rep) {
  return gb_cpython_dispatch(job, rep, "serial", GB_CPYTHON_EXT);
}

const gb_strategy gb_strategy_cpython_ext_serial = {
    .name = "cpython-ext-serial",
    .family = "cpython",
    .summary =
        "the C extensions' baseline: one thread of the embedded CPython calling the C kernels in order",
    .caps = GB_CAP_ONE_WORKER,
    .baseline = "cpython-ext-serial",
    .reference = "cpython-serial",
    .options = ext_serial_options,
    .noptions = (int)GB_ARRAY_LEN(ext_serial_options),
    .metrics = gb_pyhost_metrics,
    .nmetrics = 3,
    .unavailable = gb_cpython_any_unavailable,
    .run = cpython_ext_serial_run,
};
