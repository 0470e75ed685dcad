/* defs.c: workload definition files and suite files (docs/ARCHITECTURE.md, "Definition and suite files"):
 * the errors every unit writes and `gilbench check`. The units: defs_ini.c (the INI reader over inih,
 * which keeps the line of every key and section), defs_set.c (parameters by key), defs_load.c (the
 * definition loader), defs_search.c (finding files by name), defs_suite.c (suites, through the key
 * table). Every error names "file:line" so `gilbench check` points at the mistake. */
#include "defs.h"
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
 * Errors */

/* Write "path:line: message" (or "path: message" when line <= 0) into err; returns GB_EINVAL. */
int gb_defs_fail_at(char *err, size_t errlen, const char *path, int line, const char *fmt, ...) {
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
int gb_defs_fail(char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return GB_EINVAL;
}

/* Append formatted text to buf (of len), keeping it NUL-terminated. */
void gb_defs_append(char *buf, size_t len, const char *fmt, ...) {
  size_t used = strlen(buf);
  if (used + 1 >= len) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf + used, len - used, fmt, ap);
  va_end(ap);
}

/* Copy src into dst of size len; false when it does not fit. */
bool gb_defs_copy_fits(char *dst, size_t len, const char *src) {
  size_t n = strlen(src);
  if (n >= len) return false;
  memcpy(dst, src, n + 1);
  return true;
}

int gb_defs_check(const char *path, char *err, size_t errlen) {
  ini_doc doc;
  int rc = gb_defs_ini_doc_read(path, &doc, err, errlen);
  if (rc) return rc;
  bool suite = gb_defs_ini_has_section(&doc, "suite") || gb_defs_ini_has_section(&doc, "set");
  gb_defs_ini_doc_free(&doc);
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
