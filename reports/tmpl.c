/* tmpl.c: {{NAME}} substitution for the report templates. */
#include "tmpl.h"

#include <string.h>

#include "gb.h"

void gb_tmpl_render(gb_buf *out, const char *tmpl, const gb_tmpl_var *vars) {
  const char *p = tmpl;
  for (;;) {
    const char *open = strstr(p, "{{");
    if (!open) break;
    const char *close = strstr(open + 2, "}}");
    GB_ASSERT(close != NULL);
    gb_buf_addn(out, p, (size_t)(open - p));
    size_t len = (size_t)(close - open - 2);
    const gb_tmpl_var *v = vars;
    while (v->name && !(strlen(v->name) == len && strncmp(v->name, open + 2, len) == 0))
      v++;
    if (!v->name)
      fprintf(stderr, "gilbench: template placeholder {{%.*s}} has no value\n", (int)len, open + 2);
    GB_ASSERT(v->name != NULL);
    gb_buf_add(out, v->value);
    p = close + 2;
  }
  gb_buf_add(out, p);
}
