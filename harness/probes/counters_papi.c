/* counters_papi.c: the PAPI counter backend. The library is initialised once, in the coordinator,
 * with thread support keyed on the kernel thread id (so a forked worker, whose pthread_self()
 * equals its parent's, is a new thread to PAPI). Each worker builds its own event set in
 * gb_worker_begin (registering its thread) and reads it in gb_worker_end. Events that do not fit
 * the hardware counters together are multiplexed. Built without PAPI, the backend still exists
 * and says why it cannot count. */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "counters.h"

/* Does the name look like a PAPI event (a preset, or a native "pmu::event")? */
static int papi_like(const char *event) {
  return strncmp(event, "PAPI_", 5) == 0 || strstr(event, "::") != NULL;
}

#ifdef GB_HAVE_PAPI
#include <papi.h>

static pthread_once_t papi_once = PTHREAD_ONCE_INIT;
static char papi_why[512]; /* why PAPI cannot count anything ("" when it can) */
static char papi_hw[512];  /* why PAPI's hardware events are missing ("" when some exist) */
static int papi_presets_avail, papi_presets_total, papi_ctrs, papi_domain_all;

static unsigned long papi_tid(void) {
  return (unsigned long)syscall(SYS_gettid);
}

static void papi_init(void) {
  int v = PAPI_library_init(PAPI_VER_CURRENT);
  if (v != PAPI_VER_CURRENT) {
    snprintf(papi_why, sizeof papi_why, "PAPI_library_init: %s",
             v > 0 ? "library version mismatch" : PAPI_strerror(v));
    return;
  }
  int rc = PAPI_thread_init(papi_tid);
  if (rc == PAPI_OK) rc = PAPI_multiplex_init();
  if (rc != PAPI_OK) {
    snprintf(papi_why, sizeof papi_why, "PAPI thread/multiplex init: %s", PAPI_strerror(rc));
    return;
  }
  const PAPI_component_info_t *ci = PAPI_get_component_info(0);
  papi_ctrs = PAPI_num_cmp_hwctrs(0);
  int code = PAPI_PRESET_MASK;
  if (PAPI_enum_event(&code, PAPI_ENUM_FIRST) == PAPI_OK) {
    do {
      papi_presets_total++;
      papi_presets_avail += PAPI_query_event(code) == PAPI_OK;
    } while (PAPI_enum_event(&code, PAPI_ENUM_EVENTS) == PAPI_OK);
  }
  if (!ci || ci->disabled) {
    snprintf(papi_hw, sizeof papi_hw, "PAPI's CPU component %.64s is disabled: %.300s", ci ? ci->name : "?",
             ci ? ci->disabled_reason : "no component 0");
  } else if (papi_presets_avail == 0) {
    char kernel[384];
    gb_counters_kernel_hw_reason(kernel, sizeof kernel);
    const PAPI_hw_info_t *hw = PAPI_get_hardware_info();
    const char *vendor = !hw || !hw->virtualized ? NULL
                         : strncmp(hw->virtual_vendor_string, "KVMKVMKVM", 9) == 0
                             ? "KVM"
                             : hw->virtual_vendor_string;
    snprintf(papi_hw, sizeof papi_hw, "0 of %d PAPI presets are usable: %s%s%s", papi_presets_total,
             vendor      ? "no hardware counters in this VM ("
             : kernel[0] ? "the kernel counts no hardware events"
                         : "this CPU has none PAPI knows",
             vendor ? vendor : "", vendor ? ")" : "");
  }
  /* Count kernel and user alike, as the perf backend does, where the kernel allows it: PAPI's
   * default (user only) would read 0 for kernel-side native events such as context switches. */
  if (ci && !ci->disabled) {
    int tc, es = PAPI_NULL;
    long long tv;
    rc = PAPI_set_cmp_domain((PAPI_DOM_USER | PAPI_DOM_KERNEL | PAPI_DOM_SUPERVISOR) & ci->available_domains,
                             0);
    if (rc == PAPI_OK && PAPI_event_name_to_code("perf::TASK-CLOCK", &tc) == PAPI_OK &&
        PAPI_create_eventset(&es) == PAPI_OK && PAPI_add_event(es, tc) == PAPI_OK &&
        PAPI_start(es) == PAPI_OK && PAPI_stop(es, &tv) == PAPI_OK)
      papi_domain_all = 1;
    else
      PAPI_set_cmp_domain(PAPI_DOM_USER, 0);
    if (es != PAPI_NULL) {
      PAPI_cleanup_eventset(es);
      PAPI_destroy_eventset(&es);
    }
  }
}

static const char *papi_unavailable(void) {
  pthread_once(&papi_once, papi_init);
  return papi_why[0] ? papi_why : NULL;
}

/* Create an event set for the calling thread with `n` codes; 0 or a PAPI error. */
static int papi_build(int *es, const int *codes, int n, int multiplex, int *failed) {
  *es = PAPI_NULL;
  *failed = -1;
  int rc = PAPI_create_eventset(es);
  if (rc != PAPI_OK) return rc;
  rc = PAPI_assign_eventset_component(*es, 0);
  if (rc == PAPI_OK && multiplex) rc = PAPI_set_multiplex(*es);
  for (int i = 0; rc == PAPI_OK && i < n; i++) {
    rc = PAPI_add_event(*es, codes[i]);
    if (rc != PAPI_OK) *failed = i;
  }
  return rc;
}

static void papi_destroy(int *es) {
  if (*es == PAPI_NULL) return;
  PAPI_cleanup_eventset(*es);
  PAPI_destroy_eventset(es);
  *es = PAPI_NULL;
}

static int papi_probe(const char *event, gb_counter_probe *p) {
  int in_catalog;
  const char *pname = gb_counters_papi_name(event, &in_catalog);
  if (in_catalog && !pname) {
    snprintf(p->reason, sizeof p->reason, "no PAPI preset for '%s'", event);
    return GB_PROBE_UNKNOWN;
  }
  if (!pname) pname = event;
  const char *why = papi_unavailable();
  if (why) {
    snprintf(p->reason, sizeof p->reason, "%s", why);
    return in_catalog || papi_like(event) ? GB_PROBE_UNAVAILABLE : GB_PROBE_UNKNOWN;
  }
  int code;
  int rc = PAPI_event_name_to_code(pname, &code);
  if (rc != PAPI_OK) {
    snprintf(p->reason, sizeof p->reason, "PAPI knows no event '%s' (%s)", pname, PAPI_strerror(rc));
    return in_catalog ? GB_PROBE_UNAVAILABLE : GB_PROBE_UNKNOWN;
  }
  PAPI_event_info_t info;
  snprintf(p->native, sizeof p->native, "%s", pname);
  if (PAPI_get_event_info(code, &info) == PAPI_OK && info.count > 0 && (code & PAPI_PRESET_MASK)) {
    size_t off = strlen(p->native);
    for (unsigned i = 0; i < info.count && off < sizeof p->native - 4; i++)
      off += (size_t)snprintf(p->native + off, sizeof p->native - off, "%s%s", i ? " " : " = ", info.name[i]);
  }
  rc = PAPI_query_event(code);
  if (rc == PAPI_OK) { /* it exists: does it really start here? */
    int es, failed;
    long long v = 0;
    rc = papi_build(&es, &code, 1, 0, &failed);
    if (rc == PAPI_OK) rc = PAPI_start(es);
    if (rc == PAPI_OK) rc = PAPI_stop(es, &v);
    papi_destroy(&es);
  }
  if (rc == PAPI_OK) {
    p->cfg[0] = (uint64_t)(uint32_t)code;
    if (!papi_domain_all) snprintf(p->reason, sizeof p->reason, "PAPI counts user space only");
    return GB_PROBE_OK;
  }
  snprintf(p->reason, sizeof p->reason, "PAPI cannot count %.64s here (%.80s)%s%.400s", pname,
           PAPI_strerror(rc), papi_hw[0] ? ": " : "", papi_hw);
  return rc == PAPI_EPERM ? GB_PROBE_DENIED : GB_PROBE_UNAVAILABLE;
}

/* The set's PAPI events, in set order: codes and their indexes. */
static int papi_events(const gb_counter_set *set, int *codes, int *idx) {
  int n = 0;
  for (int e = 0; e < set->n; e++) {
    if (set->ev[e].backend != &gb_counter_backend_papi) continue;
    codes[n] = (int)(uint32_t)set->ev[e].probe.cfg[0];
    idx[n++] = e;
  }
  return n;
}

/* Do the PAPI events fit the counters together? If not, multiplex them; an event that cannot be
 * added even then becomes unavailable with PAPI's reason. */
static void papi_prepare(gb_counter_set *set) {
  int codes[GB_MAX_COUNTERS], idx[GB_MAX_COUNTERS];
  int n = papi_events(set, codes, idx), es, failed;
  if (n == 0) return;
  int rc = papi_build(&es, codes, n, 0, &failed);
  if (rc == PAPI_OK) rc = PAPI_start(es);
  if (rc == PAPI_OK) {
    long long v[GB_MAX_COUNTERS];
    PAPI_stop(es, v);
    papi_destroy(&es);
    return;
  }
  papi_destroy(&es);
  set->papi_multiplex = 1;
  set->papi_fraction = papi_ctrs > 0 && papi_ctrs < n ? (double)papi_ctrs / n : 1.0;
  for (;;) { /* drop what cannot be multiplexed either, one at a time */
    n = papi_events(set, codes, idx);
    if (n == 0) return;
    rc = papi_build(&es, codes, n, 1, &failed);
    if (rc == PAPI_OK) rc = PAPI_start(es);
    if (rc == PAPI_OK) {
      long long v[GB_MAX_COUNTERS];
      PAPI_stop(es, v);
    }
    papi_destroy(&es);
    if (rc == PAPI_OK) return;
    gb_counter_event *ev = &set->ev[idx[failed >= 0 ? failed : n - 1]];
    snprintf(ev->tried, sizeof ev->tried,
             "papi: cannot be counted together with the other PAPI events, even "
             "multiplexed (%s)",
             PAPI_strerror(rc));
    ev->backend = NULL;
    ev->status = rc == PAPI_EPERM ? GB_CTR_DENIED : GB_CTR_UNAVAILABLE;
  }
}

static void papi_start(const gb_counter_set *set, gb_counter_worker *w) {
  int codes[GB_MAX_COUNTERS], idx[GB_MAX_COUNTERS], failed;
  int n = papi_events(set, codes, idx);
  int rc = PAPI_register_thread();
  w->papi_registered = rc == PAPI_OK;
  if (rc == PAPI_OK) rc = papi_build(&w->papi_set, codes, n, set->papi_multiplex, &failed);
  if (rc == PAPI_OK) rc = PAPI_start(w->papi_set);
  if (rc != PAPI_OK) {
    papi_destroy(&w->papi_set);
    w->papi_set = -1;
    w->papi_err = rc;
  }
}

static void papi_stop(const gb_counter_set *set, gb_counter_worker *w, gb_worker_out *out) {
  int codes[GB_MAX_COUNTERS], idx[GB_MAX_COUNTERS];
  int n = papi_events(set, codes, idx), rc = w->papi_err;
  long long v[GB_MAX_COUNTERS];
  if (w->papi_set != -1 && rc == 0) rc = PAPI_stop(w->papi_set, v);
  for (int i = 0; i < n; i++) {
    int e = idx[i];
    if (rc != PAPI_OK) {
      out->counter_status[e] = rc == PAPI_EPERM ? GB_CTR_DENIED : GB_CTR_UNAVAILABLE;
      out->counter_err[e] = rc;
    } else if (v[i] < 0) { /* PAPI's multiplexing had nothing to scale */
      out->counter_status[e] = GB_CTR_UNAVAILABLE;
      out->counter_err[e] = PAPI_EMISC;
    } else {
      out->counter_status[e] = set->papi_multiplex ? GB_CTR_MULTIPLEXED : GB_CTR_OK;
      out->counter_fraction[e] = set->papi_multiplex ? (float)set->papi_fraction : 1.0f;
      out->counter_value[e] = (uint64_t)v[i];
    }
  }
  if (w->papi_set != -1) papi_destroy(&w->papi_set);
  w->papi_set = -1;
  /* The process's first thread stays registered: it is the coordinator in threads and OpenMP. */
  if (w->papi_registered && syscall(SYS_gettid) != getpid()) PAPI_unregister_thread();
  w->papi_registered = 0;
}

static void papi_strerror(int code, char *buf, size_t len) {
  snprintf(buf, len, "%s%s%s", PAPI_strerror(code), papi_hw[0] ? ": " : "", papi_hw);
}

static json_t *papi_describe(void) {
  const char *why = papi_unavailable();
  json_t *o = json_object();
  int v = why ? (int)PAPI_VER_CURRENT : PAPI_get_opt(PAPI_LIB_VERSION, NULL);
  char ver[32];
  snprintf(ver, sizeof ver, "%d.%d.%d", PAPI_VERSION_MAJOR(v), PAPI_VERSION_MINOR(v),
           PAPI_VERSION_REVISION(v));
  json_object_set_new(o, "version", json_string(ver));
  if (why) return o;
  json_object_set_new(o, "hardware_counters", json_integer(papi_ctrs));
  json_object_set_new(o, "presets_usable", json_integer(papi_presets_avail));
  json_object_set_new(o, "presets_total", json_integer(papi_presets_total));
  json_object_set_new(o, "domain", json_string(papi_domain_all ? "user+kernel" : "user"));
  json_object_set_new(o, "hardware_reason", papi_hw[0] ? json_string(papi_hw) : json_null());
  const PAPI_hw_info_t *hw = PAPI_get_hardware_info();
  if (hw)
    json_object_set_new(o, "virtualized",
                        hw->virtualized ? json_string(hw->virtual_vendor_string) : json_false());
  json_t *comps = json_array();
  for (int i = 0; i < PAPI_num_components(); i++) {
    const PAPI_component_info_t *ci = PAPI_get_component_info(i);
    if (!ci) continue;
    json_array_append_new(comps, json_pack("{s:s,s:b,s:s,s:i,s:i,s:i}", "name", ci->name, "enabled",
                                           !ci->disabled, "reason", ci->disabled ? ci->disabled_reason : "",
                                           "counters", ci->num_cntrs, "native_events", ci->num_native_events,
                                           "presets", ci->num_preset_events));
  }
  json_object_set_new(o, "components", comps);
  return o;
}

#else /* built without PAPI */

static const char *papi_unavailable(void) {
  return "built without PAPI (libpapi-dev not found at configure time)";
}
static int papi_probe(const char *event, gb_counter_probe *p) {
  int in_catalog;
  const char *pname = gb_counters_papi_name(event, &in_catalog);
  snprintf(p->reason, sizeof p->reason, "%s", papi_unavailable());
  return (in_catalog && pname) || (!in_catalog && papi_like(event)) ? GB_PROBE_UNAVAILABLE : GB_PROBE_UNKNOWN;
}
#define papi_prepare NULL
static void papi_start(const gb_counter_set *set, gb_counter_worker *w) {
  (void)set, (void)w;
}
static void papi_stop(const gb_counter_set *set, gb_counter_worker *w, gb_worker_out *out) {
  (void)set, (void)w, (void)out;
}
static void papi_strerror(int code, char *buf, size_t len) {
  snprintf(buf, len, "error %d", code);
}
#define papi_describe NULL
#endif

static const char *const papi_events_list[] = {"PAPI_TOT_INS", "PAPI_TOT_CYC", "PAPI_BR_INS", "PAPI_BR_MSP",
                                               "PAPI_L1_DCA",  "PAPI_L1_DCM",  "PAPI_L2_TCA", "PAPI_L2_TCM",
                                               "PAPI_L3_TCA",  "PAPI_L3_TCM",  NULL};

const gb_counter_backend gb_counter_backend_papi = {
    .name = "papi",
    .summary = "PAPI hardware events (presets and native events), one event set per worker",
    .unavailable = papi_unavailable,
    .probe = papi_probe,
    .prepare = papi_prepare,
    .start = papi_start,
    .stop = papi_stop,
    .strerror = papi_strerror,
    .describe = papi_describe,
    .events = papi_events_list,
};
