/* cpython_serial_spawn.c: the baseline of cpython-processes with start=spawn: every task in
 * order in one fresh python3 process (the interpreter binary a spawned pool's workers run, not the
 * libpython embedded in gilbench), timed inside that process. A spawned pool is then compared with
 * a serial run in the binary its workers run; how the two binaries differ on the same Python code
 * is cpython-serial's median over this one's, the implementation factor, given apart. */
#include "cpython.h"

static const gb_param_def standalone_options[] = {
    [GB_CPYTHON_OPT_SWITCH] = GB_CPYTHON_SWITCH_OPTION,
};

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define GB__SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define GB__SANITIZED 1
#endif

/* A spawned python3 must load the _gilbench module, which in a sanitizer build needs the
 * sanitizer's runtime that only gilbench itself carries. */
static const char *serial_spawn_unavailable(void) {
#ifdef GB__SANITIZED
  return "a sanitizer build: a fresh python3 cannot load its instrumented _gilbench module";
#else
  return gb_cpython_unavailable();
#endif
}

static int cpython_serial_spawn_run(const gb_job *job, gb_rep *rep) {
  return gb_cpython_run(job, rep, "serial-standalone", GB_CPYTHON_PHASES);
}

const gb_strategy gb_strategy_cpython_serial_spawn = {
    .name = "cpython-serial-spawn",
    .family = "cpython",
    .summary =
        "the spawned pool's baseline: tasks in order in one fresh python3 process (not the embedded one)",
    .caps = GB_CAP_ONE_WORKER,
    .baseline = "cpython-serial-spawn",
    .reference = "cpython-serial",
    .cpu_cost = GB_CPYTHON_TWIN_COST,
    .options = standalone_options,
    .noptions = (int)GB_ARRAY_LEN(standalone_options),
    .unavailable = serial_spawn_unavailable,
    .run = cpython_serial_spawn_run,
};
