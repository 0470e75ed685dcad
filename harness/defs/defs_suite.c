/* defs_suite.c: suite files, their keys read through the key table (keys.h). */
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
 * Suites */

typedef struct suite_loader {
  const char *path;
  gb_suite *s;
  gb_workload *wls; /* the listed workloads, loaded (for profile and [set] checks) */
  int nwls;
  int profile_line;
  char *err;
  size_t errlen;
} suite_loader;

#define GB__MAX_STRATEGIES 64 /* strategies one suite may list */

/* The words are checked here (an unknown name fails at its line) and kept as written, so that
 * the plan selects from them exactly as it selects from -s: one list parser, one selection. */
static int suite_strategies(suite_loader *sl, const ini_entry *e, char **items, int n) {
  gb_suite *s = sl->s;
  const gb_strategy *sel[GB__MAX_STRATEGIES];
  char msg[1536];
  int k = gb_strategy_select(items, n, sel, GB__MAX_STRATEGIES, msg, sizeof msg);
  if (k < 0) return gb_defs_fail_at(sl->err, sl->errlen, sl->path, e->line, "%s", msg);
  if (k == 0)
    return gb_defs_fail_at(sl->err, sl->errlen, sl->path, e->line, "strategies: '%s' selects no strategy",
                           e->value);
  for (int i = 0; i < n; i++) {
    s->strategies = gb_xrealloc(s->strategies, sizeof *s->strategies * (size_t)(s->nstrategies + 1));
    s->strategies[s->nstrategies++] = gb_xstrdup(items[i]);
  }
  return 0;
}

/* max_workers = STRATEGY:N, ...: that strategy is planned only at worker counts up to N. */
static int suite_max_workers(suite_loader *sl, const ini_entry *e, char **items, int n) {
  static const gb_param_def def_workers = {"max_workers", "", 1, 1, GB_MAX_WORKERS, NULL};
  gb_suite *s = sl->s;
  for (int i = 0; i < n; i++) {
    const char *colon = strchr(items[i], ':');
    char name[GB_NAME_MAX], msg[512];
    int64_t v;
    if (!colon || colon == items[i] || (size_t)(colon - items[i]) >= sizeof name)
      return gb_defs_fail_at(sl->err, sl->errlen, sl->path, e->line,
                             "max_workers: expected STRATEGY:N, got '%s'", items[i]);
    snprintf(name, sizeof name, "%.*s", (int)(colon - items[i]), items[i]);
    if (!gb_strategy_find(name))
      return gb_defs_fail_at(sl->err, sl->errlen, sl->path, e->line, "max_workers: no strategy '%s'", name);
    if (gb_param_parse(&def_workers, colon + 1, &v, msg, sizeof msg))
      return gb_defs_fail_at(sl->err, sl->errlen, sl->path, e->line, "max_workers: %s: %s", name, msg);
    if (s->ncaps == (int)GB_ARRAY_LEN(s->cap_workers))
      return gb_defs_fail_at(sl->err, sl->errlen, sl->path, e->line, "max_workers: at most %zu entries",
                             GB_ARRAY_LEN(s->cap_workers));
    snprintf(s->cap_strategy[s->ncaps], GB_NAME_MAX, "%s", name);
    s->cap_workers[s->ncaps++] = (int)v;
  }
  return 0;
}

static int suite_workloads(suite_loader *sl, const ini_entry *e, char **items, int n) {
  gb_suite *s = sl->s;
  for (int i = 0; i < n; i++) {
    char path[PATH_MAX];
    if (gb_workload_resolve(items[i], path, sizeof path))
      return gb_defs_fail_at(sl->err, sl->errlen, sl->path, e->line, "%s", path);
    sl->wls = gb_xrealloc(sl->wls, sizeof *sl->wls * (size_t)(sl->nwls + 1));
    if (gb_workload_load(path, &sl->wls[sl->nwls], sl->err, sl->errlen)) return GB_EINVAL;
    sl->nwls++;
    s->workloads = gb_xrealloc(s->workloads, sizeof *s->workloads * (size_t)(s->nworkloads + 1));
    s->workloads[s->nworkloads++] = gb_xstrdup(items[i]);
  }
  return 0;
}

/* Store a parsed [suite] (or [part.NAME]) value. 0; GB_EINVAL with err already written (at the
 * line, or at a listed workload's own file and line); -1 with msg for the caller to place. */
static int suite_store(suite_loader *sl, const ini_entry *e, const gb_key *k, gb_key_value *v, char *msg,
                       size_t msglen) {
  gb_suite *s = sl->s;
  switch (k->id) {
  case GB_K_WORKLOADS: return suite_workloads(sl, e, v->items, v->nitems);
  case GB_K_STRATEGIES: return suite_strategies(sl, e, v->items, v->nitems);
  case GB_K_MAX_WORKERS: return suite_max_workers(sl, e, v->items, v->nitems);
  case GB_K_WORKERS:
    memcpy(s->workers, v->workers, sizeof(int) * (size_t)v->nworkers);
    s->nworkers = v->nworkers;
    return 0;
  case GB_K_PYTHONS: /* a family and its strategies (before `strategies` names them) */
    for (int i = 0; i < v->nitems; i++)
      if (gb_pyhost_add(v->items[i], msg, msglen) != 0) return -1;
    return 0;
  case GB_K_REPS: s->reps = (int)v->i, s->reps_auto = v->d; return 0;
  case GB_K_MAX_REPS: s->max_reps = (int)v->i; return 0;
  case GB_K_MAX_CELL_SECONDS: s->max_cell_s = v->d; return 0;
  case GB_K_WARMUP: s->warmup = (int)v->i; return 0;
  case GB_K_TIMEOUT: s->timeout = v->d; return 0;
  case GB_K_PROFILE:
    snprintf(s->profile, sizeof s->profile, "%s", v->text);
    sl->profile_line = e->line;
    return 0;
  case GB_K_BIND: /* syntax here; the PUs when planned */
    if (gb_defs_copy_fits(s->bind, sizeof s->bind, v->text)) return 0;
    snprintf(msg, msglen, "value too long");
    return -1;
  default: snprintf(msg, msglen, "not a suite key"); return -1;
  }
}

/* One [suite] or [part.NAME] key, through the key table: the command line's parser and messages. */
static int suite_key_in(suite_loader *sl, const ini_entry *e, unsigned where) {
  const gb_key *k = gb_key_by_name(e->key, where);
  if (!k) {
    char known[512];
    gb_keys_names(where, 0, known, sizeof known);
    return gb_defs_fail_at(sl->err, sl->errlen, sl->path, e->line, "unknown key '%s' in [%s] (expected %s%s)",
                           e->key, e->section, known,
                           where == GB_KW_PART ? "; reps, warmup, bind and timeout are the [suite]'s" : "");
  }
  gb_key_value v;
  char msg[1536];
  int rc = gb_key_parse(k, e->value, &v, msg, sizeof msg);
  if (rc == 0) rc = suite_store(sl, e, k, &v, msg, sizeof msg);
  gb_key_value_free(&v);
  if (rc == 0 || rc == GB_EINVAL) return rc;
  size_t n = strlen(k->name); /* a message that starts with the key ("bind 'x': ...") says it once */
  if (strncmp(msg, k->name, n) == 0 && (msg[n] == ' ' || msg[n] == ':'))
    return gb_defs_fail_at(sl->err, sl->errlen, sl->path, e->line, "%s", msg);
  return gb_defs_fail_at(sl->err, sl->errlen, sl->path, e->line, "%s: %s", k->name, msg);
}

static int suite_key(suite_loader *sl, const ini_entry *e) {
  return suite_key_in(sl, e, GB_KW_SUITE);
}

/* A [set] key naming a strategy option (STRATEGY.OPTION, FAMILY.OPTION): 1 if it is one (and its
 * values are valid), 0 if the key is not of that form, <0 on error. */
static int suite_set_option(suite_loader *sl, const gb_suite_set *st) {
  char msg[1536];
  int rc = gb_optkey_check(st->key, st->values, st->nvalues, 1, msg, sizeof msg);
  if (rc < 0) return gb_defs_fail_at(sl->err, sl->errlen, sl->path, st->line, "%s", msg);
  return rc;
}

/* A [set] key that is a workload key (a setting of the key table, or a phase's parameter): valid,
 * with every value, in some listed workload. */
static int suite_set_param(suite_loader *sl, const gb_suite_set *st) {
  char first[1536] = "";
  for (int w = 0; w < sl->nwls; w++) {
    char msg[1536];
    int bad = 0;
    for (int v = 0; v < st->nvalues && !bad; v++) {
      gb_workload copy;
      gb_workload_copy(&copy, &sl->wls[w]);
      bad = gb_workload_set(&copy, st->key, st->values[v], msg, sizeof msg);
      gb_workload_free(&copy);
    }
    if (!bad) return 0;
    if (!*first) snprintf(first, sizeof first, "%s", msg);
  }
  if (gb_defs_key(st->key, GB_KW_SET)) /* a key of the table: its message, as in a definition */
    return gb_defs_fail_at(sl->err, sl->errlen, sl->path, st->line, "%s", first);
  return gb_defs_fail_at(sl->err, sl->errlen, sl->path, st->line,
                         "[set] %s: not a strategy option, and no listed workload takes it: %s", st->key,
                         first);
}

static int suite_set(suite_loader *sl, const ini_entry *e) {
  gb_suite *s = sl->s;
  s->sets = gb_xrealloc(s->sets, sizeof *s->sets * (size_t)(s->nsets + 1));
  gb_suite_set *st = &s->sets[s->nsets++];
  memset(st, 0, sizeof *st);
  st->line = e->line;
  if (!gb_defs_copy_fits(st->key, sizeof st->key, e->key))
    return gb_defs_fail_at(sl->err, sl->errlen, sl->path, e->line, "key too long");
  if (gb_list_split(e->value, &st->values, &st->nvalues))
    return gb_defs_fail_at(sl->err, sl->errlen, sl->path, e->line,
                           "%s: expected a value or a comma-separated list, got '%s'", e->key, e->value);
  return 0;
}

static int suite_validate(suite_loader *sl, int suite_line) {
  gb_suite *s = sl->s;
  if (!s->nworkloads)
    return gb_defs_fail_at(sl->err, sl->errlen, sl->path, suite_line, "[suite] lists no workloads");
  if (*s->profile && strcmp(s->profile, "default") != 0)
    for (int w = 0; w < sl->nwls; w++) {
      char msg[1024];
      gb_workload copy;
      gb_workload_copy(&copy, &sl->wls[w]);
      int rc = gb_workload_apply_profile(&copy, s->profile, msg, sizeof msg);
      gb_workload_free(&copy);
      if (rc) return gb_defs_fail_at(sl->err, sl->errlen, sl->path, sl->profile_line, "%s", msg);
    }
  for (int i = 0; i < s->nsets; i++) {
    int rc = suite_set_option(sl, &s->sets[i]);
    if (rc < 0) return rc;
    if (rc == 0 && (rc = suite_set_param(sl, &s->sets[i]))) return rc;
  }
  return 0;
}

/* A [part.NAME] key: the product's own workloads, strategies, workers and profile. */
static int part_key(suite_loader *sl, const ini_entry *e) {
  return suite_key_in(sl, e, GB_KW_PART);
}

/* What a part does not set, it takes from the suite: strategies, workers, profile, [set] keys. */
static void part_inherit(gb_suite *part, const gb_suite *s) {
  if (!part->nstrategies)
    for (int i = 0; i < s->nstrategies; i++) {
      part->strategies =
          gb_xrealloc(part->strategies, sizeof *part->strategies * (size_t)(part->nstrategies + 1));
      part->strategies[part->nstrategies++] = gb_xstrdup(s->strategies[i]);
    }
  if (!part->nworkers) {
    memcpy(part->workers, s->workers, sizeof part->workers);
    part->nworkers = s->nworkers;
  }
  if (!*part->profile) strcpy(part->profile, s->profile);
  for (int i = 0; i < s->nsets; i++) {
    bool has = false;
    for (int j = 0; j < part->nsets; j++)
      has |= !strcmp(part->sets[j].key, s->sets[i].key);
    if (has) continue;
    part->sets = gb_xrealloc(part->sets, sizeof *part->sets * (size_t)(part->nsets + 1));
    gb_suite_set *st = &part->sets[part->nsets++];
    *st = s->sets[i];
    st->values = gb_xcalloc((size_t)st->nvalues, sizeof *st->values);
    for (int v = 0; v < st->nvalues; v++)
      st->values[v] = gb_xstrdup(s->sets[i].values[v]);
  }
}

/* Load [part.NAME] and [part.NAME.set] of doc into a new part of s, then validate it. */
static int suite_part(gb_suite *s, const ini_doc *doc, const ini_section *sec, const char *path, char *err,
                      size_t errlen) {
  const char *name = sec->name + 5;
  if (!gb_defs_valid_name(name, strlen(name)))
    return gb_defs_fail_at(err, errlen, path, sec->line,
                           "[%s]: a part's name is letters, digits, '_' and '-'", sec->name);
  s->parts = gb_xrealloc(s->parts, sizeof *s->parts * (size_t)(s->nparts + 1));
  gb_suite *part = &s->parts[s->nparts++];
  memset(part, 0, sizeof *part);
  part->reps = part->warmup = -1;
  snprintf(part->path, sizeof part->path, "%s", path);
  snprintf(part->name, sizeof part->name, "%s", name);
  char setsec[GB_NAME_MAX + 16];
  snprintf(setsec, sizeof setsec, "%s.set", sec->name);
  suite_loader sl = {.path = path, .s = part, .err = err, .errlen = errlen};
  int rc = 0;
  for (int i = 0; !rc && i < doc->nentries; i++) {
    const ini_entry *e = &doc->entries[i];
    if (!strcmp(e->section, sec->name))
      rc = part_key(&sl, e);
    else if (!strcmp(e->section, setsec))
      rc = suite_set(&sl, e);
  }
  if (!rc) {
    part_inherit(part, s);
    rc = suite_validate(&sl, sec->line);
  }
  for (int w = 0; w < sl.nwls; w++)
    gb_workload_free(&sl.wls[w]);
  free(sl.wls);
  return rc;
}

/* Is name a [part.NAME.set] whose [part.NAME] exists in doc? */
static bool is_part_set(const ini_doc *doc, const char *name) {
  size_t n = strlen(name);
  if (strncmp(name, "part.", 5) != 0 || n < 10 || strcmp(name + n - 4, ".set") != 0) return false;
  for (int i = 0; i < doc->nsections; i++)
    if (strlen(doc->sections[i].name) == n - 4 && !strncmp(doc->sections[i].name, name, n - 4)) return true;
  return false;
}

int gb_suite_load(const char *path, gb_suite *s, char *err, size_t errlen) {
  memset(s, 0, sizeof *s);
  s->reps = -1;
  s->warmup = -1;
  s->max_reps = -1;
  s->max_cell_s = -1;
  if (!gb_defs_copy_fits(s->path, sizeof s->path, path))
    return gb_defs_fail_at(err, errlen, path, 0, "path too long");
  ini_doc doc;
  int rc = gb_defs_ini_doc_read(path, &doc, err, errlen);
  if (rc) return rc;
  suite_loader sl = {.path = path, .s = s, .err = err, .errlen = errlen};
  int suite_line = 0, nparts = 0;
  rc = gb_defs_ini_check_duplicates(&doc, path, err, errlen);
  for (int i = 0; !rc && i < doc.nsections; i++) {
    const ini_section *sec = &doc.sections[i];
    if (!strcmp(sec->name, "suite"))
      suite_line = sec->line;
    else if (!strncmp(sec->name, "part.", 5) && !strchr(sec->name + 5, '.'))
      nparts++;
    else if (strcmp(sec->name, "set") != 0 && !is_part_set(&doc, sec->name))
      rc = gb_defs_fail_at(
          err, errlen, path, sec->line,
          "unknown section [%s] (a suite has [suite], [set], [part.NAME] and [part.NAME.set])", sec->name);
  }
  if (!rc && !suite_line) rc = gb_defs_fail_at(err, errlen, path, 0, "no [suite] section");
  for (int i = 0; !rc && i < doc.nentries; i++) {
    const ini_entry *e = &doc.entries[i];
    if (!strcmp(e->section, "suite"))
      rc = suite_key(&sl, e);
    else if (!strcmp(e->section, "set"))
      rc = suite_set(&sl, e);
  }
  if (!rc && nparts && s->nworkloads)
    rc = gb_defs_fail_at(err, errlen, path, suite_line,
                         "[suite] lists workloads, but its parts say what runs: list them "
                         "in each [part.NAME]");
  if (!rc && !nparts) rc = suite_validate(&sl, suite_line);
  for (int i = 0; !rc && i < doc.nsections; i++)
    if (!strncmp(doc.sections[i].name, "part.", 5) && !strchr(doc.sections[i].name + 5, '.'))
      rc = suite_part(s, &doc, &doc.sections[i], path, err, errlen);
  for (int w = 0; w < sl.nwls; w++)
    gb_workload_free(&sl.wls[w]);
  free(sl.wls);
  gb_defs_ini_doc_free(&doc);
  if (rc) gb_suite_free(s);
  return rc;
}

void gb_suite_free(gb_suite *s) {
  for (int i = 0; i < s->nparts; i++)
    gb_suite_free(&s->parts[i]);
  free(s->parts);
  s->parts = NULL;
  s->nparts = 0;
  gb_list_free(s->workloads, s->nworkloads);
  gb_list_free(s->strategies, s->nstrategies);
  for (int i = 0; i < s->nsets; i++)
    gb_list_free(s->sets[i].values, s->sets[i].nvalues);
  free(s->sets);
  s->workloads = s->strategies = NULL;
  s->sets = NULL;
  s->nworkloads = s->nstrategies = s->nsets = 0;
}
