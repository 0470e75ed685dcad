/* runner.c: measuring a plan. Repetitions run in rounds; within a round the cells of a workload
 * run in a seeded shuffled order so drift hits every strategy alike. Every repetition's checksum
 * is compared with the reference (always computed, with the serial path); a mismatch fails the
 * cell loudly and the run goes on. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ioop.h"
#include "plan.h"
#include "results.h"
#include "counters.h"
#include "topo.h"

static volatile sig_atomic_t gb__stop_signal;
static void gb__on_signal(int sig) { gb__stop_signal = sig; }

void gb_plan_references(gb_plan *plan) {
  for (int i = 0; i < plan->nparamsets; i++) {
    gb_paramset *ps = &plan->paramsets[i];
    if (ps->have_reference) continue;
    uint64_t t0 = gb_now_ns();
    ps->reference = gb_workload_reference(&ps->wl);
    ps->reference_s = (double)(gb_now_ns() - t0) * 1e-9;
    ps->have_reference = 1;
  }
}

/* Rough duration of one repetition of a cell, from the reference's time: CPU work divides among
 * min(workers, PUs) for parallel strategies, and a strategy that copies payloads between
 * processes pays about 20 us per chunk handed out (what bench-scaling.sh measures here). */
static double gb__estimate_rep(const gb_plan *plan, const gb_cell *c) {
  const gb_workload *wl = &plan->paramsets[c->paramset].wl;
  double t = plan->paramsets[c->paramset].reference_s;
  if (c->strategy->caps & GB_CAP_PARALLEL_CPU) t /= (c->workers < plan->pus ? c->workers : plan->pus);
  if (!(c->strategy->caps & (GB_CAP_SHARED_MEMORY | GB_CAP_ONE_WORKER)))
    t += 20e-6 * (double)gb_workload_ntasks(wl) / (double)(wl->chunk > 0 ? wl->chunk : 1);
  /* I/O (the reference does none): blocking workers overlap their waits; an event loop overlaps
   * as many as it has connections (tcp) or tasks in flight. */
  double io = gb_io_estimate_s(wl), par = c->workers;
  if (c->strategy->caps & GB_CAP_OVERLAPS_IO) {
    double share = ceil((double)gb_workload_ntasks(wl) / c->workers);
    int64_t conns = gb_io_max_connections(wl);
    par = c->workers * (conns > 0 && conns < share ? (double)conns : share);
  }
  return t + io / (par > 1 ? par : 1);
}

void gb_plan_print(gb_plan *plan, FILE *out) {
  gb_plan_references(plan);
  double total = 0;
  fprintf(out, "plan: %d cells x (%d warmup + %d reps), profile %s, seed %llu\n", plan->ncells,
          plan->warmup, plan->reps, plan->profile, (unsigned long long)plan->seed);
  for (int i = 0; i < plan->ncells; i++) {
    const gb_cell *c = &plan->cells[i];
    char o[256];
    gb_opts_format(c->strategy, c->opts, o, sizeof o);
    double est = gb__estimate_rep(plan, c) * (plan->warmup + plan->reps);
    if (c->status != GB_CELL_SKIPPED) total += est;
    fprintf(out, "  %3d %-16s %-11s w=%-3d %s%s%s  [%s]", c->id, plan->paramsets[c->paramset].wl.name,
            c->strategy->name, c->workers, o[0] ? "{" : "", o, o[0] ? "}" : "",
            plan->paramsets[c->paramset].params);
    if (c->status == GB_CELL_SKIPPED) fprintf(out, "  skipped: %s", c->error);
    char note[256];
    int *pus = gb_bind_place_text(c->binding, c->workers, note, sizeof note);
    for (int w = 0; pus && w < c->workers; w++) fprintf(out, "%s%d", w ? "," : "  bind PUs ", pus[w]);
    if (pus) fprintf(out, " (%s)%s%s", c->binding, note[0] ? ": " : "", note);
    free(pus);
    fputc('\n', out);
  }
  gb_counters_print_plan(plan->counters, out);
  fprintf(out, "estimated duration: %.0f s (from one timed reference run per workload; "
               "parallel strategies assumed to scale to min(workers, %d PUs))\n", total + 0.5, plan->pus);
}

static double gb__tv(struct timeval tv) { return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6; }

/* After a repetition: merge the workers' latency histograms; fail it on a worker's I/O error or
 * when the latencies recorded are not the I/O ops the workload plans (an op skipped or counted
 * twice). Returns rc, or the failure's code when rc was 0. */
static int gb__rep_io_check(gb_rep *rep, int rc) {
  for (int i = 0; i < rep->nworkers; i++) {
    gb_hist_merge(&rep->latency, &rep->workers[i].latency);
    if (rep->workers[i].io_errors && rc == 0)
      rc = gb_rep_fail(rep, GB_EIO, "worker %d: %llu I/O op%s failed; the first: %s", i,
                       (unsigned long long)rep->workers[i].io_errors,
                       rep->workers[i].io_errors == 1 ? "" : "s", rep->workers[i].io_error);
  }
  if (rc == 0 && rep->latency.count != rep->io_ops_planned)
    rc = gb_rep_fail(rep, GB_EIO, "latency count %llu differs from the %llu I/O ops planned",
                     (unsigned long long)rep->latency.count, (unsigned long long)rep->io_ops_planned);
  return rc;
}

/* Run one repetition of cell c into rep. Returns 0 or a negative code (rep->error says why). */
static int gb__run_rep(gb_plan *plan, gb_cell *c, gb_rep *rep, const char *outdir) {
  gb_paramset *ps = &plan->paramsets[c->paramset];
  gb_job job;
  memset(&job, 0, sizeof job);
  job.wl = &ps->wl;
  job.ntasks = gb_workload_ntasks(&ps->wl);
  job.workers = c->workers;
  job.schedule = ps->wl.schedule;
  job.chunk = (uint64_t)(ps->wl.chunk > 0 ? ps->wl.chunk : 1);
  job.strategy = c->strategy;
  memcpy(job.opts, c->opts, sizeof job.opts);
  job.scratch_dir = outdir;
  char art[PATH_MAX + 64];
  snprintf(art, sizeof art, "%s/cell-%d-rep-%d", outdir, c->id, c->nreps);
  job.artifact_path = art;
  char note[256];
  int *pus = gb_bind_place_text(c->binding, c->workers, note, sizeof note); /* once per rep */
  job.binding = c->binding;
  job.bind_pus = pus;
  job.counters = plan->counters;

  memset(rep, 0, sizeof *rep);
  rep->counters = plan->counters;
  rep->nworkers = c->workers;
  rep->workers = gb_xcalloc((size_t)c->workers, sizeof *rep->workers);
  rep->metric_defs = c->strategy->metrics;
  rep->nmetrics = c->strategy->nmetrics;
  /* I/O: the scratch folder and the loopback server exist before the timing starts. */
  gb_hist_init(&rep->latency);
  rep->io_ops_planned = gb_io_ops_planned(&ps->wl);
  gb_io_env io;
  char ioerr[512];
  if (gb_io_setup(&ps->wl, outdir, &io, ioerr, sizeof ioerr) != 0) {
    free(pus);
    return gb_rep_fail(rep, GB_EIO, "%s", ioerr);
  }
  if (io.scratch[0]) job.scratch_dir = io.scratch;
  job.io_port = rep->server_port = io.port;
  struct rusage s0, s1, k0, k1;
  getrusage(RUSAGE_SELF, &s0);
  getrusage(RUSAGE_CHILDREN, &k0);
  int rc = c->strategy->run(&job, rep);
  free(pus);
  getrusage(RUSAGE_SELF, &s1);
  getrusage(RUSAGE_CHILDREN, &k1);
  rep->user_s = gb__tv(s1.ru_utime) - gb__tv(s0.ru_utime) + gb__tv(k1.ru_utime) - gb__tv(k0.ru_utime);
  rep->sys_s = gb__tv(s1.ru_stime) - gb__tv(s0.ru_stime) + gb__tv(k1.ru_stime) - gb__tv(k0.ru_stime);
  /* The server is reaped after the second getrusage: its CPU time is apart, as DESIGN.md says. */
  if (gb_io_teardown(&io, &rep->server_user_s, &rep->server_sys_s, ioerr, sizeof ioerr) != 0 && rc == 0)
    rc = gb_rep_fail(rep, GB_EIO, "%s", ioerr);
  rc = gb__rep_io_check(rep, rc);
  if (rc != 0 && !rep->error[0]) gb_rep_fail(rep, rc, "%s", gb_strerror(rc));
  if (rc == 0 && rep->tasks_done != job.ntasks)
    rc = gb_rep_fail(rep, GB_EIO, "%llu of %llu tasks collected", (unsigned long long)rep->tasks_done,
                     (unsigned long long)job.ntasks);
  if (rc == 0 && rep->checksum != ps->reference)
    rc = gb_rep_fail(rep, GB_ECHECKSUM, "checksum %016llx differs from the reference %016llx",
                     (unsigned long long)rep->checksum, (unsigned long long)ps->reference);
  return rc;
}

/* Seeded Fisher-Yates shuffle of idx[0..n-1]. */
static void gb__shuffle(int *idx, int n, uint64_t *state) {
  for (int i = n - 1; i > 0; i--) {
    int j = (int)(gb_splitmix64_next(state) % (uint64_t)(i + 1));
    int t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
}

void gb_plan_summarize(gb_plan *plan) {
  for (int i = 0; i < plan->ncells; i++) {
    gb_cell *c = &plan->cells[i];
    c->have_stats = 0;
    c->speedup = c->efficiency = NAN;
    if (c->nreps == 0) continue;
    double *x = gb_xmalloc(sizeof *x * (size_t)c->nreps);
    for (int r = 0; r < c->nreps; r++) x[r] = c->reps[r].wall_s;
    c->have_stats = gb_stats_compute(x, c->nreps, &c->wall) == 0;
    free(x);
  }
  for (int i = 0; i < plan->ncells; i++) {
    gb_cell *c = &plan->cells[i];
    if (!c->have_stats || c->status != GB_CELL_OK) continue;
    for (int b = 0; b < plan->ncells; b++) { /* the baseline: same params, baseline strategy */
      gb_cell *base = &plan->cells[b];
      if (base->paramset != c->paramset || strcmp(base->strategy->name, c->strategy->baseline) != 0 ||
          base->workers != 1 || !base->have_stats || base->status != GB_CELL_OK)
        continue;
      c->speedup = base->wall.median / c->wall.median;
      c->efficiency = c->speedup / c->workers;
      break;
    }
  }
}

/* Write results.json now (after every round, so an interrupt loses little). */
static int gb__write_results(gb_plan *plan, json_t *meta, const char *outdir) {
  gb_plan_summarize(plan);
  gb_meta_update_end(meta); /* load average and steal time "at the end": as of this write */
  char path[PATH_MAX + 32], err[1024];
  snprintf(path, sizeof path, "%s/results.json", outdir);
  json_t *root = gb_results_json(plan, meta);
  int rc = gb_json_write_atomic(path, root, err, sizeof err);
  json_decref(root);
  if (rc != 0) fprintf(stderr, "gilbench: %s\n", err);
  return rc;
}

/* Progress display: a redrawn line on a terminal, one line per finished cell otherwise. */
typedef struct gb__progress {
  int tty, quiet;
  int done, total; /* repetitions (warmups included) */
  double t0;
} gb__progress;

static void gb__progress_rep(gb__progress *p, const gb_plan *plan, const gb_cell *c, int round) {
  p->done++;
  if (p->quiet || !p->tty) return;
  double el = gb_now_s() - p->t0, eta = p->done ? el / p->done * (p->total - p->done) : 0;
  fprintf(stderr, "\r\033[K[%d/%d] %s %s w=%d rep %d/%d  elapsed %.0fs  ETA %.0fs", p->done, p->total,
          plan->paramsets[c->paramset].wl.name, c->strategy->name, c->workers, round + 1,
          plan->warmup + plan->reps, el, eta);
}

static void gb__progress_cell(gb__progress *p, const gb_plan *plan, gb_cell *c) {
  if (p->quiet) return;
  if (p->tty) fprintf(stderr, "\r\033[K");
  gb_stats st;
  double med = NAN;
  if (c->nreps) {
    double *x = gb_xmalloc(sizeof *x * (size_t)c->nreps);
    for (int r = 0; r < c->nreps; r++) x[r] = c->reps[r].wall_s;
    if (gb_stats_compute(x, c->nreps, &st) == 0) med = st.median;
    free(x);
  }
  fprintf(stderr, "%-16s %-11s w=%-3d %-7s", plan->paramsets[c->paramset].wl.name, c->strategy->name,
          c->workers, gb_cell_status_name(c->status));
  if (c->status == GB_CELL_OK) fprintf(stderr, " median %.4f s over %d reps", med, c->nreps);
  else /* one line: a Python traceback after the first line stays in results.json */
    fprintf(stderr, " %.*s%s", (int)strcspn(c->error, "\n"), c->error,
            strchr(c->error, '\n') ? " (the rest in results.json)" : "");
  fputc('\n', stderr);
}

/* The hwloc topology as XML beside results.json; meta.topology.xml names it (or says why not). */
static void gb__topology_xml(json_t *meta, const char *outdir) {
  char path[PATH_MAX + 32], err[512];
  snprintf(path, sizeof path, "%s/topology.xml", outdir);
  json_t *topo = json_object_get(meta, "topology");
  if (gb_topo_export_xml(gb_topo_machine(), path, err, sizeof err) == 0) {
    json_object_set_new(topo, "xml", json_string("topology.xml"));
  } else {
    json_object_set_new(topo, "xml", json_null());
    json_object_set_new(topo, "xml_reason", json_string(err));
  }
}

/* Say when a cell's placement wraps around (more workers than PUs) or shares SMT siblings. */
static void gb__binding_notes(const gb_plan *plan, int quiet) {
  for (int i = 0; i < plan->ncells && !quiet; i++) {
    const gb_cell *c = &plan->cells[i];
    char note[256];
    free(gb_bind_place_text(c->binding, c->workers, note, sizeof note));
    if (note[0] && c->status != GB_CELL_SKIPPED)
      fprintf(stderr, "gilbench: --bind %s, %s %s w=%d: %s\n", c->binding, plan->paramsets[c->paramset].wl.name,
              c->strategy->name, c->workers, note);
  }
}

int gb_plan_run(gb_plan *plan, const gb_run_opts *opts) {
  if (mkdir(opts->outdir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "gilbench: %s: %s\n", opts->outdir, strerror(errno));
    return 2;
  }
  char err[1024], started[64];
  time_t now = time(NULL);
  strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%S%z", localtime(&now));
  gb_journal journal;
  if (gb_journal_open(&journal, opts->outdir, err, sizeof err) != 0) {
    fprintf(stderr, "gilbench: %s\n", err);
    return 2;
  }
  struct sigaction sa = {0}, old_int, old_term;
  sa.sa_handler = gb__on_signal;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  gb__stop_signal = 0;

  gb__progress prog = {.tty = isatty(2), .quiet = opts->quiet, .t0 = gb_now_s()};
  if (!opts->quiet) fprintf(stderr, "gilbench: computing reference checksums (serial path)...\n");
  gb_plan_references(plan);
  json_t *meta = gb_meta_json(plan, opts->command, started);
  gb__topology_xml(meta, opts->outdir);
  gb__binding_notes(plan, opts->quiet);
  int rounds = plan->warmup + plan->reps, runnable = 0;
  for (int i = 0; i < plan->ncells; i++) runnable += plan->cells[i].status != GB_CELL_SKIPPED;
  prog.total = runnable * rounds;
  for (int i = 0; i < plan->ncells; i++)
    if (plan->cells[i].status != GB_CELL_SKIPPED)
      plan->cells[i].reps = gb_xcalloc((size_t)plan->reps, sizeof *plan->cells[i].reps);

  uint64_t rng = plan->seed;
  int *order = gb_xmalloc(sizeof *order * (size_t)(plan->ncells + 1));
  int nbase = 0;
  for (int i = 0; i < plan->nparamsets; i++)
    if (plan->paramsets[i].base + 1 > nbase) nbase = plan->paramsets[i].base + 1;
  for (int round = 0; round < rounds && !gb__stop_signal; round++) {
    for (int b = 0; b < nbase && !gb__stop_signal; b++) {
      int n = 0;
      for (int i = 0; i < plan->ncells; i++)
        if (plan->paramsets[plan->cells[i].paramset].base == b) order[n++] = i;
      gb__shuffle(order, n, &rng);
      for (int k = 0; k < n && !gb__stop_signal; k++) {
        gb_cell *c = &plan->cells[order[k]];
        if (c->status == GB_CELL_SKIPPED || c->status == GB_CELL_FAILED) continue;
        gb_rep rep;
        int rc = gb__run_rep(plan, c, &rep, opts->outdir);
        gb__progress_rep(&prog, plan, c, round);
        char why[sizeof c->error];
        snprintf(why, sizeof why, "%s", rep.error[0] ? rep.error : gb_strerror(rc));
        if (round >= plan->warmup) { /* measured: kept and journaled, failed or not */
          if (c->nreps == 0) c->checksum = rep.checksum;
          c->reps[c->nreps++] = rep;
          if (gb_journal_append(&journal, c, c->nreps - 1, &rep) != 0)
            fprintf(stderr, "gilbench: writing the journal failed: %s\n", strerror(errno));
        } else {
          free(rep.workers);
        }
        if (rc != 0) {
          c->status = rc == GB_ETIMEOUT ? GB_CELL_TIMEOUT : GB_CELL_FAILED;
          if (round < plan->warmup) snprintf(c->error, sizeof c->error, "in warmup: %.1000s", why);
          else snprintf(c->error, sizeof c->error, "%s", why);
          gb__progress_cell(&prog, plan, c);
        } else if (round == rounds - 1) {
          c->status = GB_CELL_OK;
          gb__progress_cell(&prog, plan, c);
        }
      }
    }
    gb__write_results(plan, meta, opts->outdir);
  }
  free(order);
  int status = 0, skipped = 0;
  for (int i = 0; i < plan->ncells; i++) {
    gb_cell *c = &plan->cells[i];
    if (c->status == GB_CELL_PENDING) { /* interrupted before its last round */
      c->status = GB_CELL_FAILED;
      snprintf(c->error, sizeof c->error, "interrupted after %d of %d reps", c->nreps, plan->reps);
    }
    if (c->status == GB_CELL_FAILED || c->status == GB_CELL_TIMEOUT) status = 1;
    if (c->status == GB_CELL_SKIPPED) skipped++;
  }
  if (plan->ncells > 0 && skipped == plan->ncells) status = 1;
  gb__write_results(plan, meta, opts->outdir);
  json_decref(meta);
  gb_journal_close(&journal);
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  if (gb__stop_signal) return 128 + gb__stop_signal;
  return status;
}
