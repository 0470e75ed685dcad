/* rbuf.c: the report writers' growable text buffer and its per-format escapes. */
#include "rbuf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fault.h"
#include "gb.h"

void gb_buf_init(gb_buf *b) {
  b->cap = 256;
  b->s = gb_xmalloc(b->cap);
  b->s[0] = '\0';
  b->n = 0;
}

void gb_buf_free(gb_buf *b) {
  free(b->s);
  b->s = NULL;
  b->n = b->cap = 0;
}

void gb_buf_reset(gb_buf *b) {
  b->n = 0;
  b->s[0] = '\0';
}

static void buf_reserve(gb_buf *b, size_t extra) {
  if (b->n + extra + 1 <= b->cap) return;
  while (b->n + extra + 1 > b->cap)
    b->cap *= 2;
  b->s = gb_xrealloc(b->s, b->cap);
}

void gb_buf_addn(gb_buf *b, const char *s, size_t n) {
  buf_reserve(b, n);
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
}

void gb_buf_add(gb_buf *b, const char *s) {
  gb_buf_addn(b, s, strlen(s));
}

void gb_buf_vprintf(gb_buf *b, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int need = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  GB_ASSERT(need >= 0);
  buf_reserve(b, (size_t)need);
  vsnprintf(b->s + b->n, (size_t)need + 1, fmt, ap);
  b->n += (size_t)need;
}

void gb_buf_printf(gb_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  gb_buf_vprintf(b, fmt, ap);
  va_end(ap);
}

void gb_buf_html(gb_buf *b, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '&': gb_buf_add(b, "&amp;"); break;
    case '<': gb_buf_add(b, "&lt;"); break;
    case '>': gb_buf_add(b, "&gt;"); break;
    case '"': gb_buf_add(b, "&quot;"); break;
    case '\'': gb_buf_add(b, "&#39;"); break;
    default: gb_buf_addn(b, s, 1);
    }
  }
}

void gb_buf_csv(gb_buf *b, const char *s) {
  if (!s) return;
  if (!s[strcspn(s, ",\"\r\n")]) {
    gb_buf_add(b, s);
    return;
  }
  gb_buf_add(b, "\"");
  for (; *s; s++) {
    if (*s == '"') gb_buf_add(b, "\"");
    gb_buf_addn(b, s, 1);
  }
  gb_buf_add(b, "\"");
}

void gb_buf_md(gb_buf *b, const char *s) {
  for (; s && *s; s++) {
    if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '`' || *s == '<') gb_buf_add(b, "\\");
    if (*s == '\n' || *s == '\r')
      gb_buf_add(b, " ");
    else
      gb_buf_addn(b, s, 1);
  }
}

void gb_buf_gpstr(gb_buf *b, const char *s) {
  for (; s && *s; s++) {
    if (*s == '\'') gb_buf_add(b, "'"); /* '' is a quote inside a single-quoted string */
    if (*s == '\n' || *s == '\r')
      gb_buf_add(b, " ");
    else
      gb_buf_addn(b, s, 1);
  }
}

int gb_buf_write_file(const gb_buf *b, const char *path) {
  int rc = gb_fault_write(path); /* the test-only enospc:FILE switch */
  if (rc) return rc;
  FILE *f = fopen(path, "w");
  if (!f) return -errno;
  size_t w = fwrite(b->s, 1, b->n, f);
  rc = (w == b->n && fflush(f) == 0) ? 0 : -(errno ? errno : EIO);
  if (fclose(f) != 0 && rc == 0) rc = -(errno ? errno : EIO);
  errno = -rc;
  return rc;
}

int gb_buf_read_file(gb_buf *b, const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return -errno;
  char chunk[65536];
  size_t r;
  while ((r = fread(chunk, 1, sizeof chunk, f)) > 0)
    gb_buf_addn(b, chunk, r);
  int rc = ferror(f) ? -EIO : 0;
  fclose(f);
  return rc;
}

int gb_pathf(char *out, size_t len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(out, len, fmt, ap);
  va_end(ap);
  return n >= 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}
