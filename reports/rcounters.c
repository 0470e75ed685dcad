/* rcounters.c: counters in the report model: what was counted, what was not and why, and each
 * cell's median value. An uncounted counter is never read as 0. */
#include <math.h>
#include <string.h>

#include "gb.h"
#include "rbuf.h"
#include "rmodel.h"
#include "schema.h"

static int find(gb_rcounter *v, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (strcmp(v[i].name, name) == 0) return i;
  return -1;
}

static void add_reason(gb_rcounter *c, const char *reason) {
  if (!reason || !*reason || strstr(c->reasons, reason)) return;
  gb_buf b;
  gb_buf_init(&b);
  gb_buf_printf(&b, "%s%s%s", c->reasons, *c->reasons ? "; " : "", reason);
  free(c->reasons);
  c->reasons = b.s;
}

int gb_rmodel_counters(const gb_rmodel *m, gb_rcounter **out) {
  gb_rcounter *v = NULL;
  int n = 0;
  for (int i = 0; i < m->ncells; i++) {
    size_t r;
    json_t *rep;
    json_array_foreach(json_object_get(m->cells[i].j, GB_KEY_REPS), r, rep) {
      const char *name;
      json_t *cv;
      json_object_foreach(json_object_get(rep, GB_KEY_COUNTERS), name, cv) {
        int k = find(v, n, name);
        if (k < 0) {
          v = gb_xrealloc(v, sizeof *v * (size_t)(n + 1));
          memset(&v[n], 0, sizeof v[n]);
          v[n].name = gb_xstrdup(name);
          v[n].reasons = gb_xstrdup("");
          k = n++;
        }
        const char *st = gb_jstr(cv, GB_KEY_STATUS, json_is_number(cv) ? "ok" : "?");
        if (strcmp(st, "ok") == 0)
          v[k].n_ok++;
        else if (strcmp(st, "multiplexed") == 0)
          v[k].n_multiplexed++;
        else if (strcmp(st, "unavailable") == 0)
          v[k].n_unavailable++;
        else if (strcmp(st, "denied") == 0)
          v[k].n_denied++;
        else
          v[k].n_other++;
        add_reason(&v[k], gb_jstr(cv, GB_KEY_REASON, NULL));
      }
    }
  }
  *out = v;
  return n;
}

void gb_rcounters_free(gb_rcounter *v, int n) {
  for (int i = 0; i < n; i++) {
    free(v[i].name);
    free(v[i].reasons);
  }
  free(v);
}

/* A counter's value in one repetition: 1 with *value when counted, 0 with *status when not, -1
 * when absent. Bare numbers are accepted as counted values. */
static int rep_value(json_t *rep, const char *name, double *value, const char **status) {
  json_t *cv = json_object_get(json_object_get(rep, GB_KEY_COUNTERS), name);
  if (!cv) return -1;
  if (json_is_number(cv)) {
    *value = json_number_value(cv);
    return 1;
  }
  const char *st = gb_jstr(cv, GB_KEY_STATUS, "?");
  double v = gb_jnum(cv, GB_KEY_VALUE);
  if ((strcmp(st, "ok") == 0 || strcmp(st, "multiplexed") == 0) && isfinite(v)) {
    *value = v;
    return 1;
  }
  *status = st;
  return 0;
}

static int rep_ipc(json_t *rep, double *value, const char **status) {
  static const char *const pairs[][2] = {{"PAPI_TOT_INS", "PAPI_TOT_CYC"}, {"instructions", "cycles"}};
  int seen = -1;
  for (size_t p = 0; p < GB_ARRAY_LEN(pairs); p++) {
    double ins, cyc;
    int a = rep_value(rep, pairs[p][0], &ins, status), b = rep_value(rep, pairs[p][1], &cyc, status);
    if (a == 1 && b == 1 && cyc > 0) {
      *value = ins / cyc;
      return 1;
    }
    if (a >= 0 || b >= 0) {
      seen = 0;
      if (a == 1 && b == 1) *status = "unavailable";
    }
  }
  return seen;
}

int gb_rcell_counter(const gb_rcell *c, const char *name, double *value, const char **status) {
  json_t *reps = json_object_get(c->j, GB_KEY_REPS);
  size_t nr = json_array_size(reps);
  double *x = gb_xmalloc(sizeof *x * (nr + 1));
  int n = 0, seen = -1;
  *status = "unavailable";
  for (size_t r = 0; r < nr; r++) {
    double v;
    const char *st = NULL;
    int k = strcmp(name, "IPC") == 0 ? rep_ipc(json_array_get(reps, r), &v, &st)
                                     : rep_value(json_array_get(reps, r), name, &v, &st);
    if (k == 1)
      x[n++] = v;
    else if (k == 0 && st)
      *status = st;
    if (k >= 0) seen = 0;
  }
  if (n > 0) *value = gb_median_inplace(x, n);
  free(x);
  return n > 0 ? 1 : seen;
}
