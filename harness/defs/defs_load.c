/* defs_load.c: loading a workload definition file (gb_workload_load). */
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
 * Workload: loading */

typedef enum { SEC_WORKLOAD, SEC_PHASE, SEC_GROUP, SEC_GROUP_PHASE, SEC_PROFILE, SEC_UNKNOWN } sec_kind;

/* What a section name is; its group (name, length) and phase number where it has them. */
typedef struct sec_info {
  sec_kind kind;
  const char *group; /* points into the name */
  size_t group_len;
  int phase; /* 1-based */
  const char *profile;
} sec_info;

static sec_info classify(const char *name) {
  sec_info si = {.kind = SEC_UNKNOWN};
  const char *end;
  if (strcmp(name, "workload") == 0) {
    si.kind = SEC_WORKLOAD;
  } else if (strncmp(name, "phase.", 6) == 0) {
    if ((end = gb_defs_parse_phase_no(name + 6, &si.phase)) && !*end) si.kind = SEC_PHASE;
  } else if (strncmp(name, "profile.", 8) == 0) {
    if (gb_defs_valid_name(name + 8, strlen(name + 8))) si.kind = SEC_PROFILE, si.profile = name + 8;
  } else if (strncmp(name, "group.", 6) == 0) {
    si.group = name + 6;
    const char *dot = strchr(si.group, '.');
    si.group_len = dot ? (size_t)(dot - si.group) : strlen(si.group);
    if (!gb_defs_valid_name(si.group, si.group_len)) return si;
    if (!dot)
      si.kind = SEC_GROUP;
    else if (strncmp(dot, ".phase.", 7) == 0 && (end = gb_defs_parse_phase_no(dot + 7, &si.phase)) && !*end)
      si.kind = SEC_GROUP_PHASE;
  }
  return si;
}

typedef struct wl_loader {
  const char *path;
  const ini_doc *doc;
  gb_workload *wl;
  int phase_sec_line[GB_MAX_GROUPS][GB_MAX_PHASES]; /* line of each phase's section */
  int name_line; /* line of `name =`, 0 when the file name gives the name */
  char *err;
  size_t errlen;
} wl_loader;

/* Group index of section si (phase sections of the single-group form are group 0). */
static int loader_group(const wl_loader *ld, const sec_info *si) {
  if (si->kind == SEC_PHASE || si->kind == SEC_WORKLOAD) return 0;
  return gb_defs_group_index(ld->wl, si->group, si->group_len);
}

/* The group a [group.NAME] or [group.NAME.phase.N] section names, added when new. */
static int add_group(wl_loader *ld, const ini_section *s, const sec_info *si) {
  gb_workload *wl = ld->wl;
  if (gb_defs_group_index(wl, si->group, si->group_len) >= 0) return 0;
  if (wl->ngroups == GB_MAX_GROUPS)
    return gb_defs_fail_at(ld->err, ld->errlen, ld->path, s->line, "more than %d groups", GB_MAX_GROUPS);
  gb_group *g = &wl->groups[wl->ngroups++];
  memcpy(g->name, si->group, si->group_len);
  g->name[si->group_len] = '\0';
  g->line = s->line;
  return 0;
}

/* Sections of known kinds, [workload] present, one form (single group or groups), groups in
 * file order. */
static int load_section_kinds(wl_loader *ld) {
  const ini_doc *d = ld->doc;
  int single_line = 0, group_line = 0, wl_line = 0, rc = 0;
  for (int i = 0; i < d->nsections && !rc; i++) {
    const ini_section *s = &d->sections[i];
    sec_info si = classify(s->name);
    if (si.kind == SEC_UNKNOWN)
      return gb_defs_fail_at(ld->err, ld->errlen, ld->path, s->line,
                             "unknown section [%s] (expected [workload], [phase.N], [group.NAME], "
                             "[group.NAME.phase.N] or [profile.NAME])",
                             s->name);
    if (si.kind == SEC_PROFILE && strcmp(si.profile, "default") == 0)
      return gb_defs_fail_at(ld->err, ld->errlen, ld->path, s->line,
                             "[profile.default] is reserved: the plain values are the default profile");
    if (si.kind == SEC_WORKLOAD) wl_line = s->line;
    if (si.kind == SEC_PHASE && !single_line) single_line = s->line;
    if (si.kind == SEC_GROUP || si.kind == SEC_GROUP_PHASE) {
      if (!group_line) group_line = s->line;
      rc = add_group(ld, s, &si);
    }
  }
  if (rc) return rc;
  if (!wl_line) return gb_defs_fail_at(ld->err, ld->errlen, ld->path, 0, "no [workload] section");
  if (single_line && group_line)
    return gb_defs_fail_at(ld->err, ld->errlen, ld->path, single_line > group_line ? single_line : group_line,
                           "[phase.N] and [group.NAME] sections cannot be mixed: write every phase as "
                           "[group.NAME.phase.N] in a workload with groups");
  ld->wl->single_group = !group_line;
  if (ld->wl->single_group) {
    ld->wl->ngroups = 1;
    strcpy(ld->wl->groups[0].name, "main");
    ld->wl->groups[0].line = wl_line;
  }
  return 0;
}

/* Each group has phases numbered 1..N without gaps; its own keys start at their defaults. */
static int load_phase_numbers(wl_loader *ld) {
  const ini_doc *d = ld->doc;
  gb_workload *wl = ld->wl;
  for (int i = 0; i < d->nsections; i++) {
    sec_info si = classify(d->sections[i].name);
    if (si.kind != SEC_PHASE && si.kind != SEC_GROUP_PHASE) continue;
    if (si.phase > GB_MAX_PHASES)
      return gb_defs_fail_at(ld->err, ld->errlen, ld->path, d->sections[i].line, "[%s]: at most %d phases",
                             d->sections[i].name, GB_MAX_PHASES);
    int g = loader_group(ld, &si);
    ld->phase_sec_line[g][si.phase - 1] = d->sections[i].line;
    wl->groups[g].phases[si.phase - 1].line = d->sections[i].line;
    if (si.phase > wl->groups[g].nphases) wl->groups[g].nphases = si.phase;
  }
  for (int g = 0; g < wl->ngroups; g++) {
    gb_group *gr = &wl->groups[g];
    if (!gr->nphases && wl->single_group)
      return gb_defs_fail_at(ld->err, ld->errlen, ld->path, gr->line,
                             "no phases: add [phase.1] with kernel = NAME");
    if (!gr->nphases)
      return gb_defs_fail_at(ld->err, ld->errlen, ld->path, gr->line,
                             "group '%s' has no phases: add [group.%s.phase.1]", gr->name, gr->name);
    for (int p = 0; p < gr->nphases; p++) {
      if (ld->phase_sec_line[g][p]) continue;
      int q = p + 1;
      while (!ld->phase_sec_line[g][q])
        q++;
      return gb_defs_fail_at(ld->err, ld->errlen, ld->path, ld->phase_sec_line[g][q],
                             "phase %d follows no phase %d: phases are numbered 1, 2, ... without gaps",
                             q + 1, p + 1);
    }
    gr->tasks = def_tasks.def;
    gr->input_bytes = def_input.def;
    gr->output_bytes = def_output.def;
  }
  return 0;
}

/* A key of a [workload], [group.NAME] or [phase.N] section (where), through the key table: the
 * parser and messages --set and suites use, placed at the key's line. A phase's parameters are
 * not table keys: 1 for them (set once every phase's kernel is known). */
static int load_def_key(wl_loader *ld, const ini_entry *e, unsigned where, int g, int p) {
  gb_workload *wl = ld->wl;
  const gb_key *k = gb_defs_key(e->key, where);
  if (k && where == GB_KW_DEF && (k->where & GB_KW_GROUP) && !wl->single_group)
    return gb_defs_fail_at(ld->err, ld->errlen, ld->path, e->line,
                           "'%s' belongs in each [group.NAME] section in a workload with groups", e->key);
  if (!k && where == GB_KW_PHASE) return 1;
  if (!k) {
    char known[512];
    gb_keys_names(where, where == GB_KW_DEF && !wl->single_group ? GB_KW_GROUP : 0, known, sizeof known);
    return gb_defs_fail_at(ld->err, ld->errlen, ld->path, e->line, "unknown key '%s' in [%s] (expected %s)",
                           e->key, e->section, known);
  }
  char msg[1536];
  if (gb_defs_set_key(wl, g, p, k, e->key, e->value, msg, sizeof msg) != 0)
    return gb_defs_fail_at(ld->err, ld->errlen, ld->path, e->line, "%s", msg);
  if (k->id == GB_K_NAME) ld->name_line = e->line;
  return 0;
}

static int load_profile_key(wl_loader *ld, const ini_entry *e, const char *profile) {
  gb_workload *wl = ld->wl;
  wl->profiles = gb_xrealloc(wl->profiles, sizeof *wl->profiles * (size_t)(wl->nprofiles + 1));
  gb_override *o = &wl->profiles[wl->nprofiles++];
  memset(o, 0, sizeof *o);
  o->line = e->line;
  strcpy(o->profile, profile); /* gb_defs_valid_name() bounded it */
  if (!gb_defs_copy_fits(o->key, sizeof o->key, e->key) ||
      !gb_defs_copy_fits(o->value, sizeof o->value, e->value))
    return gb_defs_fail_at(ld->err, ld->errlen, ld->path, e->line, "key or value too long");
  return 0;
}

/* python = numpy only where the phase's kernel has a NumPy twin. */
static int load_check_python(wl_loader *ld) {
  for (int g = 0; g < ld->wl->ngroups; g++)
    for (int p = 0; p < ld->wl->groups[g].nphases; p++) {
      const gb_phase *ph = &ld->wl->groups[g].phases[p];
      if (ph->python != GB_PY_NUMPY || ph->kind != GB_PHASE_CPU || ph->kernel->numpy_twin) continue;
      char with[256] = "";
      for (int i = 0; gb_kernels[i]; i++)
        if (gb_kernels[i]->numpy_twin)
          gb_defs_append(with, sizeof with, "%s%s", with[0] ? ", " : "", gb_kernels[i]->name);
      return gb_defs_fail_at(ld->err, ld->errlen, ld->path, ph->line,
                             "python = numpy: kernel '%s' has no NumPy twin (kernels with one: %s)",
                             ph->kernel->name, with);
    }
  return 0;
}

/* Every entry, in file order: settings, kernels, profiles; then phase parameters. */
static int load_entries(wl_loader *ld) {
  const ini_doc *d = ld->doc;
  gb_workload *wl = ld->wl;
  int rc;
  for (int i = 0; i < d->nentries; i++) {
    const ini_entry *e = &d->entries[i];
    sec_info si = classify(e->section);
    switch (si.kind) {
    case SEC_WORKLOAD: rc = load_def_key(ld, e, GB_KW_DEF, 0, -1); break;
    case SEC_GROUP: rc = load_def_key(ld, e, GB_KW_GROUP, loader_group(ld, &si), -1); break;
    case SEC_PHASE:
    case SEC_GROUP_PHASE:
      rc = load_def_key(ld, e, GB_KW_PHASE, loader_group(ld, &si), si.phase - 1);
      if (rc == 1) rc = 0; /* a parameter: below */
      break;
    case SEC_PROFILE: rc = load_profile_key(ld, e, si.profile); break;
    default: rc = 0; break; /* unknown sections were refused already */
    }
    if (rc) return rc;
  }
  for (int g = 0; g < wl->ngroups; g++)
    for (int p = 0; p < wl->groups[g].nphases; p++)
      if (!wl->groups[g].phases[p].kernel && !wl->groups[g].phases[p].op)
        return gb_defs_fail_at(ld->err, ld->errlen, ld->path, ld->phase_sec_line[g][p],
                               "the phase has no 'kernel = NAME' (or 'io = OP')");
  for (int i = 0; i < d->nentries; i++) { /* phase parameters, now that kernels are known */
    const ini_entry *e = &d->entries[i];
    sec_info si = classify(e->section);
    if (si.kind != SEC_PHASE && si.kind != SEC_GROUP_PHASE) continue;
    if (gb_defs_key(e->key, GB_KW_PHASE)) continue; /* kernel, io, python: set above */
    char msg[1536];
    if (gb_defs_set_phase_param(wl, loader_group(ld, &si), si.phase - 1, e->key, e->value, msg, sizeof msg))
      return gb_defs_fail_at(ld->err, ld->errlen, ld->path, e->line, "%s", msg);
  }
  return 0;
}

/* Every profile must apply cleanly, so `gilbench check` finds a bad key in any of them. */
static int load_check_profiles(wl_loader *ld) {
  const ini_doc *d = ld->doc;
  for (int i = 0; i < d->nsections; i++) {
    sec_info si = classify(d->sections[i].name);
    if (si.kind != SEC_PROFILE) continue;
    bool any = false;
    for (int j = 0; j < ld->wl->nprofiles && !any; j++)
      any = !strcmp(ld->wl->profiles[j].profile, si.profile);
    if (!any)
      return gb_defs_fail_at(ld->err, ld->errlen, ld->path, d->sections[i].line, "[%s] sets nothing",
                             d->sections[i].name);
    gb_workload copy;
    gb_workload_copy(&copy, ld->wl);
    int rc = gb_workload_apply_profile(&copy, si.profile, ld->err, ld->errlen);
    gb_workload_free(&copy);
    if (rc) return rc;
  }
  return 0;
}

int gb_workload_load(const char *path, gb_workload *wl, char *err, size_t errlen) {
  memset(wl, 0, sizeof *wl);
  if (!gb_defs_copy_fits(wl->path, sizeof wl->path, path))
    return gb_defs_fail_at(err, errlen, path, 0, "path too long");
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = strlen(base);
  if (n > 4 && strcmp(base + n - 4, ".ini") == 0) n -= 4;
  snprintf(wl->name, sizeof wl->name, "%.*s", (int)n, base);
  int fname_ok = n < GB_NAME_MAX && gb_name_valid(wl->name);
  wl->kind = (gb_workload_kind)def_kind.def;
  wl->measure = (gb_measure)def_measure.def;
  wl->schedule = (gb_schedule)def_schedule.def;
  wl->chunk = def_chunk.def;

  ini_doc doc;
  int rc = gb_defs_ini_doc_read(path, &doc, err, errlen);
  if (rc) return rc;
  wl_loader ld = {.path = path, .doc = &doc, .wl = wl, .err = err, .errlen = errlen};
  rc = gb_defs_ini_check_duplicates(&doc, path, err, errlen);
  if (!rc) rc = load_section_kinds(&ld);
  if (!rc) rc = load_phase_numbers(&ld);
  if (!rc) rc = load_entries(&ld);
  if (!rc) rc = load_check_profiles(&ld);
  if (!rc) rc = load_check_python(&ld);
  if (!rc && !ld.name_line && !fname_ok)
    rc = gb_defs_fail_at(err, errlen, path, 1,
                         "the file name gives the workload the name '%s', outside the name character set %s: "
                         "add `name = ...` to [workload]",
                         wl->name, GB_NAME_CHARSET);
  gb_defs_ini_doc_free(&doc);
  if (rc) gb_workload_free(wl);
  return rc;
}

void gb_workload_free(gb_workload *wl) {
  free(wl->profiles);
  wl->profiles = NULL;
  wl->nprofiles = 0;
}

void gb_workload_copy(gb_workload *dst, const gb_workload *src) {
  *dst = *src;
  dst->profiles = NULL;
  if (src->nprofiles) {
    dst->profiles = gb_xmalloc(sizeof *src->profiles * (size_t)src->nprofiles);
    memcpy(dst->profiles, src->profiles, sizeof *src->profiles * (size_t)src->nprofiles);
  }
}
