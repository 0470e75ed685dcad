/* doctor.c: see doctor.h. Each check reads one or two files of /sys or /proc and says, in words,
 * what the value means for gilbench's figures and what to do about it. */
#include "doctor.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gb.h"
#include "noise.h"

enum { DOC_OK = 0, DOC_LIMITS = 1, DOC_UNKNOWN = 2 };
static const char *const doc_status[] = {"ok", "limits", "unknown"};

typedef struct doc {
  json_t *items;
  int limits;
} doc;

/* The path under GILBENCH_DOCTOR_ROOT (tests) or /. */
static void doc_path(char *out, size_t len, const char *path) {
  const char *root = getenv("GILBENCH_DOCTOR_ROOT");
  snprintf(out, len, "%s%s", root && *root ? root : "", path);
}

/* The first line of a file, trimmed; 0, or -errno. */
static int doc_read(const char *path, char *buf, size_t len) {
  char p[4096];
  doc_path(p, sizeof p, path);
  FILE *f = fopen(p, "r");
  if (!f) return -errno;
  buf[0] = '\0';
  if (!fgets(buf, (int)len, f)) buf[0] = '\0';
  fclose(f);
  buf[strcspn(buf, "\n")] = '\0';
  return 0;
}

static int doc_exists(const char *path) {
  char p[4096];
  doc_path(p, sizeof p, path);
  return access(p, F_OK) == 0;
}

static void doc_add(doc *d, const char *name, int status, const char *value, const char *detail,
                    const char *advice) {
  json_array_append_new(d->items,
                        json_pack("{s:s,s:s,s:o,s:s,s:o}", "name", name, "status", doc_status[status],
                                  "value", value ? json_string(value) : json_null(), "detail", detail,
                                  "advice", advice ? json_string(advice) : json_null()));
  d->limits += status == DOC_LIMITS;
}

static void doc_governor(doc *d) {
  char v[128];
  int rc = doc_read("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", v, sizeof v);
  if (rc != 0) {
    doc_add(d, "governor", DOC_UNKNOWN, NULL,
            "no cpufreq: /sys/devices/system/cpu/cpu0/cpufreq is absent (a VM, or a kernel without a cpufreq "
            "driver), so the frequency policy and the clock speed cannot be read; gilbench records the "
            "frequency as null",
            NULL);
    return;
  }
  if (strcmp(v, "performance") == 0)
    doc_add(d, "governor", DOC_OK, v, "the CPUs run at their highest frequency whatever the load", NULL);
  else
    doc_add(d, "governor", DOC_LIMITS, v,
            "the clock speed follows the load, so a strategy that keeps more PUs busy runs at another "
            "frequency than serial, and repetitions differ",
            "set the performance governor for the run: `cpupower frequency-set -g performance` (as root)");
}

static void doc_boost(doc *d) {
  char v[64];
  if (doc_read("/sys/devices/system/cpu/intel_pstate/no_turbo", v, sizeof v) == 0) {
    if (strcmp(v, "1") == 0)
      doc_add(d, "turbo", DOC_OK, "off",
              "turbo boost is off: the frequency does not depend on how many cores are busy", NULL);
    else
      doc_add(d, "turbo", DOC_LIMITS, "on",
              "turbo boost is on: one busy core runs faster than several, so speedups at more workers come "
              "out lower than the hardware's, and heat changes figures over a run",
              "turn it off for the run: `echo 1 > /sys/devices/system/cpu/intel_pstate/no_turbo` (as root)");
    return;
  }
  if (doc_read("/sys/devices/system/cpu/cpufreq/boost", v, sizeof v) == 0) {
    if (strcmp(v, "0") == 0)
      doc_add(d, "turbo", DOC_OK, "off", "frequency boost is off", NULL);
    else
      doc_add(d, "turbo", DOC_LIMITS, "on",
              "frequency boost is on: one busy core runs faster than several, so speedups at more workers "
              "come out lower than the hardware's",
              "turn it off for the run: `echo 0 > /sys/devices/system/cpu/cpufreq/boost` (as root)");
    return;
  }
  doc_add(d, "turbo", DOC_UNKNOWN, NULL,
          "neither /sys/devices/system/cpu/intel_pstate/no_turbo nor /sys/devices/system/cpu/cpufreq/boost "
          "exists (a VM, or a driver without a boost switch): whether the clock boosts cannot be read",
          NULL);
}

static void doc_smt(doc *d) {
  char v[64];
  if (doc_read("/sys/devices/system/cpu/smt/control", v, sizeof v) != 0) {
    doc_add(d, "smt", DOC_UNKNOWN, NULL,
            "/sys/devices/system/cpu/smt/control is absent: whether PUs share cores "
            "cannot be read here (`gilbench topo` shows the topology)",
            NULL);
    return;
  }
  if (strcmp(v, "on") == 0)
    doc_add(d, "smt", DOC_LIMITS, v,
            "SMT is on: pairs of PUs share one core, so workers placed on siblings scale far less than on "
            "separate cores, and unbound runs land either way",
            "bind workers to separate cores (`--bind cores`), or turn SMT off for the run: "
            "`echo off > /sys/devices/system/cpu/smt/control` (as root)");
  else
    doc_add(d, "smt", DOC_OK, v, "every PU is a core of its own (SMT is off or not supported)", NULL);
}

/* Load and steal over sample_ms, from /proc/stat (gilbench itself sleeps meanwhile). */
static void doc_load(doc *d, int sample_ms) {
  char p[4096];
  doc_path(p, sizeof p, "/proc/stat");
  if (sample_ms <= 0) {
    doc_add(d, "load", DOC_UNKNOWN, NULL, "not sampled (run `gilbench doctor`)", NULL);
    doc_add(d, "steal", DOC_UNKNOWN, NULL, "not sampled (run `gilbench doctor`)", NULL);
    return;
  }
  unsigned long long a[8] = {0}, b[8] = {0};
  int ok = 1;
  for (int k = 0; k < 2 && ok; k++) {
    FILE *f = fopen(p, "r");
    unsigned long long *v = k ? b : a;
    ok = f && fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
                     &v[5], &v[6], &v[7]) == 8;
    if (f) fclose(f);
    if (ok && k == 0) {
      struct timespec ts = {sample_ms / 1000, (long)(sample_ms % 1000) * 1000000L};
      while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
      }
    }
  }
  long hz = sysconf(_SC_CLK_TCK);
  if (!ok || hz <= 0) {
    doc_add(d, "load", DOC_UNKNOWN, NULL, "/proc/stat is not readable here", NULL);
    doc_add(d, "steal", DOC_UNKNOWN, NULL, "/proc/stat is not readable here", NULL);
    return;
  }
  double secs = sample_ms * 1e-3, tick = 1.0 / (double)hz;
  double busy =
      (double)((b[0] + b[1] + b[2] + b[5] + b[6]) - (a[0] + a[1] + a[2] + a[5] + a[6])) * tick / secs;
  double res = 2.0 * tick / secs;
  unsigned long long ta = 0, tb = 0;
  for (int i = 0; i < 8; i++)
    ta += a[i], tb += b[i];
  double steal = tb > ta ? (double)(b[7] - a[7]) / (double)(tb - ta) : 0;
  char v[64], det[256];
  snprintf(v, sizeof v, "%.2f CPUs", busy);
  if (busy - res > GB_NOISE_OTHER_LOAD_MAX) {
    snprintf(det, sizeof det,
             "other processes kept %.2f CPUs busy over %d ms: they take time from the workers, "
             "most from the strategies with the most workers",
             busy, sample_ms);
    doc_add(d, "load", DOC_LIMITS, v, det,
            "stop other work before measuring; gilbench flags each cell measured under load");
  } else {
    snprintf(det, sizeof det, "the machine was idle over %d ms (within %.2f CPUs)", sample_ms, res);
    doc_add(d, "load", DOC_OK, v, det, NULL);
  }
  snprintf(v, sizeof v, "%.1f%%", steal * 100);
  if (steal > GB_NOISE_STEAL_MAX)
    doc_add(d, "steal", DOC_LIMITS, v,
            "the hypervisor ran other guests on this VM's CPUs: the workers wait without "
            "knowing, and figures vary with the neighbours' load",
            "measure on a dedicated host or instance");
  else
    doc_add(d, "steal", DOC_OK, v, "the hypervisor took (almost) nothing", NULL);
}

static void doc_paranoid(doc *d) {
  char v[32];
  if (doc_read("/proc/sys/kernel/perf_event_paranoid", v, sizeof v) != 0) {
    doc_add(d, "perf_event_paranoid", DOC_UNKNOWN, NULL,
            "/proc/sys/kernel/perf_event_paranoid is absent: the kernel has no perf events", NULL);
    return;
  }
  if (atoi(v) <= 2)
    doc_add(d, "perf_event_paranoid", DOC_OK, v, "gilbench may open per-thread counters of its own workers",
            NULL);
  else
    doc_add(d, "perf_event_paranoid", DOC_LIMITS, v,
            "unprivileged processes may not open perf events: no counters but getrusage's",
            "`sysctl kernel.perf_event_paranoid=2` (as root)");
}

static void doc_counters(doc *d) {
  static const char *const pmus[] = {"/sys/bus/event_source/devices/cpu",
                                     "/sys/bus/event_source/devices/cpu_core",
                                     "/sys/bus/event_source/devices/armv8_pmuv3_0"};
  for (size_t i = 0; i < GB_ARRAY_LEN(pmus); i++)
    if (doc_exists(pmus[i])) {
      doc_add(d, "counters", DOC_OK, "hardware",
              "the kernel exposes a hardware PMU: instructions, cycles, "
              "cache and branch counters can be read",
              NULL);
      return;
    }
  if (!doc_exists("/sys/bus/event_source/devices")) {
    doc_add(d, "counters", DOC_UNKNOWN, NULL,
            "/sys/bus/event_source/devices is absent: which counters exist "
            "cannot be read (`gilbench list counters` tries them)",
            NULL);
    return;
  }
  doc_add(d, "counters", DOC_LIMITS, "software only",
          "no hardware PMU (a VM without PMU passthrough): instructions, cycles, cache and branch counters "
          "are unavailable; software counters (task-clock, context switches, migrations, faults) still work",
          "measure on bare metal, or enable PMU passthrough in the hypervisor (KVM: `-cpu host,pmu=on`)");
}

static void doc_thp(doc *d) {
  char v[128];
  if (doc_read("/sys/kernel/mm/transparent_hugepage/enabled", v, sizeof v) != 0) {
    doc_add(d, "thp", DOC_UNKNOWN, NULL, "/sys/kernel/mm/transparent_hugepage/enabled is absent", NULL);
    return;
  }
  const char *open = strchr(v, '['), *close = open ? strchr(open, ']') : NULL;
  char mode[32] = "?";
  if (open && close && close - open - 1 < (long)sizeof mode)
    snprintf(mode, sizeof mode, "%.*s", (int)(close - open - 1), open + 1);
  if (strcmp(mode, "always") == 0)
    doc_add(
        d, "thp", DOC_LIMITS, mode,
        "transparent huge pages are always on: whether an allocation-heavy kernel (binary-trees) gets huge "
        "pages depends on memory fragmentation and khugepaged, so repetitions differ",
        "`echo madvise > /sys/kernel/mm/transparent_hugepage/enabled` (as root)");
  else
    doc_add(d, "thp", DOC_OK, mode, "huge pages only where a program asks for them", NULL);
}

static void doc_aslr(doc *d) {
  char v[32];
  if (doc_read("/proc/sys/kernel/randomize_va_space", v, sizeof v) != 0) {
    doc_add(d, "aslr", DOC_UNKNOWN, NULL, "/proc/sys/kernel/randomize_va_space is absent", NULL);
    return;
  }
  if (strcmp(v, "0") == 0)
    doc_add(d, "aslr", DOC_OK, "off", "addresses are the same every run", NULL);
  else
    doc_add(d, "aslr", DOC_OK, "on",
            "addresses differ from run to run, and with them cache and TLB aliasing; gilbench's repetitions "
            "(each a fresh process) sample that spread rather than hide it",
            NULL);
}

json_t *gb_doctor_json(int sample_ms) {
  doc d = {json_array(), 0};
  doc_governor(&d);
  doc_boost(&d);
  doc_smt(&d);
  doc_load(&d, sample_ms);
  doc_paranoid(&d);
  doc_counters(&d);
  doc_thp(&d);
  doc_aslr(&d);
  json_t *limits = json_array(), *unknown = json_array();
  size_t i;
  json_t *it;
  json_array_foreach(d.items, i, it) {
    const char *st = json_string_value(json_object_get(it, "status"));
    if (strcmp(st, "limits") == 0) json_array_append(limits, json_object_get(it, "name"));
    if (strcmp(st, "unknown") == 0) json_array_append(unknown, json_object_get(it, "name"));
  }
  return json_pack("{s:s,s:s,s:o,s:o,s:o}", "schema", "gilbench-doctor/1", "status",
                   d.limits ? "limited" : "ok", "limits", limits, "unknown", unknown, "items", d.items);
}

json_t *gb_doctor_summary(int sample_ms) {
  json_t *full = gb_doctor_json(sample_ms);
  json_t *s = json_pack("{s:O,s:O,s:O}", "status", json_object_get(full, "status"), "limits",
                        json_object_get(full, "limits"), "unknown", json_object_get(full, "unknown"));
  json_decref(full);
  return s;
}

int gb_doctor_print(FILE *out, int as_json) {
  json_t *r = gb_doctor_json(500);
  int limited = json_array_size(json_object_get(r, "limits")) > 0;
  if (as_json) {
    json_dumpf(r, out, JSON_INDENT(2));
    fputc('\n', out);
  } else {
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r, "items"), i, it) {
      const char *value = json_string_value(json_object_get(it, "value"));
      fprintf(out, "%-20s %-8s %-14s %s\n", json_string_value(json_object_get(it, "name")),
              json_string_value(json_object_get(it, "status")), value ? value : "-",
              json_string_value(json_object_get(it, "detail")));
      const char *advice = json_string_value(json_object_get(it, "advice"));
      if (advice) fprintf(out, "%-20s %-8s %-14s what to do: %s\n", "", "", "", advice);
    }
    fprintf(out, "\n%s\n",
            limited ? "something limits measurements here (the items marked limits say what to do)"
                    : "nothing found that limits measurements here");
  }
  json_decref(r);
  return limited;
}
