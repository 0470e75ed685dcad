/* defs_ini.c: reading an INI file into (section, key, value, line) entries, for definitions,
 * suites and rule files (gb_ini_read). inih does the lexing; we feed it through our own line
 * reader so that every key and section keeps the line it was written on (Debian's inih does not
 * pass line numbers to the handler). */
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
 * Reading an INI file into (section, key, value, line) entries */

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

void gb_defs_ini_doc_free(ini_doc *d) {
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
int gb_defs_ini_doc_read(const char *path, ini_doc *doc, char *err, size_t errlen) {
  memset(doc, 0, sizeof *doc);
  FILE *f = fopen(path, "r");
  if (!f) return gb_defs_fail_at(err, errlen, path, 0, "cannot open: %s", strerror(errno));
  struct stat sb;
  if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > GB_DEFS_MAX_BYTES) {
    int e = errno;
    fclose(f);
    if (sb.st_mode && S_ISDIR(sb.st_mode))
      return gb_defs_fail_at(err, errlen, path, 0, "is a directory, not a definition or suite file");
    if (sb.st_mode && !S_ISREG(sb.st_mode))
      return gb_defs_fail_at(err, errlen, path, 0, "not a regular file");
    if (sb.st_mode)
      return gb_defs_fail_at(err, errlen, path, 0, "larger than %d bytes: not a definition or suite file",
                             GB_DEFS_MAX_BYTES);
    return gb_defs_fail_at(err, errlen, path, 0, "cannot read: %s", strerror(e));
  }
  ini_state st = {.f = f, .doc = doc};
  int rc = ini_parse_stream(ini_read_line, &st, ini_on_entry, &st);
  fclose(f);
  free(st.buf);
  if (rc == 0 && !st.long_line && !st.nul_line) return 0;
  gb_defs_ini_doc_free(doc);
  if (st.nul_line) return gb_defs_fail_at(err, errlen, path, st.nul_line, "a NUL byte: not a text file");
  if (st.long_line && (rc <= 0 || st.long_line <= rc))
    return gb_defs_fail_at(err, errlen, path, st.long_line, "line too long");
  if (rc > 0)
    return gb_defs_fail_at(err, errlen, path, rc,
                           "syntax error: expected '[section]', 'key = value' or a comment");
  return gb_defs_fail_at(err, errlen, path, 0, "cannot read (inih error %d)", rc);
}

bool gb_defs_ini_has_section(const ini_doc *d, const char *name) {
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
int gb_defs_ini_check_duplicates(const ini_doc *d, const char *path, char *err, size_t errlen) {
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
    rc = gb_defs_fail_at(err, errlen, path, dsec->line, "section [%s] appears twice (first at line %d)",
                         dsec->name, dsec_first->line);
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
      rc = gb_defs_fail_at(err, errlen, path, e->line, "key '%s' is outside any [section]", e->key);
      goto out;
    }
  }
  if (dup)
    rc = gb_defs_fail_at(err, errlen, path, dup->line, "key '%s' set twice in [%s] (first at line %d)",
                         dup->key, dup->section, dup_first->line);
out:
  free(ix);
  return rc;
}

/* ---------------------------------------------------------------------------------------------
 * The reader for other rule files (defs.h, gb_ini_read) */

int gb_ini_read(const char *path, gb_ini *ini, char *err, size_t errlen) {
  memset(ini, 0, sizeof *ini);
  ini_doc *doc = gb_xcalloc(1, sizeof *doc);
  int rc = gb_defs_ini_doc_read(path, doc, err, errlen);
  if (!rc) rc = gb_defs_ini_check_duplicates(doc, path, err, errlen);
  if (rc) {
    gb_defs_ini_doc_free(doc);
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
  if (ini->priv) gb_defs_ini_doc_free(ini->priv);
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
