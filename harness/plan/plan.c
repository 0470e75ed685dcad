/* plan.c: expanding a suite and the command line into cells. Precedence: definition < profile <
 * suite < command line. A [set] list sweeps; a sweep of a strategy option multiplies only that
 * strategy's cells. */
#include "plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counters.h"
#include <jansson.h>

#include "defs.h"
#include "ioop.h"
#include "keys.h"
#include "topo.h"

const char *gb_cell_status_name(gb_cell_status s) {
  switch (s) {
  case GB_CELL_PENDING: return "pending";
  case GB_CELL_OK: return "ok";
  case GB_CELL_FAILED: return "failed";
  case GB_CELL_TIMEOUT: return "timeout";
  case GB_CELL_SKIPPED: return "skipped";
  }
  return "?";
}

/* One key with its list of values (a suite [set] entry or a --set). */
typedef struct plan_sweep {
  const char *key;
  char **values;
  int nvalues;
  int from_file;                  /* a suite's [set] (a program to run is never taken from a file) */
  int option;                     /* a strategy option (gb_optkey_check), else a workload key */
  char origin_buf[PATH_MAX + 32]; /* "file:line" or "--set K=V" for messages */
} plan_sweep;

void gb_plan_opts_format(const gb_strategy *s, const int64_t *opts, char *buf, size_t len) {
  size_t off = 0;
  buf[0] = '\0';
  for (int i = 0; i < s->noptions && off < len; i++) {
    char v[GB_PARAM_TEXT_MAX];
    gb_param_format(&s->options[i], opts[i], v, sizeof v);
    off += (size_t)snprintf(buf + off, len - off, "%s%s=%s", i ? "," : "", s->options[i].name, v);
  }
}

typedef struct plan_text {
  char *buf;
  size_t len, cap;
} plan_text;

static void params_text_cb(void *user, const char *key, int64_t value, const char *text) {
  (void)value;
  plan_text *t = user;
  size_t need = strlen(key) + strlen(text) + 3;
  if (t->len + need >= t->cap) {
    t->cap = (t->len + need) * 2;
    t->buf = gb_xrealloc(t->buf, t->cap);
  }
  t->len += (size_t)sprintf(t->buf + t->len, "%s%s=%s", t->len ? "," : "", key, text);
}

/* Canonical params text of a workload ("tasks=16,phase.1.n=1000"); caller frees. */
static char *params_text(const gb_workload *wl) {
  plan_text t = {gb_xcalloc(1, 64), 0, 64};
  gb_workload_params_each(wl, params_text_cb, &t);
  return t.buf;
}

/* Add wl as a paramset unless an identical one exists; returns its index. Takes ownership. */
static int add_paramset(gb_plan *plan, gb_workload *wl, int base) {
  char *t = params_text(wl);
  for (int i = 0; i < plan->nparamsets; i++) {
    if (strcmp(plan->paramsets[i].wl.name, wl->name) == 0 && strcmp(plan->paramsets[i].params, t) == 0) {
      free(t);
      gb_workload_free(wl);
      return i;
    }
  }
  plan->paramsets = gb_xrealloc(plan->paramsets, sizeof *plan->paramsets * (size_t)(plan->nparamsets + 1));
  gb_paramset *ps = &plan->paramsets[plan->nparamsets];
  memset(ps, 0, sizeof *ps);
  ps->wl = *wl; /* takes ownership */
  ps->params = t;
  ps->base = base;
  return plan->nparamsets++;
}

static void add_cell(gb_plan *plan, int ps, const gb_strategy *s, const int64_t *opts, int workers,
                     const char *binding) {
  char o[768];
  gb_plan_opts_format(s, opts, o, sizeof o);
  char key[1024];
  snprintf(key, sizeof key, "workload=%s;params=%s;strategy=%s;options=%s;workers=%d;binding=%s",
           plan->paramsets[ps].wl.name, plan->paramsets[ps].params, s->name, o, workers, binding);
  for (int i = 0; i < plan->ncells; i++)
    if (strcmp(plan->cells[i].key, key) == 0) return;
  plan->cells = gb_xrealloc(plan->cells, sizeof *plan->cells * (size_t)(plan->ncells + 1));
  gb_cell *c = &plan->cells[plan->ncells];
  memset(c, 0, sizeof *c);
  c->id = plan->ncells++;
  c->paramset = ps;
  c->strategy = s;
  memcpy(c->opts, opts, sizeof c->opts);
  c->workers = workers;
  snprintf(c->binding, sizeof c->binding, "%s", binding);
  snprintf(c->key, sizeof c->key, "%s", key);
  c->speedup = c->efficiency = NAN;
  const char *why = s->unavailable ? s->unavailable() : NULL;
  if (why) {
    c->status = GB_CELL_SKIPPED;
    snprintf(c->error, sizeof c->error, "%s", why);
  }
}

/* Like with like: when a parameter set holds its family's reference serial run (cpython-serial),
 * it also holds the baseline each of its cells is measured against where that is another serial
 * run (cpython-ext-serial for cpython-ext, cpython-serial-spawn for a spawned pool), with the
 * options they share (the switch interval) taken from the cell. */
static void add_baselines(gb_plan *plan) {
  int n = plan->ncells; /* cells added here need no baseline of their own */
  for (int i = 0; i < n; i++) {
    const gb_cell *c = &plan->cells[i];
    const gb_strategy *b = gb_strategy_find(gb_strategy_baseline(c->strategy, c->opts));
    if (!b || b == c->strategy || !b->reference) continue;
    int have_ref = 0, have_base = 0;
    for (int k = 0; k < plan->ncells; k++) {
      if (plan->cells[k].paramset != c->paramset) continue;
      have_ref |= strcmp(plan->cells[k].strategy->name, b->reference) == 0;
      have_base |= plan->cells[k].strategy == b;
    }
    if (!have_ref || have_base) continue;
    int64_t opts[GB_MAX_PARAMS] = {0};
    for (int o = 0; o < b->noptions; o++) {
      opts[o] = b->options[o].def;
      int co = gb_param_find(c->strategy->options, c->strategy->noptions, b->options[o].name);
      if (co >= 0) opts[o] = c->opts[co];
    }
    char bind[64];
    snprintf(bind, sizeof bind, "%s", c->binding);
    add_cell(plan, c->paramset, b, opts, 1, bind); /* may move plan->cells: c not used after */
  }
}

/* Resolve, load and profile every listed workload; 0 or GB_EINVAL. */
static int load_workloads(char **names, int n, const char *profile, gb_workload *out, char *err,
                          size_t errlen) {
  for (int i = 0; i < n; i++) {
    char path[PATH_MAX], e[1024];
    if (gb_workload_resolve(names[i], path, sizeof path) != 0) {
      snprintf(err, errlen, "%s (see `gilbench list workloads`)", path);
      return GB_EINVAL;
    }
    if (gb_workload_load(path, &out[i], err, errlen) != 0) return GB_EINVAL;
    if (gb_workload_apply_profile(&out[i], profile, e, sizeof e) != 0) {
      snprintf(err, errlen, "%s: %s", path, e);
      return GB_EINVAL;
    }
  }
  return 0;
}

/* Refuse a plan whose cells need more descriptors than the open-files limit (as main() raised
 * it): better now, with the numbers, than a connect failing half-way through a run. */
static int check_fds(const gb_plan *plan, char *err, size_t errlen) {
  long limit = gb_io_nofile_limit();
  for (int i = 0; i < plan->ncells && limit > 0; i++) {
    const gb_cell *c = &plan->cells[i];
    if (c->status == GB_CELL_SKIPPED) continue;
    const gb_workload *wl = &plan->paramsets[c->paramset].wl;
    long server = 0,
         need = gb_io_fds_needed(wl, c->workers, (c->strategy->caps & GB_CAP_OVERLAPS_IO) != 0, &server);
    if (need <= limit && server <= limit) continue;
    snprintf(err, errlen,
             "%s with %s at %d worker%s needs about %ld open files (the loopback server %ld) but "
             "the open-files limit is %ld (ulimit -n; gilbench raised it as far as the hard limit "
             "allows): lower the workers or the tcp connections, or raise the limit",
             wl->name, c->strategy->name, c->workers, c->workers == 1 ? "" : "s", need, server, limit);
    return GB_EINVAL;
  }
  return 0;
}

static int plan_check_memory(const gb_plan *plan, char *err, size_t errlen);

/* Add the strategies a part runs to strats (the command line's, else the suite's, else every
 * registered one). Returns how many, or -1 with err. */
static int part_strategies(const gb_request *req, const gb_suite *suite, const gb_strategy **strats,
                           char *err, size_t errlen) {
  char **snames = req->nstrategies ? req->strategies : suite->strategies;
  int nsn = req->nstrategies ? req->nstrategies : suite->nstrategies, ns = 0;
  if (nsn == 0) { /* default: every registered strategy */
    for (int i = 0; gb_strategies[i] && ns < 64; i++)
      strats[ns++] = gb_strategies[i];
  } else if ((ns = gb_strategy_select(snames, nsn, strats, 64, err, errlen)) < 0) {
    return -1;
  }
  if (ns == 0) {
    snprintf(err, errlen, "the strategy list selects no strategy");
    return -1;
  }
  return ns;
}

/* The worker counts of a part (-k for k*pus resolved against the PUs online). -1 with err. */
static int part_workers(const gb_request *req, const gb_suite *suite, const gb_plan *plan, int *workers,
                        char *err, size_t errlen) {
  const int *wsrc = req->nworkers ? req->workers : suite->workers;
  int nwsrc = req->nworkers ? req->nworkers : suite->nworkers, nwk = 0;
  if (nwsrc == 0) {
    workers[nwk++] = 1;
    if (plan->pus > 1) workers[nwk++] = plan->pus;
  }
  for (int i = 0; i < nwsrc && nwk < 64; i++) {
    int w = wsrc[i] < 0 ? -wsrc[i] * plan->pus : wsrc[i];
    if (w < 1 || w > GB_MAX_WORKERS) {
      snprintf(err, errlen, "workers %d out of range [1, %d]", w, GB_MAX_WORKERS);
      return -1;
    }
    workers[nwk++] = w;
  }
  return nwk;
}

/* The sweeps of a part: the suite's [set] entries, then --set (which replaces a suite entry of
 * the same key). *cli_values holds the --set values (caller frees it and the array). */
static plan_sweep *part_sweeps(const gb_request *req, const gb_suite *suite, int *nsw, char ***cli_values) {
  plan_sweep *sw = gb_xcalloc((size_t)(suite->nsets + req->nsets + 1), sizeof *sw);
  int n = 0;
  for (int i = 0; i < suite->nsets; i++, n++) {
    sw[n].key = suite->sets[i].key;
    sw[n].values = suite->sets[i].values;
    sw[n].nvalues = suite->sets[i].nvalues;
    sw[n].from_file = 1;
    snprintf(sw[n].origin_buf, sizeof sw[n].origin_buf, "%s:%d", suite->path, suite->sets[i].line);
  }
  *cli_values = gb_xcalloc((size_t)req->nsets + 1, sizeof **cli_values);
  for (int i = 0; i < req->nsets; i++) {
    int k = 0;
    while (k < n && strcmp(sw[k].key, req->sets[i].key) != 0)
      k++;
    (*cli_values)[i] = (char *)req->sets[i].value;
    sw[k].key = req->sets[i].key;
    sw[k].values = &(*cli_values)[i];
    sw[k].nvalues = 1;
    sw[k].from_file = 0;
    snprintf(sw[k].origin_buf, sizeof sw[k].origin_buf, "--set %s=%s", req->sets[i].key, req->sets[i].value);
    if (k == n) n++;
  }
  *nsw = n;
  return sw;
}

/* A workload key: every value fits some listed workload. */
static int check_workload_key(const plan_sweep *sw, const gb_workload *base, int nw, char *err,
                              size_t errlen) {
  for (int v = 0; v < sw->nvalues; v++) {
    int fits = 0;
    char first[512] = "", e[512];
    for (int w = 0; w < nw && !fits; w++) {
      gb_workload copy;
      gb_workload_copy(&copy, &base[w]);
      if (gb_workload_set(&copy, sw->key, sw->values[v], e, sizeof e) == 0)
        fits = 1;
      else if (!first[0])
        snprintf(first, sizeof first, "%s", e);
      gb_workload_free(&copy);
    }
    if (!fits) {
      snprintf(err, errlen, "%s: %s", sw->origin_buf, first);
      return GB_EINVAL;
    }
  }
  return 0;
}

/* A --set value refused with a comma in it: the user may have meant a sweep, which only a suite's
 * [set] section gives; say so after the message in err. Returns GB_EINVAL. */
static int list_hint(const plan_sweep *sw, char *err, size_t errlen) {
  size_t n = strlen(err);
  if (!sw->from_file && strchr(sw->values[0], ',') && n < errlen)
    snprintf(err + n, errlen - n, " (--set takes one value; a suite's [set] section sweeps a list)");
  return GB_EINVAL;
}

/* Validate every sweep value once (strategy options through the one option-key parser), and
 * mark which sweeps are strategy options. */
static int check_sweeps(plan_sweep *sw, int nsw, const gb_workload *base, int nw, char *err, size_t errlen) {
  for (int k = 0; k < nsw; k++) {
    char msg[1536];
    int rc = gb_optkey_check(sw[k].key, sw[k].values, sw[k].nvalues, sw[k].from_file, msg, sizeof msg);
    if (rc < 0) {
      snprintf(err, errlen, "%s: %s", sw[k].origin_buf, msg);
      return list_hint(&sw[k], err, errlen);
    }
    sw[k].option = rc == 1;
    if (!sw[k].option && check_workload_key(&sw[k], base, nw, err, errlen) != 0)
      return list_hint(&sw[k], err, errlen);
  }
  return 0;
}

/* s's option values at this point of the sweep: defaults, then FAMILY.OPTION, then STRATEGY.OPTION. */
static void strategy_opts(const gb_strategy *s, const plan_sweep *sw, int nsw, const int *idx,
                          int64_t *opts) {
  memset(opts, 0, sizeof(int64_t) * GB_MAX_PARAMS);
  for (int o = 0; o < s->noptions; o++)
    opts[o] = s->options[o].def;
  for (int precedence = 1; precedence <= 2; precedence++)
    for (int k = 0; k < nsw; k++)
      if (sw[k].option) (void)gb_optkey_apply(sw[k].key, sw[k].values[idx[k]], s, precedence, opts);
}

/* What one part expands into: its strategies, worker counts and sweeps. */
typedef struct part_spec {
  const gb_suite *suite;
  const char *bind;
  const gb_strategy *strats[64];
  int ns;
  int workers[64];
  int nwk;
  plan_sweep *sw;
  int nsw;
} part_spec;

/* The cells of one parameter set at one point of the sweep. */
static void add_cells(gb_plan *plan, const part_spec *pt, int ps, const int *idx) {
  for (int si = 0; si < pt->ns; si++) {
    const gb_strategy *s = pt->strats[si];
    int64_t opts[GB_MAX_PARAMS];
    strategy_opts(s, pt->sw, pt->nsw, idx, opts);
    if (s->caps & GB_CAP_ONE_WORKER) {
      add_cell(plan, ps, s, opts, 1, pt->bind);
      continue;
    }
    int cap = GB_MAX_WORKERS; /* the suite's max_workers for this strategy */
    for (int q = 0; q < pt->suite->ncaps; q++)
      if (strcmp(pt->suite->cap_strategy[q], s->name) == 0) cap = pt->suite->cap_workers[q];
    for (int wi = 0; wi < pt->nwk; wi++)
      if (pt->workers[wi] <= cap) add_cell(plan, ps, s, opts, pt->workers[wi], pt->bind);
  }
}

/* The cartesian product of the sweeps, over every listed workload. */
static void expand(gb_plan *plan, const part_spec *pt, const gb_workload *base, int nw, int base_offset) {
  int idx[64] = {0};
  for (;;) {
    for (int w = 0; w < nw; w++) {
      gb_workload wl;
      gb_workload_copy(&wl, &base[w]);
      for (int k = 0; k < pt->nsw; k++) {
        char e[512];
        if (!pt->sw[k].option) /* a key another listed workload takes: skipped for this one */
          (void)gb_workload_set(&wl, pt->sw[k].key, pt->sw[k].values[idx[k]], e, sizeof e);
      }
      add_cells(plan, pt, add_paramset(plan, &wl, base_offset + w), idx);
    }
    int k = 0;
    while (k < pt->nsw && ++idx[k] == pt->sw[k].nvalues)
      idx[k++] = 0;
    if (k == pt->nsw) break;
  }
}

/* Add the cells of one suite (or one [part.NAME] of a suite, or the command line alone) to the
 * plan. The command line wins over the suite; a part's profile over the suite's. */
static int plan_part(const gb_request *req, gb_plan *plan, const gb_suite *suite, int have_suite,
                     const char *bind, char *err, size_t errlen) {
  char **wnames = req->nworkloads ? req->workloads : suite->workloads;
  int nw = req->nworkloads ? req->nworkloads : suite->nworkloads, rc = GB_EINVAL;
  const char *profile =
      req->profile ? req->profile : (have_suite && suite->profile[0] ? suite->profile : plan->profile);
  int base_offset = 0; /* workload order continues across parts */
  for (int i = 0; i < plan->nparamsets; i++)
    if (plan->paramsets[i].base + 1 > base_offset) base_offset = plan->paramsets[i].base + 1;
  if (nw == 0) {
    snprintf(err, errlen, "no workloads: give -w NAME,... or a suite");
    return GB_EINVAL;
  }
  part_spec pt = {.suite = suite, .bind = bind};
  if ((pt.ns = part_strategies(req, suite, pt.strats, err, errlen)) < 0) return GB_EINVAL;
  if ((pt.nwk = part_workers(req, suite, plan, pt.workers, err, errlen)) < 0) return GB_EINVAL;
  char **cli_values;
  pt.sw = part_sweeps(req, suite, &pt.nsw, &cli_values);
  gb_workload *base = gb_xcalloc((size_t)nw, sizeof *base);
  if (load_workloads(wnames, nw, profile, base, err, errlen) == 0 &&
      check_sweeps(pt.sw, pt.nsw, base, nw, err, errlen) == 0) {
    expand(plan, &pt, base, nw, base_offset);
    rc = 0;
  }
  for (int w = 0; w < nw; w++)
    gb_workload_free(&base[w]);
  free(base);
  free(pt.sw);
  free(cli_values);
  return rc;
}

/* The default of run key id: its row's, parsed as the key's value. */
static double key_default(gb_key_id id) {
  const gb_key *k = gb_key_by_id("run", id);
  gb_key_value v;
  char msg[256];
  GB_ASSERT(k);
  int rc = gb_key_parse(k, k->def, &v, msg, sizeof msg);
  GB_ASSERT(rc == 0);
  gb_key_value_free(&v);
  return k->type == GB_KT_SECONDS ? v.d : (double)v.i;
}

/* Repetitions, warmup and timeout: the command line wins over the suite, the suite over the key
 * table's default. --reps auto (or the suite's): the cap on rounds is max_reps; a fixed --reps
 * wins over a suite's auto, and an auto --reps over a suite's count. */
static void plan_settings(const gb_request *req, const gb_suite *suite, int have_suite, gb_plan *plan) {
  plan->reps = req->reps >= 0 ? req->reps
                              : (have_suite && suite->reps >= 0 ? suite->reps : (int)key_default(GB_K_REPS));
  plan->reps_auto = req->reps > 0        ? 0
                    : req->reps_auto > 0 ? req->reps_auto
                                         : (have_suite && req->reps < 0 ? suite->reps_auto : 0);
  if (plan->reps_auto > 0) {
    plan->min_reps = 6;
    plan->reps = req->max_reps > 0 ? req->max_reps
                                   : (have_suite && suite->max_reps > 0 ? suite->max_reps
                                                                        : (int)key_default(GB_K_MAX_REPS));
    plan->max_cell_s =
        req->max_cell_s > 0
            ? req->max_cell_s
            : (have_suite && suite->max_cell_s > 0 ? suite->max_cell_s : key_default(GB_K_MAX_CELL_SECONDS));
  }
  plan->warmup = req->warmup >= 0
                     ? req->warmup
                     : (have_suite && suite->warmup >= 0 ? suite->warmup : (int)key_default(GB_K_WARMUP));
  plan->timeout_s = req->timeout_s > 0 ? req->timeout_s : (have_suite ? suite->timeout : 0);
}

/* The suite the request names, loaded into suite (*have_suite 0 when none). */
static int plan_suite(const gb_request *req, gb_plan *plan, gb_suite *suite, int *have_suite, char *err,
                      size_t errlen) {
  memset(suite, 0, sizeof *suite);
  *have_suite = 0;
  if (!req->suite) return 0;
  char path[PATH_MAX];
  if (gb_suite_resolve(req->suite, path, sizeof path) != 0) {
    snprintf(err, errlen, "%s", path);
    return GB_EINVAL;
  }
  if (gb_suite_load(path, suite, err, errlen) != 0) return GB_EINVAL;
  *have_suite = 1;
  snprintf(plan->suite, sizeof plan->suite, "%s", path);
  return 0;
}

/* The binding policy (command line over suite), checked against this machine's PUs. */
static int plan_bind(const gb_request *req, const gb_suite *suite, int have_suite, const char **bind,
                     char *err, size_t errlen) {
  *bind = req->bind ? req->bind
                    : (have_suite && suite->bind[0] ? suite->bind : gb_key_by_id("run", GB_K_BIND)->def);
  gb_bind b;
  char e0[512];
  if (gb_bind_check(gb_topo_machine(), *bind, &b, e0, sizeof e0) == 0) return 0;
  if (req->bind)
    snprintf(err, errlen, "--bind: %s", e0);
  else
    snprintf(err, errlen, "%s: %s", suite->path, e0);
  return GB_EINVAL;
}

/* The cells of the suite's parts, or of the suite (or command line) as one. */
static int plan_parts(const gb_request *req, gb_plan *plan, const gb_suite *suite, int have_suite,
                      const char *bind, char *err, size_t errlen) {
  if (!(have_suite && suite->nparts > 0)) return plan_part(req, plan, suite, have_suite, bind, err, errlen);
  for (int p = 0; p < suite->nparts; p++)
    if (plan_part(req, plan, &suite->parts[p], 1, bind, err, errlen) != 0) return GB_EINVAL;
  return 0;
}

int gb_plan_build(const gb_request *req, gb_plan *plan, char *err, size_t errlen) {
  memset(plan, 0, sizeof *plan);
  long pus = sysconf(_SC_NPROCESSORS_ONLN);
  plan->pus = pus > 0 ? (int)pus : 1;
  plan->seed = req->seed;
  gb_suite suite;
  int have_suite, rc = GB_EINVAL;
  if (plan_suite(req, plan, &suite, &have_suite, err, errlen) != 0) return GB_EINVAL;
  const char *profile =
      req->profile
          ? req->profile
          : (have_suite && suite.profile[0] ? suite.profile : gb_key_by_id("run", GB_K_PROFILE)->def);
  snprintf(plan->profile, sizeof plan->profile, "%s", profile);
  plan_settings(req, &suite, have_suite, plan);
  const char *bind;
  char e0[512];
  if (plan_bind(req, &suite, have_suite, &bind, err, errlen) != 0) goto out;
  if (gb_counters_resolve(req->counters, req->counters_backend, &plan->counters, e0, sizeof e0) != 0) {
    snprintf(err, errlen, "%s", e0);
    goto out;
  }
  if (plan_parts(req, plan, &suite, have_suite, bind, err, errlen) != 0) goto out;
  add_baselines(plan);
  if (check_fds(plan, err, errlen) != 0) goto out;
  rc = plan_check_memory(plan, err, errlen);
out:
  if (have_suite) gb_suite_free(&suite);
  if (rc != 0) gb_plan_free(plan);
  return rc;
}

/* Memory one repetition of a cell needs at most, in bytes: each worker's payload buffers and its
 * kernels' working sets, plus the chunks in flight of a strategy that copies payloads between
 * processes (the coordinator's buffers, the pipes or shared-memory slots, the worker's copy). */
static double cell_bytes(const gb_plan *plan, const gb_cell *c) {
  const gb_workload *wl = &plan->paramsets[c->paramset].wl;
  double io = (double)gb_workload_max_input(wl) + (double)gb_workload_max_output(wl), kern = 0;
  for (int g = 0; g < wl->ngroups; g++)
    for (int p = 0; p < wl->groups[g].nphases; p++) {
      const gb_phase *ph = &wl->groups[g].phases[p];
      if (ph->kind == GB_PHASE_CPU && ph->kernel && ph->kernel->bytes) {
        double b = ph->kernel->bytes(&ph->params);
        if (b > kern) kern = b;
      }
    }
  double per_worker = io + kern;
  if (!(c->strategy->caps & (GB_CAP_SHARED_MEMORY | GB_CAP_ONE_WORKER)))
    per_worker += io * (double)(wl->chunk > 0 ? wl->chunk : 1) * 4;
  return per_worker * c->workers;
}

/* Refuse, before anything runs, a plan whose cell would need more than 80% of physical memory. */
static int plan_check_memory(const gb_plan *plan, char *err, size_t errlen) {
  double phys = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
  for (int i = 0; i < plan->ncells; i++) {
    const gb_cell *c = &plan->cells[i];
    double need = cell_bytes(plan, c);
    if (phys > 0 && need > 0.8 * phys) {
      snprintf(err, errlen,
               "%s with %s and %d workers would need about %.0f MiB (payloads, kernel working sets and "
               "chunks in flight), more than 80%% of this machine's %.0f MiB: lower the workers, tasks' "
               "payload sizes, chunk or the kernel's size",
               plan->paramsets[c->paramset].wl.name, c->strategy->name, c->workers, need / 1048576.0,
               phys / 1048576.0);
      return GB_EINVAL;
    }
  }
  return 0;
}

/* The plan's value of run key k under the key's name (with reps: the cap under auto, and the
 * auto target as reps_auto beside it). */
static void setting_json(const gb_plan *plan, const gb_key *k, json_t *obj) {
  const char *name = k->name ? k->name : k->flag;
  switch (k->id) {
  case GB_K_PROFILE: json_object_set_new(obj, name, json_string(plan->profile)); return;
  case GB_K_REPS:
    json_object_set_new(obj, name, json_integer(plan->reps));
    json_object_set_new(obj, "reps_auto", plan->reps_auto > 0 ? json_real(plan->reps_auto) : json_null());
    return;
  case GB_K_WARMUP: json_object_set_new(obj, name, json_integer(plan->warmup)); return;
  case GB_K_SEED: json_object_set_new(obj, name, json_integer((json_int_t)plan->seed)); return;
  default: GB_ASSERT(!"a key marked GB_KW_RESULTS that the plan does not hold"); return;
  }
}

void gb_plan_settings_json(const gb_plan *plan, struct json_t *obj) {
  for (int i = 0; i < gb_nkeys; i++) {
    const gb_key *k = &gb_keys[i];
    if ((k->where & GB_KW_RESULTS) && k->command && strcmp(k->command, "run") == 0)
      setting_json(plan, k, obj);
  }
}

/* Whether option o (or the binding, o < 0) of c differs in another cell of its strategy. */
static int option_differs(const gb_plan *plan, const gb_cell *c, int o) {
  for (int i = 0; i < plan->ncells; i++) {
    const gb_cell *x = &plan->cells[i];
    if (x->strategy != c->strategy) continue;
    if (o < 0 ? strcmp(x->binding, c->binding) != 0 : x->opts[o] != c->opts[o]) return 1;
  }
  return 0;
}

void gb_plan_cell_label(const gb_plan *plan, const gb_cell *c, char *buf, size_t len) {
  size_t n = (size_t)snprintf(buf, len, "%s", c->strategy->name);
  int first = 1;
  for (int o = -1; o < c->strategy->noptions && n < len; o++) {
    if (!option_differs(plan, c, o)) continue;
    char v[GB_PARAM_TEXT_MAX];
    if (o >= 0) gb_param_format(&c->strategy->options[o], c->opts[o], v, sizeof v);
    n += (size_t)snprintf(buf + n, len - n, "%s%s=%s", first ? "[" : ",",
                          o < 0 ? "bind" : c->strategy->options[o].name, o < 0 ? c->binding : v);
    first = 0;
  }
  if (!first && n < len) snprintf(buf + n, len - n, "]");
}

void gb_plan_workload_label(const gb_plan *plan, const gb_cell *c, char *buf, size_t len) {
  const gb_paramset *me = &plan->paramsets[c->paramset];
  const char **sib = gb_xmalloc(sizeof *sib * (size_t)(plan->nparamsets + 1));
  int n = 0, at = 0;
  for (int i = 0; i < plan->nparamsets; i++) {
    if (strcmp(plan->paramsets[i].wl.name, me->wl.name) != 0) continue;
    if (i == c->paramset) at = n;
    sib[n++] = plan->paramsets[i].params;
  }
  char *d = gb_params_distinguishing(sib, n, at, ", ");
  if (*d)
    snprintf(buf, len, "%s (%s)", me->wl.name, d);
  else
    snprintf(buf, len, "%s", me->wl.name);
  free(d);
  free(sib);
}

void gb_plan_free(gb_plan *plan) {
  for (int i = 0; i < plan->nparamsets; i++) {
    gb_workload_free(&plan->paramsets[i].wl);
    free(plan->paramsets[i].params);
  }
  for (int i = 0; i < plan->ncells; i++) {
    for (int r = 0; r < plan->cells[i].nreps; r++)
      free(plan->cells[i].reps[r].workers);
    free(plan->cells[i].reps);
    if (plan->cells[i].rep_json) {
      for (int r = 0; r < plan->cells[i].nreps; r++)
        json_decref(plan->cells[i].rep_json[r]);
      free(plan->cells[i].rep_json);
    }
  }
  free(plan->paramsets);
  free(plan->cells);
  gb_counters_free(plan->counters);
  memset(plan, 0, sizeof *plan);
}
