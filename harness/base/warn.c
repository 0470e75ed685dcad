/* warn.c: see warn.h. */
#include "warn.h"

#include <stdlib.h>
#include <string.h>

#include "gb.h"

typedef struct gb__reason {
  char *text;
  char **subjects;
  int n;
} gb__reason;

struct gb_warn {
  gb__reason *v;
  int n;
};

gb_warn *gb_warn_new(void) {
  return gb_xcalloc(1, sizeof(gb_warn));
}

void gb_warn_free(gb_warn *w) {
  if (!w) return;
  for (int i = 0; i < w->n; i++) {
    for (int k = 0; k < w->v[i].n; k++)
      free(w->v[i].subjects[k]);
    free(w->v[i].subjects);
    free(w->v[i].text);
  }
  free(w->v);
  free(w);
}

void gb_warn_add(gb_warn *w, const char *reason, const char *subject) {
  gb__reason *r = NULL;
  for (int i = 0; i < w->n && !r; i++)
    if (strcmp(w->v[i].text, reason) == 0) r = &w->v[i];
  if (!r) {
    w->v = gb_xrealloc(w->v, sizeof *w->v * (size_t)(w->n + 1));
    r = &w->v[w->n++];
    memset(r, 0, sizeof *r);
    r->text = gb_xstrdup(reason);
  }
  for (int k = 0; k < r->n; k++)
    if (strcmp(r->subjects[k], subject) == 0) return;
  r->subjects = gb_xrealloc(r->subjects, sizeof *r->subjects * (size_t)(r->n + 1));
  r->subjects[r->n++] = gb_xstrdup(subject);
}

int gb_warn_count(const gb_warn *w) {
  return w ? w->n : 0;
}

void gb_warn_print(const gb_warn *w, FILE *out) {
  for (int i = 0; w && i < w->n; i++) {
    const gb__reason *r = &w->v[i];
    if (r->n == 1) {
      fprintf(out, "  %s: %s\n", r->subjects[0], r->text);
      continue;
    }
    fprintf(out, "  %s\n", r->text);
    int col = fprintf(out, "    applies to (%d): ", r->n);
    for (int k = 0; k < r->n; k++) {
      int len = (int)strlen(r->subjects[k]);
      if (k && col + len + 2 > 110) {
        fputs(",\n      ", out);
        col = 6;
      } else if (k) {
        col += fprintf(out, ", ");
      }
      col += fprintf(out, "%s", r->subjects[k]);
    }
    fputc('\n', out);
  }
}
