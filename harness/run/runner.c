/* runner.c: measuring a plan. Repetitions run in rounds; within a round the cells of a workload
 * run in a seeded shuffled order so drift hits every strategy alike. Every repetition's checksum
 * is compared with the reference (always computed, with the serial path); a mismatch fails the
 * cell loudly and the run goes on. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/single_threaded.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "counters.h"
#include "doctor.h"
#include "estimate.h"
#include "io_util.h"
#include "ioop.h"
#include "isolate.h"
#include "memsample.h"
#include "noise.h"
#include "plan.h"
#include "progress.h"
#include "results.h"
#include "rundir.h"
#include "runner.h"
#include "schema.h"
#include "speedup.h"
#include "strategies.h"
#include "topo.h"
#include "warn.h"

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig) {
  stop_signal = sig;
}

/* Child side of an isolated reference computation: the 8-byte checksum. */
static int reference_child(void *arg, void **out, size_t *outlen) {
  uint64_t *r = gb_xmalloc(sizeof *r);
  *r = gb_workload_reference(arg);
  *out = r;
  *outlen = sizeof *r;
  return 0;
}

void gb_runner_references(gb_plan *plan, int isolate, double timeout_s) {
  if (timeout_s <= 0) timeout_s = strcmp(plan->profile, "quick") == 0 ? 60 : 600;
  for (int i = 0; i < plan->nparamsets && !stop_signal; i++) {
    gb_paramset *ps = &plan->paramsets[i];
    if (ps->have_reference || ps->reference_error[0]) continue;
    uint64_t t0 = gb_now_ns();
    if (!isolate) {
      ps->reference = gb_workload_reference(&ps->wl);
      ps->have_reference = 1;
    } else {
      void *out;
      size_t len;
      char why[400];
      int rc = gb_isolate_run(reference_child, &ps->wl, timeout_s, &stop_signal, &out, &len, why, sizeof why);
      if (rc == 0 && len == sizeof(uint64_t)) {
        memcpy(&ps->reference, out, sizeof ps->reference);
        ps->have_reference = 1;
      } else {
        snprintf(ps->reference_error, sizeof ps->reference_error, "computing the reference checksum: %s",
                 why[0] ? why : gb_strerror(rc));
      }
      free(out);
    }
    ps->reference_s = (double)(gb_now_ns() - t0) * 1e-9;
  }
}

/* What every repetition costs around its work, measured once a run has its folder (0 for a plan
 * printed without running): the isolated child's fork, result and reaping, and the journal's
 * write and fsync. The reference's own time includes one fork, which is not divided by workers. */
static double rep_overhead_s;

static int noop_child(void *arg, void **out, size_t *outlen) {
  (void)arg;
  *out = gb_xmalloc(1);
  *outlen = 1;
  return 0;
}

static int cmp_dbl(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The median of 3 timings of an empty isolated repetition plus an fsync'ed 4 KiB append in dir. */
static double measure_rep_overhead(const char *dir, int isolated) {
  double t[3];
  char path[PATH_MAX + 32], why[256], block[4096];
  memset(block, 'x', sizeof block);
  snprintf(path, sizeof path, "%s/.gilbench-overhead-probe", dir);
  for (int i = 0; i < 3; i++) {
    double t0 = gb_now_s();
    void *out = NULL;
    size_t len = 0;
    if (isolated) gb_isolate_run(noop_child, NULL, 10, &stop_signal, &out, &len, why, sizeof why);
    free(out);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
    if (fd >= 0) {
      if (gb_write_full(fd, block, sizeof block) == 0) fsync(fd);
      close(fd);
    }
    t[i] = gb_now_s() - t0;
  }
  unlink(path);
  qsort(t, 3, sizeof *t, cmp_dbl);
  return t[1];
}

void gb_runner_print(gb_plan *plan, FILE *out) {
  if (plan->reps_auto > 0)
    fprintf(out,
            "plan: %d cells x (%d warmup + reps auto:%g%%: %d to %d, at most %g s a cell), profile %s, seed "
            "%llu\n",
            plan->ncells, plan->warmup, plan->reps_auto * 100, plan->min_reps, plan->reps, plan->max_cell_s,
            plan->profile, (unsigned long long)plan->seed);
  else
    fprintf(out, "plan: %d cells x (%d warmup + %d reps), profile %s, seed %llu\n", plan->ncells,
            plan->warmup, plan->reps, plan->profile, (unsigned long long)plan->seed);
  if (plan->timeout_s > 0)
    fprintf(out, "timeout: %g s a repetition (--timeout, or the suite's)\n", plan->timeout_s);
  for (int i = 0; i < plan->ncells; i++) {
    const gb_cell *c = &plan->cells[i];
    char o[256];
    gb_plan_opts_format(c->strategy, c->opts, o, sizeof o);
    fprintf(out, "  %3d %-16s %-17s w=%-3d %s%s%s  [%s]", c->id, plan->paramsets[c->paramset].wl.name,
            c->strategy->name, c->workers, o[0] ? "{" : "", o, o[0] ? "}" : "",
            plan->paramsets[c->paramset].params);
    if (c->status == GB_CELL_SKIPPED) fprintf(out, "  skipped: %s", c->error);
    char note[256];
    int *pus = gb_bind_place_text(c->binding, c->workers, note, sizeof note);
    for (int w = 0; pus && w < c->workers; w++)
      fprintf(out, "%s%d", w ? "," : "  bind PUs ", pus[w]);
    if (pus) fprintf(out, " (%s)%s%s", c->binding, note[0] ? ": " : "", note);
    free(pus);
    fputc('\n', out);
  }
  gb_counters_print_plan(plan->counters, out);
  (void)gb_estimate_print(plan, 0, rep_overhead_s, out, NULL, NULL);
}

static double secs(struct timeval tv) {
  return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

/* After a repetition: merge the workers' latency histograms; fail it on a worker's I/O error or
 * when the latencies recorded are not the I/O ops the workload plans (an op skipped or counted
 * twice). Returns rc, or the failure's code when rc was 0. */
static int rep_io_check(gb_rep *rep, int rc) {
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

/* The job for one repetition of cell c (its artifact path, its workers' PUs and the I/O port are the
 * caller's). */
static gb_job job_for(const gb_plan *plan, const gb_cell *c, const char *outdir, double timeout_s) {
  const gb_paramset *ps = &plan->paramsets[c->paramset];
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
  job.binding = c->binding;
  job.counters = plan->counters;
  job.timeout_s = timeout_s;
  return job;
}

/* An empty repetition of cell c: room for its workers, its strategy's metrics, an empty latency
 * histogram and the I/O ops its workload plans. */
static void rep_init(gb_rep *rep, const gb_plan *plan, const gb_cell *c) {
  memset(rep, 0, sizeof *rep);
  rep->counters = plan->counters;
  rep->nworkers = c->workers;
  rep->workers = gb_xcalloc((size_t)c->workers, sizeof *rep->workers);
  rep->metric_defs = c->strategy->metrics;
  rep->nmetrics = c->strategy->nmetrics;
  gb_hist_init(&rep->latency);
  rep->io_ops_planned = gb_io_ops_planned(&plan->paramsets[c->paramset].wl);
}

/* The timed part: the strategy runs the job with the allocator policy applied and memory sampled,
 * between two readings of this process tree's CPU time. Returns the strategy's code as the timing
 * contract leaves it (gb_rep_timing_finish). */
static int rep_measure(const gb_cell *c, const gb_job *job, gb_rep *rep) {
  struct rusage s0, s1, k0, k1;
  gb_proof_reset();
  getrusage(RUSAGE_SELF, &s0);
  getrusage(RUSAGE_CHILDREN, &k0);
  gb_alloc_apply();
  rep->alloc_single_threaded = __libc_single_threaded; /* before the sampler's thread */
  gb_memsample mem;
  gb_memsample_start(&mem, gb_alloc.threaded);
  int rc = c->strategy->run(job, rep);
  gb_memsample_stop(&mem);
  rep->base_rss_bytes = (double)mem.base_bytes;
  rep->peak_rss_bytes = (double)mem.peak_bytes;
  rep->ctx_switches = (double)mem.csw;
  rc = gb_rep_timing_finish(rep, rc); /* the durations, from the contract's timestamps */
  getrusage(RUSAGE_SELF, &s1);
  getrusage(RUSAGE_CHILDREN, &k1);
  rep->user_s = secs(s1.ru_utime) - secs(s0.ru_utime) + secs(k1.ru_utime) - secs(k0.ru_utime);
  rep->sys_s = secs(s1.ru_stime) - secs(s0.ru_stime) + secs(k1.ru_stime) - secs(k0.ru_stime);
  return rc;
}

/* After the timed part: the output payloads' proof, the I/O ops' own checks and the I/O set-up's
 * teardown (*served: what the loopback server served). Returns rc, or the first failure's code
 * when rc was 0. */
static int rep_io_finish(const gb_workload *wl, gb_io_env *io, gb_rep *rep, gb_server_tally *served, int rc) {
  char ioerr[512];
  uint64_t bad_task, bad_byte;
  if (rc == 0 && gb_proof_failed(&bad_task, &bad_byte))
    rc = gb_rep_fail(rep, GB_ECHECKSUM,
                     "task %llu: the output payload received does not match its result "
                     "(first difference at byte %llu)",
                     (unsigned long long)bad_task, (unsigned long long)bad_byte);
  if (rc == 0 && gb_io_verify(wl, io, ioerr, sizeof ioerr) != 0) rc = gb_rep_fail(rep, GB_EIO, "%s", ioerr);
  /* The server is reaped after the second getrusage: its CPU time is apart, as docs/ARCHITECTURE.md says. */
  if (gb_io_teardown(io, &rep->server_user_s, &rep->server_sys_s, served, ioerr, sizeof ioerr) != 0 &&
      rc == 0)
    rc = gb_rep_fail(rep, GB_EIO, "%s", ioerr);
  return rc;
}

/* The repetition against its plan: the workers' I/O, what the server served (want: what the plan
 * implies), the tasks collected and the checksum against the reference. Returns rc, or the first
 * failure's code when rc was 0; a failure always leaves its reason in rep->error. */
static int rep_check_plan(const gb_paramset *ps, const gb_job *job, gb_rep *rep,
                          const gb_server_tally *served, const gb_server_tally *want, int rc) {
  rc = rep_io_check(rep, rc); /* a worker's own I/O failure says more than the server's tally */
  if (rc == 0 && memcmp(served, want, sizeof *want) != 0)
    rc = gb_rep_fail(rep, GB_EIO,
                     "the loopback server served %llu requests (%llu bytes in, %llu out, digest %016llx); "
                     "the plan implies %llu (%llu in, %llu out, digest %016llx)",
                     (unsigned long long)served->requests, (unsigned long long)served->bytes_in,
                     (unsigned long long)served->bytes_out, (unsigned long long)served->digest,
                     (unsigned long long)want->requests, (unsigned long long)want->bytes_in,
                     (unsigned long long)want->bytes_out, (unsigned long long)want->digest);
  if (rc != 0 && !rep->error[0]) gb_rep_fail(rep, rc, "%s", gb_strerror(rc));
  if (rc == 0 && rep->tasks_done != job->ntasks)
    rc = gb_rep_fail(rep, GB_EIO, "%llu of %llu tasks collected", (unsigned long long)rep->tasks_done,
                     (unsigned long long)job->ntasks);
  if (rc == 0 && rep->checksum != ps->reference)
    rc = gb_rep_fail(rep, GB_ECHECKSUM, "checksum %016llx differs from the reference %016llx",
                     (unsigned long long)rep->checksum, (unsigned long long)ps->reference);
  return rc;
}

/* Run one repetition of cell c into rep. Returns 0 or a negative code (rep->error says why). */
static int run_rep(gb_plan *plan, gb_cell *c, gb_rep *rep, const char *outdir, double timeout_s) {
  gb_paramset *ps = &plan->paramsets[c->paramset];
  gb_job job = job_for(plan, c, outdir, timeout_s);
  char art[PATH_MAX + 64], note[256];
  snprintf(art, sizeof art, "%s/cell-%d-rep-%d", outdir, c->id, c->nreps);
  job.artifact_path = art;
  int *pus = gb_bind_place_text(c->binding, c->workers, note, sizeof note); /* once per rep */
  job.bind_pus = pus;
  rep_init(rep, plan, c);
  /* I/O: the scratch folder and the loopback server exist before the timing starts. */
  gb_io_env io;
  char ioerr[512];
  gb_noise_probe np0, np1; /* the noise window: the whole repetition, its server included */
  gb_noise_probe_take(&np0);
  if (gb_io_setup(&ps->wl, outdir, &io, ioerr, sizeof ioerr) != 0) {
    free(pus);
    return gb_rep_fail(rep, GB_EIO, "%s", ioerr);
  }
  if (io.scratch[0]) job.scratch_dir = io.scratch;
  job.io_port = rep->server_port = io.port;
  gb_server_tally want, served;
  gb_io_expect_served(&ps->wl, &want); /* what the tcp phases must make the server serve */
  int rc = rep_measure(c, &job, rep);
  free(pus);
  rc = rep_io_finish(&ps->wl, &io, rep, &served, rc);
  gb_noise_probe_take(&np1);
  gb_noise_between(&np0, &np1, &rep->noise);
  return rep_check_plan(ps, &job, rep, &served, &want, rc);
}

/* An isolated repetition: the child runs run_rep and sends back the rep and its workers as
 * bytes (gb_rep is plain data but for two pointers, mended on arrival). */
typedef struct rep_call {
  gb_plan *plan;
  gb_cell *cell;
  const char *outdir;
  double timeout_s;
} rep_call;

static int rep_child(void *arg, void **out, size_t *outlen) {
  rep_call *k = arg;
  gb_rep rep;
  int rc = run_rep(k->plan, k->cell, &rep, k->outdir, k->timeout_s);
  size_t wl = sizeof(gb_worker_out) * (size_t)rep.nworkers;
  uint8_t *b = gb_xmalloc(sizeof rep + wl);
  memcpy(b, &rep, sizeof rep);
  memcpy(b + sizeof rep, rep.workers, wl);
  free(rep.workers);
  *out = b;
  *outlen = sizeof rep + wl;
  return rc;
}

/* Default timeout of one repetition: generous, from the reference's serial time plus a per-task
 * allowance for dispatch-heavy strategies. */
static double default_timeout(const gb_plan *plan, const gb_cell *c) {
  const gb_paramset *ps = &plan->paramsets[c->paramset];
  return 60.0 + 50.0 * ps->reference_s + 100e-6 * (double)gb_workload_ntasks(&ps->wl);
}

static int run_rep_isolated(gb_plan *plan, gb_cell *c, gb_rep *rep, const char *outdir, double timeout_s) {
  rep_call k = {plan, c, outdir, timeout_s};
  void *out = NULL;
  size_t len = 0;
  char why[600];
  int rc = gb_isolate_run(rep_child, &k, timeout_s, &stop_signal, &out, &len, why, sizeof why);
  gb_io_sweep(outdir); /* a repetition killed mid-way leaves its scratch folder behind */
  size_t wl = sizeof(gb_worker_out) * (size_t)c->workers;
  if (out && len == sizeof *rep + wl) {
    memcpy(rep, out, sizeof *rep);
    rep->workers = gb_xmalloc(wl);
    memcpy(rep->workers, (uint8_t *)out + sizeof *rep, wl);
    rep->metric_defs = c->strategy->metrics;
  } else {
    memset(rep, 0, sizeof *rep);
    rep->nworkers = c->workers;
    rep->workers = gb_xcalloc((size_t)c->workers, sizeof *rep->workers);
    rep->metric_defs = c->strategy->metrics;
    rep->nmetrics = c->strategy->nmetrics;
    if (rc == 0) rc = GB_EIO;
    gb_rep_fail(rep, rc, "%s", why[0] ? why : "the repetition's process sent a malformed result");
  }
  free(out);
  return rc;
}

/* A strategy whose workers run on other hosts (mpi) leaves ART-hosts.json beside the results:
 * {"library": ..., "hosts": {name: machine description}}. Merge it into meta.mpi, so the metadata
 * describes every host the run used, and remove it. */
static void merge_hosts(json_t *meta, const char *outdir, const gb_cell *c) {
  char path[PATH_MAX + 96];
  snprintf(path, sizeof path, "%s/cell-%d-rep-%d-hosts.json", outdir, c->id, c->nreps);
  json_error_t je;
  json_t *h = json_load_file(path, 0, &je);
  unlink(path);
  if (!json_is_object(h)) {
    json_decref(h);
    return;
  }
  json_t *mpi = json_object_get(meta, GB_KEY_MPI);
  if (!json_is_object(mpi)) {
    mpi = json_object();
    json_object_set_new(meta, GB_KEY_MPI, mpi);
  }
  json_t *lib = json_object_get(h, GB_KEY_LIBRARY);
  if (json_is_string(lib)) json_object_set(mpi, GB_KEY_LIBRARY, lib);
  json_t *hosts = json_object_get(mpi, GB_KEY_HOSTS);
  if (!json_is_object(hosts)) {
    hosts = json_object();
    json_object_set_new(mpi, GB_KEY_HOSTS, hosts);
  }
  json_object_update(hosts, json_object_get(h, GB_KEY_HOSTS));
  json_decref(h);
}

/* Seeded Fisher-Yates shuffle of idx[0..n-1]. */
static void runner_shuffle(int *idx, int n, uint64_t *state) {
  for (int i = n - 1; i > 0; i--) {
    int j = (int)(gb_splitmix64_next(state) % (uint64_t)(i + 1));
    int t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
}

/* A cell's wall_s over its repetitions (malloc'd). */
/* The wall times of c's repetitions that finished ok (*n of them): a failed or timed-out one has
 * no time and never enters statistics. */
static double *walls(const gb_cell *c, int *n) {
  double *x = gb_xmalloc(sizeof *x * (size_t)(c->nreps + 1));
  *n = 0;
  for (int r = 0; r < c->nreps; r++)
    if (gb_rep_ok(&c->reps[r])) x[(*n)++] = c->reps[r].wall_s;
  return x;
}

static uint64_t key_seed(const char *key) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a: the same results give the same intervals */
  for (; *key; key++)
    h = (h ^ (unsigned char)*key) * 1099511628211ull;
  return gb_splitmix64(h);
}

/* The ok 1-worker cell of strategy `name` in c's parameter set, or -1. */
static int serial_cell(const gb_plan *plan, const gb_cell *c, const char *name) {
  for (int b = 0; b < plan->ncells; b++) {
    const gb_cell *base = &plan->cells[b];
    if (base->paramset == c->paramset && strcmp(base->strategy->name, name) == 0 && base->workers == 1 &&
        base->have_stats && base->status == GB_CELL_OK)
      return b;
  }
  return -1;
}

/* The cell c falls back on when its family's baseline is not in the plan (or never ran ok): the
 * same strategy with the same options, parameters and binding at its fewest workers, or -1. */
static int self_base(const gb_plan *plan, const gb_cell *c) {
  int best = -1;
  for (int b = 0; b < plan->ncells; b++) {
    const gb_cell *x = &plan->cells[b];
    if (x->paramset != c->paramset || x->strategy != c->strategy || !x->have_stats ||
        x->status != GB_CELL_OK || strcmp(x->binding, c->binding) != 0 ||
        memcmp(x->opts, c->opts, sizeof x->opts[0] * (size_t)c->strategy->noptions) != 0)
      continue;
    if (best < 0 || x->workers < plan->cells[best].workers) best = b;
  }
  return best;
}

/* Speedup, its bootstrap interval, the ideal and the efficiency flag of c against its baseline.
 * Against a baseline of several workers (a "self" one) the ideal is the ratio of the two ideals. */
static void runner_speedup(gb_plan *plan, gb_cell *c, const gb_cell *base) {
  const gb_workload *wl = &plan->paramsets[c->paramset].wl;
  c->speedup = base->wall.median / c->wall.median;
  c->baseline_workers = base->workers;
  int nb, nc;
  double *xb = walls(base, &nb), *xc = walls(c, &nc);
  gb_speedup_interval(xb, nb, xc, nc, key_seed(c->key), &c->speedup_ci95[0], &c->speedup_ci95[1]);
  free(xb);
  free(xc);
  double chain = wl->kind == GB_KIND_CPU ? 0 : gb_io_chain_s(wl);
  if (chain > 0 && base->workers == 1) {
    c->ideal = gb_speedup_ideal_overlap(base->wall.median, chain);
    c->ideal_basis = "overlap";
  } else {
    c->ideal = gb_speedup_ideal_cpu(c->workers, plan->pus) / gb_speedup_ideal_cpu(base->workers, plan->pus);
    c->ideal_basis = "cpu";
    chain = 0;
  }
  c->efficiency = c->speedup / c->ideal;
  gb_speedup_facts f = {.efficiency = c->efficiency,
                        .speedup_lo = c->speedup_ci95[0],
                        .ideal = c->ideal,
                        .base_rel_spread =
                            (base->wall.median_ci95[1] - base->wall.median_ci95[0]) / base->wall.median,
                        .workers = c->workers,
                        .overlap = chain > 0};
  gb_speedup_flag(&f, c->efficiency_flag, sizeof c->efficiency_flag);
}

/* A serial run of another implementation or binary: its factor against the family's reference,
 * given apart and never folded into a speedup. */
static void runner_impl_factor(gb_plan *plan, gb_cell *c) {
  if (!c->strategy->reference || strcmp(c->strategy->reference, c->strategy->name) == 0) return;
  int r = serial_cell(plan, c, c->strategy->reference);
  if (r < 0) return;
  gb_cell *ref = &plan->cells[r];
  c->impl_ref = r;
  c->impl_factor = ref->wall.median / c->wall.median;
  int nr, nc;
  double *xr = walls(ref, &nr), *xc = walls(c, &nc);
  gb_speedup_interval(xr, nr, xc, nc, key_seed(c->key) ^ 1, &c->impl_ci95[0], &c->impl_ci95[1]);
  free(xr);
  free(xc);
}

void gb_runner_summarize(gb_plan *plan) {
  for (int i = 0; i < plan->ncells; i++) {
    gb_cell *c = &plan->cells[i];
    c->have_stats = 0;
    c->speedup = c->efficiency = c->ideal = c->impl_factor = NAN;
    c->speedup_ci95[0] = c->speedup_ci95[1] = c->impl_ci95[0] = c->impl_ci95[1] = NAN;
    c->ideal_basis = NULL;
    c->efficiency_flag[0] = '\0';
    c->impl_ref = -1;
    c->baseline = gb_strategy_baseline(c->strategy, c->opts);
    c->baseline_kind = NULL;
    c->baseline_workers = 0;
    if (c->nreps == 0) continue;
    int n;
    double *x = walls(c, &n);
    c->have_stats = n > 0 && gb_stats_compute(x, n, &c->wall) == 0;
    free(x);
  }
  for (int i = 0; i < plan->ncells; i++) {
    gb_cell *c = &plan->cells[i];
    if (!c->have_stats || c->status != GB_CELL_OK) continue;
    /* The baseline: same params, the strategy's baseline for its options, at 1 worker; when the
     * plan has none, the same strategy at its fewest workers (never a blank speedup). */
    int b = serial_cell(plan, c, c->baseline);
    c->baseline_kind = "family";
    if (b < 0 && (b = self_base(plan, c)) >= 0) {
      c->baseline = c->strategy->name;
      c->baseline_kind = "self";
    }
    if (b >= 0)
      runner_speedup(plan, c, &plan->cells[b]);
    else
      c->baseline_kind = NULL;
    runner_impl_factor(plan, c);
  }
}

/* Whether cell c has all the repetitions it needs: plan->reps of them with fixed reps; with reps
 * auto, once the 95% interval of its median is within the target of the median (from min_reps
 * on), or its measured repetitions took max_cell_s (and there are at least 3, for a median and a
 * spread), or it has max_reps (plan->reps). Records why. */
static int cell_complete(const gb_plan *plan, gb_cell *c) {
  if (plan->reps_auto <= 0) return c->nreps >= plan->reps;
  if (c->nreps == 0) return 0;
  double *x = gb_xmalloc(sizeof *x * (size_t)c->nreps);
  for (int r = 0; r < c->nreps; r++)
    x[r] = c->reps[r].wall_s;
  gb_stats st;
  int have = gb_stats_compute(x, c->nreps, &st) == 0 && st.median > 0;
  free(x);
  c->auto_rel_halfwidth = have ? (st.median_ci95[1] - st.median_ci95[0]) / 2 / st.median : NAN;
  if (c->nreps >= plan->min_reps && have && c->auto_rel_halfwidth <= plan->reps_auto)
    c->auto_stop = "target";
  else if (c->nreps >= plan->reps)
    c->auto_stop = "max-reps";
  else if (c->spent_s >= plan->max_cell_s && c->nreps >= 3) /* a median and a spread, at least */
    c->auto_stop = "max-cell-seconds";
  return c->auto_stop != NULL;
}

/* Write results.json now (after every round, so an interrupt loses little). */
static int write_results(gb_plan *plan, json_t *meta, const char *outdir) {
  gb_runner_summarize(plan);
  gb_meta_update_end(meta); /* load average and steal time "at the end": as of this write */
  char path[PATH_MAX + 32], err[1024];
  snprintf(path, sizeof path, "%s/results.json", outdir);
  json_t *root = gb_results_json(plan, meta);
  int rc = gb_json_write_atomic(path, root, err, sizeof err);
  json_decref(root);
  if (rc != 0) fprintf(stderr, "gilbench: %s; stopping the run\n", err);
  return rc;
}

/* How the console names a cell (progress lines, notes): the one place, with the parameters and
 * options that differ between cells of the run (gb_plan_workload_label, gb_plan_cell_label:
 * sumloop (tasks=8) cpython-processes[start=spawn] w=2). */
static void cell_name(const gb_plan *plan, const gb_cell *c, char *buf, size_t len) {
  char wl[96], label[128]; /* with " w=N": within the 256 bytes every caller gives */
  gb_plan_workload_label(plan, c, wl, sizeof wl);
  gb_plan_cell_label(plan, c, label, sizeof label);
  snprintf(buf, len, "%s %s w=%d", wl, label, c->workers);
}

/* A cell's end: one line, always (its median, or why it failed). */
static void progress_cell(gb_progress *p, const gb_plan *plan, gb_cell *c) {
  if (p->quiet) return;
  gb_progress_clear(p);
  gb_stats st;
  double med = NAN;
  int nok = 0;
  if (c->nreps) {
    double *x = gb_xmalloc(sizeof *x * (size_t)c->nreps);
    for (int r = 0; r < c->nreps; r++)
      if (gb_rep_ok(&c->reps[r])) x[nok++] = c->reps[r].wall_s;
    if (nok && gb_stats_compute(x, nok, &st) == 0) med = st.median;
    free(x);
  }
  char name[256];
  cell_name(plan, c, name, sizeof name);
  fprintf(stderr, "%-40s %-7s", name, gb_cell_status_name(c->status));
  if (c->status == GB_CELL_OK) fprintf(stderr, " median %.4f s over %d reps", med, c->nreps);
  if (c->status == GB_CELL_OK && c->auto_stop)
    fprintf(stderr,
            strcmp(c->auto_stop, "target") == 0 ? " (+-%.1f%%: target reached)"
                                                : " (+-%.1f%%: stopped by %s)",
            c->auto_rel_halfwidth * 100, c->auto_stop);
  else if (c->status != GB_CELL_OK) /* one line: a traceback's rest stays in results.json */
    fprintf(stderr, " %.*s%s (%d rep%s finished ok, kept)", (int)strcspn(c->error, "\n"), c->error,
            strchr(c->error, '\n') ? " (the rest in results.json)" : "", nok, nok == 1 ? "" : "s");
  fputc('\n', stderr);
}

/* The repetitions to run (warm-ups included) and the plan's estimate for them. */
static void progress_plan(gb_progress *p, const gb_plan *plan, gb_estimator *est) {
  for (int i = 0; i < plan->ncells; i++) {
    const gb_cell *c = &plan->cells[i];
    if (c->status == GB_CELL_PENDING && c->nreps < plan->reps)
      p->total += plan->warmup + plan->reps - c->nreps;
  }
  int refined;
  gb_progress_set_estimate(p, gb_estimator_left(est, plan, 0, 0, 1, &refined));
}

/* gil.model=old counts estimated bytecodes: when the plan has such a cell, time one bytecode of
 * the sumloop twin once for the run (before any repetition forks, so every one inherits it) and
 * record the figure in meta.gil_old_bytecode, or say there why the default stands. */
static void calibrate_old_gil(const gb_plan *plan, json_t *meta) {
  const gb_strategy *gil = gb_strategy_find("gil");
  int need = 0;
  for (int i = 0; i < plan->ncells && gil; i++) {
    const gb_cell *c = &plan->cells[i];
    int mi = gb_param_find(gil->options, gil->noptions, "model");
    need |= c->strategy == gil && mi >= 0 && c->opts[mi] == GB_GIL_OLD && c->status != GB_CELL_SKIPPED;
  }
  if (!need) return;
  char why[1200];
  int per_iter = 0;
  double ns = gb_cpython_bytecode_ns(&per_iter, why, sizeof why);
  if (ns > 0) gb_gil_set_bytecode_ns(ns);
  json_object_set_new(
      meta, GB_KEY_GIL_OLD_BYTECODE,
      json_pack("{s:f,s:s,s:i,s:s*}", GB_KEY_NS, gb_gil_bytecode_ns(), GB_KEY_SOURCE,
                ns > 0 ? "the sumloop twin in the embedded CPython, timed at the start of the run"
                       : "default (Python 2.7.18's sumloop on the machine gilbench was written on)",
                GB_KEY_BYTECODES_PER_ITERATION, per_iter, GB_KEY_WHY_DEFAULT, ns > 0 ? NULL : why));
}

/* The hwloc topology as XML beside results.json; meta.topology.xml names it (or says why not). */
static void topology_xml(json_t *meta, const char *outdir) {
  char path[PATH_MAX + 32], err[512];
  snprintf(path, sizeof path, "%s/topology.xml", outdir);
  json_t *topo = json_object_get(meta, GB_KEY_TOPOLOGY);
  if (gb_topo_export_xml(gb_topo_machine(), path, err, sizeof err) == 0) {
    json_object_set_new(topo, GB_KEY_XML, json_string("topology.xml"));
  } else {
    json_object_set_new(topo, GB_KEY_XML, json_null());
    json_object_set_new(topo, GB_KEY_XML_REASON, json_string(err));
  }
}

/* Say when a cell's placement wraps around (more workers than PUs) or shares SMT siblings: each
 * note once, with the cells it applies to. */
static void binding_notes(const gb_plan *plan, int quiet) {
  gb_warn *w = gb_warn_new();
  for (int i = 0; i < plan->ncells && !quiet; i++) {
    const gb_cell *c = &plan->cells[i];
    char note[256], reason[400], name[256];
    free(gb_bind_place_text(c->binding, c->workers, note, sizeof note));
    if (!note[0] || c->status == GB_CELL_SKIPPED) continue;
    snprintf(reason, sizeof reason, "--bind %s: %s", c->binding, note);
    cell_name(plan, c, name, sizeof name);
    gb_warn_add(w, reason, name);
  }
  if (gb_warn_count(w)) {
    fprintf(stderr, "gilbench: binding notes:\n");
    gb_warn_print(w, stderr);
  }
  gb_warn_free(w);
}

/* What a resumed run must share with the original: the machine and the program. */
static json_t *journal_env(const gb_plan *plan) {
  json_t *meta = gb_meta_json(plan, "", "");
  json_t *env =
      json_pack("{s:O,s:O,s:O,s:O,s:O,s:O}", GB_KEY_GILBENCH, json_object_get(meta, GB_KEY_GILBENCH),
                GB_KEY_GIT_COMMIT, json_object_get(meta, GB_KEY_GIT_COMMIT), GB_KEY_HOSTNAME,
                json_object_get(json_object_get(meta, GB_KEY_HOST), GB_KEY_HOSTNAME), GB_KEY_KERNEL,
                json_object_get(json_object_get(meta, GB_KEY_HOST), GB_KEY_KERNEL), GB_KEY_CPU_MODEL,
                json_object_get(json_object_get(meta, GB_KEY_CPU), GB_KEY_MODEL), GB_KEY_PUS,
                json_object_get(json_object_get(meta, GB_KEY_CPU), GB_KEY_PUS));
  json_decref(meta);
  return env;
}

static json_t *journal_header(const gb_plan *plan, const gb_run_opts *opts) {
  json_t *keys = json_array();
  for (int i = 0; i < plan->ncells; i++)
    json_array_append_new(keys, json_string(plan->cells[i].key));
  char secret[17];
  snprintf(secret, sizeof secret, "%016llx", (unsigned long long)plan->secret);
  json_t *h = json_pack("{s:s,s:o,s:o,s:i,s:i,s:I,s:s,s:o}", GB_KEY_JOURNAL, "gilbench-journal/1",
                        GB_KEY_ARGV, opts->argv ? json_incref(opts->argv) : json_array(), GB_KEY_PLAN, keys,
                        GB_KEY_REPS, plan->reps, GB_KEY_WARMUP, plan->warmup, GB_KEY_SEED,
                        (json_int_t)plan->seed, GB_KEY_SECRET, secret, GB_KEY_ENV, journal_env(plan));
  if (plan->reps_auto > 0) /* only then, so that a fixed-reps run resumes an older journal */
    json_object_set_new(h, GB_KEY_REPS_AUTO,
                        json_pack("{s:f,s:i,s:f}", GB_KEY_TARGET, plan->reps_auto, GB_KEY_MAX_REPS,
                                  plan->reps, GB_KEY_MAX_CELL_SECONDS, plan->max_cell_s));
  return h;
}

/* --resume: the interrupted run's secret, from its journal header (its repetitions' checksums
 * and its references were made with it). 0, or -1 with a message when the header lacks it. */
static int resume_secret(gb_plan *plan, json_t *header, const char *dir) {
  const char *s = json_string_value(json_object_get(header, GB_KEY_SECRET));
  char *end = NULL;
  unsigned long long v = s ? strtoull(s, &end, 16) : 0;
  if (!s || strlen(s) != 16 || *end || v == 0) {
    fprintf(stderr,
            "gilbench: --resume: %s/results.jsonl:1: the header has no run secret (a journal "
            "of an older gilbench?); start a new run\n",
            dir);
    return -1;
  }
  plan->secret = v;
  return 0;
}

/* --resume: refuse, naming the fields, when the plan or the environment changed. */
static int resume_check(const gb_plan *plan, json_t *header, const gb_run_opts *opts) {
  json_t *now = journal_header(plan, opts);
  int bad = 0;
  const char *fields[] = {GB_KEY_PLAN, GB_KEY_REPS, GB_KEY_SEED, GB_KEY_REPS_AUTO};
  for (size_t i = 0; i < GB_ARRAY_LEN(fields); i++) {
    json_t *was = json_object_get(header, fields[i]), *is = json_object_get(now, fields[i]);
    if ((!was && !is) || json_equal(was, is)) continue;
    bad = 1;
    if (json_is_array(was) && json_is_array(is)) { /* the plan: name the first cell that differs */
      size_t k = 0;
      while (k < json_array_size(was) && k < json_array_size(is) &&
             json_equal(json_array_get(was, k), json_array_get(is, k)))
        k++;
      const char *a = json_string_value(json_array_get(was, k)),
                 *b = json_string_value(json_array_get(is, k));
      fprintf(
          stderr,
          "gilbench: --resume: the plan differs from the interrupted run's (%zu cells, now %zu): cell %zu "
          "was %s%s%s, is now %s%s%s\n",
          json_array_size(was), json_array_size(is), k, a ? "'" : "", a ? a : "absent", a ? "'" : "",
          b ? "'" : "", b ? b : "absent", b ? "'" : "");
      continue;
    }
    char *a = json_dumps(was, JSON_ENCODE_ANY), *b = json_dumps(is, JSON_ENCODE_ANY);
    fprintf(stderr, "gilbench: --resume: the %s differs from the interrupted run's: was %s, is now %s\n",
            fields[i], a ? a : "absent", b ? b : "absent");
    free(a), free(b);
  }
  const char *k;
  json_t *v, *oldenv = json_object_get(header, GB_KEY_ENV);
  json_object_foreach(json_object_get(now, GB_KEY_ENV), k, v) {
    json_t *o = json_object_get(oldenv, k);
    if (json_equal(o, v)) continue;
    char *a = o ? json_dumps(o, JSON_ENCODE_ANY) : NULL, *b = json_dumps(v, JSON_ENCODE_ANY);
    fprintf(stderr, "gilbench: --resume: environment field '%s' was %s, is now %s\n", k, a ? a : "absent", b);
    free(a), free(b);
    bad = 1;
  }
  json_decref(now);
  if (bad) fprintf(stderr, "gilbench: --resume: refusing to mix two different runs; start a new one\n");
  return bad ? GB_EINVAL : 0;
}

/* Rebuild a repetition from its journal record: the figures the runner needs (statistics,
 * checksum, status); the record itself is kept verbatim for the results file. */
static void rep_from_json(gb_rep *rep, json_t *data, const gb_cell *c) {
  memset(rep, 0, sizeof *rep);
  rep->wall_s = json_number_value(json_object_get(data, GB_KEY_WALL_S));
  rep->startup_s = json_number_value(json_object_get(data, GB_KEY_STARTUP_S));
  rep->teardown_s = json_number_value(json_object_get(data, GB_KEY_TEARDOWN_S));
  rep->user_s = json_number_value(json_object_get(data, GB_KEY_USER_S));
  rep->sys_s = json_number_value(json_object_get(data, GB_KEY_SYS_S));
  const char *ck = json_string_value(json_object_get(data, GB_KEY_CHECKSUM));
  rep->checksum = ck ? strtoull(ck, NULL, 16) : 0;
  rep->tasks_done = (uint64_t)json_integer_value(json_object_get(data, GB_KEY_TASKS_DONE));
  const char *e = json_string_value(json_object_get(data, GB_KEY_ERROR));
  if (e) snprintf(rep->error, sizeof rep->error, "%s", e);
  const char *st = json_string_value(json_object_get(data, GB_KEY_STATUS));
  if (st && strcmp(st, "timeout") == 0)
    rep->code = GB_ETIMEOUT;
  else if ((st && strcmp(st, "ok") != 0) || rep->error[0])
    rep->code = GB_EIO;
  if (!json_is_number(json_object_get(data, GB_KEY_WALL_S))) rep->wall_s = NAN;
  rep->nworkers = c->workers;
  rep->workers = gb_xcalloc((size_t)c->workers, sizeof *rep->workers);
  rep->metric_defs = c->strategy->metrics;
  rep->nmetrics = c->strategy->nmetrics;
  if (gb_hist_from_json(&rep->latency, data) != 0) gb_hist_init(&rep->latency); /* cell latency_us */
  gb_noise_from_json(&rep->noise, data);
}

/* Whether the cell has a repetition that finished ok (the cell's checksum is the first one's). */
static int cell_has_ok(const gb_cell *c) {
  for (int r = 0; r < c->nreps; r++)
    if (gb_rep_ok(&c->reps[r])) return 1;
  return 0;
}

/* Put the journal's finished repetitions back into their cells. */
static void resume_restore(gb_plan *plan, json_t *reps, const char *dir) {
  size_t i;
  json_t *o;
  int restored = 0;
  json_array_foreach(reps, i, o) {
    const char *key = json_string_value(json_object_get(o, GB_KEY_KEY));
    int r = (int)json_integer_value(json_object_get(o, GB_KEY_REP));
    int line = (int)json_integer_value(json_object_get(o, GB_KEY_LINE));
    gb_cell *c = NULL;
    for (int k = 0; k < plan->ncells && !c; k++)
      if (strcmp(plan->cells[k].key, key) == 0) c = &plan->cells[k];
    if (!c || c->status == GB_CELL_SKIPPED || r != c->nreps || c->nreps >= plan->reps ||
        c->status == GB_CELL_FAILED || c->status == GB_CELL_TIMEOUT) {
      fprintf(stderr, "%s/results.jsonl:%d: ignored: %s\n", dir, line,
              !c ? "no such cell in this plan" : "repetition out of order or already complete");
      continue;
    }
    if (!c->rep_json) c->rep_json = gb_xcalloc((size_t)plan->reps, sizeof *c->rep_json);
    json_t *data = json_object_get(o, GB_KEY_DATA);
    rep_from_json(&c->reps[c->nreps], data, c);
    c->rep_json[c->nreps] = json_incref(data);
    c->spent_s += c->reps[c->nreps].wall_s + c->reps[c->nreps].startup_s + c->reps[c->nreps].teardown_s;
    if (!cell_has_ok(c) && gb_rep_ok(&c->reps[c->nreps])) c->checksum = c->reps[c->nreps].checksum;
    c->nreps++;
    restored++;
    const char *status = json_string_value(json_object_get(o, GB_KEY_STATUS));
    if (status && strcmp(status, "ok") != 0) {
      c->status = strcmp(status, "timeout") == 0 ? GB_CELL_TIMEOUT : GB_CELL_FAILED;
      snprintf(c->error, sizeof c->error, "%s", c->reps[c->nreps - 1].error);
    }
  }
  fprintf(stderr, "gilbench: resuming: %d repetitions restored from %s/results.jsonl\n", restored, dir);
}

static int run_locked(gb_plan *plan, const gb_run_opts *opts);

/* Whether dir holds any earlier result, which a new run must never overwrite. */
static const char *earlier_result(const char *dir) {
  static const char *const files[] = {"results.jsonl", "results.json"};
  char path[PATH_MAX + 32];
  for (size_t i = 0; i < GB_ARRAY_LEN(files); i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    if (access(path, F_OK) == 0) return files[i];
  }
  return NULL;
}

int gb_runner_stop_signal(void) {
  return stop_signal;
}

int gb_runner_run(gb_plan *plan, const gb_run_opts *opts) {
  if (mkdir(opts->outdir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "gilbench: %s: %s\n", opts->outdir, strerror(errno));
    return GB_EIO;
  }
  char lerr[PATH_MAX + 256];
  int lock = gb_rundir_lock(opts->outdir, lerr, sizeof lerr); /* held until this returns */
  if (lock < 0) {
    fprintf(stderr, "gilbench: %s\n", lerr);
    return GB_EIO;
  }
  int status = run_locked(plan, opts);
  gb_rundir_unlock(lock);
  return status;
}

/* The run's meta object (with doctor's verdict, the old GIL model's calibration, the topology);
 * prints the binding notes. */
static json_t *start_meta(gb_plan *plan, const gb_run_opts *opts, const char *started) {
  json_t *meta = gb_meta_json(plan, opts->command, started);
  json_object_set_new(meta, GB_KEY_DOCTOR, gb_doctor_summary(100)); /* `gilbench doctor`'s verdict, once */
  calibrate_old_gil(plan, meta);
  topology_xml(meta, opts->outdir);
  binding_notes(plan, opts->quiet);
  return meta;
}

/* Room for every measured cell's repetitions, and the resumed run's repetitions (jreps, consumed;
 * NULL when not resuming) put back. */
static void prepare_cells(gb_plan *plan, json_t *jreps, const char *dir) {
  for (int i = 0; i < plan->ncells; i++)
    if (plan->cells[i].status != GB_CELL_SKIPPED)
      plan->cells[i].reps = gb_xcalloc((size_t)plan->reps, sizeof *plan->cells[i].reps);
  if (jreps) {
    resume_restore(plan, jreps, dir);
    json_decref(jreps);
    for (int i = 0; i < plan->ncells; i++) /* restored cells that already have what they need */
      if (plan->cells[i].status == GB_CELL_PENDING && cell_complete(plan, &plan->cells[i]))
        plan->cells[i].status = GB_CELL_OK;
  }
}

/* After the last round: a cell still pending is complete (all restored) or was cut short. */
static void close_cells(gb_plan *plan, int write_failed) {
  for (int i = 0; i < plan->ncells; i++) {
    gb_cell *c = &plan->cells[i];
    if (c->status == GB_CELL_PENDING && cell_complete(plan, c)) c->status = GB_CELL_OK; /* all restored */
    if (c->status == GB_CELL_PENDING) { /* interrupted before its last round */
      c->status = GB_CELL_FAILED;
      snprintf(c->error, sizeof c->error, "%s after %d of %d reps",
               write_failed ? "stopped by a failed write" : "interrupted", c->nreps, plan->reps);
    }
  }
}

/* Start a run in opts->outdir: refuse a folder that holds a run, or read back the journal of the
 * run being resumed (*jreps: its repetitions, NULL when not resuming); set the run secret and open
 * the journal. 0, or GB_EINVAL (refused) or GB_EIO, with the message on stderr. */
static int open_run(gb_plan *plan, const gb_run_opts *opts, gb_journal *journal, json_t **jreps) {
  char err[1024];
  json_t *jheader = NULL;
  *jreps = NULL;
  const char *earlier = opts->resume ? NULL : earlier_result(opts->outdir);
  if (earlier) {
    fprintf(stderr,
            "gilbench: %s already holds a run (%s/%s); continue it with `gilbench run --resume %s`, "
            "or choose another -o\n",
            opts->outdir, opts->outdir, earlier, opts->outdir);
    return GB_EINVAL;
  }
  if (opts->resume && gb_journal_repair(opts->outdir, stderr, err, sizeof err) != 0) {
    fprintf(stderr, "gilbench: --resume: %s\n", err);
    return GB_EIO;
  }
  if (opts->resume) {
    if (gb_journal_read(opts->outdir, &jheader, jreps, stderr, err, sizeof err) != 0) {
      fprintf(stderr, "gilbench: --resume: %s\n", err);
      return GB_EINVAL;
    }
    int bad = resume_check(plan, jheader, opts) || resume_secret(plan, jheader, opts->outdir);
    json_decref(jheader);
    if (bad) {
      json_decref(*jreps);
      return GB_EINVAL;
    }
  }
  if (!opts->resume) plan->secret = gb_run_secret_draw();
  gb_run_secret_set(plan->secret); /* before the references: they are made with it */
  json_t *header = journal_header(plan, opts);
  int jrc = gb_journal_open(journal, opts->outdir, header, err, sizeof err);
  json_decref(header);
  if (jrc != 0) {
    fprintf(stderr, "gilbench: %s\n", err);
    json_decref(*jreps);
    return GB_EIO;
  }
  return 0;
}

/* A reference that failed fails its cells. */
static void fail_unreferenced(gb_plan *plan, gb_progress *prog) {
  for (int i = 0; i < plan->ncells; i++) {
    gb_cell *c = &plan->cells[i];
    const char *e = plan->paramsets[c->paramset].reference_error;
    if (e[0] && c->status != GB_CELL_SKIPPED) {
      c->status = GB_CELL_FAILED;
      snprintf(c->error, sizeof c->error, "%s", e);
      progress_cell(prog, plan, c);
    }
  }
}

/* What the estimate started from, for a replay (gilbench estimate-replay): each timed reference's
 * seconds by its parameter set, named as the cells' keys begin ("workload=...;params=..."). */
static json_t *reference_times(const gb_plan *plan) {
  json_t *o = json_object();
  for (int i = 0; i < plan->ncells; i++) {
    const gb_cell *c = &plan->cells[i];
    const char *cut = strstr(c->key, ";strategy=");
    if (!cut || !plan->paramsets[c->paramset].have_reference) continue;
    char name[2048];
    snprintf(name, sizeof name, "%.*s", (int)(cut - c->key), c->key);
    json_object_set_new(o, name, json_real(plan->paramsets[c->paramset].reference_s));
  }
  return o;
}

/* After the last round: progress off, unfinished cells closed, the run's duration against its
 * first estimate in meta. */
static void end_cells(gb_plan *plan, gb_progress *prog, json_t *meta, int write_failed) {
  gb_isolate_set_tick(NULL, NULL);
  gb_progress_clear(prog);
  close_cells(plan, write_failed);
  json_t *d =
      json_pack("{s:f,s:f,s:f,s:o,s:o,s:f}", GB_KEY_ESTIMATED_S, prog->first_estimate, GB_KEY_ESTIMATED_MIN_S,
                prog->first_low, GB_KEY_ESTIMATED_MAX_S, prog->first_worst, GB_KEY_REFINED_S,
                prog->refined_at > 0 ? json_real(prog->refined_estimate) : json_null(), GB_KEY_REFINED_AT_S,
                prog->refined_at > 0 ? json_real(prog->refined_at) : json_null(), GB_KEY_TAKEN_S,
                gb_now_s() - prog->t0);
  json_object_set_new(d, GB_KEY_REP_OVERHEAD_S, json_real(rep_overhead_s));
  json_object_set_new(d, GB_KEY_REFERENCE_S, reference_times(plan));
  json_object_set_new(meta, GB_KEY_DURATION, d);
}

/* One run, between opening its folder and its end. */
typedef struct run_ctx {
  gb_plan *plan;
  const gb_run_opts *opts;
  gb_journal journal; /* results.jsonl, every measured repetition as it ends */
  gb_progress prog;
  gb_estimator est; /* the running estimate (estimate.h) */
  json_t *meta;     /* results.json's meta, kept up to date through the run */
  int rounds;       /* warm-up rounds and measured ones */
  int write_failed; /* a write of the journal or results.json failed: stop, keep what is kept */
} run_ctx;

/* SIGINT and SIGTERM stop the run between repetitions (stop_signal); the old handlers kept. */
static void signals_catch(struct sigaction *old_int, struct sigaction *old_term) {
  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, old_int);
  sigaction(SIGTERM, &sa, old_term);
  stop_signal = 0;
}

/* Before the first round: progress on, the references, meta, the cells' room (and a resumed run's
 * repetitions, jreps), the overhead of a repetition and the first estimate. */
static void run_begin(run_ctx *r, json_t *jreps, const char *started) {
  gb_plan *plan = r->plan;
  const gb_run_opts *opts = r->opts;
  gb_progress_begin(&r->prog, opts->quiet);
  gb_isolate_set_tick(gb_progress_tick, &r->prog); /* lines while a repetition runs, without a terminal */
  if (!opts->quiet) fprintf(stderr, "gilbench: computing reference checksums (serial path)...\n");
  gb_runner_references(plan, !opts->no_isolation, opts->timeout_s);
  fail_unreferenced(plan, &r->prog);
  r->meta = start_meta(plan, opts, started);
  prepare_cells(plan, jreps, opts->outdir);
  rep_overhead_s = measure_rep_overhead(opts->outdir, !opts->no_isolation);
  gb_estimator_init(&r->est, plan, rep_overhead_s);
  progress_plan(&r->prog, plan, &r->est);
  double so_far = gb_now_s() - r->prog.t0;
  r->prog.first_estimate = gb_estimate_print(plan, so_far, rep_overhead_s, opts->quiet ? NULL : stderr,
                                             &r->prog.first_low, &r->prog.first_worst);
}

/* A measured repetition is journaled first, then kept in its cell, failed or not; a warm-up's is
 * dropped. 0, or GB_EIO when the journal write failed: not in the journal, not a result, and the
 * run stops here. */
static int keep_rep(run_ctx *r, gb_cell *c, gb_rep *rep, int round) {
  if (round < r->plan->warmup) {
    free(rep->workers);
    return 0;
  }
  int jw = gb_journal_append(&r->journal, c, c->nreps, rep, gb_now_s() - r->prog.t0);
  if (jw != 0) {
    fprintf(stderr,
            "gilbench: %s: write failed: %s; stopping the run (the journal holds every "
            "repetition reported before this one)\n",
            r->journal.path, strerror(-jw));
    free(rep->workers);
    r->write_failed = 1;
    return GB_EIO;
  }
  if (!cell_has_ok(c) && gb_rep_ok(rep)) c->checksum = rep->checksum;
  c->reps[c->nreps++] = *rep;
  return 0;
}

/* The cell's status after a repetition that returned rc (why: its reason): failed or timed out
 * for good, or ok once it has every measured repetition it needs. */
static void cell_after_rep(run_ctx *r, gb_cell *c, int rc, const char *why, int round) {
  const gb_plan *plan = r->plan;
  if (rc != 0) {
    c->status = rc == GB_ETIMEOUT ? GB_CELL_TIMEOUT : GB_CELL_FAILED;
    if (round < plan->warmup)
      snprintf(c->error, sizeof c->error, "in warmup: %.1000s", why);
    else
      snprintf(c->error, sizeof c->error, "%s", why);
    progress_cell(&r->prog, plan, c);
  } else if (round >= plan->warmup && cell_complete(plan, c)) {
    c->status = GB_CELL_OK;
    progress_cell(&r->prog, plan, c);
  }
}

/* One repetition of c in round `round` (last: c is the round's last cell), run and kept. 0, or 1
 * when the round stops here (interrupted, or the journal write failed). */
static int run_cell_rep(run_ctx *r, gb_cell *c, int round, int last) {
  gb_plan *plan = r->plan;
  const gb_run_opts *opts = r->opts;
  /* a failed or timed-out cell is not tried again (one timeout costs the timeout once); with reps
   * auto, a cell that reached its target is done */
  if (c->status != GB_CELL_PENDING || c->nreps >= plan->reps) return 0;
  gb_rep rep;
  char name[256];
  cell_name(plan, c, name, sizeof name);
  gb_progress_rep_begin(&r->prog, name, round, r->rounds);
  double timeout = opts->timeout_s > 0 ? opts->timeout_s : default_timeout(plan, c);
  double t_rep = gb_now_s();
  int rc = opts->no_isolation ? run_rep(plan, c, &rep, opts->outdir, timeout)
                              : run_rep_isolated(plan, c, &rep, opts->outdir, timeout);
  if (round >= plan->warmup) c->spent_s += gb_now_s() - t_rep; /* the budget is for measuring */
  if (rc == -EINTR) { /* interrupted: the repetition in flight is not a result */
    free(rep.workers);
    return 1;
  }
  merge_hosts(r->meta, opts->outdir, c);
  if (rc != 0 && !rep.code) rep.code = rc;
  if (rc != 0 && !rep.error[0]) gb_rep_fail(&rep, rc, "%s", gb_strerror(rc));
  char why[sizeof c->error];
  snprintf(why, sizeof why, "%s", rep.error[0] ? rep.error : gb_strerror(rc));
  if (keep_rep(r, c, &rep, round) != 0) return 1;
  cell_after_rep(r, c, rc, why, round);
  gb_estimator_observe(&r->est, (int)(c - plan->cells), gb_now_s() - r->prog.last_end, round < plan->warmup);
  gb_progress_rep_end(&r->prog, gb_estimate_rep(plan, c, rep_overhead_s));
  double fa, fb;
  gb_progress_fit(&r->prog, &fa, &fb);
  int refined;
  gb_progress_update(&r->prog, gb_estimator_left(&r->est, plan, round + last, fa, fb, &refined));
  if (refined) gb_progress_refined(&r->prog);
  return 0;
}

/* Whether any cell still waits for repetitions (with reps auto, cells drop out as they reach
 * their target). */
static int cells_pending(const gb_plan *plan) {
  for (int i = 0; i < plan->ncells; i++)
    if (plan->cells[i].status == GB_CELL_PENDING) return 1;
  return 0;
}

/* The rounds: in each, the cells of each base workload in a seeded shuffled order; results.json
 * written after every round. */
static void run_rounds(run_ctx *r) {
  gb_plan *plan = r->plan;
  uint64_t rng = plan->seed;
  int *order = gb_xmalloc(sizeof *order * (size_t)(plan->ncells + 1));
  int nbase = 0;
  for (int i = 0; i < plan->nparamsets; i++)
    if (plan->paramsets[i].base + 1 > nbase) nbase = plan->paramsets[i].base + 1;
  for (int round = 0; round < r->rounds && !stop_signal && !r->write_failed; round++) {
    if (!cells_pending(plan)) break;
    for (int b = 0; b < nbase && !stop_signal && !r->write_failed; b++) {
      int n = 0;
      for (int i = 0; i < plan->ncells; i++)
        if (plan->paramsets[plan->cells[i].paramset].base == b) order[n++] = i;
      runner_shuffle(order, n, &rng);
      for (int k = 0; k < n && !stop_signal && !r->write_failed; k++)
        if (run_cell_rep(r, &plan->cells[order[k]], round, k + 1 == n)) break;
    }
    double t_write = gb_now_s();
    if (!r->write_failed && write_results(plan, r->meta, r->opts->outdir) != 0) r->write_failed = 1;
    t_write = gb_now_s() - t_write; /* the round's end: the estimate's, not the next repetition's */
    gb_estimator_round(&r->est, t_write);
    r->prog.last_end += t_write;
  }
  free(order);
}

static int run_locked(gb_plan *plan, const gb_run_opts *opts) {
  char started[64];
  time_t now = time(NULL);
  strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%S%z", localtime(&now));
  run_ctx r = {.plan = plan, .opts = opts, .rounds = plan->warmup + plan->reps};
  json_t *jreps;
  int orc = open_run(plan, opts, &r.journal, &jreps);
  if (orc != 0) return orc;
  struct sigaction old_int, old_term;
  signals_catch(&old_int, &old_term);
  run_begin(&r, jreps, started);
  run_rounds(&r);
  end_cells(plan, &r.prog, r.meta, r.write_failed);
  gb_estimator_free(&r.est);
  if (write_results(plan, r.meta, opts->outdir) != 0) r.write_failed = 1; /* what could be kept */
  json_decref(r.meta);
  gb_journal_close(&r.journal);
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  if (r.write_failed) {
    fprintf(stderr, "gilbench: a write failed (see above)\n");
    return GB_EIO;
  }
  return stop_signal ? -EINTR : 0;
}
