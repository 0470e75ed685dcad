/* gb.c: error names, the always-on assertion, allocation that never returns NULL. */
#include "gb.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>

const char *gb_strerror(int code) {
  switch (code) {
  case GB_OK: return "success";
  case GB_EINVAL: return "invalid input";
  case GB_ENOMEM: return "out of memory";
  case GB_EIO: return "input/output or system call failed";
  case GB_ECHECKSUM: return "checksum differs from the reference";
  case GB_ETIMEOUT: return "timed out";
  case GB_EUNAVAIL: return "not available here";
  default: return code < 0 ? strerror(-code) : "unknown error";
  }
}

int gb_err(char *err, size_t errlen, int code, const char *fmt, ...) {
  GB_ASSERT(code < 0);
  if (err && errlen > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return code;
}

void gb_assert_fail(const char *expr, const char *file, int line, const char *fn) {
  fprintf(stderr, "gilbench: assertion failed: %s (%s:%d, %s)\n", expr, file, line, fn);
  fflush(stderr);
  abort();
}

static void out_of_memory(size_t n) {
  fprintf(stderr, "gilbench: out of memory allocating %zu bytes\n", n);
  abort();
}

void *gb_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) out_of_memory(n);
  return p;
}

void *gb_xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) out_of_memory(n * size);
  return p;
}

void *gb_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) out_of_memory(n);
  return q;
}

char *gb_xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = gb_xmalloc(n);
  memcpy(d, s, n);
  return d;
}

double gb_thread_cpu_s(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0.0;
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int gb_name_valid(const char *s) {
  if (!s || !isalnum((unsigned char)s[0]) || !isascii((unsigned char)s[0])) return 0;
  size_t n = 1;
  for (; s[n]; n++) {
    unsigned char c = (unsigned char)s[n];
    if (n >= 64 || !isascii(c) || !(isalnum(c) || c == '.' || c == '_' || c == '+' || c == '-')) return 0;
  }
  return 1;
}

int gb_list_split(const char *text, char ***items, int *n) {
  *items = NULL;
  *n = 0;
  const char *p = text;
  for (;;) {
    const char *comma = strchr(p, ',');
    const char *end = comma ? comma : p + strlen(p);
    const char *s = p, *e = end;
    while (s < e && isspace((unsigned char)*s))
      s++;
    while (e > s && isspace((unsigned char)e[-1]))
      e--;
    if (s == e) {
      gb_list_free(*items, *n);
      *items = NULL;
      *n = 0;
      return GB_EINVAL;
    }
    *items = gb_xrealloc(*items, sizeof **items * (size_t)(*n + 1));
    char *item = gb_xmalloc((size_t)(e - s) + 1);
    memcpy(item, s, (size_t)(e - s));
    item[e - s] = '\0';
    (*items)[(*n)++] = item;
    if (!comma) return 0;
    p = comma + 1;
  }
}

void gb_list_free(char **items, int n) {
  for (int i = 0; i < n; i++)
    free(items[i]);
  free(items);
}
