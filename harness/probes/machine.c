/* machine.c: see machine.h. Read from /proc, /sys, cpuid and the libraries themselves; nothing
 * here is guessed: what cannot be read is null. */
#include "machine.h"

#include <errno.h>
#include <gsl/gsl_version.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gb.h"
#include "topo.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#ifdef GB_HAVE_HWLOC
#include <hwloc.h>
#endif
#ifndef GB_HWLOC_VERSION
#define GB_HWLOC_VERSION "?"
#endif
#ifndef GB_PAPI_VERSION
#define GB_PAPI_VERSION "?"
#endif
#ifdef GB_HAVE_PAPI
#include <papi.h>
#endif

/* First value of `key` in /proc/cpuinfo into buf; 0 found, -ENOENT not (or no /proc/cpuinfo). */
static int machine_cpuinfo(const char *key, char *buf, size_t len) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return -ENOENT;
  char line[4096];
  size_t kl = strlen(key);
  int found = -ENOENT;
  while (found < 0 && fgets(line, sizeof line, f)) {
    if (strncmp(line, key, kl) != 0 || (line[kl] != ' ' && line[kl] != '\t' && line[kl] != ':')) continue;
    char *c = strchr(line, ':');
    if (!c) continue;
    c++;
    while (*c == ' ')
      c++;
    c[strcspn(c, "\n")] = '\0';
    snprintf(buf, len, "%s", c);
    found = 0;
  }
  fclose(f);
  return found;
}

static json_t *cpuinfo_json(const char *key) {
  char v[1024];
  return machine_cpuinfo(key, v, sizeof v) == 0 ? json_string(v) : json_null();
}

static json_t *cpuinfo_int(const char *key) {
  char v[64];
  return machine_cpuinfo(key, v, sizeof v) == 0 ? json_integer(strtol(v, NULL, 0)) : json_null();
}

/* A kHz value from a cpufreq file as MHz, or null. */
static json_t *khz(const char *file) {
  char p[128];
  snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu0/cpufreq/%s", file);
  FILE *f = fopen(p, "r");
  long v;
  json_t *r = json_null();
  if (!f) return r;
  if (fscanf(f, "%ld", &v) == 1) {
    json_decref(r);
    r = json_real((double)v / 1000.0);
  }
  fclose(f);
  return r;
}

static json_t *frequency_json(void) {
  json_t *o = json_object();
  FILE *g = fopen("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "r");
  char gov[64] = "", mhz[64];
  if (g) {
    if (fgets(gov, sizeof gov, g)) gov[strcspn(gov, "\n")] = '\0';
    fclose(g);
  }
  json_object_set_new(o, "governor", gov[0] ? json_string(gov) : json_null());
  json_object_set_new(o, "cur_mhz", khz("scaling_cur_freq"));
  json_object_set_new(o, "min_mhz", khz("cpuinfo_min_freq"));
  json_object_set_new(o, "max_mhz", khz("cpuinfo_max_freq"));
  json_object_set_new(o, "cpuinfo_mhz",
                      machine_cpuinfo(("cpu MHz"), mhz, sizeof mhz) == 0 ? json_real(strtod(mhz, NULL))
                                                                         : json_null());
  json_object_set_new(
      o, "source",
      json_string(g ? "cpufreq (cpu0)"
                    : "/proc/cpuinfo (no cpufreq: frequency scaling not exposed, as in most VMs)"));
  return o;
}

/* Flags of interest for comparing runs (SIMD width, hypervisor, constant TSC). */
static json_t *flags_json(void) {
  static const char *const wanted[] = {"hypervisor", "avx",          "avx2",        "avx512f", "sse4_2",
                                       "fma",        "constant_tsc", "nonstop_tsc", "ht"};
  char flags[4096];
  json_t *a = json_array();
  if (machine_cpuinfo("flags", flags, sizeof flags) != 0 &&
      machine_cpuinfo("Features", flags, sizeof flags) != 0)
    return a;
  for (size_t i = 0; i < GB_ARRAY_LEN(wanted); i++) {
    size_t n = strlen(wanted[i]);
    for (char *p = strstr(flags, wanted[i]); p; p = strstr(p + 1, wanted[i]))
      if ((p == flags || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) {
        json_array_append_new(a, json_string(wanted[i]));
        break;
      }
  }
  return a;
}

json_t *gb_machine_cpu_json(void) {
  const gb_topo *t = gb_topo_machine();
  json_t *topo = gb_topo_json(t);
  json_t *o = json_object();
  json_object_set_new(o, "model", cpuinfo_json("model name"));
  json_object_set_new(o, "vendor", cpuinfo_json("vendor_id"));
  json_object_set_new(o, "family", cpuinfo_int("cpu family"));
  json_object_set_new(o, "model_number", cpuinfo_int("model"));
  json_object_set_new(o, "stepping", cpuinfo_int("stepping"));
  json_object_set_new(o, "pus", json_integer(gb_topo_npus(t)));
  json_object_set_new(o, "cores", json_integer(gb_topo_ncores(t)));
  json_object_set_new(o, "packages", json_integer(gb_topo_npackages(t)));
  json_object_set_new(o, "numa_nodes", json_integer(gb_topo_nnuma(t)));
  json_object_set_new(o, "smt",
                      json_object_get(topo, "smt") ? json_incref(json_object_get(topo, "smt")) : json_null());
  json_object_set_new(o, "caches", json_incref(json_object_get(topo, "caches")));
  json_object_set_new(o, "frequency", frequency_json());
  json_object_set_new(o, "flags", flags_json());
  json_decref(topo);
  return o;
}

json_t *gb_machine_vm_json(void) {
  char hv[13] = "", text[256] = "";
  int vm = 0;
  const char *evidence = "no hypervisor bit in cpuid, no /sys/hypervisor";
#if defined(__x86_64__) || defined(__i386__)
  unsigned a, b, c, d;
  if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 31))) { /* the hypervisor-present bit */
    vm = 1;
    evidence = "cpuid: hypervisor bit";
    __cpuid(0x40000000, a, b, c, d);
    memcpy(hv, &b, 4);
    memcpy(hv + 4, &c, 4);
    memcpy(hv + 8, &d, 4);
    hv[12] = '\0';
  }
#endif
  FILE *f = fopen("/sys/hypervisor/type", "r");
  if (f) {
    if (fgets(text, sizeof text, f)) text[strcspn(text, "\n")] = '\0';
    fclose(f);
    if (text[0] && !vm) {
      vm = 1;
      evidence = "/sys/hypervisor/type";
      snprintf(hv, sizeof hv, "%.12s", text);
    }
  }
  const char *name = strncmp(hv, "KVMKVMKVM", 9) == 0       ? "KVM"
                     : strcmp(hv, "Microsoft Hv") == 0      ? "Hyper-V"
                     : strncmp(hv, "VMwareVMware", 12) == 0 ? "VMware"
                     : strncmp(hv, "XenVMMXenVMM", 12) == 0 ? "Xen"
                     : strncmp(hv, "TCGTCGTCGTCG", 12) == 0 ? "QEMU (TCG)"
                     : strncmp(hv, "VBoxVBoxVBox", 12) == 0 ? "VirtualBox"
                     : hv[0]                                ? hv
                                                            : NULL;
  return json_pack("{s:b,s:o,s:s}", "vm", vm, "hypervisor", name ? json_string(name) : json_null(),
                   "evidence", evidence);
}

double gb_machine_steal_s(void) {
  FILE *f = fopen("/proc/stat", "r");
  if (!f) return NAN;
  unsigned long long v[8] = {0};
  int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                 &v[6], &v[7]);
  fclose(f);
  long hz = sysconf(_SC_CLK_TCK);
  return n == 8 && hz > 0 ? (double)v[7] / (double)hz : NAN;
}

json_t *gb_machine_libraries_json(void) {
  json_t *o = json_object();
  json_object_set_new(o, "jansson", json_string(JANSSON_VERSION));
  json_object_set_new(o, "gsl", json_string(GSL_VERSION));
#ifdef GB_HAVE_HWLOC
  unsigned hv = hwloc_get_api_version();
  char h[96];
  snprintf(h, sizeof h, "%s (API %u.%u.%u at run time)", GB_HWLOC_VERSION, hv >> 16, (hv >> 8) & 0xff,
           hv & 0xff);
  json_object_set_new(o, "hwloc", json_string(h));
#else
  json_object_set_new(o, "hwloc", json_null());
#endif
#ifdef GB_HAVE_PAPI
  json_object_set_new(o, "papi", json_string(GB_PAPI_VERSION));
#else
  json_object_set_new(o, "papi", json_null());
#endif
  json_object_set_new(o, "libuv", json_null()); /* the async strategy sets it when linked */
#if defined(GB_HAVE_OPENMP) && defined(_OPENMP)
  json_object_set_new(o, "openmp", json_integer(_OPENMP));
#else
  json_object_set_new(o, "openmp", json_null());
#endif
  json_object_set_new(o, "python", json_null()); /* until the embedded-CPython strategies exist */
  json_object_set_new(o, "mpi", json_null());    /* until the mpi strategy exists */
  return o;
}
