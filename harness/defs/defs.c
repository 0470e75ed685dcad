/* defs.c: workload definition files and suite files (docs/ARCHITECTURE.md, "Definition and suite files").
 * inih does the lexing; we feed it through our own line reader so that every key and section keeps the line
 * it was written on (Debian's inih does not pass line numbers to the handler), then interpret the collected
 * entries. Every error names "file:line" so `gilbench check` points at the mistake. */
#include "defs.h"

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
#include "params.h"
#include "strategies.h"
#include "topo.h"

#ifndef GB_WORKLOADS_SRC_DIR
#define GB_WORKLOADS_SRC_DIR ""
#endif
#ifndef GB_WORKLOADS_INSTALL_DIR
#define GB_WORKLOADS_INSTALL_DIR ""
#endif

/* ---------------------------------------------------------------------------------------------
 * Errors */

/* Write "path:line: message" (or "path: message" when line <= 0) into err; returns GB_EINVAL. */
static int fail_at(char *err, size_t errlen, const char *path, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int fail_at(char *err, size_t errlen, const char *path, int line, const char *fmt, ...) {
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (err && errlen) {
    if (line > 0)
      snprintf(err, errlen, "%s:%d: %s", path, line, msg);
    else
      snprintf(err, errlen, "%s: %s", path, msg);
  }
  return GB_EINVAL;
}

/* Write a message without location into err; returns GB_EINVAL. */
static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return GB_EINVAL;
}

/* Append formatted text to buf (of len), keeping it NUL-terminated. */
static void append(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t len, const char *fmt, ...) {
  size_t used = strlen(buf);
  if (used + 1 >= len) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf + used, len - used, fmt, ap);
  va_end(ap);
}

/* Copy src into dst of size len; false when it does not fit. */
static bool copy_fits(char *dst, size_t len, const char *src) {
  size_t n = strlen(src);
  if (n >= len) return false;
  memcpy(dst, src, n + 1);
  return true;
}

/* ---------------------------------------------------------------------------------------------
 * Reading an INI file into (section, key, value, line) entries */

typedef struct ini_entry {
  char *section; /* section it was written in ("" before any) */
  char *key;
  char *value;
  int line;
} ini_entry;

typedef struct ini_section {
  char *name; /* as written between the brackets, trimmed */
  int line;
} ini_section;

typedef struct ini_doc {
  ini_section *sections;
  int nsections, capsections;
  ini_entry *entries;
  int nentries, capentries;
} ini_doc;

/* The largest definition or suite file read (the shipped ones are a few KiB). */
#define GB_DEFS_MAX_BYTES (1024 * 1024)

/* State shared by the line reader and the handler: inih reads one line, then calls the handler
 * for it, so `lineno` and `section` at handler time are the entry's. */
typedef struct ini_state {
  FILE *f;
  char *buf; /* getline buffer */
  size_t cap;
  int lineno;    /* physical lines read so far */
  int long_line; /* first line longer than inih's buffer, 0 if none */
  int nul_line;  /* first line holding a NUL byte, 0 if none */
  const char *section;
  ini_doc *doc;
} ini_state;

static void ini_doc_free(ini_doc *d) {
  for (int i = 0; i < d->nsections; i++)
    free(d->sections[i].name);
  for (int i = 0; i < d->nentries; i++) {
    free(d->entries[i].section);
    free(d->entries[i].key);
    free(d->entries[i].value);
  }
  free(d->sections);
  free(d->entries);
  memset(d, 0, sizeof *d);
}

/* inih's reader: one physical line per call. Leading blanks are dropped so that an indented line
 * is never taken as the continuation of the previous value; section headers are noted here. */
static char *ini_read_line(char *str, int num, void *stream) {
  ini_state *st = stream;
  ssize_t n = getline(&st->buf, &st->cap, st->f);
  if (n < 0) return NULL;
  st->lineno++;
  char *p = st->buf;
  if (memchr(p, '\0', (size_t)n)) { /* a NUL would cut the line silently: stop here, an error */
    st->nul_line = st->lineno;
    return NULL;
  }
  if (st->lineno == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
  while (*p == ' ' || *p == '\t')
    p++;
  size_t body = strlen(p);
  while (body > 0 && (p[body - 1] == '\n' || p[body - 1] == '\r'))
    body--;
  if (num < 3) return NULL;
  if (body + 2 > (size_t)num) { /* inih would silently cut it: refuse instead */
    if (!st->long_line) st->long_line = st->lineno;
    body = (size_t)num - 2;
  }
  memcpy(str, p, body);
  str[body] = '\n';
  str[body + 1] = '\0';
  if (str[0] == '[') {
    char *end = strchr(str, ']');
    if (end) {
      char *s = str + 1;
      while (s < end && isspace((unsigned char)*s))
        s++;
      char *e = end;
      while (e > s && isspace((unsigned char)e[-1]))
        e--;
      ini_doc *d = st->doc;
      if (d->nsections == d->capsections) { /* doubling: linear in the number of sections */
        d->capsections = d->capsections ? 2 * d->capsections : 16;
        d->sections = gb_xrealloc(d->sections, sizeof *d->sections * (size_t)d->capsections);
      }
      d->sections[d->nsections].name = strndup(s, (size_t)(e - s));
      GB_ASSERT(d->sections[d->nsections].name);
      d->sections[d->nsections].line = st->lineno;
      st->section = d->sections[d->nsections].name;
      d->nsections++;
    }
  }
  return str;
}

static int ini_on_entry(void *user, const char *section, const char *name, const char *value) {
  (void)section; /* ours (from the reader) is not truncated at 50 characters */
  ini_state *st = user;
  ini_doc *d = st->doc;
  if (d->nentries == d->capentries) {
    d->capentries = d->capentries ? 2 * d->capentries : 32;
    d->entries = gb_xrealloc(d->entries, sizeof *d->entries * (size_t)d->capentries);
  }
  ini_entry *e = &d->entries[d->nentries++];
  e->section = gb_xstrdup(st->section ? st->section : "");
  e->key = gb_xstrdup(name);
  e->value = gb_xstrdup(value ? value : "");
  e->line = st->lineno;
  return 1;
}

/* Read path into doc. 0, or GB_EINVAL with "path:line: ..." in err. */
static int ini_doc_read(const char *path, ini_doc *doc, char *err, size_t errlen) {
  memset(doc, 0, sizeof *doc);
  FILE *f = fopen(path, "r");
  if (!f) return fail_at(err, errlen, path, 0, "cannot open: %s", strerror(errno));
  struct stat sb;
  if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > GB_DEFS_MAX_BYTES) {
    int e = errno;
    fclose(f);
    if (sb.st_mode && S_ISDIR(sb.st_mode))
      return fail_at(err, errlen, path, 0, "is a directory, not a definition or suite file");
    if (sb.st_mode && !S_ISREG(sb.st_mode)) return fail_at(err, errlen, path, 0, "not a regular file");
    if (sb.st_mode)
      return fail_at(err, errlen, path, 0, "larger than %d bytes: not a definition or suite file",
                     GB_DEFS_MAX_BYTES);
    return fail_at(err, errlen, path, 0, "cannot read: %s", strerror(e));
  }
  ini_state st = {.f = f, .doc = doc};
  int rc = ini_parse_stream(ini_read_line, &st, ini_on_entry, &st);
  fclose(f);
  free(st.buf);
  if (rc == 0 && !st.long_line && !st.nul_line) return 0;
  ini_doc_free(doc);
  if (st.nul_line) return fail_at(err, errlen, path, st.nul_line, "a NUL byte: not a text file");
  if (st.long_line && (rc <= 0 || st.long_line <= rc))
    return fail_at(err, errlen, path, st.long_line, "line too long");
  if (rc > 0)
    return fail_at(err, errlen, path, rc, "syntax error: expected '[section]', 'key = value' or a comment");
  return fail_at(err, errlen, path, 0, "cannot read (inih error %d)", rc);
}

static bool ini_has_section(const ini_doc *d, const char *name) {
  for (int i = 0; i < d->nsections; i++)
    if (strcmp(d->sections[i].name, name) == 0) return true;
  return false;
}

/* Sorting by (section, key, line) puts duplicates side by side: n log n, not n^2 (qsort_r with
 * the document as its argument). */
static int ini__cmp_sections(const void *a, const void *b, void *doc) {
  const ini_doc *d = doc;
  const ini_section *x = &d->sections[*(const int *)a], *y = &d->sections[*(const int *)b];
  int c = strcmp(x->name, y->name);
  return c ? c : (x->line > y->line) - (x->line < y->line);
}
static int ini__cmp_entries(const void *a, const void *b, void *doc) {
  const ini_doc *d = doc;
  const ini_entry *x = &d->entries[*(const int *)a], *y = &d->entries[*(const int *)b];
  int c = strcmp(x->section, y->section);
  if (!c) c = strcmp(x->key, y->key);
  return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Duplicate keys in a section and repeated section headers are errors (inih would merge them).
 * The error is the earliest repeat in the file, as a line-by-line scan would find it. */
static int ini_check_duplicates(const ini_doc *d, const char *path, char *err, size_t errlen) {
  int n = d->nsections > d->nentries ? d->nsections : d->nentries;
  int *ix = gb_xmalloc(sizeof *ix * (size_t)(n + 1)), rc = 0;
  const ini_section *dsec = NULL, *dsec_first = NULL;
  for (int i = 0; i < d->nsections; i++)
    ix[i] = i;
  qsort_r(ix, (size_t)d->nsections, sizeof *ix, ini__cmp_sections, (void *)d);
  for (int i = 1, start = 0; i < d->nsections; i++) { /* start: first of the run of equal names */
    const ini_section *b = &d->sections[ix[i]];
    if (strcmp(d->sections[ix[i - 1]].name, b->name) != 0) {
      start = i;
      continue;
    }
    if (!dsec || b->line < dsec->line) dsec = b, dsec_first = &d->sections[ix[start]];
  }
  if (dsec) {
    rc = fail_at(err, errlen, path, dsec->line, "section [%s] appears twice (first at line %d)", dsec->name,
                 dsec_first->line);
    goto out;
  }
  for (int i = 0; i < d->nentries; i++)
    ix[i] = i;
  qsort_r(ix, (size_t)d->nentries, sizeof *ix, ini__cmp_entries, (void *)d);
  const ini_entry *dup = NULL, *dup_first = NULL;
  for (int i = 1, start = 0; i < d->nentries; i++) {
    const ini_entry *a = &d->entries[ix[i - 1]], *b = &d->entries[ix[i]];
    if (strcmp(a->section, b->section) != 0 || strcmp(a->key, b->key) != 0) {
      start = i;
      continue;
    }
    if (!dup || b->line < dup->line) dup = b, dup_first = &d->entries[ix[start]];
  }
  for (int i = 0; i < d->nentries; i++) { /* an entry before any section, if it comes first */
    const ini_entry *e = &d->entries[i];
    if (dup && dup->line < e->line) break;
    if (!*e->section) {
      rc = fail_at(err, errlen, path, e->line, "key '%s' is outside any [section]", e->key);
      goto out;
    }
  }
  if (dup)
    rc = fail_at(err, errlen, path, dup->line, "key '%s' set twice in [%s] (first at line %d)", dup->key,
                 dup->section, dup_first->line);
out:
  free(ix);
  return rc;
}

/* ---------------------------------------------------------------------------------------------
 * Parameter tables of the workload's own settings (parsed like any kernel parameter) */

static const gb_param_def def_tasks = {"tasks", "tasks in the group", 1, 1, GB_MAX_TASKS, NULL};
static const gb_param_def def_input = {"input_bytes", "input payload of each task", 64, 0, GB_MAX_PAYLOAD,
                                       NULL};
static const gb_param_def def_output = {
    "output_bytes", "output payload of each task", 64, 0, GB_MAX_PAYLOAD, NULL};
static const gb_param_def def_chunk = {"chunk", "tasks handed out at a time", 1, 1, GB_MAX_TASKS, NULL};
static const gb_param_def def_schedule = {"schedule",      "how tasks are handed out", GB_SCHED_DYNAMIC, 0, 1,
                                          "static|dynamic"};
static const gb_param_def def_kind = {"kind",        "what the workload is bound by", GB_KIND_CPU, 0, 2,
                                      "cpu|io|mixed"};
static const gb_param_def def_measure = {"measure",     "what the verdict compares", GB_MEASURE_WALL, 0, 1,
                                         "wall|latency"};
static const gb_param_def def_python = {"python", "how cpython-* runs a CPU phase", GB_PY_TWIN, 0,
                                        3,        "twin|ext|ext-held|numpy"};

/* Parse value for def, with "KEY: " before any message. */
static int parse_keyed(const gb_param_def *def, const char *key, const char *value, int64_t *out, char *err,
                       size_t errlen) {
  char msg[512];
  if (gb_param_parse(def, value, out, msg, sizeof msg) == 0) return 0;
  return fail(err, errlen, "%s: %s", key, msg);
}

/* A name usable in [group.NAME] and [profile.NAME]: within the name character set (gb.h), without
 * '.' and '+' (a dot would end NAME inside a section title). */
static bool valid_name(const char *s, size_t n) {
  if (n == 0 || n >= GB_NAME_MAX || !isalnum((unsigned char)s[0])) return false;
  for (size_t i = 0; i < n; i++)
    if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-') return false;
  return true;
}

/* Parse "N" at s (1..GB_MAX_PHASES) followed by '\0' or '.'; returns the end or NULL. */
static const char *parse_phase_no(const char *s, int *n) {
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

static int group_index(const gb_workload *wl, const char *name, size_t n) {
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
  append(kl->buf, kl->len, "%s%s", *kl->buf ? ", " : "", key);
}

/* The workload's valid keys, comma-separated, into buf. */
static void workload_keys(const gb_workload *wl, char *buf, size_t len) {
  buf[0] = '\0';
  key_list kl = {buf, len};
  gb_workload_params_each(wl, key_list_add, &kl);
}

/* Set a group's own key (tasks, input_bytes, output_bytes); 1 if handled, <0 on error, 0 if the
 * key is not one of them. */
static int set_group_key(gb_group *g, const char *name, const char *qkey, const char *value, char *err,
                         size_t errlen) {
  const gb_param_def *def = strcmp(name, "tasks") == 0          ? &def_tasks
                            : strcmp(name, "input_bytes") == 0  ? &def_input
                            : strcmp(name, "output_bytes") == 0 ? &def_output
                                                                : NULL;
  if (!def) return 0;
  int64_t v;
  int rc = parse_keyed(def, qkey, value, &v, err, errlen);
  if (rc) return rc;
  if (def == &def_tasks)
    g->tasks = v;
  else if (def == &def_input)
    g->input_bytes = v;
  else
    g->output_bytes = v;
  return 1;
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
static int set_phase_param(gb_workload *wl, int g, int p, const char *param, const char *value, char *err,
                           size_t errlen) {
  char qkey[256];
  phase_key(wl, g, p, param, qkey, sizeof qkey);
  gb_phase *ph = &wl->groups[g].phases[p];
  int np;
  char what[GB_NAME_MAX + 16];
  const gb_param_def *defs = phase_params(ph, &np, what, sizeof what);
  if (!defs) return fail(err, errlen, "%s: the phase has no kernel or I/O op", qkey);
  int i = gb_param_find(defs, np, param);
  if (i < 0) {
    char known[512] = "";
    for (int j = 0; j < np; j++)
      append(known, sizeof known, "%s%s", j ? ", " : "", defs[j].name);
    return fail(err, errlen, "unknown key '%s': %s has %s%s", qkey, what,
                *known ? "parameters " : "no parameters", known);
  }
  return parse_keyed(&defs[i], qkey, value, &ph->params.v[i], err, errlen);
}

/* "phase.N.PARAM" (rest = "N.PARAM") within group g. */
static int set_phase_key(gb_workload *wl, int g, const char *key, const char *rest, const char *value,
                         char *err, size_t errlen) {
  int n = 0;
  const char *dot = parse_phase_no(rest, &n);
  if (!dot || *dot != '.' || !dot[1]) return fail(err, errlen, "malformed key '%s'", key);
  if (n > wl->groups[g].nphases)
    return fail(err, errlen, "unknown key '%s': %s has %d phase%s", key,
                wl->single_group ? "the workload" : wl->groups[g].name, wl->groups[g].nphases,
                wl->groups[g].nphases == 1 ? "" : "s");
  return set_phase_param(wl, g, n - 1, dot + 1, value, err, errlen);
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
      append(where, sizeof where, "%s%s", found ? ", " : "", q);
      found++, fg = g, fp = p;
    }
  if (found == 1) return set_phase_param(wl, fg, fp, key, value, err, errlen);
  if (found > 1)
    return fail(err, errlen, "key '%s' is ambiguous: %d phases have it; write one of %s", key, found, where);
  char keys[1024];
  workload_keys(wl, keys, sizeof keys);
  return fail(err, errlen, "unknown key '%s' (workload '%s' has: %s)", key, wl->name, keys);
}

int gb_workload_set(gb_workload *wl, const char *key, const char *value, char *err, size_t errlen) {
  int64_t v;
  int rc;
  if (strcmp(key, "chunk") == 0) {
    if ((rc = parse_keyed(&def_chunk, key, value, &v, err, errlen))) return rc;
    wl->chunk = v;
    return 0;
  }
  if (strcmp(key, "schedule") == 0) {
    if ((rc = parse_keyed(&def_schedule, key, value, &v, err, errlen))) return rc;
    wl->schedule = (gb_schedule)v;
    return 0;
  }
  if (strcmp(key, "tasks") == 0 || strcmp(key, "input_bytes") == 0 || strcmp(key, "output_bytes") == 0) {
    if (wl->single_group) {
      rc = set_group_key(&wl->groups[0], key, key, value, err, errlen);
      return rc < 0 ? rc : 0;
    }
    char where[512] = "";
    for (int g = 0; g < wl->ngroups; g++)
      append(where, sizeof where, "%sgroup.%s.%s", g ? ", " : "", wl->groups[g].name, key);
    return fail(err, errlen, "key '%s' is ambiguous in a workload with groups; write one of %s", key, where);
  }
  if (strncmp(key, "phase.", 6) == 0) {
    if (!wl->single_group)
      return fail(err, errlen, "unknown key '%s': workload '%s' has groups; write group.G.%s", key, wl->name,
                  key);
    return set_phase_key(wl, 0, key, key + 6, value, err, errlen);
  }
  if (strncmp(key, "group.", 6) == 0 && !wl->single_group) {
    const char *gname = key + 6, *dot = strchr(gname, '.');
    int g = dot ? group_index(wl, gname, (size_t)(dot - gname)) : -1;
    if (g < 0) {
      char names[512] = "";
      for (int i = 0; i < wl->ngroups; i++)
        append(names, sizeof names, "%s%s", i ? ", " : "", wl->groups[i].name);
      return fail(err, errlen, "unknown key '%s': workload '%s' has groups %s", key, wl->name, names);
    }
    const char *rest = dot + 1;
    if (strncmp(rest, "phase.", 6) == 0) return set_phase_key(wl, g, key, rest + 6, value, err, errlen);
    rc = set_group_key(&wl->groups[g], rest, key, value, err, errlen);
    if (rc) return rc < 0 ? rc : 0;
  } else if (!strchr(key, '.')) {
    return set_bare(wl, key, value, err, errlen);
  }
  char keys[1024];
  workload_keys(wl, keys, sizeof keys);
  return fail(err, errlen, "unknown key '%s' (workload '%s' has: %s)", key, wl->name, keys);
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
      return fail_at(err, errlen, wl->path, o->line, "%s", msg);
    applied++;
  }
  if (applied) return 0;
  char names[512] = "";
  for (int i = 0; i < wl->nprofiles; i++) {
    bool seen = false;
    for (int j = 0; j < i && !seen; j++)
      seen = !strcmp(wl->profiles[j].profile, wl->profiles[i].profile);
    if (!seen) append(names, sizeof names, "%s%s", *names ? ", " : "", wl->profiles[i].profile);
  }
  return fail(err, errlen, "workload '%s' has no profile '%s' (it has: %s)", wl->name, profile,
              *names ? names : "none but default");
}

void gb_workload_params_each(const gb_workload *wl,
                             void (*fn)(void *user, const char *key, int64_t value, const char *text),
                             void *user) {
  char key[256], text[64];
  const gb_param_def *gdefs[3] = {&def_tasks, &def_input, &def_output};
  for (int g = 0; g < wl->ngroups; g++) {
    const gb_group *gr = &wl->groups[g];
    const int64_t gvals[3] = {gr->tasks, gr->input_bytes, gr->output_bytes};
    for (int i = 0; i < 3; i++) {
      if (wl->single_group)
        snprintf(key, sizeof key, "%s", gdefs[i]->name);
      else
        snprintf(key, sizeof key, "group.%s.%s", gr->name, gdefs[i]->name);
      gb_param_format(gdefs[i], gvals[i], text, sizeof text);
      fn(user, key, gvals[i], text);
    }
    if (wl->single_group) { /* single-group order: tasks, input, output, chunk, schedule, phases */
      gb_param_format(&def_chunk, wl->chunk, text, sizeof text);
      fn(user, "chunk", wl->chunk, text);
      gb_param_format(&def_schedule, wl->schedule, text, sizeof text);
      fn(user, "schedule", wl->schedule, text);
    }
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
  if (!wl->single_group) {
    gb_param_format(&def_chunk, wl->chunk, text, sizeof text);
    fn(user, "chunk", wl->chunk, text);
    gb_param_format(&def_schedule, wl->schedule, text, sizeof text);
    fn(user, "schedule", wl->schedule, text);
  }
}

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
    if ((end = parse_phase_no(name + 6, &si.phase)) && !*end) si.kind = SEC_PHASE;
  } else if (strncmp(name, "profile.", 8) == 0) {
    if (valid_name(name + 8, strlen(name + 8))) si.kind = SEC_PROFILE, si.profile = name + 8;
  } else if (strncmp(name, "group.", 6) == 0) {
    si.group = name + 6;
    const char *dot = strchr(si.group, '.');
    si.group_len = dot ? (size_t)(dot - si.group) : strlen(si.group);
    if (!valid_name(si.group, si.group_len)) return si;
    if (!dot)
      si.kind = SEC_GROUP;
    else if (strncmp(dot, ".phase.", 7) == 0 && (end = parse_phase_no(dot + 7, &si.phase)) && !*end)
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
  return group_index(ld->wl, si->group, si->group_len);
}

/* Sections: known kinds, one form, groups in file order, phases 1..N without gaps. */
static int load_sections(wl_loader *ld) {
  const ini_doc *d = ld->doc;
  gb_workload *wl = ld->wl;
  int single_line = 0, group_line = 0, wl_line = 0;
  for (int i = 0; i < d->nsections; i++) {
    const ini_section *s = &d->sections[i];
    sec_info si = classify(s->name);
    switch (si.kind) {
    case SEC_UNKNOWN:
      return fail_at(ld->err, ld->errlen, ld->path, s->line,
                     "unknown section [%s] (expected [workload], [phase.N], [group.NAME], "
                     "[group.NAME.phase.N] or [profile.NAME])",
                     s->name);
    case SEC_WORKLOAD: wl_line = s->line; break;
    case SEC_PHASE:
      if (!single_line) single_line = s->line;
      break;
    case SEC_GROUP:
    case SEC_GROUP_PHASE:
      if (!group_line) group_line = s->line;
      if (group_index(wl, si.group, si.group_len) < 0) {
        if (wl->ngroups == GB_MAX_GROUPS)
          return fail_at(ld->err, ld->errlen, ld->path, s->line, "more than %d groups", GB_MAX_GROUPS);
        gb_group *g = &wl->groups[wl->ngroups++];
        memcpy(g->name, si.group, si.group_len);
        g->name[si.group_len] = '\0';
        g->line = s->line;
      }
      break;
    case SEC_PROFILE:
      if (strcmp(si.profile, "default") == 0)
        return fail_at(ld->err, ld->errlen, ld->path, s->line,
                       "[profile.default] is reserved: the plain values are the default profile");
      break;
    }
  }
  if (!wl_line) return fail_at(ld->err, ld->errlen, ld->path, 0, "no [workload] section");
  if (single_line && group_line)
    return fail_at(ld->err, ld->errlen, ld->path, single_line > group_line ? single_line : group_line,
                   "[phase.N] and [group.NAME] sections cannot be mixed: write every phase as "
                   "[group.NAME.phase.N] in a workload with groups");
  wl->single_group = !group_line;
  if (wl->single_group) {
    wl->ngroups = 1;
    strcpy(wl->groups[0].name, "main");
    wl->groups[0].line = wl_line;
  }
  for (int i = 0; i < d->nsections; i++) { /* phase numbers */
    sec_info si = classify(d->sections[i].name);
    if (si.kind != SEC_PHASE && si.kind != SEC_GROUP_PHASE) continue;
    if (si.phase > GB_MAX_PHASES)
      return fail_at(ld->err, ld->errlen, ld->path, d->sections[i].line, "[%s]: at most %d phases",
                     d->sections[i].name, GB_MAX_PHASES);
    int g = loader_group(ld, &si);
    ld->phase_sec_line[g][si.phase - 1] = d->sections[i].line;
    wl->groups[g].phases[si.phase - 1].line = d->sections[i].line;
    if (si.phase > wl->groups[g].nphases) wl->groups[g].nphases = si.phase;
  }
  for (int g = 0; g < wl->ngroups; g++) {
    gb_group *gr = &wl->groups[g];
    if (!gr->nphases) {
      if (wl->single_group)
        return fail_at(ld->err, ld->errlen, ld->path, gr->line,
                       "no phases: add [phase.1] with kernel = NAME");
      return fail_at(ld->err, ld->errlen, ld->path, gr->line,
                     "group '%s' has no phases: add [group.%s.phase.1]", gr->name, gr->name);
    }
    for (int p = 0; p < gr->nphases; p++) {
      if (ld->phase_sec_line[g][p]) continue;
      int q = p + 1;
      while (!ld->phase_sec_line[g][q])
        q++;
      return fail_at(ld->err, ld->errlen, ld->path, ld->phase_sec_line[g][q],
                     "phase %d follows no phase %d: phases are numbered 1, 2, ... without gaps", q + 1,
                     p + 1);
    }
    gr->tasks = def_tasks.def;
    gr->input_bytes = def_input.def;
    gr->output_bytes = def_output.def;
  }
  return 0;
}

/* A [workload] key. */
static int load_workload_key(wl_loader *ld, const ini_entry *e) {
  gb_workload *wl = ld->wl;
  char msg[1024];
  int64_t v;
  const gb_param_def *def = NULL;
  if (strcmp(e->key, "name") == 0) {
    if (!gb_name_valid(e->value))
      return fail_at(ld->err, ld->errlen, ld->path, e->line, "name: '%s' is not a name (%s)", e->value,
                     GB_NAME_CHARSET);
    strcpy(wl->name, e->value);
    ld->name_line = e->line;
    return 0;
  }
  if (strcmp(e->key, "summary") == 0) {
    if (!copy_fits(wl->summary, sizeof wl->summary, e->value))
      return fail_at(ld->err, ld->errlen, ld->path, e->line, "summary: longer than %zu characters",
                     sizeof wl->summary - 1);
    return 0;
  }
  if (strcmp(e->key, "kind") == 0)
    def = &def_kind;
  else if (strcmp(e->key, "measure") == 0)
    def = &def_measure;
  if (def) {
    if (parse_keyed(def, e->key, e->value, &v, msg, sizeof msg))
      return fail_at(ld->err, ld->errlen, ld->path, e->line, "%s", msg);
    if (def == &def_kind)
      wl->kind = (gb_workload_kind)v;
    else
      wl->measure = (gb_measure)v;
    return 0;
  }
  bool group_key =
      !strcmp(e->key, "tasks") || !strcmp(e->key, "input_bytes") || !strcmp(e->key, "output_bytes");
  if (group_key && !wl->single_group)
    return fail_at(ld->err, ld->errlen, ld->path, e->line,
                   "'%s' belongs in each [group.NAME] section in a workload with groups", e->key);
  if (group_key || !strcmp(e->key, "chunk") || !strcmp(e->key, "schedule")) {
    if (gb_workload_set(wl, e->key, e->value, msg, sizeof msg))
      return fail_at(ld->err, ld->errlen, ld->path, e->line, "%s", msg);
    return 0;
  }
  return fail_at(ld->err, ld->errlen, ld->path, e->line,
                 "unknown key '%s' in [workload] (expected name, summary, kind, measure, "
                 "schedule, chunk%s)",
                 e->key, wl->single_group ? ", tasks, input_bytes, output_bytes" : "");
}

/* kernel, io and python keys of a phase (parameters come later, once the kernel is known). */
static int load_phase_key(wl_loader *ld, const ini_entry *e, gb_phase *ph) {
  if (strcmp(e->key, "io") == 0 || strcmp(e->key, "kernel") == 0) {
    if (ph->kernel || ph->op) /* the other of the pair was set (set twice is caught earlier) */
      return fail_at(ld->err, ld->errlen, ld->path, e->line, "a phase runs a kernel or an I/O op, not both");
  }
  if (strcmp(e->key, "io") == 0) {
    ph->op = gb_ioop_find(e->value);
    if (ph->op) {
      ph->kind = GB_PHASE_IO;
      memset(&ph->params, 0, sizeof ph->params);
      for (int i = 0; i < ph->op->nparams && i < GB_MAX_PARAMS; i++)
        ph->params.v[i] = ph->op->params[i].def;
      return 0;
    }
    char known[1024] = "";
    for (int i = 0; gb_ioops[i]; i++)
      append(known, sizeof known, "%s%s", i ? ", " : "", gb_ioops[i]->name);
    return fail_at(ld->err, ld->errlen, ld->path, e->line, "unknown I/O op '%s' (known: %s)", e->value,
                   known);
  }
  if (strcmp(e->key, "kernel") == 0) {
    ph->kernel = gb_kernel_find(e->value);
    if (ph->kernel) {
      ph->kind = GB_PHASE_CPU;
      gb_kparams_defaults(ph->kernel, &ph->params);
      return 0;
    }
    char known[1024] = "";
    for (int i = 0; gb_kernels[i]; i++)
      append(known, sizeof known, "%s%s", i ? ", " : "", gb_kernels[i]->name);
    return fail_at(ld->err, ld->errlen, ld->path, e->line, "unknown kernel '%s' (known: %s)", e->value,
                   known);
  }
  if (strcmp(e->key, "python") == 0) {
    char msg[512];
    int64_t v;
    if (parse_keyed(&def_python, e->key, e->value, &v, msg, sizeof msg))
      return fail_at(ld->err, ld->errlen, ld->path, e->line, "%s", msg);
    ph->python = (gb_python_mode)v;
    return 0;
  }
  return 0; /* a parameter: checked once every phase's kernel is known */
}

static int load_profile_key(wl_loader *ld, const ini_entry *e, const char *profile) {
  gb_workload *wl = ld->wl;
  wl->profiles = gb_xrealloc(wl->profiles, sizeof *wl->profiles * (size_t)(wl->nprofiles + 1));
  gb_override *o = &wl->profiles[wl->nprofiles++];
  memset(o, 0, sizeof *o);
  o->line = e->line;
  strcpy(o->profile, profile); /* valid_name() bounded it */
  if (!copy_fits(o->key, sizeof o->key, e->key) || !copy_fits(o->value, sizeof o->value, e->value))
    return fail_at(ld->err, ld->errlen, ld->path, e->line, "key or value too long");
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
          append(with, sizeof with, "%s%s", with[0] ? ", " : "", gb_kernels[i]->name);
      return fail_at(ld->err, ld->errlen, ld->path, ph->line,
                     "python = numpy: kernel '%s' has no NumPy twin (kernels with one: %s)", ph->kernel->name,
                     with);
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
    case SEC_WORKLOAD: rc = load_workload_key(ld, e); break;
    case SEC_GROUP: {
      char msg[1024];
      rc = set_group_key(&wl->groups[loader_group(ld, &si)], e->key, e->key, e->value, msg, sizeof msg);
      if (rc < 0) return fail_at(ld->err, ld->errlen, ld->path, e->line, "%s", msg);
      if (rc == 0)
        return fail_at(ld->err, ld->errlen, ld->path, e->line,
                       "unknown key '%s' in [%s] (expected tasks, input_bytes, output_bytes)", e->key,
                       e->section);
      rc = 0;
      break;
    }
    case SEC_PHASE:
    case SEC_GROUP_PHASE:
      rc = load_phase_key(ld, e, &wl->groups[loader_group(ld, &si)].phases[si.phase - 1]);
      break;
    case SEC_PROFILE: rc = load_profile_key(ld, e, si.profile); break;
    default: rc = 0; break; /* unknown sections were refused already */
    }
    if (rc) return rc;
  }
  for (int g = 0; g < wl->ngroups; g++)
    for (int p = 0; p < wl->groups[g].nphases; p++)
      if (!wl->groups[g].phases[p].kernel && !wl->groups[g].phases[p].op)
        return fail_at(ld->err, ld->errlen, ld->path, ld->phase_sec_line[g][p],
                       "the phase has no 'kernel = NAME' (or 'io = OP')");
  for (int i = 0; i < d->nentries; i++) { /* phase parameters, now that kernels are known */
    const ini_entry *e = &d->entries[i];
    sec_info si = classify(e->section);
    if (si.kind != SEC_PHASE && si.kind != SEC_GROUP_PHASE) continue;
    if (!strcmp(e->key, "kernel") || !strcmp(e->key, "io") || !strcmp(e->key, "python")) continue;
    char msg[1536];
    if (set_phase_param(wl, loader_group(ld, &si), si.phase - 1, e->key, e->value, msg, sizeof msg))
      return fail_at(ld->err, ld->errlen, ld->path, e->line, "%s", msg);
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
      return fail_at(ld->err, ld->errlen, ld->path, d->sections[i].line, "[%s] sets nothing",
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
  if (!copy_fits(wl->path, sizeof wl->path, path)) return fail_at(err, errlen, path, 0, "path too long");
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
  int rc = ini_doc_read(path, &doc, err, errlen);
  if (rc) return rc;
  wl_loader ld = {.path = path, .doc = &doc, .wl = wl, .err = err, .errlen = errlen};
  rc = ini_check_duplicates(&doc, path, err, errlen);
  if (!rc) rc = load_sections(&ld);
  if (!rc) rc = load_entries(&ld);
  if (!rc) rc = load_check_profiles(&ld);
  if (!rc) rc = load_check_python(&ld);
  if (!rc && !ld.name_line && !fname_ok)
    rc = fail_at(err, errlen, path, 1,
                 "the file name gives the workload the name '%s', outside the name character set %s: "
                 "add `name = ...` to [workload]",
                 wl->name, GB_NAME_CHARSET);
  ini_doc_free(&doc);
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

/* ---------------------------------------------------------------------------------------------
 * Finding definition files */

#define GB__MAX_DIRS 64

#ifndef GB_BUILD_DIR
#define GB_BUILD_DIR ""
#endif

/* Where the shipped definitions are: a binary running from its build tree uses the source tree's
 * (so edits there take effect at once); an installed one uses ../share/gilbench/workloads next
 * to itself (so an installed tree can be moved), else the configured install folder. */
static const char *shipped_dir(void) {
  static char dir[PATH_MAX];
  if (dir[0]) return dir;
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  size_t bl = strlen(GB_BUILD_DIR);
  if (n > 0) {
    exe[n] = '\0';
    if (bl > 0 && strncmp(exe, GB_BUILD_DIR, bl) == 0 && exe[bl] == '/') {
      snprintf(dir, sizeof dir, "%s", GB_WORKLOADS_SRC_DIR);
      return dir;
    }
    char *slash = strrchr(exe, '/');
    if (slash) {
      *slash = '\0';
      char cand[PATH_MAX + 64];
      snprintf(cand, sizeof cand, "%s/../share/gilbench/workloads", exe);
      struct stat st;
      if (stat(cand, &st) == 0 && S_ISDIR(st.st_mode) && realpath(cand, dir)) return dir;
    }
  }
  snprintf(dir, sizeof dir, "%s", GB_WORKLOADS_INSTALL_DIR);
  return dir;
}

/* The folders searched, in order: $GILBENCH_PATH (and DIR/suites for suites), then the source
 * shipped folder of shipped_dir() (its suites/ for suites). Returns the count. */
static int search_dirs(bool suites, char dirs[][PATH_MAX], int max) {
  int n = 0;
  const char *env = getenv("GILBENCH_PATH");
  while (env && *env && n < max) {
    const char *colon = strchr(env, ':');
    size_t len = colon ? (size_t)(colon - env) : strlen(env);
    if (len > 0 && len < PATH_MAX - 8) {
      snprintf(dirs[n++], PATH_MAX, "%.*s", (int)len, env);
      if (suites && n < max) snprintf(dirs[n++], PATH_MAX, "%.*s/suites", (int)len, env);
    }
    if (!colon) break;
    env = colon + 1;
  }
  const char *shipped = shipped_dir();
  if (*shipped && n < max) snprintf(dirs[n++], PATH_MAX, "%s%s", shipped, suites ? "/suites" : "");
  return n;
}

/* out = a "/" b ext; false when it does not fit in len. */
static bool join_path(char *out, size_t len, const char *a, const char *b, const char *ext) {
  size_t na = strlen(a), nb = strlen(b), ne = strlen(ext);
  if (na + 1 + nb + ne >= len) return false;
  memcpy(out, a, na);
  out[na] = '/';
  memcpy(out + na + 1, b, nb);
  memcpy(out + na + 1 + nb, ext, ne + 1);
  return true;
}

static bool is_regular_file(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* On failure the message ("no workload 'x' (looked in ...)") is left in path. */
static int resolve(const char *name, bool suites, char *path, size_t len) {
  size_t n = strlen(name);
  if (strchr(name, '/') || (n >= 4 && strcmp(name + n - 4, ".ini") == 0)) {
    if (is_regular_file(name) && n < len) {
      memcpy(path, name, n + 1);
      return 0;
    }
    snprintf(path, len, "%s: no such file", name);
    return GB_EINVAL;
  }
  static char dirs[GB__MAX_DIRS][PATH_MAX];
  int nd = search_dirs(suites, dirs, GB__MAX_DIRS);
  char cand[PATH_MAX];
  for (int i = 0; i < nd; i++) {
    if (join_path(cand, sizeof cand, dirs[i], name, ".ini") && is_regular_file(cand) && strlen(cand) < len) {
      memcpy(path, cand, strlen(cand) + 1);
      return 0;
    }
  }
  char msg[4096];
  snprintf(msg, sizeof msg, "no %s '%s' (looked for %s.ini in: ", suites ? "suite" : "workload", name, name);
  for (int i = 0; i < nd; i++)
    append(msg, sizeof msg, "%s%s", i ? ", " : "", dirs[i]);
  append(msg, sizeof msg, "%s; GILBENCH_PATH adds folders)", nd ? "" : "nowhere");
  snprintf(path, len, "%s", msg);
  return GB_EINVAL;
}

int gb_workload_resolve(const char *name, char *path, size_t len) {
  return resolve(name, false, path, len);
}

int gb_suite_resolve(const char *name, char *path, size_t len) {
  return resolve(name, true, path, len);
}

/* Cheap test for a file in a workloads folder that is not a workload: a suite (a "[suite]" line)
 * or the findings rules (a "[finding." line). */
static bool file_is_suite(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return false;
  char line[512];
  bool suite = false;
  while (!suite && fgets(line, sizeof line, f)) {
    char *p = line;
    while (isspace((unsigned char)*p))
      p++;
    suite = strncmp(p, "[suite]", 7) == 0 || strncmp(p, "[finding.", 9) == 0;
  }
  fclose(f);
  return suite;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int gb_workload_list(char ***names) {
  static char dirs[GB__MAX_DIRS][PATH_MAX];
  int nd = search_dirs(false, dirs, GB__MAX_DIRS), n = 0;
  char **out = NULL;
  for (int i = 0; i < nd; i++) {
    DIR *dir = opendir(dirs[i]);
    if (!dir) continue;
    struct dirent *de;
    while ((de = readdir(dir))) {
      size_t len = strlen(de->d_name);
      if (len <= 4 || strcmp(de->d_name + len - 4, ".ini") != 0 || de->d_name[0] == '.') continue;
      char full[PATH_MAX];
      if (!join_path(full, sizeof full, dirs[i], de->d_name, "") || !is_regular_file(full) ||
          file_is_suite(full))
        continue;
      out = gb_xrealloc(out, sizeof *out * (size_t)(n + 1));
      out[n] = gb_xstrdup(de->d_name);
      out[n++][len - 4] = '\0';
    }
    closedir(dir);
  }
  if (n) qsort(out, (size_t)n, sizeof *out, cmp_str);
  int m = 0; /* deduplicate: the first folder on the path wins, the name is the same */
  for (int i = 0; i < n; i++) {
    if (m && strcmp(out[m - 1], out[i]) == 0)
      free(out[i]);
    else
      out[m++] = out[i];
  }
  *names = out;
  return m;
}

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
  if (k < 0) return fail_at(sl->err, sl->errlen, sl->path, e->line, "%s", msg);
  if (k == 0)
    return fail_at(sl->err, sl->errlen, sl->path, e->line, "strategies: '%s' selects no strategy", e->value);
  for (int i = 0; i < n; i++) {
    s->strategies = gb_xrealloc(s->strategies, sizeof *s->strategies * (size_t)(s->nstrategies + 1));
    s->strategies[s->nstrategies++] = gb_xstrdup(items[i]);
  }
  return 0;
}

static int suite_workers(suite_loader *sl, const ini_entry *e, char **items, int n) {
  static const gb_param_def def_workers = {"workers", "", 1, 1, GB_MAX_WORKERS, NULL};
  static const gb_param_def def_mult = {"workers", "", 1, 1, 64, NULL};
  gb_suite *s = sl->s;
  if (n > (int)GB_ARRAY_LEN(s->workers))
    return fail_at(sl->err, sl->errlen, sl->path, e->line, "workers: at most %zu entries",
                   GB_ARRAY_LEN(s->workers));
  for (int i = 0; i < n; i++) {
    const char *it = items[i];
    size_t len = strlen(it);
    int64_t v;
    char msg[512];
    if (strcmp(it, "pus") == 0) {
      s->workers[s->nworkers++] = -1;
    } else if (len > 4 && strcmp(it + len - 4, "*pus") == 0) {
      char k[64];
      snprintf(k, sizeof k, "%.*s", (int)(len - 4), it);
      if (gb_param_parse(&def_mult, k, &v, msg, sizeof msg))
        return fail_at(sl->err, sl->errlen, sl->path, e->line, "workers: '%s': %s", it, msg);
      s->workers[s->nworkers++] = -(int)v;
    } else {
      if (gb_param_parse(&def_workers, it, &v, msg, sizeof msg))
        return fail_at(sl->err, sl->errlen, sl->path, e->line, "workers: %s (or pus, 2*pus)", msg);
      s->workers[s->nworkers++] = (int)v;
    }
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
      return fail_at(sl->err, sl->errlen, sl->path, e->line, "max_workers: expected STRATEGY:N, got '%s'",
                     items[i]);
    snprintf(name, sizeof name, "%.*s", (int)(colon - items[i]), items[i]);
    if (!gb_strategy_find(name))
      return fail_at(sl->err, sl->errlen, sl->path, e->line, "max_workers: no strategy '%s'", name);
    if (gb_param_parse(&def_workers, colon + 1, &v, msg, sizeof msg))
      return fail_at(sl->err, sl->errlen, sl->path, e->line, "max_workers: %s: %s", name, msg);
    if (s->ncaps == (int)GB_ARRAY_LEN(s->cap_workers))
      return fail_at(sl->err, sl->errlen, sl->path, e->line, "max_workers: at most %zu entries",
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
      return fail_at(sl->err, sl->errlen, sl->path, e->line, "%s", path);
    sl->wls = gb_xrealloc(sl->wls, sizeof *sl->wls * (size_t)(sl->nwls + 1));
    if (gb_workload_load(path, &sl->wls[sl->nwls], sl->err, sl->errlen)) return GB_EINVAL;
    sl->nwls++;
    s->workloads = gb_xrealloc(s->workloads, sizeof *s->workloads * (size_t)(s->nworkloads + 1));
    s->workloads[s->nworkloads++] = gb_xstrdup(items[i]);
  }
  return 0;
}

int gb_reps_parse(const char *text, int *reps, double *target, char *msg, size_t msglen) {
  if (strncmp(text, "auto", 4) != 0) {
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < 1 || v > 100000) {
      snprintf(msg, msglen, "'%s': expected an integer count in [1, 100000], or auto[:TARGET] (auto:2%%)",
               text);
      return -1;
    }
    *reps = (int)v;
    *target = 0;
    return 0;
  }
  double t = 0.02; /* the default target: the median known within 2% */
  if (text[4] == ':') {
    char *end;
    errno = 0;
    t = strtod(text + 5, &end);
    int pct = *end == '%';
    if (errno || end == text + 5 || end[pct] != '\0' || !(pct || t < 1)) {
      snprintf(msg, msglen,
               "'%s': expected auto:TARGET with TARGET a percentage (auto:2%%) or a fraction (auto:0.02)",
               text);
      return -1;
    }
    if (pct) t /= 100;
  } else if (text[4] != '\0') {
    snprintf(msg, msglen, "'%s': expected auto or auto:TARGET (auto:2%%)", text);
    return -1;
  }
  if (!(t > 0 && t <= 0.5)) {
    snprintf(msg, msglen, "'%s': the target must be above 0 and at most 50%%", text);
    return -1;
  }
  *reps = 0;
  *target = t;
  return 0;
}

/* One [suite] key. */
static int suite_key(suite_loader *sl, const ini_entry *e) {
  static const gb_param_def def_reps = {"reps", "", 5, 1, 1000, NULL};
  static const gb_param_def def_warmup = {"warmup", "", 1, 0, 100, NULL};
  gb_suite *s = sl->s;
  char msg[512];
  int64_t v;
  const char *k = e->key;
  if (!strcmp(k, "workloads") || !strcmp(k, "strategies") || !strcmp(k, "workers") ||
      !strcmp(k, "max_workers")) {
    char **items;
    int n;
    if (gb_list_split(e->value, &items, &n))
      return fail_at(sl->err, sl->errlen, sl->path, e->line, "%s: expected a comma-separated list, got '%s'",
                     k, e->value);
    int rc = !strcmp(k, "workloads")     ? suite_workloads(sl, e, items, n)
             : !strcmp(k, "strategies")  ? suite_strategies(sl, e, items, n)
             : !strcmp(k, "max_workers") ? suite_max_workers(sl, e, items, n)
                                         : suite_workers(sl, e, items, n);
    gb_list_free(items, n);
    return rc;
  }
  if (!strcmp(k, "pythons")) { /* LABEL=PATH, ...: families LABEL-* (before `strategies` names them) */
    char **items;
    int n;
    if (gb_list_split(e->value, &items, &n))
      return fail_at(sl->err, sl->errlen, sl->path, e->line, "pythons: expected LABEL=PATH, ... got '%s'",
                     e->value);
    for (int i = 0; i < n; i++) {
      if (gb_pyhost_add(items[i], msg, sizeof msg) != 0) {
        gb_list_free(items, n);
        return fail_at(sl->err, sl->errlen, sl->path, e->line, "pythons: %s", msg);
      }
    }
    gb_list_free(items, n);
    return 0;
  }
  if (!strcmp(k, "reps") && strncmp(e->value, "auto", 4) == 0) {
    if (gb_reps_parse(e->value, &s->reps, &s->reps_auto, msg, sizeof msg))
      return fail_at(sl->err, sl->errlen, sl->path, e->line, "reps: %s", msg);
    return 0;
  }
  if (!strcmp(k, "max_reps") || !strcmp(k, "max_cell_seconds")) {
    static const gb_param_def def_max_reps = {"max_reps", "", 30, 6, 1000, NULL};
    static const gb_param_def def_max_cell = {"max_cell_seconds", "", 20, 1, 86400, NULL};
    if (parse_keyed(!strcmp(k, "max_reps") ? &def_max_reps : &def_max_cell, k, e->value, &v, msg, sizeof msg))
      return fail_at(sl->err, sl->errlen, sl->path, e->line, "%s", msg);
    if (!strcmp(k, "max_reps"))
      s->max_reps = (int)v;
    else
      s->max_cell_s = (double)v;
    return 0;
  }
  if (!strcmp(k, "reps") || !strcmp(k, "warmup")) {
    if (parse_keyed(!strcmp(k, "reps") ? &def_reps : &def_warmup, k, e->value, &v, msg, sizeof msg))
      return fail_at(sl->err, sl->errlen, sl->path, e->line, "%s", msg);
    *(!strcmp(k, "reps") ? &s->reps : &s->warmup) = (int)v;
    return 0;
  }
  if (!strcmp(k, "profile")) {
    if (!valid_name(e->value, strlen(e->value)))
      return fail_at(sl->err, sl->errlen, sl->path, e->line, "profile: bad name '%s'", e->value);
    strcpy(s->profile, e->value);
    sl->profile_line = e->line;
    return 0;
  }
  if (!strcmp(k, "bind")) {
    gb_bind b;
    if (!copy_fits(s->bind, sizeof s->bind, e->value))
      return fail_at(sl->err, sl->errlen, sl->path, e->line, "bind: value too long");
    if (gb_bind_parse(e->value, &b, msg, sizeof msg) != 0) /* syntax here; PUs when planned */
      return fail_at(sl->err, sl->errlen, sl->path, e->line, "%s", msg);
    return 0;
  }
  if (!strcmp(k, "timeout")) {
    char *end;
    errno = 0;
    double t = strtod(e->value, &end);
    if (end == e->value || *end || errno || !isfinite(t) || t <= 0)
      return fail_at(sl->err, sl->errlen, sl->path, e->line, "timeout: expected seconds > 0, got '%s'",
                     e->value);
    s->timeout = t;
    return 0;
  }
  return fail_at(sl->err, sl->errlen, sl->path, e->line,
                 "unknown key '%s' in [suite] (expected workloads, strategies, workers, max_workers, "
                 "profile, reps, warmup, bind, timeout, pythons)",
                 k);
}

/* A [set] key naming a strategy option: STRATEGY.OPTION or cpython.OPTION. 1 if it is one (and
 * its values are valid), 0 if the key is not of that form, <0 on error. */
static int suite_set_option(suite_loader *sl, const gb_suite_set *st) {
  const char *dot = strchr(st->key, '.');
  if (!dot) return 0;
  char prefix[128];
  snprintf(prefix, sizeof prefix, "%.*s", (int)(dot - st->key), st->key);
  const char *opt = dot + 1;
  bool family = !gb_strategy_find(prefix) && gb_pyfamily_find(prefix) != NULL; /* cpython, pypy, ... */
  if (!family && !gb_strategy_find(prefix)) return 0;
  size_t pl = strlen(prefix);
  const gb_param_def *def = NULL;
  char known[1024] = "";
  for (int j = 0; gb_strategies[j] && !def; j++) {
    const gb_strategy *g = gb_strategies[j];
    if (family ? strncmp(g->name, prefix, pl) != 0 || g->name[pl] != '-' : strcmp(g->name, prefix) != 0)
      continue;
    int i = gb_param_find(g->options, g->noptions, opt);
    if (i >= 0) def = &g->options[i];
    for (int o = 0; o < g->noptions; o++)
      append(known, sizeof known, "%s%s", *known ? ", " : "", g->options[o].name);
  }
  if (!def)
    return fail_at(sl->err, sl->errlen, sl->path, st->line, "unknown option '%s' of %s (%s%s)", opt,
                   family ? "the family's strategies" : prefix, *known ? "it has: " : "it has no options",
                   known);
  for (int v = 0; v < st->nvalues; v++) {
    char msg[512];
    int64_t x;
    if (gb_param_parse(def, st->values[v], &x, msg, sizeof msg))
      return fail_at(sl->err, sl->errlen, sl->path, st->line, "%s: %s", st->key, msg);
  }
  return 1;
}

/* A [set] key that is a workload parameter: valid, with every value, in some listed workload. */
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
  return fail_at(sl->err, sl->errlen, sl->path, st->line,
                 "[set] %s: not a strategy option, and no listed workload takes it: %s", st->key, first);
}

static int suite_set(suite_loader *sl, const ini_entry *e) {
  gb_suite *s = sl->s;
  s->sets = gb_xrealloc(s->sets, sizeof *s->sets * (size_t)(s->nsets + 1));
  gb_suite_set *st = &s->sets[s->nsets++];
  memset(st, 0, sizeof *st);
  st->line = e->line;
  if (!copy_fits(st->key, sizeof st->key, e->key))
    return fail_at(sl->err, sl->errlen, sl->path, e->line, "key too long");
  if (gb_list_split(e->value, &st->values, &st->nvalues))
    return fail_at(sl->err, sl->errlen, sl->path, e->line,
                   "%s: expected a value or a comma-separated list, got '%s'", e->key, e->value);
  return 0;
}

static int suite_validate(suite_loader *sl, int suite_line) {
  gb_suite *s = sl->s;
  if (!s->nworkloads) return fail_at(sl->err, sl->errlen, sl->path, suite_line, "[suite] lists no workloads");
  if (*s->profile && strcmp(s->profile, "default") != 0)
    for (int w = 0; w < sl->nwls; w++) {
      char msg[1024];
      gb_workload copy;
      gb_workload_copy(&copy, &sl->wls[w]);
      int rc = gb_workload_apply_profile(&copy, s->profile, msg, sizeof msg);
      gb_workload_free(&copy);
      if (rc) return fail_at(sl->err, sl->errlen, sl->path, sl->profile_line, "%s", msg);
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
  const char *k = e->key;
  if (strcmp(k, "workloads") && strcmp(k, "strategies") && strcmp(k, "workers") && strcmp(k, "profile"))
    return fail_at(sl->err, sl->errlen, sl->path, e->line,
                   "unknown key '%s' in [%s] (a part has workloads, strategies, workers, profile; reps, "
                   "warmup, bind and timeout are the [suite]'s)",
                   k, e->section);
  return suite_key(sl, e);
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
  if (!valid_name(name, strlen(name)))
    return fail_at(err, errlen, path, sec->line, "[%s]: a part's name is letters, digits, '_' and '-'",
                   sec->name);
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
  if (!copy_fits(s->path, sizeof s->path, path)) return fail_at(err, errlen, path, 0, "path too long");
  ini_doc doc;
  int rc = ini_doc_read(path, &doc, err, errlen);
  if (rc) return rc;
  suite_loader sl = {.path = path, .s = s, .err = err, .errlen = errlen};
  int suite_line = 0, nparts = 0;
  rc = ini_check_duplicates(&doc, path, err, errlen);
  for (int i = 0; !rc && i < doc.nsections; i++) {
    const ini_section *sec = &doc.sections[i];
    if (!strcmp(sec->name, "suite"))
      suite_line = sec->line;
    else if (!strncmp(sec->name, "part.", 5) && !strchr(sec->name + 5, '.'))
      nparts++;
    else if (strcmp(sec->name, "set") != 0 && !is_part_set(&doc, sec->name))
      rc = fail_at(err, errlen, path, sec->line,
                   "unknown section [%s] (a suite has [suite], [set], [part.NAME] and [part.NAME.set])",
                   sec->name);
  }
  if (!rc && !suite_line) rc = fail_at(err, errlen, path, 0, "no [suite] section");
  for (int i = 0; !rc && i < doc.nentries; i++) {
    const ini_entry *e = &doc.entries[i];
    if (!strcmp(e->section, "suite"))
      rc = suite_key(&sl, e);
    else if (!strcmp(e->section, "set"))
      rc = suite_set(&sl, e);
  }
  if (!rc && nparts && s->nworkloads)
    rc = fail_at(err, errlen, path, suite_line,
                 "[suite] lists workloads, but its parts say what runs: list them "
                 "in each [part.NAME]");
  if (!rc && !nparts) rc = suite_validate(&sl, suite_line);
  for (int i = 0; !rc && i < doc.nsections; i++)
    if (!strncmp(doc.sections[i].name, "part.", 5) && !strchr(doc.sections[i].name + 5, '.'))
      rc = suite_part(s, &doc, &doc.sections[i], path, err, errlen);
  for (int w = 0; w < sl.nwls; w++)
    gb_workload_free(&sl.wls[w]);
  free(sl.wls);
  ini_doc_free(&doc);
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

int gb_defs_check(const char *path, char *err, size_t errlen) {
  ini_doc doc;
  int rc = ini_doc_read(path, &doc, err, errlen);
  if (rc) return rc;
  bool suite = ini_has_section(&doc, "suite") || ini_has_section(&doc, "set");
  ini_doc_free(&doc);
  if (suite) {
    gb_suite s;
    rc = gb_suite_load(path, &s, err, errlen);
    if (!rc) gb_suite_free(&s);
    return rc;
  }
  gb_workload wl;
  rc = gb_workload_load(path, &wl, err, errlen);
  if (!rc) gb_workload_free(&wl);
  return rc;
}

/* ---------------------------------------------------------------------------------------------
 * The reader for other rule files (defs.h, gb_ini_read) */

int gb_ini_read(const char *path, gb_ini *ini, char *err, size_t errlen) {
  memset(ini, 0, sizeof *ini);
  ini_doc *doc = gb_xcalloc(1, sizeof *doc);
  int rc = ini_doc_read(path, doc, err, errlen);
  if (!rc) rc = ini_check_duplicates(doc, path, err, errlen);
  if (rc) {
    ini_doc_free(doc);
    free(doc);
    return rc;
  }
  ini->priv = doc;
  ini->nsections = doc->nsections;
  ini->nentries = doc->nentries;
  ini->sections = gb_xcalloc((size_t)doc->nsections + 1, sizeof *ini->sections);
  ini->entries = gb_xcalloc((size_t)doc->nentries + 1, sizeof *ini->entries);
  for (int i = 0; i < doc->nsections; i++)
    ini->sections[i] = (gb_ini_section){doc->sections[i].name, doc->sections[i].line};
  for (int i = 0; i < doc->nentries; i++)
    ini->entries[i] = (gb_ini_entry){doc->entries[i].section, doc->entries[i].key, doc->entries[i].value,
                                     doc->entries[i].line};
  return 0;
}

void gb_ini_free(gb_ini *ini) {
  if (ini->priv) ini_doc_free(ini->priv);
  free(ini->priv);
  free(ini->sections);
  free(ini->entries);
  memset(ini, 0, sizeof *ini);
}

int gb_ini_list(const char *value, char ***items, int *n) {
  return gb_list_split(value, items, n);
}

void gb_ini_list_free(char **items, int n) {
  gb_list_free(items, n);
}
