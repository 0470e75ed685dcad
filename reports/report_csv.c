/* report_csv.c: results.csv, one row per cell and repetition (a cell that never ran has one row
 * with an empty rep), for spreadsheets and pandas, with the baseline each speedup is over.
 * Counters and strategy metrics get a column each ("counter:NAME", "metric:NAME"); a counter that
 * was not counted is empty, never 0. */
#include <math.h>
#include <string.h>

#include "gb.h"
#include "report.h"
#include "schema.h"

static void num(gb_buf *b, double v) {
  gb_buf_add(b, ",");
  if (isfinite(v)) gb_buf_printf(b, "%.12g", v);
}

static void str(gb_buf *b, const char *s) {
  gb_buf_add(b, ",");
  gb_buf_csv(b, s);
}

/* Metric names over every repetition, in order of first appearance. */
static int metric_names(const gb_rmodel *m, const char ***out) {
  const char **v = NULL;
  int n = 0;
  for (int i = 0; i < m->ncells; i++) {
    size_t r;
    json_t *rep;
    json_array_foreach(json_object_get(m->cells[i].j, GB_KEY_REPS), r, rep) {
      const char *k;
      json_t *x;
      json_object_foreach(json_object_get(rep, GB_KEY_METRICS), k, x) {
        int seen = 0;
        for (int j = 0; j < n && !seen; j++)
          seen = strcmp(v[j], k) == 0;
        if (seen) continue;
        v = gb_xrealloc(v, sizeof *v * (size_t)(n + 1));
        v[n++] = k;
      }
    }
  }
  *out = v;
  return n;
}

static const char *const lat_keys[] = {GB_KEY_P50,  GB_KEY_P90, GB_KEY_P99,
                                       GB_KEY_P999, GB_KEY_MAX, GB_KEY_COUNT};

/* The header row: fixed columns, then a column per counter and per metric. */
static void csv_header(const gb_rcounter *ctr, int nctr, const char **met, int nmet, gb_buf *out) {
  gb_buf_add(out,
             "workload,params,strategy,options,workers,binding,status,error,rep,wall_s,startup_s,teardown_s,"
             "user_s,sys_s,server_user_s,server_sys_s,checksum,reference,latency_p50_us,latency_p90_us,"
             "latency_p99_us,latency_p999_us,latency_max_us,latency_count,io_ops_per_s,cell_median_s,"
             "speedup,efficiency,baseline,baseline_workers,baseline_kind");
  for (int k = 0; k < nctr; k++) {
    gb_buf_add(out, ",");
    char h[300];
    snprintf(h, sizeof h, "counter:%s", ctr[k].name);
    gb_buf_csv(out, h);
  }
  for (int k = 0; k < nmet; k++) {
    gb_buf_add(out, ",");
    char h[300];
    snprintf(h, sizeof h, "metric:%s", met[k]);
    gb_buf_csv(out, h);
  }
  gb_buf_add(out, "\r\n");
}

void gb_report_csv(const gb_rmodel *m, gb_buf *out) {
  gb_rcounter *ctr;
  int nctr = gb_rmodel_counters(m, &ctr);
  const char **met;
  int nmet = metric_names(m, &met);
  csv_header(ctr, nctr, met, nmet, out);
  for (int i = 0; i < m->ncells; i++) {
    const gb_rcell *c = &m->cells[i];
    json_t *reps = json_object_get(c->j, GB_KEY_REPS);
    int nrows = c->nreps ? c->nreps : 1;
    for (int r = 0; r < nrows; r++) {
      json_t *rep = c->nreps ? json_array_get(reps, (size_t)r) : NULL;
      gb_buf_csv(out, c->workload);
      str(out, c->params);
      str(out, c->strategy);
      str(out, c->opts);
      gb_buf_printf(out, ",%d", c->workers);
      str(out, c->binding);
      str(out, c->status);
      str(out, gb_jstr(rep, GB_KEY_ERROR, c->error));
      if (rep)
        gb_buf_printf(out, ",%d", r);
      else
        gb_buf_add(out, ",");
      static const char *const times[] = {GB_KEY_WALL_S,      GB_KEY_STARTUP_S, GB_KEY_TEARDOWN_S,
                                          GB_KEY_USER_S,      GB_KEY_SYS_S,     GB_KEY_SERVER_USER_S,
                                          GB_KEY_SERVER_SYS_S};
      for (size_t k = 0; k < GB_ARRAY_LEN(times); k++)
        num(out, gb_jnum(rep, times[k]));
      str(out, gb_jstr(rep, GB_KEY_CHECKSUM, ""));
      str(out, gb_jstr(c->j, GB_KEY_REFERENCE, ""));
      json_t *lat = json_object_get(rep, GB_KEY_LATENCY_US);
      int have_lat = gb_jnum(lat, GB_KEY_COUNT) > 0;
      for (size_t k = 0; k < GB_ARRAY_LEN(lat_keys); k++)
        num(out, have_lat ? gb_jnum(lat, lat_keys[k]) : NAN);
      double ops = gb_jnum(rep, GB_KEY_IO_OPS_PER_S);
      num(out, ops > 0 ? ops : NAN);
      num(out, c->median);
      num(out, c->speedup);
      num(out, c->efficiency);
      str(out, c->baseline); /* what the speedup is over (rmodel.h) */
      num(out, c->baseline_workers > 0 ? c->baseline_workers : NAN);
      str(out, c->baseline_kind);
      for (int k = 0; k < nctr; k++) {
        json_t *cv = json_object_get(json_object_get(rep, GB_KEY_COUNTERS), ctr[k].name);
        const char *st = gb_jstr(cv, GB_KEY_STATUS, "ok");
        num(out, json_is_number(cv)                                          ? json_number_value(cv)
                 : (strcmp(st, "ok") == 0 || strcmp(st, "multiplexed") == 0) ? gb_jnum(cv, GB_KEY_VALUE)
                                                                             : NAN);
      }
      for (int k = 0; k < nmet; k++)
        num(out, gb_jnum(json_object_get(rep, GB_KEY_METRICS), met[k]));
      gb_buf_add(out, "\r\n");
    }
  }
  free(met);
  gb_rcounters_free(ctr, nctr);
}
