/* counters.c: see counters.h. The event catalog and named sets, resolution along the backend
 * chain, the perf_event_open and getrusage backends, aggregation into results JSON and the
 * `gilbench list counters` listing. The PAPI backend is in counters_papi.c. */
#include "counters.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <math.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "schema.h"
#include "warn.h"

const char *gb_counter_status_name(int status) {
  switch (status) {
  case GB_CTR_OK: return "ok";
  case GB_CTR_MULTIPLEXED: return "multiplexed";
  case GB_CTR_UNAVAILABLE: return "unavailable";
  case GB_CTR_DENIED: return "denied";
  default: return "unavailable";
  }
}

/* ---- the catalog: events gilbench knows by name, and what each backend counts for them ---- */

enum {
  GB__RU_NONE = -1,
  GB__RU_CSW,
  GB__RU_NVCSW,
  GB__RU_NIVCSW,
  GB__RU_FLT,
  GB__RU_MINFLT,
  GB__RU_MAJFLT,
  GB__RU_CLOCK
};

typedef struct event_def {
  const char *name;      /* canonical name */
  const char *alias;     /* the other accepted name, or NULL */
  const char *papi;      /* PAPI preset counting it, or NULL */
  int perf_type;         /* PERF_TYPE_*, or -1 */
  uint64_t perf_config;  /* PERF_COUNT_* */
  const char *perf_name; /* for meta ("PERF_COUNT_HW_INSTRUCTIONS") */
  int rusage;            /* GB__RU_*, or GB__RU_NONE */
  const char *help;
} event_def;

#define GB__HW(c) PERF_TYPE_HARDWARE, PERF_COUNT_HW_##c, "PERF_COUNT_HW_" #c
#define GB__SW(c) PERF_TYPE_SOFTWARE, PERF_COUNT_SW_##c, "PERF_COUNT_SW_" #c
#define GB__NOPERF -1, 0, NULL
static const event_def counters_catalog[] = {
    {"PAPI_TOT_INS", "instructions", "PAPI_TOT_INS", GB__HW(INSTRUCTIONS), GB__RU_NONE,
     "instructions retired"},
    {"PAPI_TOT_CYC", "cycles", "PAPI_TOT_CYC", GB__HW(CPU_CYCLES), GB__RU_NONE, "CPU cycles"},
    {"PAPI_BR_INS", "branch-instructions", "PAPI_BR_INS", GB__HW(BRANCH_INSTRUCTIONS), GB__RU_NONE,
     "branch instructions"},
    {"PAPI_BR_MSP", "branch-misses", "PAPI_BR_MSP", GB__HW(BRANCH_MISSES), GB__RU_NONE,
     "mispredicted branches"},
    {"PAPI_L1_DCA", NULL, "PAPI_L1_DCA", GB__NOPERF, GB__RU_NONE, "level 1 data cache accesses"},
    {"PAPI_L1_DCM", NULL, "PAPI_L1_DCM", GB__NOPERF, GB__RU_NONE, "level 1 data cache misses"},
    {"PAPI_L2_TCA", NULL, "PAPI_L2_TCA", GB__NOPERF, GB__RU_NONE, "level 2 cache accesses"},
    {"PAPI_L2_TCM", NULL, "PAPI_L2_TCM", GB__NOPERF, GB__RU_NONE, "level 2 cache misses"},
    {"PAPI_L3_TCA", NULL, "PAPI_L3_TCA", GB__NOPERF, GB__RU_NONE, "level 3 cache accesses"},
    {"PAPI_L3_TCM", NULL, "PAPI_L3_TCM", GB__NOPERF, GB__RU_NONE, "level 3 cache misses"},
    {"cache-references", NULL, NULL, GB__HW(CACHE_REFERENCES), GB__RU_NONE, "last-level cache references"},
    {"cache-misses", NULL, NULL, GB__HW(CACHE_MISSES), GB__RU_NONE, "last-level cache misses"},
    {"task-clock", NULL, NULL, GB__SW(TASK_CLOCK), GB__RU_CLOCK, "CPU time of the worker, ns"},
    {"context-switches", NULL, NULL, GB__SW(CONTEXT_SWITCHES), GB__RU_CSW,
     "context switches (voluntary + involuntary)"},
    {"cpu-migrations", NULL, NULL, GB__SW(CPU_MIGRATIONS), GB__RU_NONE, "moves of the worker to another PU"},
    {"page-faults", NULL, NULL, GB__SW(PAGE_FAULTS), GB__RU_FLT, "page faults (minor + major)"},
    {"minor-faults", NULL, NULL, GB__SW(PAGE_FAULTS_MIN), GB__RU_MINFLT, "minor page faults"},
    {"major-faults", NULL, NULL, GB__SW(PAGE_FAULTS_MAJ), GB__RU_MAJFLT, "major page faults"},
    {"voluntary-context-switches", NULL, NULL, GB__NOPERF, GB__RU_NVCSW,
     "context switches the worker asked for (blocking)"},
    {"involuntary-context-switches", NULL, NULL, GB__NOPERF, GB__RU_NIVCSW,
     "context switches forced on the worker (preemption)"},
};

static const event_def *catalog_find(const char *name) {
  for (size_t i = 0; i < GB_ARRAY_LEN(counters_catalog); i++)
    if (strcmp(counters_catalog[i].name, name) == 0 ||
        (counters_catalog[i].alias && strcmp(counters_catalog[i].alias, name) == 0))
      return &counters_catalog[i];
  return NULL;
}

/* Named sets for --counters (several may be combined with event names: "default,cache"). */
typedef struct named_set {
  const char *name;
  const char *events;
  const char *help;
} named_set;
static const named_set counters_sets[] = {
    {"default",
     "PAPI_TOT_INS,PAPI_TOT_CYC,PAPI_BR_MSP,PAPI_L1_DCM,task-clock,context-switches,cpu-migrations,page-"
     "faults",
     "instructions, cycles, branch and L1 misses, and the OS's view"},
    {"cache", "PAPI_TOT_INS,PAPI_L1_DCA,PAPI_L1_DCM,PAPI_L2_TCA,PAPI_L2_TCM,PAPI_L3_TCA,PAPI_L3_TCM",
     "accesses and misses at every cache level"},
    {"branch", "PAPI_TOT_INS,PAPI_TOT_CYC,PAPI_BR_INS,PAPI_BR_MSP", "branches and mispredictions"},
    {"os",
     "task-clock,context-switches,voluntary-context-switches,involuntary-context-switches,cpu-migrations,"
     "page-faults",
     "what the kernel sees: CPU time, switches, migrations, faults"},
};

/* Derived metrics: numerator / denominator (each "A|B": either name), times scale. */
typedef struct derived_def {
  const char *name, *num, *den;
  double scale;
  const char *help;
} derived_def;
static const derived_def counters_derived[] = {
    {"ipc", "PAPI_TOT_INS|instructions", "PAPI_TOT_CYC|cycles", 1, "instructions per cycle"},
    {"branch_miss_rate", "PAPI_BR_MSP|branch-misses", "PAPI_BR_INS|branch-instructions", 1,
     "mispredicted / branches"},
    {"l1d_miss_rate", "PAPI_L1_DCM", "PAPI_L1_DCA", 1, "L1 data misses / accesses"},
    {"l2_miss_rate", "PAPI_L2_TCM", "PAPI_L2_TCA", 1, "L2 misses / accesses"},
    {"l3_miss_rate", "PAPI_L3_TCM", "PAPI_L3_TCA", 1, "L3 misses / accesses"},
    {"cache_miss_rate", "cache-misses", "cache-references", 1, "LLC misses / references"},
    {"l1d_mpki", "PAPI_L1_DCM", "PAPI_TOT_INS|instructions", 1000, "L1 data misses per 1000 instructions"},
};

/* ---- the registry ---- */

#define GB__MAX_BACKENDS 8
static const gb_counter_backend *counters_backends[GB__MAX_BACKENDS] = {
    &gb_counter_backend_papi, &gb_counter_backend_perf, &gb_counter_backend_rusage};
static int nbackends = 3;

int gb_counters_register_backend(const gb_counter_backend *b) {
  for (int i = 0; i < nbackends; i++)
    if (counters_backends[i] == b) return 0;
  if (nbackends == GB__MAX_BACKENDS) return GB_EINVAL;
  counters_backends[nbackends++] = b;
  return 0;
}

static const gb_counter_backend *backend_find(const char *name) {
  for (int i = 0; i < nbackends; i++)
    if (strcmp(counters_backends[i]->name, name) == 0) return counters_backends[i];
  return NULL;
}

/* ---- perf_event_open ---- */

static long perf_open(struct perf_event_attr *a) {
  return syscall(SYS_perf_event_open, a, 0 /* this thread */, -1 /* any PU */, -1, PERF_FLAG_FD_CLOEXEC);
}

static int paranoid(void) {
  FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
  int v = 99;
  if (f) {
    if (fscanf(f, "%d", &v) != 1) v = 99;
    fclose(f);
  }
  return v;
}

/* The kernel's reason for a failed perf_event_open of a hardware event (errno e). */
static void perf_hw_reason(int e, const char *what, char *buf, size_t len) {
  struct stat st;
  if (e == ENOENT || e == EOPNOTSUPP || e == ENODEV) {
    if (stat("/sys/bus/event_source/devices/cpu", &st) != 0 &&
        stat("/sys/bus/event_source/devices/cpu_core", &st) != 0)
      snprintf(buf, len,
               "perf_event_open(%s): %s: the kernel exposes no hardware PMU "
               "(no /sys/bus/event_source/devices/cpu): no hardware counters in this VM",
               what, strerror(e));
    else
      snprintf(buf, len, "perf_event_open(%s): %s: this CPU's PMU has no such event", what, strerror(e));
  } else if (e == EACCES || e == EPERM) {
    snprintf(
        buf, len,
        "perf_event_open(%s): %s: perf_event_paranoid=%d (run as root or lower kernel.perf_event_paranoid)",
        what, strerror(e), paranoid());
  } else {
    snprintf(buf, len, "perf_event_open(%s): %s", what, strerror(e));
  }
}

static void perf_attr(struct perf_event_attr *a, uint32_t type, uint64_t config, int user_only) {
  memset(a, 0, sizeof *a);
  a->size = sizeof *a;
  a->type = type;
  a->config = config;
  a->read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
  a->exclude_kernel = (unsigned)user_only;
  a->exclude_hv = (unsigned)user_only;
}

static const char *perf_unavailable(void) {
  return NULL; /* software events always exist */
}

static int perf_probe(const char *event, gb_counter_probe *p) {
  const event_def *d = catalog_find(event);
  if (!d || d->perf_type < 0) {
    snprintf(p->reason, sizeof p->reason, "the kernel's perf events have no '%s'", event);
    return GB_PROBE_UNKNOWN;
  }
  snprintf(p->native, sizeof p->native, "%s", d->perf_name);
  struct perf_event_attr a;
  perf_attr(&a, (uint32_t)d->perf_type, d->perf_config, 0);
  long fd = perf_open(&a);
  int e = errno, user_only = 0;
  if (fd < 0 && (e == EACCES || e == EPERM) && d->perf_type != PERF_TYPE_SOFTWARE) {
    /* Hardware events can still count user space; software events such as context switches
     * happen in the kernel, so a user-only count would read a misleading 0: refuse instead. */
    perf_attr(&a, (uint32_t)d->perf_type, d->perf_config, 1);
    fd = perf_open(&a);
    user_only = fd >= 0;
  }
  if (fd < 0) {
    if (d->perf_type == PERF_TYPE_SOFTWARE && (e == EACCES || e == EPERM))
      snprintf(p->reason, sizeof p->reason,
               "perf_event_open(%s): %s: perf_event_paranoid=%d refuses kernel-side "
               "counting to this user, and a user-space-only count of a kernel event would read 0",
               d->perf_name, strerror(e), paranoid());
    else
      perf_hw_reason(e, d->perf_name, p->reason, sizeof p->reason);
    return e == EACCES || e == EPERM ? GB_PROBE_DENIED : GB_PROBE_UNAVAILABLE;
  }
  close((int)fd);
  p->cfg[0] = (uint64_t)d->perf_type;
  p->cfg[1] = d->perf_config;
  p->cfg[2] = (uint64_t)user_only;
  if (user_only)
    snprintf(p->reason, sizeof p->reason, "user space only (perf_event_paranoid=%d refuses kernel counting)",
             paranoid());
  return GB_PROBE_OK;
}

static void perf_start(const gb_counter_set *set, gb_counter_worker *w) {
  for (int e = 0; e < set->n; e++) {
    if (set->ev[e].backend != &gb_counter_backend_perf) continue;
    struct perf_event_attr a;
    perf_attr(&a, (uint32_t)set->ev[e].probe.cfg[0], set->ev[e].probe.cfg[1], (int)set->ev[e].probe.cfg[2]);
    long fd = perf_open(&a);
    w->fd[e] = (int)fd;
    w->open_err[e] = fd < 0 ? errno : 0;
  }
}

static void perf_stop(const gb_counter_set *set, gb_counter_worker *w, gb_worker_out *out) {
  for (int e = 0; e < set->n; e++) {
    if (set->ev[e].backend != &gb_counter_backend_perf) continue;
    uint64_t v[3]; /* value, time enabled, time running */
    if (w->fd[e] < 0 || read(w->fd[e], v, sizeof v) != (ssize_t)sizeof v) {
      int err = w->fd[e] < 0 ? w->open_err[e] : errno;
      out->counter_status[e] = err == EACCES || err == EPERM ? GB_CTR_DENIED : GB_CTR_UNAVAILABLE;
      out->counter_err[e] = err ? err : EIO;
    } else if (v[2] == 0 && v[1] > 0) { /* never on the PMU: no value at all, not a zero */
      out->counter_status[e] = GB_CTR_UNAVAILABLE;
      out->counter_err[e] = -1;
    } else if (v[2] < v[1]) {
      out->counter_status[e] = GB_CTR_MULTIPLEXED;
      out->counter_fraction[e] = (float)((double)v[2] / (double)v[1]);
      out->counter_value[e] = (uint64_t)((double)v[0] * (double)v[1] / (double)v[2]);
    } else {
      out->counter_status[e] = GB_CTR_OK;
      out->counter_fraction[e] = 1;
      out->counter_value[e] = v[0];
    }
    if (w->fd[e] >= 0) close(w->fd[e]);
    w->fd[e] = -1;
  }
}

static void perf_strerror(int code, char *buf, size_t len) {
  if (code == -1)
    snprintf(buf, len, "never scheduled on the PMU (more events than counters)");
  else
    perf_hw_reason(code, "in the worker", buf, len);
}

static json_t *perf_describe(void) {
  struct perf_event_attr a;
  perf_attr(&a, PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, 0);
  long fd = perf_open(&a);
  int e = errno;
  if (fd < 0 && (e == EACCES || e == EPERM)) {
    perf_attr(&a, PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, 1);
    fd = perf_open(&a);
  }
  char why[512] = "";
  if (fd >= 0)
    close((int)fd);
  else
    perf_hw_reason(e, "PERF_COUNT_HW_INSTRUCTIONS", why, sizeof why);
  return json_pack("{s:i,s:b,s:o}", "perf_event_paranoid", paranoid(), "hardware_events", fd >= 0,
                   "hardware_reason", why[0] ? json_string(why) : json_null());
}

static const char *const perf_events[] = {"instructions",
                                          "cycles",
                                          "branch-instructions",
                                          "branch-misses",
                                          "cache-references",
                                          "cache-misses",
                                          "task-clock",
                                          "context-switches",
                                          "cpu-migrations",
                                          "page-faults",
                                          "minor-faults",
                                          "major-faults",
                                          NULL};

const gb_counter_backend gb_counter_backend_perf = {
    .name = "perf",
    .summary = "the kernel's perf events through perf_event_open (per thread)",
    .unavailable = perf_unavailable,
    .probe = perf_probe,
    .start = perf_start,
    .stop = perf_stop,
    .strerror = perf_strerror,
    .describe = perf_describe,
    .events = perf_events,
};

/* ---- getrusage ---- */

static const char *rusage_unavailable(void) {
  struct rusage ru;
  return getrusage(RUSAGE_THREAD, &ru) == 0 ? NULL : "getrusage(RUSAGE_THREAD) failed";
}

static int rusage_probe(const char *event, gb_counter_probe *p) {
  const event_def *d = catalog_find(event);
  if (!d || d->rusage == GB__RU_NONE) {
    snprintf(p->reason, sizeof p->reason,
             "getrusage has no '%s' (it counts context switches, page faults and CPU time)", event);
    return GB_PROBE_UNKNOWN;
  }
  static const char *const fields[] = {"ru_nvcsw + ru_nivcsw",    "ru_nvcsw",  "ru_nivcsw",
                                       "ru_minflt + ru_majflt",   "ru_minflt", "ru_majflt",
                                       "ru_utime + ru_stime (ns)"};
  snprintf(p->native, sizeof p->native, "getrusage(RUSAGE_THREAD): %s", fields[d->rusage]);
  p->cfg[0] = (uint64_t)d->rusage;
  return GB_PROBE_OK;
}

static void rusage_start(const gb_counter_set *set, gb_counter_worker *w) {
  (void)set;
  w->ru_ok = getrusage(RUSAGE_THREAD, &w->ru0) == 0;
}

static uint64_t ru_field(const struct rusage *r, int f) {
  switch (f) {
  case GB__RU_CSW: return (uint64_t)(r->ru_nvcsw + r->ru_nivcsw);
  case GB__RU_NVCSW: return (uint64_t)r->ru_nvcsw;
  case GB__RU_NIVCSW: return (uint64_t)r->ru_nivcsw;
  case GB__RU_FLT: return (uint64_t)(r->ru_minflt + r->ru_majflt);
  case GB__RU_MINFLT: return (uint64_t)r->ru_minflt;
  case GB__RU_MAJFLT: return (uint64_t)r->ru_majflt;
  case GB__RU_CLOCK:
    return (uint64_t)(r->ru_utime.tv_sec + r->ru_stime.tv_sec) * 1000000000u +
           (uint64_t)(r->ru_utime.tv_usec + r->ru_stime.tv_usec) * 1000u;
  }
  return 0;
}

static void rusage_stop(const gb_counter_set *set, gb_counter_worker *w, gb_worker_out *out) {
  struct rusage r1;
  int ok = w->ru_ok && getrusage(RUSAGE_THREAD, &r1) == 0;
  for (int e = 0; e < set->n; e++) {
    if (set->ev[e].backend != &gb_counter_backend_rusage) continue;
    if (!ok) {
      out->counter_status[e] = GB_CTR_UNAVAILABLE;
      out->counter_err[e] = EIO;
      continue;
    }
    int f = (int)set->ev[e].probe.cfg[0];
    out->counter_status[e] = GB_CTR_OK;
    out->counter_fraction[e] = 1;
    out->counter_value[e] = ru_field(&r1, f) - ru_field(&w->ru0, f);
  }
}

static void rusage_strerror(int code, char *buf, size_t len) {
  snprintf(buf, len, "getrusage: %s", strerror(code));
}

static const char *const rusage_events[] = {"task-clock",
                                            "context-switches",
                                            "voluntary-context-switches",
                                            "involuntary-context-switches",
                                            "page-faults",
                                            "minor-faults",
                                            "major-faults",
                                            NULL};

const gb_counter_backend gb_counter_backend_rusage = {
    .name = "rusage",
    .summary = "getrusage(RUSAGE_THREAD): context switches, page faults, CPU time",
    .unavailable = rusage_unavailable,
    .probe = rusage_probe,
    .start = rusage_start,
    .stop = rusage_stop,
    .strerror = rusage_strerror,
    .events = rusage_events,
};

/* ---- resolution ---- */

static void append(char *buf, size_t len, const char *fmt, const char *a, const char *b) {
  size_t off = strlen(buf);
  if (off + 1 < len) snprintf(buf + off, len - off, fmt, a, b);
}

/* Resolve one event along the chain (or with the forced backend). 0 or GB_EINVAL (unknown). */
static int resolve_event(gb_counter_set *set, const char *name, char *err, size_t errlen) {
  gb_counter_event *ev = &set->ev[set->n];
  memset(ev, 0, sizeof *ev);
  snprintf(ev->name, sizeof ev->name, "%s", name);
  ev->status = GB_CTR_UNAVAILABLE;
  int known = 0, denied = 0;
  for (int i = 0; i < nbackends; i++) {
    const gb_counter_backend *b = counters_backends[i];
    if (set->forced && b != set->forced) continue;
    gb_counter_probe p;
    memset(&p, 0, sizeof p);
    const char *why = b->unavailable ? b->unavailable() : NULL;
    int r = b->probe(name, &p);
    if (r != GB_PROBE_UNKNOWN) known = 1;
    if (r == GB_PROBE_OK && !why) {
      ev->backend = b;
      ev->status = GB_CTR_OK;
      ev->probe = p;
      break;
    }
    if (r != GB_PROBE_UNKNOWN && why) snprintf(p.reason, sizeof p.reason, "%s", why);
    denied |= r == GB_PROBE_DENIED;
    ev->probe = p;
    if (r != GB_PROBE_UNKNOWN || set->forced)
      append(ev->tried, sizeof ev->tried, ev->tried[0] ? "; %s: %s" : "%s: %s", b->name, p.reason);
  }
  if (!known && set->forced) { /* is it a name any backend knows? */
    for (int i = 0; i < nbackends && !known; i++) {
      gb_counter_probe p;
      memset(&p, 0, sizeof p);
      known =
          counters_backends[i] != set->forced && counters_backends[i]->probe(name, &p) != GB_PROBE_UNKNOWN;
    }
  }
  if (!known) {
    snprintf(err, errlen, "unknown counter '%s' (see `gilbench list counters`; PAPI event names need PAPI)",
             name);
    return GB_EINVAL;
  }
  if (!ev->backend) ev->status = denied ? GB_CTR_DENIED : GB_CTR_UNAVAILABLE;
  set->n++;
  return 0;
}

static int add_name(gb_counter_set *set, const char *name, char *err, size_t errlen) {
  for (int i = 0; i < set->n; i++)
    if (strcmp(set->ev[i].name, name) == 0) return 0; /* listed twice (sets overlap) */
  if (set->n == GB_MAX_COUNTERS) {
    snprintf(err, errlen, "more than %d counters asked for", GB_MAX_COUNTERS);
    return GB_EINVAL;
  }
  if (strlen(name) >= sizeof set->ev[0].name) {
    snprintf(err, errlen, "counter name '%.40s...' too long", name);
    return GB_EINVAL;
  }
  return resolve_event(set, name, err, errlen);
}

int gb_counters_resolve(const char *spec, const char *backend, gb_counter_set **out, char *err,
                        size_t errlen) {
  *out = NULL;
  if (!spec) spec = GB_COUNTERS_DEFAULT;
  const gb_counter_backend *forced = NULL;
  if (backend) {
    forced = backend_find(backend);
    if (!forced) {
      char names[128] = "";
      for (int i = 0; i < nbackends; i++)
        append(names, sizeof names, i ? ", %s%s" : "%s%s", counters_backends[i]->name, "");
      snprintf(err, errlen, "--counters-backend %s: unknown backend (one of: %s)", backend, names);
      return GB_EINVAL;
    }
  }
  if (strcmp(spec, "none") == 0) return 0;
  gb_counter_set *set = gb_xcalloc(1, sizeof *set);
  snprintf(set->spec, sizeof set->spec, "%s", spec);
  set->forced = forced;
  char *dup = gb_xstrdup(spec), *save = NULL;
  int rc = 0, items = 0;
  for (char *t = strtok_r(dup, ",", &save); t && rc == 0; t = strtok_r(NULL, ",", &save)) {
    while (*t == ' ')
      t++;
    t[strcspn(t, " ")] = '\0';
    if (!*t) continue;
    items++;
    const named_set *ns = NULL;
    for (size_t i = 0; i < GB_ARRAY_LEN(counters_sets); i++)
      if (strcmp(counters_sets[i].name, t) == 0) ns = &counters_sets[i];
    if (!ns) {
      rc = add_name(set, t, err, errlen);
      continue;
    }
    char *d2 = gb_xstrdup(ns->events), *s2 = NULL;
    for (char *u = strtok_r(d2, ",", &s2); u && rc == 0; u = strtok_r(NULL, ",", &s2))
      rc = add_name(set, u, err, errlen);
    free(d2);
  }
  free(dup);
  if (rc == 0 && items == 0) {
    snprintf(err, errlen,
             "--counters '%s': expected event names or a set (default, cache, branch, os), or none", spec);
    rc = GB_EINVAL;
  }
  if (rc != 0) {
    free(set);
    return rc;
  }
  for (int i = 0; i < nbackends; i++)
    if (counters_backends[i]->prepare) counters_backends[i]->prepare(set);
  *out = set;
  return 0;
}

void gb_counters_free(gb_counter_set *set) {
  free(set);
}

/* ---- worker side ---- */

void gb_counters_worker_start(const gb_counter_set *set, gb_counter_worker *w) {
  for (int e = 0; e < GB_MAX_COUNTERS; e++)
    w->fd[e] = -1;
  w->papi_set = -1;
  for (int i = 0; i < nbackends; i++) {
    int used = 0;
    for (int e = 0; e < set->n && !used; e++)
      used = set->ev[e].backend == counters_backends[i];
    if (used) counters_backends[i]->start(set, w);
  }
}

void gb_counters_worker_stop(const gb_counter_set *set, gb_counter_worker *w, gb_worker_out *out) {
  for (int i = nbackends - 1; i >= 0; i--) { /* reverse: the last started stops first */
    int used = 0;
    for (int e = 0; e < set->n && !used; e++)
      used = set->ev[e].backend == counters_backends[i];
    if (used) counters_backends[i]->stop(set, w, out);
  }
  for (int e = 0; e < set->n; e++)
    if (!set->ev[e].backend) out->counter_status[e] = (uint8_t)set->ev[e].status; /* unavailable/denied */
}

/* ---- JSON ---- */

static const char *event_reason(const gb_counter_event *ev) {
  return ev->tried[0] ? ev->tried : ev->probe.reason[0] ? ev->probe.reason : "no backend can count it";
}

json_t *gb_counters_meta_json(const gb_counter_set *set) {
  json_t *m = json_object();
  json_object_set_new(m, GB_KEY_REQUESTED, json_string(set ? set->spec : "none"));
  json_object_set_new(m, GB_KEY_BACKEND_FORCED,
                      set && set->forced ? json_string(set->forced->name) : json_null());
  json_t *chain = json_array(), *backends = json_object();
  for (int i = 0; i < nbackends; i++) {
    const gb_counter_backend *b = counters_backends[i];
    json_array_append_new(chain, json_string(b->name));
    const char *why = b->unavailable ? b->unavailable() : NULL;
    json_t *o = b->describe ? b->describe() : json_object();
    json_object_set_new(o, GB_KEY_SUMMARY, json_string(b->summary));
    json_object_set_new(o, GB_KEY_AVAILABLE, json_boolean(!why));
    json_object_set_new(o, GB_KEY_REASON, why ? json_string(why) : json_null());
    json_object_set_new(backends, b->name, o);
  }
  json_object_set_new(m, GB_KEY_CHAIN, chain);
  json_object_set_new(m, GB_KEY_BACKENDS, backends);
  json_t *events = json_object();
  for (int e = 0; set && e < set->n; e++) {
    const gb_counter_event *ev = &set->ev[e];
    json_t *o = json_object();
    json_object_set_new(o, GB_KEY_BACKEND, ev->backend ? json_string(ev->backend->name) : json_null());
    json_object_set_new(o, GB_KEY_STATUS, json_string(gb_counter_status_name(ev->status)));
    json_object_set_new(o, GB_KEY_NATIVE,
                        ev->backend && ev->probe.native[0] ? json_string(ev->probe.native) : json_null());
    if (ev->backend) {
      json_object_set_new(o, GB_KEY_NOTE, ev->probe.reason[0] ? json_string(ev->probe.reason) : json_null());
      json_object_set_new(o, GB_KEY_PASSED_OVER, ev->tried[0] ? json_string(ev->tried) : json_null());
      if (ev->backend == &gb_counter_backend_papi && set->papi_multiplex)
        json_object_set_new(o, GB_KEY_MULTIPLEXED,
                            json_pack("{s:f,s:s}", GB_KEY_FRACTION_ESTIMATE, set->papi_fraction, GB_KEY_HOW,
                                      "hardware counters / PAPI events (PAPI does not report time running)"));
    } else {
      json_object_set_new(o, GB_KEY_REASON, json_string(event_reason(ev)));
    }
    json_object_set_new(events, ev->name, o);
  }
  json_object_set_new(m, GB_KEY_EVENTS, events);
  json_t *derived = json_object();
  for (size_t i = 0; i < GB_ARRAY_LEN(counters_derived); i++) {
    char def[160];
    snprintf(def, sizeof def, "%s / %s%s", counters_derived[i].num, counters_derived[i].den,
             counters_derived[i].scale != 1 ? " x 1000" : "");
    json_object_set_new(derived, counters_derived[i].name, json_string(def));
  }
  json_object_set_new(m, GB_KEY_DERIVED, derived);
  return m;
}

/* The reason for a worker's failed counter e. */
static void worker_reason(const gb_counter_set *set, int e, int worker, int code, char *buf, size_t len) {
  const gb_counter_event *ev = &set->ev[e];
  if (!ev->backend) {
    snprintf(buf, len, "%s", event_reason(ev));
    return;
  }
  char t[384] = "no reading";
  if (code && ev->backend->strerror) ev->backend->strerror(code, t, sizeof t);
  snprintf(buf, len, "worker %d: %s: %s", worker, ev->backend->name, t);
}

json_t *gb_counters_rep_json(const gb_counter_set *set, const gb_rep *rep) {
  json_t *c = json_object();
  for (int e = 0; set && e < set->n; e++) {
    int status = GB_CTR_OK, bad = -1;
    uint64_t sum = 0;
    double fraction = 1;
    for (int w = 0; w < rep->nworkers; w++) {
      const gb_worker_out *wo = &rep->workers[w];
      int s = wo->counter_status[e];
      if (s == GB_CTR_NONE) s = GB_CTR_UNAVAILABLE;
      if (s == GB_CTR_DENIED || (s == GB_CTR_UNAVAILABLE && status != GB_CTR_DENIED)) {
        if (status != s) bad = w;
        status = s;
      } else if (s == GB_CTR_MULTIPLEXED && status == GB_CTR_OK) {
        status = s;
      }
      if (s == GB_CTR_OK || s == GB_CTR_MULTIPLEXED) {
        sum += wo->counter_value[e];
        if (s == GB_CTR_MULTIPLEXED && wo->counter_fraction[e] < fraction) fraction = wo->counter_fraction[e];
      }
    }
    if (rep->nworkers == 0) status = set->ev[e].backend ? GB_CTR_UNAVAILABLE : set->ev[e].status;
    json_t *o;
    if (status == GB_CTR_OK) {
      o = json_pack("{s:s,s:I}", GB_KEY_STATUS, "ok", GB_KEY_VALUE, (json_int_t)sum);
    } else if (status == GB_CTR_MULTIPLEXED) {
      o = json_pack("{s:s,s:I,s:f}", GB_KEY_STATUS, "multiplexed", GB_KEY_VALUE, (json_int_t)sum,
                    GB_KEY_FRACTION, fraction);
    } else {
      char why[1024] = "no worker reported it";
      if (bad >= 0) {
        const gb_worker_out *wo = &rep->workers[bad];
        if (wo->counter_status[e] == GB_CTR_NONE)
          snprintf(why, sizeof why, "worker %d reported no counters", bad);
        else
          worker_reason(set, e, bad, wo->counter_err[e], why, sizeof why);
      } else if (!set->ev[e].backend) {
        snprintf(why, sizeof why, "%s", event_reason(&set->ev[e]));
      }
      o = json_pack("{s:s,s:s}", GB_KEY_STATUS, gb_counter_status_name(status), GB_KEY_REASON, why);
    }
    json_object_set_new(c, set->ev[e].name, o);
  }
  return c;
}

/* Value of the first of "A|B" counted (ok or multiplexed) in counters; NAN if none. */
static double counters_counted(json_t *counters, const char *names) {
  char buf[128];
  snprintf(buf, sizeof buf, "%s", names);
  char *save = NULL;
  for (char *n = strtok_r(buf, "|", &save); n; n = strtok_r(NULL, "|", &save)) {
    json_t *o = json_object_get(counters, n);
    const char *s = json_string_value(json_object_get(o, GB_KEY_STATUS));
    json_t *v = json_object_get(o, GB_KEY_VALUE);
    if (s && (strcmp(s, "ok") == 0 || strcmp(s, "multiplexed") == 0) && json_is_number(v))
      return json_number_value(v);
  }
  return NAN;
}

json_t *gb_counters_derived_json(json_t *counters) {
  json_t *d = json_object();
  for (size_t i = 0; i < GB_ARRAY_LEN(counters_derived); i++) {
    double num = counters_counted(counters, counters_derived[i].num),
           den = counters_counted(counters, counters_derived[i].den);
    if (isfinite(num) && isfinite(den) && den > 0) /* only when both inputs were counted */
      json_object_set_new(d, counters_derived[i].name, json_real(num / den * counters_derived[i].scale));
  }
  return d;
}

json_t *gb_counters_worker_json(const gb_counter_set *set, const gb_worker_out *w) {
  json_t *c = json_object();
  for (int e = 0; set && e < set->n; e++) {
    int s = w->counter_status[e];
    json_t *o;
    if (s == GB_CTR_OK)
      o = json_pack("{s:s,s:I}", GB_KEY_STATUS, "ok", GB_KEY_VALUE, (json_int_t)w->counter_value[e]);
    else if (s == GB_CTR_MULTIPLEXED)
      o = json_pack("{s:s,s:I,s:f}", GB_KEY_STATUS, "multiplexed", GB_KEY_VALUE,
                    (json_int_t)w->counter_value[e], GB_KEY_FRACTION, (double)w->counter_fraction[e]);
    else
      o = json_pack("{s:s}", GB_KEY_STATUS, gb_counter_status_name(s));
    json_object_set_new(c, set->ev[e].name, o);
  }
  return c;
}

void gb_counters_print_plan(const gb_counter_set *set, FILE *out) {
  if (!set) {
    fprintf(out, "counters: none\n");
    return;
  }
  fprintf(out, "counters (%s%s%s):\n", set->spec, set->forced ? ", backend " : "",
          set->forced ? set->forced->name : "");
  for (int e = 0; e < set->n; e++) {
    const gb_counter_event *ev = &set->ev[e];
    if (ev->backend)
      fprintf(out, "  %-28s %s (%s)\n", ev->name, ev->backend->name, ev->probe.native);
    else
      fprintf(out, "  %-28s %s: %s\n", ev->name, gb_counter_status_name(ev->status), event_reason(ev));
  }
}

/* ---- gilbench list counters ---- */

static void list_describe(json_t *o, FILE *out) {
  const char *k;
  json_t *v;
  json_object_foreach(o, k, v) {
    if (json_is_null(v)) continue;
    if (json_is_array(v) && json_array_size(v) > 0 && json_is_object(json_array_get(v, 0))) {
      size_t i;
      json_t *x;
      fprintf(out, "      %s:\n", k);
      json_array_foreach(v, i, x) {
        char *t = json_dumps(x, JSON_COMPACT);
        fprintf(out, "        %s\n", t);
        free(t);
      }
      continue;
    }
    char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    fprintf(out, "      %s: %s\n", k, t);
    free(t);
  }
}

void gb_counters_list(FILE *out) {
  fprintf(out, "counter backends, in chain order (each event is counted by the first that can):\n");
  for (int i = 0; i < nbackends; i++) {
    const gb_counter_backend *b = counters_backends[i];
    const char *why = b->unavailable ? b->unavailable() : NULL;
    fprintf(out, "  %-7s %s\n      %s%s\n", b->name, b->summary, why ? "unavailable: " : "available",
            why ? why : "");
    if (b->describe) {
      json_t *d = b->describe();
      list_describe(d, out);
      json_decref(d);
    }
  }
  fprintf(out, "\nevents (what would count each here, and why not):\n");
  for (size_t i = 0; i < GB_ARRAY_LEN(counters_catalog); i++) {
    const event_def *d = &counters_catalog[i];
    gb_counter_set *set;
    char err[256], name[64];
    snprintf(name, sizeof name, "%s%s%s", d->name, d->alias ? "|" : "", d->alias ? d->alias : "");
    if (gb_counters_resolve(d->name, NULL, &set, err, sizeof err) != 0) {
      fprintf(out, "  %-32s ? %s\n", name, err);
      continue;
    }
    const gb_counter_event *ev = &set->ev[0];
    if (ev->backend)
      fprintf(out, "  %-32s %-12s by %s (%s)%s%s\n", name, "ok", ev->backend->name, ev->probe.native,
              ev->probe.reason[0] ? ": " : "", ev->probe.reason);
    else
      fprintf(out, "  %-32s %-12s %s\n", name, gb_counter_status_name(ev->status), event_reason(ev));
    gb_counters_free(set);
  }
  fprintf(out, "  (with PAPI, any other PAPI preset or native event name is accepted too: see papi_avail, "
               "papi_native_avail)\n");
  fprintf(out, "\nnamed sets (--counters NAME[,NAME|EVENT...]; none counts nothing):\n");
  for (size_t i = 0; i < GB_ARRAY_LEN(counters_sets); i++)
    fprintf(out, "  %-8s %s\n           %s\n", counters_sets[i].name, counters_sets[i].help,
            counters_sets[i].events);
  fprintf(out, "\nderived (only when both inputs were counted):\n");
  for (size_t i = 0; i < GB_ARRAY_LEN(counters_derived); i++)
    fprintf(out, "  %-17s %s / %s%s  (%s)\n", counters_derived[i].name, counters_derived[i].num,
            counters_derived[i].den, counters_derived[i].scale != 1 ? " x 1000" : "",
            counters_derived[i].help);
}

/* Catalog access for the PAPI backend: the preset for a catalog name, or NULL when the name is
 * in the catalog without one; *in_catalog says whether it is there at all. */
const char *gb_counters_papi_name(const char *event, int *in_catalog) {
  const event_def *d = catalog_find(event);
  *in_catalog = d != NULL;
  return d ? d->papi : NULL;
}

/* The kernel's reason hardware events cannot be counted, or "" when they can (for PAPI's text). */
void gb_counters_kernel_hw_reason(char *buf, size_t len) {
  struct perf_event_attr a;
  perf_attr(&a, PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, 1);
  long fd = perf_open(&a);
  buf[0] = '\0';
  if (fd >= 0)
    close((int)fd);
  else
    perf_hw_reason(errno, "PERF_COUNT_HW_INSTRUCTIONS", buf, len);
}

/* ---- gilbench show: the counters and metrics section ---- */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Median of key's numeric value over the reps, where `sub` is "counters", "metrics" or "derived";
 * NAN when no rep has a number. For counters, *status gets the worst status seen and *fraction the
 * smallest fraction counted. */
static double rep_median(json_t *reps, const char *sub, const char *key, const char **status,
                         double *fraction) {
  size_t n = json_array_size(reps), k = 0, r;
  double *x = gb_xmalloc(sizeof *x * (n ? n : 1));
  json_t *rep;
  if (status) *status = NULL;
  if (fraction) *fraction = 1;
  json_array_foreach(reps, r, rep) {
    json_t *v = json_object_get(json_object_get(rep, sub), key);
    if (json_is_object(v)) { /* a counter */
      const char *s = json_string_value(json_object_get(v, GB_KEY_STATUS));
      if (s && status &&
          (!*status || strcmp(*status, "ok") == 0 ||
           (strcmp(*status, "multiplexed") == 0 && strcmp(s, "ok") != 0)))
        *status = s;
      double f = json_number_value(json_object_get(v, GB_KEY_FRACTION));
      if (fraction && json_is_number(json_object_get(v, GB_KEY_FRACTION)) && f < *fraction) *fraction = f;
      v = json_object_get(v, GB_KEY_VALUE);
    }
    if (json_is_number(v)) x[k++] = json_number_value(v);
  }
  double m = NAN;
  if (k) {
    qsort(x, k, sizeof *x, cmp_double);
    m = k % 2 ? x[k / 2] : (x[k / 2 - 1] + x[k / 2]) / 2;
  }
  free(x);
  return m;
}

static void fmt_value(double v, const char *unit, char *buf, size_t len) {
  if (!isfinite(v))
    snprintf(buf, len, "-");
  else if (unit && strcmp(unit, "s") == 0)
    snprintf(buf, len,
             v < 1e-3 ? "%.1fus"
             : v < 1  ? "%.2fms"
                      : "%.3fs",
             v < 1e-3 ? v * 1e6
             : v < 1  ? v * 1e3
                      : v);
  else if (unit && strcmp(unit, "ns") == 0)
    snprintf(buf, len,
             v < 1e6   ? "%.1fus"
             : v < 1e9 ? "%.2fms"
                       : "%.3fs",
             v < 1e6   ? v * 1e-3
             : v < 1e9 ? v * 1e-6
                       : v * 1e-9);
  else if (fabs(v) >= 1e7)
    snprintf(buf, len, "%.3g", v);
  else if (v == floor(v))
    snprintf(buf, len, "%.0f", v);
  else
    snprintf(buf, len, "%.3g", v);
}

/* A line that wraps at ~110 columns (at least 70 past a wide name) with a hanging indent. */
typedef struct counters_line {
  FILE *out;
  int col, indent;
} counters_line;
static void line_item(counters_line *l, const char *item) {
  int n = (int)strlen(item);
  if (l->col > l->indent && l->col + 2 + n > (l->indent + 70 > 110 ? l->indent + 70 : 110)) {
    fprintf(l->out, ",\n%*s", l->indent, "");
    l->col = l->indent;
  } else if (l->col > l->indent) {
    fputs(", ", l->out);
    l->col += 2;
  }
  fputs(item, l->out);
  l->col += n;
}

/* A reason made general: `name` (the counter) becomes "it" and perf_event_open(PERF_...) names no
 * event, so the same cause reads the same for every counter it stops. */
static void reason_general(const char *name, const char *reason, char *out, size_t len) {
  size_t o = 0, nl = strlen(name);
  for (const char *p = reason; *p && o + 12 < len;) {
    if (nl && strncmp(p, name, nl) == 0) {
      o += (size_t)snprintf(out + o, len - o, "it");
      p += nl;
    } else if (strncmp(p, "(PERF_COUNT_", 12) == 0 && strchr(p, ')')) {
      o += (size_t)snprintf(out + o, len - o, "(its event)");
      p = strchr(p, ')') + 1;
    } else {
      out[o++] = *p++;
    }
  }
  out[o < len ? o : len - 1] = '\0';
}

/* Add a counter's reason to w, one entry per backend it names ("papi: ...; perf: ..."): each
 * backend's cause is listed once with every counter it stopped. */
static void warn_reason(gb_warn *w, json_t *chain, const char *k, const char *status, const char *why) {
  char gen[1800], item[1900];
  reason_general(k, why, gen, sizeof gen);
  char *seg = gen;
  while (seg && *seg) {
    char *next = NULL; /* the next "; BACKEND: " */
    size_t i;
    json_t *b;
    json_array_foreach(chain, i, b) {
      char pat[64];
      snprintf(pat, sizeof pat, "; %s: ", json_string_value(b) ? json_string_value(b) : "?");
      char *hit = strstr(seg + 1, pat);
      if (hit && (!next || hit < next)) next = hit;
    }
    if (next) *next = '\0';
    snprintf(item, sizeof item, "%s: %s", status, seg);
    gb_warn_add(w, item, k);
    seg = next ? next + 2 : NULL;
  }
}

/* What was not counted, or counted only in part, and why: each reason once, with its counters. */
static void print_not_counted(json_t *cells, json_t *cmeta, FILE *out) {
  json_t *events = json_object_get(cmeta, GB_KEY_EVENTS), *chain = json_object_get(cmeta, GB_KEY_CHAIN), *c,
         *rep;
  gb_warn *w = gb_warn_new();
  size_t i, r;
  json_array_foreach(cells, i, c) json_array_foreach(json_object_get(c, GB_KEY_REPS), r, rep) {
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(rep, GB_KEY_COUNTERS), k, v) {
      const char *s = json_string_value(json_object_get(v, GB_KEY_STATUS));
      if (!s || strcmp(s, "ok") == 0) continue;
      if (strcmp(s, "multiplexed") == 0) {
        const char *how = json_string_value(
            json_object_get(json_object_get(json_object_get(events, k), GB_KEY_MULTIPLEXED), GB_KEY_HOW));
        char note[512];
        snprintf(note, sizeof note, "multiplexed: counted part of the time, value scaled up%s%s%s",
                 how ? " (fraction: " : "", how ? how : "", how ? ")" : "");
        gb_warn_add(w, note, k);
      } else {
        const char *why = json_string_value(json_object_get(v, GB_KEY_REASON));
        warn_reason(w, chain, k, s, why ? why : "no reason given");
      }
    }
  }
  if (gb_warn_count(w)) {
    fprintf(out, "counters not counted in full (each reason once, with the counters it applies to):\n");
    gb_warn_print(w, out);
  }
  gb_warn_free(w);
}

/* The counters counted (ok or multiplexed) in some repetition of some cell: a JSON set. */
static json_t *counted_anywhere(json_t *cells) {
  json_t *counted = json_object();
  size_t i, r;
  json_t *c, *rep;
  json_array_foreach(cells, i, c) json_array_foreach(json_object_get(c, GB_KEY_REPS), r, rep) {
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(rep, GB_KEY_COUNTERS), k, v) {
      const char *s = json_string_value(json_object_get(v, GB_KEY_STATUS));
      if (s && (strcmp(s, "ok") == 0 || strcmp(s, "multiplexed") == 0))
        json_object_set_new(counted, k, json_true());
    }
  }
  return counted;
}

/* One cell's line: its metrics, the counters counted somewhere, the derived figures. */
static void print_cell_line(json_t *reps, const char *name, json_t *mdefs, json_t *counted, FILE *out) {
  json_t *first = json_array_get(reps, 0);
  counters_line l = {out, 0, 0};
  l.col = l.indent = fprintf(out, "%s  ", name);
  const char *k;
  json_t *v;
  char item[160], val[48];
  json_object_foreach(json_object_get(first, GB_KEY_METRICS), k, v) {
    const char *unit = json_string_value(json_object_get(json_object_get(mdefs, k), GB_KEY_UNIT));
    fmt_value(rep_median(reps, GB_KEY_METRICS, k, NULL, NULL), unit, val, sizeof val);
    snprintf(item, sizeof item, "%s %s", k, val);
    line_item(&l, item);
  }
  json_object_foreach(json_object_get(first, GB_KEY_COUNTERS), k, v) {
    if (!json_object_get(counted, k)) continue;
    const char *status;
    double fraction, m = rep_median(reps, GB_KEY_COUNTERS, k, &status, &fraction);
    fmt_value(m, strcmp(k, "task-clock") == 0 ? "ns" : NULL, val, sizeof val);
    if (!status || strcmp(status, "ok") == 0)
      snprintf(item, sizeof item, "%s %s", k, val);
    else if (strcmp(status, "multiplexed") == 0)
      snprintf(item, sizeof item, "%s ~%s (multiplexed, %.0f%% counted)", k, val, fraction * 100);
    else
      snprintf(item, sizeof item, "%s %s", k, strcmp(status, "denied") == 0 ? "DENIED" : "n/a");
    line_item(&l, item);
  }
  json_object_foreach(json_object_get(first, GB_KEY_DERIVED), k, v) {
    snprintf(item, sizeof item, "%s %.3g", k, rep_median(reps, GB_KEY_DERIVED, k, NULL, NULL));
    line_item(&l, item);
  }
  if (l.col == l.indent) fputs("-", out);
  fputc('\n', out);
}

void gb_counters_print_section(json_t *root, const gb_counters_row *rows, int nrows, FILE *out) {
  json_t *meta = json_object_get(root, GB_KEY_META), *cells = json_object_get(root, GB_KEY_CELLS);
  /* A counter never counted anywhere is only explained once, below; others show inline. */
  json_t *counted = counted_anywhere(cells);
  int any = 0;
  for (int i = 0; i < nrows; i++) {
    json_t *reps = json_object_get(json_array_get(cells, (size_t)rows[i].cell), GB_KEY_REPS);
    if (!json_array_get(reps, 0)) continue;
    if (!any++) fprintf(out, "\ncounters and metrics (median over reps; counters summed over workers):\n");
    print_cell_line(reps, rows[i].name, json_object_get(meta, GB_KEY_METRICS), counted, out);
  }
  print_not_counted(cells, json_object_get(meta, GB_KEY_COUNTERS), out);
  json_decref(counted);
}
