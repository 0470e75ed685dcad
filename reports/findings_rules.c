/* findings_rules.c: read workloads/findings.ini (findings.h) with the definitions' INI reader, so
 * a mistake is "file:line: message" exactly as in a workload or suite file. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "defs.h"
#include "findings.h"
#include "gb.h"

static const char *const stat_names[GB_FSTAT_COUNT] = {
    "speedup", "efficiency", "per-task-overhead", "ratio",  "p50",
    "p99",     "throughput", "rss-per-worker",    "startup"};
static const char *const measure_names[GB_FM_COUNT] = {"wall", "p50", "p99", "throughput", "rss", "startup"};
static const char *const column_names[GB_FCOL_COUNT] = {"gil", "cost", "io"};

const char *gb_fstat_name(gb_fstat s) {
  return s < GB_FSTAT_COUNT ? stat_names[s] : "?";
}

static int fail(char *err, size_t errlen, const char *path, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int fail(char *err, size_t errlen, const char *path, int line, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (line > 0)
    snprintf(err, errlen, "%s:%d: %s", path, line, msg);
  else
    snprintf(err, errlen, "%s: %s", path, msg);
  return GB_EINVAL;
}

static int lookup(const char *const *names, int n, const char *s) {
  for (int i = 0; i < n; i++)
    if (strcmp(names[i], s) == 0) return i;
  return -1;
}

static void sel_free(gb_fsel *s) {
  free(s->text);
  free(s->workload);
  free(s->strategy);
  free(s->binding);
  for (int i = 0; i < s->nkv; i++) {
    free(s->keys[i]);
    free(s->values[i]);
  }
  free(s->keys);
  free(s->values);
  memset(s, 0, sizeof *s);
}

/* Parse "k=v k=v ..." into s. 0, or -1 with the message in msg. */
static int sel_parse(const char *text, gb_fsel *s, char *msg, size_t len) {
  memset(s, 0, sizeof *s);
  s->text = gb_xstrdup(text);
  char *dup = gb_xstrdup(text), *save = NULL;
  int rc = 0;
  for (char *t = strtok_r(dup, " \t", &save); t && !rc; t = strtok_r(NULL, " \t", &save)) {
    char *eq = strchr(t, '=');
    if (!eq || eq == t || !eq[1]) {
      snprintf(msg, len, "'%s': expected KEY=VALUE (workload=, strategy=, workers=, binding= or a parameter)",
               t);
      rc = -1;
      break;
    }
    *eq = '\0';
    const char *k = t, *v = eq + 1;
    if (!strcmp(k, "workload") || !strcmp(k, "strategy") || !strcmp(k, "binding")) {
      char **dst = !strcmp(k, "workload")   ? &s->workload
                   : !strcmp(k, "strategy") ? &s->strategy
                                            : &s->binding;
      if (*dst) {
        snprintf(msg, len, "'%s' given twice", k);
        rc = -1;
      } else {
        *dst = gb_xstrdup(v);
      }
    } else if (!strcmp(k, "workers")) {
      char *end;
      errno = 0;
      long n = strtol(v, &end, 10);
      if (!strcmp(v, "max"))
        s->workers = GB_FSEL_MAX;
      else if (!strcmp(v, "min"))
        s->workers = GB_FSEL_MIN;
      else if (!errno && end != v && !*end && n >= 1 && n <= 4096)
        s->workers = (int)n;
      else {
        snprintf(msg, len, "workers=%s: expected a count, max or min", v);
        rc = -1;
      }
    } else {
      s->keys = gb_xrealloc(s->keys, sizeof *s->keys * (size_t)(s->nkv + 1));
      s->values = gb_xrealloc(s->values, sizeof *s->values * (size_t)(s->nkv + 1));
      s->keys[s->nkv] = gb_xstrdup(k);
      s->values[s->nkv++] = gb_xstrdup(v);
    }
  }
  free(dup);
  if (!rc && !s->workload) {
    snprintf(msg, len, "a selector needs workload=NAME (got '%s')", text);
    rc = -1;
  }
  if (!s->strategy) s->strategy = gb_xstrdup("*");
  if (rc) sel_free(s);
  return rc;
}

/* "< 1.3" or "> 0.5" (also "below 1.3", "above 0.5"). */
static int expect_parse(const char *v, char *op, double *thr) {
  while (isspace((unsigned char)*v))
    v++;
  if (*v == '<' || *v == '>')
    *op = *v++;
  else if (!strncmp(v, "below", 5))
    *op = '<', v += 5;
  else if (!strncmp(v, "above", 5))
    *op = '>', v += 5;
  else
    return -1;
  if (*v == '=') return -1; /* the interval decides; "or equal" would mean nothing */
  char *end;
  errno = 0;
  double t = strtod(v, &end);
  while (isspace((unsigned char)*end))
    end++;
  if (errno || end == v || *end || !isfinite(t)) return -1;
  *thr = t;
  return 0;
}

static const gb_ini_entry *get(const gb_ini *ini, const char *section, const char *key) {
  for (int i = 0; i < ini->nentries; i++)
    if (!strcmp(ini->entries[i].section, section) && !strcmp(ini->entries[i].key, key))
      return &ini->entries[i];
  return NULL;
}

static int rule_key(gb_frule *r, const gb_ini_entry *e, const char *path, char *err, size_t errlen) {
  char msg[512];
  const char *k = e->key, *v = e->value;
  if (!*v) return fail(err, errlen, path, e->line, "%s: empty value", k);
  if (!strcmp(k, "claim"))
    r->claim = gb_xstrdup(v);
  else if (!strcmp(k, "contradiction"))
    r->contradiction = gb_xstrdup(v);
  else if (!strcmp(k, "approach"))
    r->approach = gb_xstrdup(v);
  else if (!strcmp(k, "column")) {
    if ((r->column = lookup(column_names, GB_FCOL_COUNT, v)) < 0)
      return fail(err, errlen, path, e->line, "column: '%s' is not one of gil, cost, io", v);
  } else if (!strcmp(k, "statistic")) {
    int s = lookup(stat_names, GB_FSTAT_COUNT, v);
    if (s < 0)
      return fail(err, errlen, path, e->line,
                  "statistic: '%s' is not one of speedup, efficiency, per-task-overhead, ratio, p50, p99, "
                  "throughput, rss-per-worker, startup",
                  v);
    r->stat = (gb_fstat)s;
  } else if (!strcmp(k, "of")) {
    int s = lookup(measure_names, GB_FM_COUNT, v);
    if (s < 0)
      return fail(err, errlen, path, e->line,
                  "of: '%s' is not one of wall, p50, p99, throughput, rss, startup", v);
    r->of = (gb_fmeasure)s;
  } else if (!strcmp(k, "cell") || !strcmp(k, "versus")) {
    gb_fsel *s = !strcmp(k, "cell") ? &r->cell : &r->versus;
    if (sel_parse(v, s, msg, sizeof msg)) return fail(err, errlen, path, e->line, "%s: %s", k, msg);
    if (s == &r->versus) r->has_versus = 1;
  } else if (!strcmp(k, "expect")) {
    if (expect_parse(v, &r->op, &r->threshold))
      return fail(err, errlen, path, e->line, "expect: '%s': expected '< NUMBER' or '> NUMBER'", v);
  } else {
    return fail(err, errlen, path, e->line,
                "unknown key '%s' in [finding.%s] (expected claim, approach, column, statistic, of, cell, "
                "versus, expect, contradiction)",
                k, r->id);
  }
  return 0;
}

static int rule_load(const gb_ini *ini, const gb_ini_section *sec, gb_frule *r, const char *path, char *err,
                     size_t errlen) {
  memset(r, 0, sizeof *r);
  r->id = gb_xstrdup(sec->name + strlen("finding."));
  r->line = sec->line;
  r->column = -1;
  r->stat = GB_FSTAT_COUNT;
  for (int i = 0; i < ini->nentries; i++) {
    if (strcmp(ini->entries[i].section, sec->name) != 0) continue;
    int rc = rule_key(r, &ini->entries[i], path, err, errlen);
    if (rc) return rc;
  }
  static const char *const required[] = {"claim", "statistic", "cell", "expect", "contradiction"};
  for (size_t i = 0; i < GB_ARRAY_LEN(required); i++)
    if (!get(ini, sec->name, required[i]))
      return fail(err, errlen, path, sec->line, "[%s] has no '%s'", sec->name, required[i]);
  if (r->stat == GB_FSTAT_RATIO && !r->has_versus)
    return fail(err, errlen, path, sec->line, "[%s]: statistic ratio needs 'versus' (the other cell)",
                sec->name);
  int two = r->stat == GB_FSTAT_RATIO || r->stat == GB_FSTAT_SPEEDUP || r->stat == GB_FSTAT_EFFICIENCY ||
            r->stat == GB_FSTAT_OVERHEAD;
  const gb_ini_entry *e = get(ini, sec->name, "versus");
  if (e && !two)
    return fail(err, errlen, path, e->line, "versus: statistic %s is about one cell", gb_fstat_name(r->stat));
  e = get(ini, sec->name, "of");
  if (e && r->stat != GB_FSTAT_RATIO)
    return fail(err, errlen, path, e->line, "of: only a ratio compares another measure than its own");
  if ((r->approach != NULL) != (r->column >= 0))
    return fail(err, errlen, path, sec->line, "[%s]: 'approach' and 'column' go together", sec->name);
  return 0;
}

static int approach_load(const gb_ini *ini, const gb_ini_section *sec, gb_fapproach *a, const char *path,
                         char *err, size_t errlen) {
  memset(a, 0, sizeof *a);
  a->id = gb_xstrdup(sec->name + strlen("approach."));
  a->line = sec->line;
  for (int i = 0; i < ini->nentries; i++) {
    const gb_ini_entry *e = &ini->entries[i];
    if (strcmp(e->section, sec->name) != 0) continue;
    char **dst = !strcmp(e->key, "name")           ? &a->name
                 : !strcmp(e->key, "seed_gil")     ? &a->seed_gil
                 : !strcmp(e->key, "seed_verdict") ? &a->seed_verdict
                                                   : NULL;
    if (!dst)
      return fail(err, errlen, path, e->line,
                  "unknown key '%s' in [%s] (expected name, seed_gil, seed_verdict)", e->key, sec->name);
    *dst = gb_xstrdup(e->value);
  }
  if (!a->name) return fail(err, errlen, path, sec->line, "[%s] has no 'name'", sec->name);
  return 0;
}

int gb_findings_load(const char *path, gb_frules *r, char *err, size_t errlen) {
  memset(r, 0, sizeof *r);
  snprintf(r->path, sizeof r->path, "%s", path);
  gb_ini ini;
  int rc = gb_ini_read(path, &ini, err, errlen);
  if (rc) return rc;
  for (int i = 0; !rc && i < ini.nsections; i++) {
    const gb_ini_section *sec = &ini.sections[i];
    if (!strncmp(sec->name, "finding.", 8) && sec->name[8]) {
      r->rules = gb_xrealloc(r->rules, sizeof *r->rules * (size_t)(r->nrules + 1));
      rc = rule_load(&ini, sec, &r->rules[r->nrules++], path, err, errlen);
    } else if (!strncmp(sec->name, "approach.", 9) && sec->name[9]) {
      r->approaches = gb_xrealloc(r->approaches, sizeof *r->approaches * (size_t)(r->napproaches + 1));
      rc = approach_load(&ini, sec, &r->approaches[r->napproaches++], path, err, errlen);
    } else {
      rc = fail(err, errlen, path, sec->line,
                "unknown section [%s] (a findings file has [finding.ID] and [approach.ID])", sec->name);
    }
  }
  for (int i = 0; !rc && i < r->nrules; i++) {
    const gb_frule *fr = &r->rules[i];
    if (!fr->approach) continue;
    int found = 0;
    for (int a = 0; a < r->napproaches; a++)
      found |= !strcmp(r->approaches[a].id, fr->approach);
    if (!found) {
      char sec[256];
      snprintf(sec, sizeof sec, "finding.%s", fr->id);
      const gb_ini_entry *e = get(&ini, sec, "approach");
      rc = fail(err, errlen, path, e ? e->line : fr->line, "approach: no [approach.%s] in this file",
                fr->approach);
    }
  }
  if (!rc && r->nrules == 0) rc = fail(err, errlen, path, 0, "no [finding.ID] section");
  gb_ini_free(&ini);
  if (rc) gb_findings_free(r);
  return rc;
}

void gb_findings_free(gb_frules *r) {
  for (int i = 0; i < r->nrules; i++) {
    gb_frule *f = &r->rules[i];
    free(f->id);
    free(f->claim);
    free(f->approach);
    free(f->contradiction);
    sel_free(&f->cell);
    sel_free(&f->versus);
  }
  for (int i = 0; i < r->napproaches; i++) {
    free(r->approaches[i].id);
    free(r->approaches[i].name);
    free(r->approaches[i].seed_gil);
    free(r->approaches[i].seed_verdict);
  }
  free(r->rules);
  free(r->approaches);
  memset(r, 0, sizeof *r);
}

int gb_findings_resolve(const char *name, char *path, size_t len) {
  return gb_workload_resolve(name ? name : "findings", path, len);
}

int gb_findings_file_is(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  struct stat st; /* only a regular file, and only its first MiB: /dev/zero must not hang here */
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    fclose(f);
    return 0;
  }
  char line[512];
  int is = 0;
  while (!is && ftell(f) < 1024 * 1024 && fgets(line, sizeof line, f)) {
    char *p = line;
    while (isspace((unsigned char)*p))
      p++;
    is = !strncmp(p, "[finding.", 9);
  }
  fclose(f);
  return is;
}
