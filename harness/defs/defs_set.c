/* defs_set.c: a workload's parameters by key (gb_workload_set, profiles, the canonical list). */
#include "defs_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "ioop.h"
#include "keys.h"
#include "params.h"
#include "strategies.h"
#include "topo.h"

/* ---------------------------------------------------------------------------------------------
 * Parameter tables of the workload's own settings (parsed like any kernel parameter) */

/* Parse value for def, with "KEY: " before any message. */
int gb_defs_parse_keyed(const gb_param_def *def, const char *key, const char *value, int64_t *out, char *err,
                        size_t errlen) {
  char msg[512];
  if (gb_param_parse(def, value, out, msg, sizeof msg) == 0) return 0;
  return gb_defs_fail(err, errlen, "%s: %s", key, msg);
}

/* A name usable in [group.NAME] and [profile.NAME]: within the name character set (gb.h), without
 * '.' and '+' (a dot would end NAME inside a section title). */
bool gb_defs_valid_name(const char *s, size_t n) {
  if (n == 0 || n >= GB_NAME_MAX || !isalnum((unsigned char)s[0])) return false;
  for (size_t i = 0; i < n; i++)
    if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-') return false;
  return true;
}

/* Parse "N" at s (1..GB_MAX_PHASES) followed by '\0' or '.'; returns the end or NULL. */
const char *gb_defs_parse_phase_no(const char *s, int *n) {
  if (!isdigit((unsigned char)*s) || *s == '0') return NULL;
  int v = 0;
  for (; isdigit((unsigned char)*s); s++) {
    v = v * 10 + (*s - '0');
    if (v > 1000) return NULL;
  }
  if (*s != '\0' && *s != '.') return NULL;
  *n = v;
  return s;
}

/* ---------------------------------------------------------------------------------------------
 * Workload: parameters by key */

int gb_defs_group_index(const gb_workload *wl, const char *name, size_t n) {
  for (int g = 0; g < wl->ngroups; g++)
    if (strlen(wl->groups[g].name) == n && strncmp(wl->groups[g].name, name, n) == 0) return g;
  return -1;
}

/* Qualified key of phase p of group g's parameter `param` ("phase.1.n", "group.io.phase.1.n"). */
static void phase_key(const gb_workload *wl, int g, int p, const char *param, char *buf, size_t len) {
  if (wl->single_group)
    snprintf(buf, len, "phase.%d.%s", p + 1, param);
  else
    snprintf(buf, len, "group.%s.phase.%d.%s", wl->groups[g].name, p + 1, param);
}

typedef struct key_list {
  char *buf;
  size_t len;
} key_list;

static void key_list_add(void *user, const char *key, int64_t value, const char *text) {
  (void)value;
  (void)text;
  key_list *kl = user;
  gb_defs_append(kl->buf, kl->len, "%s%s", *kl->buf ? ", " : "", key);
}

/* The workload's valid keys, comma-separated, into buf. */
static void workload_keys(const gb_workload *wl, char *buf, size_t len) {
  buf[0] = '\0';
  key_list kl = {buf, len};
  gb_workload_params_each(wl, key_list_add, &kl);
}

/* A phase's kernel (kernel = NAME) or I/O op (io = OP), with its parameters' defaults. */
static int set_runner(gb_phase *ph, const gb_key *k, const char *text, char *msg, size_t msglen) {
  if (ph->kernel || ph->op) { /* the other of the pair was set (set twice is caught earlier) */
    snprintf(msg, msglen, "a phase runs a kernel or an I/O op, not both");
    return -1;
  }
  char known[1024] = "";
  if (k->id == GB_K_IO && (ph->op = gb_ioop_find(text))) {
    ph->kind = GB_PHASE_IO;
    memset(&ph->params, 0, sizeof ph->params);
    for (int i = 0; i < ph->op->nparams && i < GB_MAX_PARAMS; i++)
      ph->params.v[i] = ph->op->params[i].def;
    return 0;
  }
  if (k->id == GB_K_KERNEL && (ph->kernel = gb_kernel_find(text))) {
    ph->kind = GB_PHASE_CPU;
    gb_kparams_defaults(ph->kernel, &ph->params);
    return 0;
  }
  for (int i = 0; k->id == GB_K_IO && gb_ioops[i]; i++)
    gb_defs_append(known, sizeof known, "%s%s", i ? ", " : "", gb_ioops[i]->name);
  for (int i = 0; k->id == GB_K_KERNEL && gb_kernels[i]; i++)
    gb_defs_append(known, sizeof known, "%s%s", i ? ", " : "", gb_kernels[i]->name);
  snprintf(msg, msglen, "unknown %s '%s' (known: %s)", k->id == GB_K_IO ? "I/O op" : "kernel", text, known);
  return -1;
}

/* Store the parsed value of a definition key: one case per key id. The whole message in msg
 * (with `as`, the key as written, where it needs the key). */
static int def_store(gb_workload *wl, int g, int p, const gb_key *k, const gb_key_value *v, const char *as,
                     char *msg, size_t msglen) {
  gb_group *gr = &wl->groups[g];
  switch (k->id) {
  case GB_K_NAME:
    if (gb_name_valid(v->text) && gb_defs_copy_fits(wl->name, sizeof wl->name, v->text)) return 0;
    snprintf(msg, msglen, "%s: '%s' is not a name (%s)", as, v->text, GB_NAME_CHARSET);
    return -1;
  case GB_K_SUMMARY:
    if (gb_defs_copy_fits(wl->summary, sizeof wl->summary, v->text)) return 0;
    snprintf(msg, msglen, "%s: longer than %zu characters", as, sizeof wl->summary - 1);
    return -1;
  case GB_K_KIND: wl->kind = (gb_workload_kind)v->i; return 0;
  case GB_K_MEASURE: wl->measure = (gb_measure)v->i; return 0;
  case GB_K_SCHEDULE: wl->schedule = (gb_schedule)v->i; return 0;
  case GB_K_CHUNK: wl->chunk = v->i; return 0;
  case GB_K_TASKS: gr->tasks = v->i; return 0;
  case GB_K_INPUT_BYTES: gr->input_bytes = v->i; return 0;
  case GB_K_OUTPUT_BYTES: gr->output_bytes = v->i; return 0;
  case GB_K_KERNEL:
  case GB_K_IO: return set_runner(&gr->phases[p], k, v->text, msg, msglen);
  case GB_K_PYTHON: gr->phases[p].python = (gb_python_mode)v->i; return 0;
  default: snprintf(msg, msglen, "%s: not a workload definition key", as); return -1;
  }
}

const gb_key *gb_defs_key(const char *name, unsigned where) {
  const gb_key *k = gb_key_by_name(name, where);
  return k && k->id != GB_K_NONE && !k->command ? k : NULL;
}

int gb_defs_set_key(gb_workload *wl, int g, int p, const gb_key *k, const char *as, const char *value,
                    char *err, size_t errlen) {
  gb_key_value v;
  char msg[1536];
  int rc = gb_key_parse(k, value, &v, msg, sizeof msg);
  if (rc != 0) return gb_defs_fail(err, errlen, "%s: %s", as, msg);
  rc = def_store(wl, g, p, k, &v, as, msg, sizeof msg);
  gb_key_value_free(&v);
  return rc == 0 ? 0 : gb_defs_fail(err, errlen, "%s", msg);
}

/* A phase's parameter table (its kernel's or its I/O op's), and "kernel 'x'" / "I/O op 'x'" for
 * messages. NULL while the phase has neither. */
static const gb_param_def *phase_params(const gb_phase *ph, int *n, char *what, size_t len) {
  if (ph->kind == GB_PHASE_IO && ph->op) {
    if (what) snprintf(what, len, "I/O op '%s'", ph->op->name);
    *n = ph->op->nparams;
    return ph->op->params;
  }
  if (ph->kernel) {
    if (what) snprintf(what, len, "kernel '%s'", ph->kernel->name);
    *n = ph->kernel->nparams;
    return ph->kernel->params;
  }
  *n = 0;
  return NULL;
}

/* Set parameter `param` of phase p (0-based) of group g. */
int gb_defs_set_phase_param(gb_workload *wl, int g, int p, const char *param, const char *value, char *err,
                            size_t errlen) {
  char qkey[256];
  phase_key(wl, g, p, param, qkey, sizeof qkey);
  gb_phase *ph = &wl->groups[g].phases[p];
  int np;
  char what[GB_NAME_MAX + 16];
  const gb_param_def *defs = phase_params(ph, &np, what, sizeof what);
  if (!defs) return gb_defs_fail(err, errlen, "%s: the phase has no kernel or I/O op", qkey);
  int i = gb_param_find(defs, np, param);
  if (i < 0) {
    char known[512] = "";
    for (int j = 0; j < np; j++)
      gb_defs_append(known, sizeof known, "%s%s", j ? ", " : "", defs[j].name);
    return gb_defs_fail(err, errlen, "unknown key '%s': %s has %s%s", qkey, what,
                        *known ? "parameters " : "no parameters", known);
  }
  return gb_defs_parse_keyed(&defs[i], qkey, value, &ph->params.v[i], err, errlen);
}

/* "phase.N.PARAM" (rest = "N.PARAM") within group g. */
static int set_phase_key(gb_workload *wl, int g, const char *key, const char *rest, const char *value,
                         char *err, size_t errlen) {
  int n = 0;
  const char *dot = gb_defs_parse_phase_no(rest, &n);
  if (!dot || *dot != '.' || !dot[1]) return gb_defs_fail(err, errlen, "malformed key '%s'", key);
  if (n > wl->groups[g].nphases)
    return gb_defs_fail(err, errlen, "unknown key '%s': %s has %d phase%s", key,
                        wl->single_group ? "the workload" : wl->groups[g].name, wl->groups[g].nphases,
                        wl->groups[g].nphases == 1 ? "" : "s");
  return gb_defs_set_phase_param(wl, g, n - 1, dot + 1, value, err, errlen);
}

/* A bare parameter name: accepted when exactly one phase has it. */
static int set_bare(gb_workload *wl, const char *key, const char *value, char *err, size_t errlen) {
  int found = 0, fg = -1, fp = -1;
  char where[1024] = "";
  for (int g = 0; g < wl->ngroups; g++)
    for (int p = 0; p < wl->groups[g].nphases; p++) {
      int np;
      const gb_param_def *defs = phase_params(&wl->groups[g].phases[p], &np, NULL, 0);
      if (!defs || gb_param_find(defs, np, key) < 0) continue;
      char q[256];
      phase_key(wl, g, p, key, q, sizeof q);
      gb_defs_append(where, sizeof where, "%s%s", found ? ", " : "", q);
      found++, fg = g, fp = p;
    }
  if (found == 1) return gb_defs_set_phase_param(wl, fg, fp, key, value, err, errlen);
  if (found > 1)
    return gb_defs_fail(err, errlen, "key '%s' is ambiguous: %d phases have it; write one of %s", key, found,
                        where);
  char keys[1024];
  workload_keys(wl, keys, sizeof keys);
  return gb_defs_fail(err, errlen, "unknown key '%s' (workload '%s' has: %s)", key, wl->name, keys);
}

/* A key of the key table that --set takes ([workload] settings; a group's own keys in the
 * single-group form). */
static int set_table_key(gb_workload *wl, const gb_key *k, const char *key, const char *value, char *err,
                         size_t errlen) {
  if (!(k->where & GB_KW_GROUP) || wl->single_group)
    return gb_defs_set_key(wl, 0, -1, k, key, value, err, errlen);
  char where[512] = "";
  for (int g = 0; g < wl->ngroups; g++)
    gb_defs_append(where, sizeof where, "%sgroup.%s.%s", g ? ", " : "", wl->groups[g].name, key);
  return gb_defs_fail(err, errlen, "key '%s' is ambiguous in a workload with groups; write one of %s", key,
                      where);
}

/* group.G.KEY and group.G.phase.N.PARAM in a workload with groups. */
static int set_group_key(gb_workload *wl, const char *key, const char *value, char *err, size_t errlen) {
  const char *gname = key + 6, *dot = strchr(gname, '.');
  int g = dot ? gb_defs_group_index(wl, gname, (size_t)(dot - gname)) : -1;
  if (g < 0) {
    char names[512] = "";
    for (int i = 0; i < wl->ngroups; i++)
      gb_defs_append(names, sizeof names, "%s%s", i ? ", " : "", wl->groups[i].name);
    return gb_defs_fail(err, errlen, "unknown key '%s': workload '%s' has groups %s", key, wl->name, names);
  }
  const char *rest = dot + 1;
  if (strncmp(rest, "phase.", 6) == 0) return set_phase_key(wl, g, key, rest + 6, value, err, errlen);
  const gb_key *k = gb_defs_key(rest, GB_KW_GROUP);
  if (k) return gb_defs_set_key(wl, g, -1, k, key, value, err, errlen);
  char keys[1024];
  workload_keys(wl, keys, sizeof keys);
  return gb_defs_fail(err, errlen, "unknown key '%s' (workload '%s' has: %s)", key, wl->name, keys);
}

int gb_workload_set(gb_workload *wl, const char *key, const char *value, char *err, size_t errlen) {
  const gb_key *k = gb_defs_key(key, GB_KW_SET);
  if (k) return set_table_key(wl, k, key, value, err, errlen);
  if (strncmp(key, "phase.", 6) == 0) {
    if (!wl->single_group)
      return gb_defs_fail(err, errlen, "unknown key '%s': workload '%s' has groups; write group.G.%s", key,
                          wl->name, key);
    return set_phase_key(wl, 0, key, key + 6, value, err, errlen);
  }
  if (strncmp(key, "group.", 6) == 0 && !wl->single_group) return set_group_key(wl, key, value, err, errlen);
  if (!strchr(key, '.')) return set_bare(wl, key, value, err, errlen);
  char keys[1024];
  workload_keys(wl, keys, sizeof keys);
  return gb_defs_fail(err, errlen, "unknown key '%s' (workload '%s' has: %s)", key, wl->name, keys);
}

/* Apply one profile's overrides; messages carry the file and line of the override. */
int gb_workload_apply_profile(gb_workload *wl, const char *profile, char *err, size_t errlen) {
  if (!profile || !*profile || strcmp(profile, "default") == 0) return 0;
  int applied = 0;
  for (int i = 0; i < wl->nprofiles; i++) {
    const gb_override *o = &wl->profiles[i];
    if (strcmp(o->profile, profile) != 0) continue;
    char msg[1536];
    if (gb_workload_set(wl, o->key, o->value, msg, sizeof msg))
      return gb_defs_fail_at(err, errlen, wl->path, o->line, "%s", msg);
    applied++;
  }
  if (applied) return 0;
  char names[512] = "";
  for (int i = 0; i < wl->nprofiles; i++) {
    bool seen = false;
    for (int j = 0; j < i && !seen; j++)
      seen = !strcmp(wl->profiles[j].profile, wl->profiles[i].profile);
    if (!seen) gb_defs_append(names, sizeof names, "%s%s", *names ? ", " : "", wl->profiles[i].profile);
  }
  return gb_defs_fail(err, errlen, "workload '%s' has no profile '%s' (it has: %s)", wl->name, profile,
                      *names ? names : "none but default");
}

/* The value of a definition key --set takes: a setting of the workload, or group g's own key. */
static int64_t def_value(const gb_workload *wl, int g, const gb_key *k) {
  switch (k->id) {
  case GB_K_CHUNK: return wl->chunk;
  case GB_K_SCHEDULE: return wl->schedule;
  case GB_K_TASKS: return wl->groups[g].tasks;
  case GB_K_INPUT_BYTES: return wl->groups[g].input_bytes;
  case GB_K_OUTPUT_BYTES: return wl->groups[g].output_bytes;
  default: GB_ASSERT(!"a definition key --set takes that def_value does not read"); return 0;
  }
}

typedef void (*params_fn)(void *user, const char *key, int64_t value, const char *text);

/* fn over the key table's rows --set takes: group g's own keys (group: GB_KW_GROUP), or the
 * workload's settings (group: 0). */
static void settings_each(const gb_workload *wl, int g, unsigned group, params_fn fn, void *user) {
  char key[256], text[GB_PARAM_TEXT_MAX];
  for (int i = 0; i < gb_nkeys; i++) {
    const gb_key *k = &gb_keys[i];
    if ((k->where & (GB_KW_DEF | GB_KW_SET)) != (GB_KW_DEF | GB_KW_SET) || (k->where & GB_KW_GROUP) != group)
      continue;
    int64_t v = def_value(wl, g, k);
    if (group && !wl->single_group)
      snprintf(key, sizeof key, "group.%s.%s", wl->groups[g].name, k->name);
    else
      snprintf(key, sizeof key, "%s", k->name);
    gb_param_format(k->param, v, text, sizeof text);
    fn(user, key, v, text);
  }
}

void gb_workload_params_each(const gb_workload *wl, params_fn fn, void *user) {
  char key[256], text[GB_PARAM_TEXT_MAX];
  for (int g = 0; g < wl->ngroups; g++) {
    const gb_group *gr = &wl->groups[g];
    settings_each(wl, g, GB_KW_GROUP, fn, user);             /* tasks, input_bytes, output_bytes */
    if (wl->single_group) settings_each(wl, 0, 0, fn, user); /* chunk, schedule, then the phases */
    for (int p = 0; p < gr->nphases; p++) {
      int np;
      const gb_param_def *defs = phase_params(&gr->phases[p], &np, NULL, 0);
      for (int i = 0; defs && i < np; i++) {
        phase_key(wl, g, p, defs[i].name, key, sizeof key);
        gb_param_format(&defs[i], gr->phases[p].params.v[i], text, sizeof text);
        fn(user, key, gr->phases[p].params.v[i], text);
      }
    }
  }
  if (!wl->single_group) settings_each(wl, 0, 0, fn, user);
}
