/* meta.c: the run's metadata: host, CPU, compiler, library versions, command. Everything a later
 * reader needs to know whether two runs are comparable. */
#include <gsl/gsl_version.h>
#include <jansson.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "counters.h"
#include "plan.h"
#include "results.h"

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

/* First value of `key` in /proc/cpuinfo, or NULL. */
static json_t *gb__cpuinfo(const char *key) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return json_null();
  char line[1024];
  json_t *v = NULL;
  size_t kl = strlen(key);
  while (!v && fgets(line, sizeof line, f)) {
    if (strncmp(line, key, kl) != 0) continue;
    char *c = strchr(line, ':');
    if (!c) continue;
    c++;
    while (*c == ' ') c++;
    c[strcspn(c, "\n")] = '\0';
    v = json_string(c);
  }
  fclose(f);
  return v ? v : json_null();
}

static json_t *gb__loadavg(void) {
  double a[3];
  if (getloadavg(a, 3) != 3) return json_null();
  return json_pack("[f,f,f]", a[0], a[1], a[2]);
}

json_t *gb_meta_json(const gb_plan *plan, const char *command, const char *started) {
  struct utsname u;
  char host[256] = "";
  uname(&u);
  gethostname(host, sizeof host - 1);
  json_t *meta = json_object();
  json_object_set_new(meta, "gilbench", json_string(GB_VERSION));
  json_object_set_new(meta, "git_commit", json_string(GB_GIT_COMMIT));
  json_object_set_new(meta, "started", json_string(started));
  json_object_set_new(meta, "command", json_string(command ? command : ""));
  json_object_set_new(meta, "seed", json_integer((json_int_t)plan->seed));
  json_object_set_new(meta, "suite", plan->suite[0] ? json_string(plan->suite) : json_null());
  json_object_set_new(meta, "profile", json_string(plan->profile));
  json_object_set_new(meta, "reps", json_integer(plan->reps));
  json_object_set_new(meta, "warmup", json_integer(plan->warmup));
  json_object_set_new(meta, "host", json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "hostname", host,
                                              "os", u.sysname, "kernel", u.release, "version",
                                              u.version, "machine", u.machine, "loadavg_start",
                                              gb__loadavg()));
  json_object_set_new(meta, "cpu", json_pack("{s:o,s:o,s:i}", "model", gb__cpuinfo("model name"),
                                             "vendor", gb__cpuinfo("vendor_id"), "pus",
                                             plan->pus));
  json_object_set_new(meta, "topology", json_object());
  json_object_set_new(meta, "compiler", json_string(GB_COMPILER));
  json_object_set_new(meta, "build_type", json_string(GB_BUILD_TYPE));
  json_object_set_new(meta, "c_flags", json_string(GB_C_FLAGS " (kernels: -ffp-contract=off)"));
  json_object_set_new(meta, "libraries",
                      json_pack("{s:s,s:s}", "jansson", JANSSON_VERSION, "gsl", GSL_VERSION));
  json_object_set_new(meta, "python", json_null());
  json_object_set_new(meta, "counters", gb_counters_meta_json(plan->counters));
  /* Every metric any planned strategy reports, with unit and aggregation. */
  json_t *metrics = json_object();
  static const char *const agg[] = {"sum", "mean", "max"};
  for (int c = 0; c < plan->ncells; c++) {
    const gb_strategy *s = plan->cells[c].strategy;
    for (int m = 0; m < s->nmetrics; m++)
      json_object_set_new(metrics, s->metrics[m].name,
                          json_pack("{s:s,s:s,s:s}", "unit", s->metrics[m].unit, "aggregate",
                                    agg[s->metrics[m].agg], "help", s->metrics[m].help ? s->metrics[m].help : ""));
  }
  json_object_set_new(meta, "metrics", metrics);
  return meta;
}
