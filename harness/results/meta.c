/* meta.c: the run's metadata: host, CPU, compiler, library versions, command. Everything a later
 * reader needs to know whether two runs are comparable. */
#include <jansson.h>
#include <math.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "alloc.h"
#include "counters.h"
#include "ioop.h"
#include "machine.h"
#include "plan.h"
#include "results.h"
#include "schema.h"
#include "strategies.h"
#include "topo.h"

#ifndef GB_COMPILER
#define GB_COMPILER "unknown"
#endif
#ifndef GB_BUILD_TYPE
#define GB_BUILD_TYPE "unknown"
#endif
#ifndef GB_C_FLAGS
#define GB_C_FLAGS ""
#endif
#ifndef GB_GIT_COMMIT
#define GB_GIT_COMMIT "unknown"
#endif

static json_t *read_loadavg(void) {
  double a[3];
  if (getloadavg(a, 3) != 3) return json_null();
  return json_pack("[f,f,f]", a[0], a[1], a[2]);
}

/* meta.host: the machine's names, its virtualization, and the load and steal time at the start
 * (their ends are written by gb_meta_update_end). */
static json_t *meta_host(void) {
  struct utsname u;
  char host[256] = "";
  uname(&u);
  gethostname(host, sizeof host - 1);
  double steal = gb_machine_steal_s();
  return json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o}", GB_KEY_HOSTNAME, host, GB_KEY_OS, u.sysname,
                   GB_KEY_KERNEL, u.release, "version", u.version, "machine", u.machine, "virtualization",
                   gb_machine_vm_json(), GB_KEY_LOADAVG_START, read_loadavg(), GB_KEY_LOADAVG_END,
                   json_null(), GB_KEY_STEAL_S_START, isfinite(steal) ? json_real(steal) : json_null(),
                   GB_KEY_STEAL_S_END, json_null());
}

/* meta.pythons: every interpreter a planned cell runs in a host: implementation, version, build, GIL. */
static json_t *meta_pythons(const gb_plan *plan) {
  const char **names = gb_xcalloc((size_t)plan->ncells + 1, sizeof *names);
  for (int c = 0; c < plan->ncells; c++)
    names[c] = plan->cells[c].strategy->name;
  json_t *pythons = gb_pyhost_meta((const char *const *)names, plan->ncells);
  free(names);
  return pythons;
}

/* meta.metrics: every metric any planned strategy reports, with unit and aggregation. */
static json_t *meta_metrics(const gb_plan *plan) {
  json_t *metrics = json_object();
  static const char *const agg[] = {"sum", "mean", "max"};
  for (int c = 0; c < plan->ncells; c++) {
    const gb_strategy *s = plan->cells[c].strategy;
    for (int m = 0; m < s->nmetrics; m++)
      json_object_set_new(metrics, s->metrics[m].name,
                          json_pack("{s:s,s:s,s:s}", GB_KEY_UNIT, s->metrics[m].unit, GB_KEY_AGGREGATE,
                                    agg[s->metrics[m].agg], GB_KEY_HELP,
                                    s->metrics[m].help ? s->metrics[m].help : ""));
  }
  return metrics;
}

json_t *gb_meta_json(const gb_plan *plan, const char *command, const char *started) {
  json_t *meta = json_object();
  json_object_set_new(meta, GB_KEY_GILBENCH, json_string(GB_VERSION));
  json_object_set_new(meta, GB_KEY_GIT_COMMIT, json_string(GB_GIT_COMMIT));
  json_object_set_new(meta, GB_KEY_STARTED, json_string(started));
  json_object_set_new(meta, GB_KEY_COMMAND, json_string(command ? command : ""));
  char secret[17];
  snprintf(secret, sizeof secret, "%016llx", (unsigned long long)plan->secret);
  json_object_set_new(meta, GB_KEY_SECRET, json_string(secret)); /* inputs derive from it (task.h) */
  json_object_set_new(meta, GB_KEY_SUITE, plan->suite[0] ? json_string(plan->suite) : json_null());
  gb_plan_settings_json(plan, meta); /* profile, reps, reps_auto, warmup, seed: from the key table */
  json_object_set_new(meta, GB_KEY_HOST, meta_host());
  json_object_set_new(meta, GB_KEY_CPU, gb_machine_cpu_json());
  json_object_set_new(meta, GB_KEY_TOPOLOGY, gb_topo_json(gb_topo_machine()));
  json_object_set_new(meta, GB_KEY_COMPILER, json_string(GB_COMPILER));
  json_object_set_new(meta, GB_KEY_BUILD_TYPE, json_string(GB_BUILD_TYPE));
  json_object_set_new(meta, "c_flags", json_string(GB_C_FLAGS " (kernels: -ffp-contract=off)"));
  json_object_set_new(meta, "libraries", gb_machine_libraries_json());
  json_object_set_new(meta, "alloc", gb_alloc_json()); /* the allocator policy (alloc.h) */
  const char *uv = gb_async_libuv_version();           /* the async strategy's event loop library */
  if (uv && json_is_object(json_object_get(meta, "libraries")))
    json_object_set_new(json_object_get(meta, "libraries"), "libuv", json_string(uv));
  /* As raised at start-up: tcp cells need a descriptor per connection (checked when planning). */
  json_object_set_new(meta, "limits", json_pack("{s:I}", "open_files", (json_int_t)gb_io_nofile_limit()));
  json_object_set_new(meta, "python", gb_cpython_meta()); /* null in a build without CPython */
  json_object_set_new(meta, "pythons", meta_pythons(plan));
  json_object_set_new(meta, GB_KEY_MPI, json_null());
  json_object_set_new(meta, GB_KEY_COUNTERS, gb_counters_meta_json(plan->counters));
  json_object_set_new(meta, GB_KEY_METRICS, meta_metrics(plan));
  return meta;
}

void gb_meta_update_end(json_t *meta) {
  json_t *host = json_object_get(meta, GB_KEY_HOST);
  if (!host) return;
  double steal = gb_machine_steal_s(), start = json_number_value(json_object_get(host, GB_KEY_STEAL_S_START));
  json_object_set_new(host, GB_KEY_LOADAVG_END, read_loadavg());
  json_object_set_new(host, GB_KEY_STEAL_S_END, isfinite(steal) ? json_real(steal) : json_null());
  json_object_set_new(host, GB_KEY_STEAL_S_DURING,
                      isfinite(steal) && json_is_number(json_object_get(host, GB_KEY_STEAL_S_START))
                          ? json_real(steal - start)
                          : json_null());
}
