/* rbuf.h: a growable text buffer for the report writers (HTML, Markdown, CSV, gnuplot scripts),
 * with the escapes each format needs. Allocation never fails (gb_x* abort on out of memory). */
#ifndef GB_RBUF_H
#define GB_RBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct gb_buf {
  char *s;    /* NUL-terminated text (never NULL after gb_buf_init) */
  size_t n;   /* length, without the NUL */
  size_t cap; /* allocated bytes */
} gb_buf;

void gb_buf_init(gb_buf *b);
void gb_buf_free(gb_buf *b);
void gb_buf_reset(gb_buf *b); /* empty, keeping the allocation */
void gb_buf_add(gb_buf *b, const char *s);
void gb_buf_addn(gb_buf *b, const char *s, size_t n);
void gb_buf_printf(gb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gb_buf_vprintf(gb_buf *b, const char *fmt, va_list ap);
/* s with & < > " ' escaped for HTML text and attribute values. */
void gb_buf_html(gb_buf *b, const char *s);
/* s as one RFC 4180 CSV field: quoted when it holds a comma, quote, CR or LF. */
void gb_buf_csv(gb_buf *b, const char *s);
/* s for a Markdown table cell: | and backslash escaped, newlines as spaces. */
void gb_buf_md(gb_buf *b, const char *s);
/* s inside a gnuplot single-quoted string ('...'): ' doubled, newlines as spaces. Never a
 * double-quoted one: gnuplot runs `commands` in backquotes inside double quotes as shell commands;
 * inside single quotes nothing is expanded. Every text taken from a results file is written so. */
void gb_buf_gpstr(gb_buf *b, const char *s);
/* Write the buffer to path (replacing it). 0 or a negative errno-style code (also left in errno). */
int gb_buf_write_file(const gb_buf *b, const char *path);
/* Read a whole file into b (appended). 0 or a negative errno-style code. */
int gb_buf_read_file(gb_buf *b, const char *path);

/* snprintf for paths: 0, or -ENAMETOOLONG (and a truncated out) when the result did not fit. */
int gb_pathf(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
