/* results.c: results.json in docs/ARCHITECTURE.md's shape (one in-memory plan, several views), the atomic
 * writer, the journal and the reader (`gilbench show` is the report model's console writer). */
#include "results.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "counters.h"
#include "defs.h"
#include "fault.h"
#include "io_util.h"
#include "noise.h"
#include "schema.h"
#include "topo.h"

#define GB__STR2(x) #x
#define GB__STR(x) GB__STR2(x)

static json_t *real_or_null(double v) {
  return isfinite(v) ? json_real(v) : json_null();
}

static json_t *hex(uint64_t v) {
  char b[17];
  snprintf(b, sizeof b, "%016llx", (unsigned long long)v);
  return json_string(b);
}

/* latency_us as docs/ARCHITECTURE.md shapes it (microseconds), plus min and mean; zeros when no I/O ran. */
static json_t *latency_json(const gb_hist *h) {
  if (h->count == 0)
    return json_pack("{s:i,s:i,s:i,s:i,s:i,s:i}", GB_KEY_P50, 0, GB_KEY_P90, 0, GB_KEY_P99, 0, GB_KEY_P999, 0,
                     GB_KEY_MAX, 0, GB_KEY_COUNT, 0);
  return json_pack("{s:f,s:f,s:f,s:f,s:f,s:I,s:f,s:f}", GB_KEY_P50, gb_hist_quantile(h, 0.50) * 1e-3,
                   GB_KEY_P90, gb_hist_quantile(h, 0.90) * 1e-3, GB_KEY_P99, gb_hist_quantile(h, 0.99) * 1e-3,
                   GB_KEY_P999, gb_hist_quantile(h, 0.999) * 1e-3, GB_KEY_MAX, (double)h->max_ns * 1e-3,
                   GB_KEY_COUNT, (json_int_t)h->count, GB_KEY_MIN, (double)h->min_ns * 1e-3, GB_KEY_MEAN,
                   gb_hist_mean(h) * 1e-3);
}

/* The histogram itself, sparse ([lo_ns, hi_ns, count] per non-empty bucket), for CDF charts and
 * so that --resume can merge a journaled repetition's latencies again. */
static json_t *hist_json(const gb_hist *h) {
  json_t *b = json_array();
  for (int i = 0; i < GB_HIST_BUCKETS; i++) {
    if (!h->buckets[i]) continue;
    uint64_t lo, hi;
    gb_hist_bucket_range(i, &lo, &hi);
    json_array_append_new(b,
                          json_pack("[I,I,I]", (json_int_t)lo, (json_int_t)(hi > INT64_MAX ? INT64_MAX : hi),
                                    (json_int_t)h->buckets[i]));
  }
  return json_pack("{s:s,s:I,s:I,s:I,s:f,s:o}", GB_KEY_UNIT, "ns", GB_KEY_COUNT, (json_int_t)h->count,
                   GB_KEY_MIN_NS, (json_int_t)h->min_ns, GB_KEY_MAX_NS, (json_int_t)h->max_ns, GB_KEY_SUM_NS,
                   h->sum_ns, GB_KEY_BUCKETS, b);
}

int gb_hist_from_json(gb_hist *h, json_t *rep_data) {
  gb_hist_init(h);
  json_t *o = json_object_get(rep_data, GB_KEY_LATENCY_HIST);
  if (!json_is_object(o)) return 0; /* no I/O in that repetition */
  size_t i;
  json_t *b;
  json_array_foreach(json_object_get(o, GB_KEY_BUCKETS), i, b) {
    json_int_t lo = json_integer_value(json_array_get(b, 0)), n = json_integer_value(json_array_get(b, 2));
    if (lo < 0 || n < 0) return GB_EINVAL;
    h->buckets[gb_hist_bucket((uint64_t)lo)] += (uint64_t)n;
    h->count += (uint64_t)n;
  }
  if (h->count != (uint64_t)json_integer_value(json_object_get(o, GB_KEY_COUNT))) return GB_EINVAL;
  h->min_ns = (uint64_t)json_integer_value(json_object_get(o, GB_KEY_MIN_NS));
  h->max_ns = (uint64_t)json_integer_value(json_object_get(o, GB_KEY_MAX_NS));
  h->sum_ns = json_number_value(json_object_get(o, GB_KEY_SUM_NS));
  return 0;
}

static json_t *worker_json(const gb_worker_out *w) {
  json_t *pus = json_array();
  for (int p = 0; p < GB_MAX_PUS; p++)
    if (w->pus_seen[p / 64] & (1ull << (p % 64))) json_array_append_new(pus, json_integer(p));
  json_t *o = json_pack("{s:f,s:o,s:i,s:o,s:I}", GB_KEY_CPU_S, w->cpu_s, GB_KEY_PUS_SEEN, pus,
                        GB_KEY_MIGRATIONS, (int)w->migrations, GB_KEY_BIND_HELD,
                        w->bind_held < 0 ? json_null() : json_boolean(w->bind_held), GB_KEY_TASKS,
                        (json_int_t)w->tasks);
  json_t *pt = json_object(); /* seconds per PU, sampled; absent where the host reports only pus */
  for (int p = 0; p < GB_MAX_PUS; p++)
    if (w->pu_time_s[p] > 0) {
      char k[16];
      snprintf(k, sizeof k, "%d", p);
      json_object_set_new(pt, k, json_real(floor((double)w->pu_time_s[p] * 1e6 + 0.5) / 1e6)); /* us */
    }
  if (json_object_size(pt))
    json_object_set_new(o, GB_KEY_PU_TIME_S, pt);
  else
    json_decref(pt);
  if (w->pid > 0) { /* memory: absent from files written before it was recorded */
    json_object_set_new(o, GB_KEY_PID, json_integer(w->pid));
    json_object_set_new(o, GB_KEY_MAXRSS_KB, w->maxrss_kb >= 0 ? json_integer(w->maxrss_kb) : json_null());
    json_object_set_new(o, GB_KEY_PSS_KB, w->pss_kb >= 0 ? json_integer(w->pss_kb) : json_null());
  }
  return o;
}

json_t *gb_rep_json(const gb_rep *rep) {
  json_t *r = json_object();
  int ok = gb_rep_ok(rep);
  json_object_set_new(r, GB_KEY_STATUS, json_string(gb_rep_status(rep)));
  /* A failed or timed-out repetition has no time and no checksum: null, never 0. */
  json_object_set_new(r, GB_KEY_WALL_S, ok ? json_real(rep->wall_s) : json_null());
  json_object_set_new(r, GB_KEY_STARTUP_S, json_real(rep->startup_s));
  json_object_set_new(r, GB_KEY_TEARDOWN_S, json_real(rep->teardown_s));
  json_object_set_new(r, GB_KEY_USER_S, json_real(rep->user_s));
  json_object_set_new(r, GB_KEY_SYS_S, json_real(rep->sys_s));
  json_object_set_new(r, GB_KEY_SERVER_USER_S, json_real(rep->server_user_s));
  json_object_set_new(r, GB_KEY_SERVER_SYS_S, json_real(rep->server_sys_s));
  json_object_set_new(r, GB_KEY_BASE_RSS_BYTES, json_integer((json_int_t)rep->base_rss_bytes));
  json_object_set_new(r, GB_KEY_PEAK_RSS_BYTES, json_integer((json_int_t)rep->peak_rss_bytes));
  json_object_set_new(r, GB_KEY_CTX_SWITCHES, json_integer((json_int_t)rep->ctx_switches));
  json_object_set_new(r, GB_KEY_ALLOC_SINGLE_THREADED, json_boolean(rep->alloc_single_threaded));
  json_object_set_new(r, GB_KEY_CHECKSUM, ok || rep->tasks_done ? hex(rep->checksum) : json_null());
  json_object_set_new(r, GB_KEY_TASKS_DONE, json_integer((json_int_t)rep->tasks_done));
  json_t *counters = gb_counters_rep_json(rep->counters, rep); /* summed over workers */
  json_object_set_new(r, GB_KEY_COUNTERS, counters);
  json_object_set_new(r, GB_KEY_DERIVED, gb_counters_derived_json(counters)); /* only from counted inputs */
  json_t *m = json_object();
  for (int i = 0; i < rep->nmetrics; i++)
    json_object_set_new(m, rep->metric_defs[i].name, real_or_null(gb_metric_value(rep, i)));
  json_object_set_new(r, GB_KEY_METRICS, m);
  json_t *ws = json_array();
  for (int i = 0; i < rep->nworkers; i++)
    json_array_append_new(ws, worker_json(&rep->workers[i]));
  for (int i = 0; i < rep->nworkers; i++) { /* where it was bound, and its own counters */
    json_t *wj = json_array_get(ws, (size_t)i);
    const gb_worker_out *w = &rep->workers[i];
    json_object_set_new(wj, GB_KEY_BOUND_PU, w->bind_held < 0 ? json_null() : json_integer(w->bound_pu));
    json_object_set_new(wj, GB_KEY_COUNTERS, gb_counters_worker_json(rep->counters, w));
    if (w->host[0])
      json_object_set_new(wj, GB_KEY_WORKER_HOST, json_stringn(w->host, strnlen(w->host, sizeof w->host)));
  }
  json_object_set_new(r, GB_KEY_WORKER_LIST, ws);
  json_object_set_new(r, GB_KEY_LATENCY_US, latency_json(&rep->latency));
  json_object_set_new(r, GB_KEY_IO_OPS_PER_S,
                      rep->latency.count && rep->wall_s > 0
                          ? json_real((double)rep->latency.count / rep->wall_s)
                          : json_integer(0));
  if (rep->latency.count) json_object_set_new(r, GB_KEY_LATENCY_HIST, hist_json(&rep->latency));
  if (rep->server_port) json_object_set_new(r, GB_KEY_SERVER_PORT, json_integer(rep->server_port));
  if (rep->error[0]) json_object_set_new(r, GB_KEY_ERROR, json_string(rep->error));
  /* The timing contract's timestamps (CLOCK_MONOTONIC ns; null where not reached): the durations
   * above are their differences, and begun <= start < stop <= first_end holds for every rep. */
  json_t *tm = json_object();
  const char *names[] = {GB_KEY_CREATE_NS, GB_KEY_BEGUN_NS,     GB_KEY_START_NS,
                         GB_KEY_STOP_NS,   GB_KEY_FIRST_END_NS, GB_KEY_JOINED_NS};
  const uint64_t vals[] = {rep->t_create_ns, rep->t_begun_ns, rep->t_start_ns,
                           rep->t_stop_ns,   rep->t_end_ns,   rep->t_joined_ns};
  for (size_t i = 0; i < GB_ARRAY_LEN(names); i++)
    json_object_set_new(tm, names[i], vals[i] ? json_integer((json_int_t)vals[i]) : json_null());
  json_object_set_new(tm, GB_KEY_HOOKS, json_boolean(!rep->no_hooks)); /* false: a library's workers */
  json_object_set_new(r, GB_KEY_TIMING, tm);
  json_object_set_new(r, GB_KEY_NOISE, gb_noise_json(&rep->noise));
  return r;
}

static json_t *stats_json(const gb_stats *s) {
  return json_pack("{s:i,s:f,s:f,s:f,s:[f,f],s:[f,f],s:f,s:f,s:i}", GB_KEY_N, s->n, GB_KEY_MEDIAN, s->median,
                   GB_KEY_MEAN, s->mean, GB_KEY_STDDEV, s->stddev, GB_KEY_CI95, s->ci95[0], s->ci95[1],
                   GB_KEY_MEDIAN_CI95, s->median_ci95[0], s->median_ci95[1], GB_KEY_MIN, s->min, GB_KEY_MAX,
                   s->max, GB_KEY_OUTLIERS, s->outliers);
}

static void param_cb(void *user, const char *key, int64_t value, const char *text) {
  json_t *o = user;
  char num[32];
  snprintf(num, sizeof num, "%lld", (long long)value);
  /* Numbers as numbers; enumerations (schedule=dynamic) as their words. */
  json_object_set_new(o, key, strcmp(num, text) == 0 ? json_integer((json_int_t)value) : json_string(text));
}

/* The baseline a cell's speedup is over: its family's serial run, or (when that is not in the
 * plan) the same strategy at its fewest workers, or none (the cell has no speedup). */
static json_t *baseline_json(const gb_cell *c) {
  const char *family = gb_strategy_baseline(c->strategy, c->opts);
  const char *name = c->baseline ? c->baseline : family;
  const char *kind = c->baseline_kind ? c->baseline_kind : "none";
  return json_pack("{s:s,s:o,s:s,s:s}", GB_KEY_STRATEGY, name, GB_KEY_WORKERS,
                   c->baseline_workers > 0 ? json_integer(c->baseline_workers) : json_null(),
                   GB_KEY_BASELINE_KIND, kind, GB_KEY_BASELINE_FAMILY, family);
}

/* The strategy's options: every option of its table, words for choices. */
static json_t *options_json(const gb_cell *c) {
  json_t *opts = json_object();
  for (int i = 0; i < c->strategy->noptions; i++) {
    const gb_param_def *d = &c->strategy->options[i];
    if (d->choices) {
      char v[GB_PARAM_TEXT_MAX];
      gb_param_format(d, c->opts[i], v, sizeof v);
      json_object_set_new(opts, d->name, json_string(v));
    } else {
      json_object_set_new(opts, d->name, json_integer((json_int_t)c->opts[i]));
    }
  }
  return opts;
}

/* The cell's I/O: latency over every measured repetition, and its I/O rate. */
static void cell_io_json(json_t *cell, const gb_cell *c) {
  gb_hist lat; /* every measured repetition's I/O latencies together */
  gb_hist_init(&lat);
  double ops = 0, wall = 0;
  for (int r = 0; r < c->nreps; r++) {
    if (!gb_rep_ok(&c->reps[r])) continue;
    gb_hist_merge(&lat, &c->reps[r].latency);
    ops += (double)c->reps[r].latency.count;
    wall += c->reps[r].wall_s;
  }
  json_object_set_new(cell, GB_KEY_LATENCY_US, latency_json(&lat));
  json_object_set_new(cell, GB_KEY_IO_OPS_PER_S,
                      ops > 0 && wall > 0 ? json_real(ops / wall) : json_integer(0));
}

/* What the cell's speedup is over, the speedup, its ideal and the implementation factor. */
static void cell_speedup_json(json_t *cell, const gb_cell *c) {
  json_object_set_new(cell, GB_KEY_BASELINE, baseline_json(c));
  json_object_set_new(cell, GB_KEY_SPEEDUP, real_or_null(c->speedup));
  json_object_set_new(cell, GB_KEY_SPEEDUP_CI95,
                      isfinite(c->speedup_ci95[0]) ? json_pack("[ff]", c->speedup_ci95[0], c->speedup_ci95[1])
                                                   : json_null());
  json_object_set_new(cell, GB_KEY_EFFICIENCY, real_or_null(c->efficiency));
  json_object_set_new(cell, GB_KEY_IDEAL,
                      isfinite(c->ideal) && c->ideal_basis
                          ? json_pack("{s:f,s:s}", GB_KEY_SPEEDUP, c->ideal, GB_KEY_BASIS, c->ideal_basis)
                          : json_null());
  json_object_set_new(cell, GB_KEY_EFFICIENCY_FLAG,
                      c->efficiency_flag[0] ? json_string(c->efficiency_flag) : json_null());
  json_t *impl = json_null();
  if (isfinite(c->impl_factor)) /* another implementation or binary than the family's reference */
    impl = json_pack(
        "{s:s,s:f,s:o}", GB_KEY_REFERENCE, c->strategy->reference, GB_KEY_FACTOR, c->impl_factor, GB_KEY_CI95,
        isfinite(c->impl_ci95[0]) ? json_pack("[ff]", c->impl_ci95[0], c->impl_ci95[1]) : json_null());
  json_object_set_new(cell, GB_KEY_IMPLEMENTATION, impl);
}

static json_t *cell_json(const gb_plan *plan, const gb_cell *c) {
  const gb_paramset *ps = &plan->paramsets[c->paramset];
  json_t *params = json_object();
  gb_workload_params_each(&ps->wl, param_cb, params);
  json_t *opts = options_json(c);
  json_t *reps = json_array();
  for (int r = 0; r < c->nreps; r++) /* a repetition restored by --resume keeps its journal record */
    json_array_append_new(reps, c->rep_json && c->rep_json[r] ? json_incref(c->rep_json[r])
                                                              : gb_rep_json(&c->reps[r]));
  json_t *cell = json_object();
  json_object_set_new(cell, GB_KEY_WORKLOAD, json_string(ps->wl.name));
  json_object_set_new(cell, GB_KEY_KIND,
                      json_string(ps->wl.kind == GB_KIND_CPU  ? "cpu"
                                  : ps->wl.kind == GB_KIND_IO ? "io"
                                                              : "mixed"));
  json_object_set_new(cell, GB_KEY_MEASURE,
                      json_string(ps->wl.measure == GB_MEASURE_LATENCY ? "latency" : "wall"));
  json_object_set_new(cell, GB_KEY_PARAMS, params);
  json_object_set_new(cell, GB_KEY_STRATEGY, json_string(c->strategy->name));
  json_object_set_new(cell, GB_KEY_FAMILY, json_string(c->strategy->family ? c->strategy->family : "native"));
  json_object_set_new(cell, GB_KEY_OPTIONS, opts);
  json_object_set_new(cell, GB_KEY_WORKERS, json_integer(c->workers));
  json_object_set_new(cell, GB_KEY_BINDING, json_string(c->binding));
  char note[256];
  int *pus = gb_bind_place_text(c->binding, c->workers, note, sizeof note);
  json_t *placement = pus ? json_array() : json_null();
  for (int w = 0; pus && w < c->workers; w++)
    json_array_append_new(placement, json_integer(pus[w]));
  free(pus);
  json_object_set_new(cell, GB_KEY_PLACEMENT, placement); /* OS PU per worker; null when not bound */
  json_object_set_new(cell, GB_KEY_BINDING_NOTE, note[0] ? json_string(note) : json_null());
  json_object_set_new(cell, GB_KEY_STATUS, json_string(gb_cell_status_name(c->status)));
  json_object_set_new(cell, GB_KEY_ERROR, c->error[0] ? json_string(c->error) : json_null());
  int any_ok = 0;
  for (int r = 0; r < c->nreps && !any_ok; r++)
    any_ok = gb_rep_ok(&c->reps[r]);
  json_object_set_new(cell, GB_KEY_CHECKSUM, any_ok ? hex(c->checksum) : json_null());
  json_object_set_new(cell, GB_KEY_REFERENCE, ps->have_reference ? hex(ps->reference) : json_null());
  json_object_set_new(cell, GB_KEY_REPS, reps);
  json_t *stats = json_object();
  if (c->have_stats) json_object_set_new(stats, GB_KEY_WALL_S, stats_json(&c->wall));
  json_object_set_new(cell, GB_KEY_STATS, stats);
  gb_noise_cell nc;
  gb_noise_cell_eval(c->reps, c->nreps, &nc);
  json_object_set_new(cell, GB_KEY_NOISE, gb_noise_cell_json(&nc));
  cell_io_json(cell, c);
  cell_speedup_json(cell, c);
  json_object_set_new(cell, GB_KEY_KEY, json_string(c->key));
  if (plan->reps_auto > 0) /* --reps auto: whether the median's interval got within the target */
    json_object_set_new(cell, GB_KEY_REPS_AUTO,
                        json_pack("{s:f,s:b,s:o,s:o,s:i,s:f,s:f}", GB_KEY_TARGET, plan->reps_auto,
                                  GB_KEY_REACHED, c->auto_stop && strcmp(c->auto_stop, "target") == 0,
                                  GB_KEY_STOPPED_BY, c->auto_stop ? json_string(c->auto_stop) : json_null(),
                                  GB_KEY_REL_HALFWIDTH, real_or_null(c->auto_rel_halfwidth), GB_KEY_MAX_REPS,
                                  plan->reps, GB_KEY_MAX_CELL_SECONDS, plan->max_cell_s, GB_KEY_SPENT_S,
                                  c->spent_s));
  return cell;
}

json_t *gb_results_json(const gb_plan *plan, json_t *meta) {
  json_t *cells = json_array();
  for (int i = 0; i < plan->ncells; i++)
    json_array_append_new(cells, cell_json(plan, &plan->cells[i]));
  return json_pack("{s:s,s:O,s:o}", GB_KEY_SCHEMA, GB_RESULTS_SCHEMA, GB_KEY_META, meta, GB_KEY_CELLS, cells);
}

int gb_json_write_atomic(const char *path, json_t *root, char *err, size_t errlen) {
  char tmp[PATH_MAX + 16], dir[PATH_MAX];
  int e = -gb_fault_write(path);
  if (e) return gb_err(err, errlen, -e, "%s: write failed: %s", path, strerror(e));
  snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path);
  int fd = mkstemp(tmp);
  if (fd < 0)
    return gb_err(err, errlen, -errno, "%s: cannot create a temporary file: %s", path, strerror(errno));
  char *text = json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(17));
  int rc = fchmod(fd, 0666 & ~gb_umask_current()) != 0 ? -errno : 0; /* mkstemp made it 0600 */
  if (rc == 0) rc = text ? gb_write_full(fd, text, strlen(text)) : -ENOMEM;
  free(text);
  if (rc == 0) rc = gb_write_full(fd, "\n", 1);
  if (rc == 0 && fsync(fd) != 0) rc = -errno;
  if (close(fd) != 0 && rc == 0) rc = -errno;
  if (rc != 0) {
    unlink(tmp);
    return gb_err(err, errlen, rc, "%s: write failed: %s", path, strerror(-rc));
  }
  if (rename(tmp, path) != 0) {
    e = errno;
    unlink(tmp);
    return gb_err(err, errlen, -e, "%s: rename failed: %s", path, strerror(e));
  }
  snprintf(dir, sizeof dir, "%s", path);
  int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    fsync(dfd); /* make the rename itself durable */
    close(dfd);
  }
  return 0;
}

/* A counter's event name: a name, or a PAPI native one with "::" (perf::TASK-CLOCK). */
static int event_name(const char *k) {
  return gb_name_valid(k) ||
         (*k && strlen(k) < 128 &&
          !k[strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+:-")]);
}

/* A text option's value (mpi.launcher, mpi.hostfile, mpi.args: a path, mpiexec's words), or an
 * unset one (""): letters, digits and / . _ + , = : @ - and spaces, no "..", at most 255 bytes.
 * None of them is special in the single-quoted strings reports write, and names stay names. */
static int option_text_ok(const char *s) {
  size_t n = strlen(s);
  if (n > 255 || strstr(s, "..")) return 0;
  return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._+,=:@ -") == n;
}

/* Names in a results file reach reports, charts and shells: each must be a name (gb.h); a
 * binding is a policy or list:CPU,... 0, or GB_EINVAL with err naming the cell and field. */
static int results_names(const char *file, json_t *cells, char *err, size_t errlen) {
  size_t i;
  json_t *c;
  json_array_foreach(cells, i, c) {
    const char *fields[] = {GB_KEY_FAMILY, GB_KEY_WORKLOAD, GB_KEY_STRATEGY, GB_KEY_BASELINE,
                            GB_KEY_BASELINE "." GB_KEY_BASELINE_FAMILY};
    for (size_t f = 0; f < GB_ARRAY_LEN(fields); f++) {
      json_t *v = f < 4 ? json_object_get(c, fields[f])
                        : json_object_get(json_object_get(c, GB_KEY_BASELINE), GB_KEY_BASELINE_FAMILY);
      if (f == 3 && json_is_object(v)) v = json_object_get(v, GB_KEY_STRATEGY); /* schema 3: an object */
      if (v && !(json_is_string(v) && gb_name_valid(json_string_value(v))))
        return gb_err(err, errlen, GB_EINVAL, "%s: cells[%zu].%s: not a name (%s)", file, i, fields[f],
                      GB_NAME_CHARSET);
    }
    json_t *ir = json_object_get(json_object_get(c, GB_KEY_IMPLEMENTATION), GB_KEY_REFERENCE);
    if (ir && !(json_is_string(ir) && gb_name_valid(json_string_value(ir))))
      return gb_err(err, errlen, GB_EINVAL, "%s: cells[%zu].implementation.reference: not a name (%s)", file,
                    i, GB_NAME_CHARSET);
    const char *objs[] = {GB_KEY_OPTIONS, GB_KEY_PARAMS};
    for (size_t f = 0; f < GB_ARRAY_LEN(objs); f++) {
      const char *k;
      json_t *v;
      json_object_foreach(json_object_get(c, objs[f]), k, v) {
        const char *sv = json_is_string(v) ? json_string_value(v) : NULL;
        int bad = !gb_name_valid(k) || !(sv || json_is_number(v)) ||
                  (sv && !gb_name_valid(sv) && !(f == 0 && option_text_ok(sv)));
        if (bad)
          return gb_err(err, errlen, GB_EINVAL,
                        "%s: cells[%zu].%s: key or value is not a name or number (%s)", file, i, objs[f],
                        GB_NAME_CHARSET);
      }
    }
    size_t r;
    json_t *rep;
    json_array_foreach(json_object_get(c, GB_KEY_REPS), r, rep) { /* counter and metric names head charts */
      const char *maps[] = {GB_KEY_COUNTERS, GB_KEY_METRICS, GB_KEY_DERIVED};
      for (size_t f = 0; f < GB_ARRAY_LEN(maps); f++) {
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(rep, maps[f]), k, v) {
          if (!event_name(k))
            return gb_err(err, errlen, GB_EINVAL, "%s: cells[%zu].reps[%zu].%s: a key is not an event name",
                          file, i, r, maps[f]);
        }
      }
    }
    const char *b = json_string_value(json_object_get(c, GB_KEY_BINDING));
    if (b && (strlen(b) > 200 || b[strspn(b, "abcdefghijklmnopqrstuvwxyz0123456789:,-")]))
      return gb_err(err, errlen, GB_EINVAL,
                    "%s: cells[%zu].binding: not a binding (none, compact, scatter, cores, list:CPU,...)",
                    file, i);
  }
  return 0;
}

/* The document's schema is one this gilbench reads, with meta and cells. 0, or GB_EINVAL. */
static int results_schema(const char *file, json_t *r, char *err, size_t errlen) {
  const char *schema = json_string_value(json_object_get(r, GB_KEY_SCHEMA));
  json_t *cells = json_object_get(r, GB_KEY_CELLS);
  int known =
      schema && (strcmp(schema, GB_RESULTS_SCHEMA) == 0 || strcmp(schema, GB_RESULTS_SCHEMA_PREV) == 0 ||
                 strcmp(schema, GB_RESULTS_SCHEMA_OLDEST) == 0);
  if (schema && strncmp(schema, "gilbench-results/", 17) == 0 && !known)
    return gb_err(err, errlen, GB_EINVAL,
                  "%s: results schema \"%s\" is not one this gilbench reads: it reads \"%s\" and the "
                  "previous \"%s\" and \"%s\" (a newer gilbench wrote it? use that one)",
                  file, schema, GB_RESULTS_SCHEMA, GB_RESULTS_SCHEMA_PREV, GB_RESULTS_SCHEMA_OLDEST);
  if (!known || !json_is_array(cells) || !json_is_object(json_object_get(r, GB_KEY_META)))
    return gb_err(err, errlen, GB_EINVAL,
                  "%s: not a gilbench results file (expected \"schema\": \"%s\", \"meta\" and \"cells\")",
                  file, GB_RESULTS_SCHEMA);
  return 0;
}

/* file opened for reading when it is a regular file of at most GB_RESULTS_MAX_BYTES: 0 with *f,
 * or GB_EINVAL with err (`what` it is not when larger; `why_open` follows an error opening it). */
static int bounded_fopen(const char *file, const char *what, const char *why_open, FILE **f, char *err,
                         size_t errlen) {
  struct stat st;
  *f = fopen(file, "rb");
  if (!*f) return gb_err(err, errlen, GB_EINVAL, "%s: %s%s", file, strerror(errno), why_open);
  if (fstat(fileno(*f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > GB_RESULTS_MAX_BYTES) {
    fclose(*f);
    *f = NULL;
    return gb_err(err, errlen, GB_EINVAL, "%s: %s%s", file,
                  S_ISREG(st.st_mode) ? "larger than " GB__STR(GB_RESULTS_MAX_BYTES) " bytes: not "
                                      : "not a regular file",
                  S_ISREG(st.st_mode) ? what : "");
  }
  return 0;
}

int gb_results_load(const char *path, json_t **root, char *err, size_t errlen) {
  char file[PATH_MAX];
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    snprintf(file, sizeof file, "%s/results.json", path);
  else
    snprintf(file, sizeof file, "%s", path);
  json_error_t je;
  json_t *r = NULL;
  FILE *f;
  if (bounded_fopen(file, "a results file", "", &f, err, errlen) != 0) return GB_EINVAL;
  r = json_loadf(f, JSON_REJECT_DUPLICATES, &je); /* a NUL byte (even as \u0000) is an error */
  fclose(f);
  if (!r && je.line > 0)
    return gb_err(err, errlen, GB_EINVAL, "%s:%d:%d: not a valid results file: %s", file, je.line, je.column,
                  je.text);
  if (!r) return gb_err(err, errlen, GB_EINVAL, "%s: %s", file, je.text);
  json_t *cells = json_object_get(r, GB_KEY_CELLS);
  if (results_schema(file, r, err, errlen) != 0) {
    json_decref(r);
    return GB_EINVAL;
  }
  size_t i;
  json_t *c;
  json_array_foreach(cells, i, c) {
    if (!json_is_object(c) || !json_is_string(json_object_get(c, GB_KEY_WORKLOAD)) ||
        !json_is_string(json_object_get(c, GB_KEY_STRATEGY)) ||
        !json_is_integer(json_object_get(c, GB_KEY_WORKERS)) ||
        !json_is_string(json_object_get(c, GB_KEY_STATUS))) {
      json_decref(r);
      return gb_err(err, errlen, GB_EINVAL, "%s: cells[%zu]: expected workload, strategy, workers and status",
                    file, i);
    }
  }
  if (results_names(file, cells, err, errlen) != 0) {
    json_decref(r);
    return GB_EINVAL;
  }
  *root = r;
  return 0;
}

/* Append text as one whole line at the end of the journal; a failed write is cut off again so
 * that no partial line is left. 0 or a negative errno code. */
static int journal_write(gb_journal *j, const char *text) {
  int rc = gb_fault_write(j->path);
  off_t end = lseek(j->fd, 0, SEEK_END);
  if (rc == 0 && end < 0) rc = -errno;
  if (rc == 0) rc = gb_write_full(j->fd, text, strlen(text));
  if (rc == 0) rc = gb_write_full(j->fd, "\n", 1);
  if (rc == 0 && fsync(j->fd) != 0) rc = -errno;
  if (rc != 0 && end >= 0)
    (void)!ftruncate(j->fd, end); /* no partial line; if this fails too, resume repairs it */
  return rc;
}

int gb_journal_open(gb_journal *j, const char *dir, json_t *header, char *err, size_t errlen) {
  snprintf(j->path, sizeof j->path, "%s/results.jsonl", dir);
  j->fd = open(j->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (j->fd < 0) return gb_err(err, errlen, -errno, "%s: %s", j->path, strerror(errno));
  if (header && lseek(j->fd, 0, SEEK_END) == 0) {
    char *text = json_dumps(header, JSON_COMPACT);
    int rc = text ? journal_write(j, text) : -ENOMEM;
    free(text);
    if (rc) {
      close(j->fd);
      j->fd = -1;
      return gb_err(err, errlen, rc, "%s: writing the header failed: %s", j->path, strerror(-rc));
    }
  }
  return 0;
}

int gb_journal_repair(const char *dir, FILE *warn, char *err, size_t errlen) {
  char path[PATH_MAX], dpath[PATH_MAX + 16];
  snprintf(path, sizeof path, "%s/results.jsonl", dir);
  snprintf(dpath, sizeof dpath, "%s.damaged", path);
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) return 0; /* nothing to repair: gb_journal_read says why */
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size == 0) {
    close(fd);
    return 0;
  }
  /* From the end backwards to the last end of line: the cut-off tail follows it. */
  char buf[65536];
  off_t end = st.st_size, keep = 0, pos = end;
  int found = 0;
  while (pos > 0 && !found) {
    size_t n = pos > (off_t)sizeof buf ? sizeof buf : (size_t)pos;
    pos -= (off_t)n;
    if (pread(fd, buf, n, pos) != (ssize_t)n) break;
    for (size_t i = n; i-- > 0;)
      if (buf[i] == '\n') {
        keep = pos + (off_t)i + 1;
        found = 1;
        break;
      }
  }
  if (keep == end) {
    close(fd);
    return 0;
  }
  /* Keep the damaged bytes in results.jsonl.damaged, then cut them off. */
  int dfd = open(dpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  int rc = dfd < 0 ? -errno : -gb_fault_write(dpath);
  for (off_t at = keep; rc == 0 && at < end;) {
    size_t n = end - at > (off_t)sizeof buf ? sizeof buf : (size_t)(end - at);
    if (pread(fd, buf, n, at) != (ssize_t)n)
      rc = -EIO;
    else
      rc = gb_write_full(dfd, buf, n);
    at += (off_t)n;
  }
  if (rc == 0) rc = gb_write_full(dfd, "\n", 1);
  if (rc == 0 && fsync(dfd) != 0) rc = -errno;
  if (dfd >= 0) close(dfd);
  if (rc == 0 && (ftruncate(fd, keep) != 0 || fsync(fd) != 0)) rc = -errno;
  close(fd);
  if (rc)
    return gb_err(err, errlen, rc, "%s: cannot set aside its cut-off last line in %s: %s", path, dpath,
                  strerror(-rc));
  if (warn)
    fprintf(warn, "%s: its last line was cut off (%lld bytes): kept in %s and removed\n", path,
            (long long)(end - keep), dpath);
  return 0;
}

/* Why a journal line after the header, parsed, is not a repetition record; NULL when it is one. */
static const char *journal_record_why(json_t *o) {
  json_t *data = json_object_get(o, GB_KEY_DATA);
  const char *status = json_string_value(json_object_get(o, GB_KEY_STATUS));
  if (!json_is_string(json_object_get(o, GB_KEY_KEY)) || !json_is_integer(json_object_get(o, GB_KEY_REP)) ||
      !json_is_object(data) ||
      !(json_is_number(json_object_get(data, GB_KEY_WALL_S)) || (status && strcmp(status, "ok") != 0)))
    return "not a repetition record (expected key, rep and data.wall_s)";
  return NULL;
}

int gb_journal_read(const char *dir, json_t **header, json_t **reps, FILE *warn, char *err, size_t errlen) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/results.jsonl", dir);
  FILE *f;
  *header = NULL;
  *reps = NULL;
  int rc = bounded_fopen(path, "a journal", " (nothing to resume)", &f, err, errlen);
  if (rc != 0) return rc;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int lineno = 0;
  json_t *out = json_array();
  while ((n = getline(&line, &cap, f)) >= 0) {
    lineno++;
    int complete = n > 0 && line[n - 1] == '\n';
    json_error_t je;
    json_t *o = complete && !memchr(line, '\0', (size_t)n) ? json_loadb(line, (size_t)n, 0, &je) : NULL;
    const char *why = !complete ? "truncated line (no end of line: the run was killed while writing it)"
                      : memchr(line, '\0', (size_t)n) ? "a NUL byte"
                      : !o                            ? je.text
                                                      : NULL;
    if (!why && lineno == 1) {
      if (json_is_string(json_object_get(o, GB_KEY_JOURNAL)) &&
          json_is_array(json_object_get(o, GB_KEY_ARGV))) {
        *header = o;
        continue;
      }
      json_decref(o);
      rc = gb_err(err, errlen, GB_EINVAL, "%s:1: not a gilbench journal header", path);
      break;
    }
    if (!why) why = journal_record_why(o);
    if (why) {
      if (warn) fprintf(warn, "%s:%d: ignored: %s\n", path, lineno, why);
      json_decref(o);
      continue;
    }
    json_object_set_new(o, GB_KEY_LINE, json_integer(lineno));
    json_array_append_new(out, o);
  }
  free(line);
  fclose(f);
  if (rc == 0 && !*header)
    rc = gb_err(err, errlen, GB_EINVAL, "%s: no valid header line (nothing to resume)", path);
  if (rc != 0) {
    json_decref(out);
    return rc;
  }
  *reps = out;
  return 0;
}

int gb_journal_append(gb_journal *j, const gb_cell *cell, int rep_index, const gb_rep *rep, double at_s) {
  json_t *line = json_pack("{s:s,s:i,s:s,s:o}", GB_KEY_KEY, cell->key, GB_KEY_REP, rep_index, GB_KEY_STATUS,
                           gb_rep_status(rep), GB_KEY_DATA, gb_rep_json(rep));
  if (at_s >= 0) json_object_set_new(line, GB_KEY_AT_S, json_real(at_s));
  char *text = json_dumps(line, JSON_COMPACT | JSON_REAL_PRECISION(17));
  json_decref(line);
  int rc = text ? journal_write(j, text) : -ENOMEM;
  free(text);
  return rc;
}

void gb_journal_close(gb_journal *j) {
  if (j->fd >= 0) close(j->fd);
  j->fd = -1;
}
