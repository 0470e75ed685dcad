/* tmpl.h: the templates of gnuplot scripts, HTML and Markdown are text with {{NAME}}
 * placeholders; gb_tmpl_render fills them from a NULL-terminated list of name/value pairs. */
#ifndef GB_TMPL_H
#define GB_TMPL_H

#include "rbuf.h"

typedef struct gb_tmpl_var {
  const char *name;  /* placeholder name, without braces */
  const char *value; /* replacement text, inserted as is (escape before) */
} gb_tmpl_var;

/* Append tmpl to out with every {{NAME}} replaced. A placeholder with no value is a bug in
 * gilbench (templates and callers live side by side), so it fails GB_ASSERT. */
void gb_tmpl_render(gb_buf *out, const char *tmpl, const gb_tmpl_var *vars);

#endif
