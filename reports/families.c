/* families.c: the report's families view (README "Every Python"): per workload, each family
 * against its own serial baseline, and every family's time relative to cpython-serial. The HTML
 * and Markdown writers print the same rows. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

/* The median of strategy `name`'s ok cell in group g at one worker, or NAN. */
static double gb__serial_median(const gb_rmodel *m, int group, const char *name) {
  const gb_rgroup *g = &m->groups[group];
  for (int k = 0; k < g->ncells; k++) {
    const gb_rcell *c = &m->cells[g->cells[k]];
    if (c->ok && c->workers == 1 && strcmp(c->strategy, name) == 0 && isfinite(c->median)) return c->median;
  }
  return NAN;
}

int gb_report_family_rows(const gb_rmodel *m, int group, gb_rfamrow *out, int max) {
  const char *fams[GB_FAMILIES_MAX];
  int nf = gb_rmodel_families(m, fams, GB_FAMILIES_MAX), n = 0;
  double cpy = gb__serial_median(m, group, "cpython-serial");
  const gb_rgroup *g = &m->groups[group];
  for (int f = 0; f < nf && n < max; f++) {
    gb_rfamrow r = {fams[f], NAN, cpy, -1, 0};
    char base[160];
    r.base = gb__serial_median(m, group, gb_rfamily_baseline(fams[f], base, sizeof base));
    for (int k = 0; k < g->ncells; k++) {
      const gb_rcell *c = &m->cells[g->cells[k]];
      if (strcmp(c->family, fams[f]) != 0) continue;
      r.ncells++;
      if (c->ok && isfinite(c->median) && (r.best < 0 || c->median < m->cells[r.best].median))
        r.best = g->cells[k];
    }
    if (r.ncells) out[n++] = r;
  }
  return n;
}

int gb_report_has_families(const gb_rmodel *m) {
  for (int i = 0; i < m->ncells; i++)
    if (strcmp(m->cells[i].family, "native") != 0) return 1;
  return 0;
}

const char *gb_report_family_title(const char *family, char *buf, size_t len) {
  static const char *const known[][2] = {
      {"native", "Native models"}, {"cpython", "CPython"}, {"pypy", "PyPy"}, {"jython", "Jython"}};
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    if (strcmp(family, known[i][0]) == 0) {
      snprintf(buf, len, "%s", known[i][1]);
      return buf;
    }
  snprintf(buf, len, "%s (another Python)", family);
  return buf;
}
