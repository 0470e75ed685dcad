/* openmp.c: C extensions and native parallel loops: `#pragma omp parallel for` over the tasks
 * with the workload's schedule and chunk (schedule(runtime), set from the job). */
#include <stdlib.h>
#include <string.h>

#include "strategy.h"

#ifdef GB_HAVE_OPENMP
#include <omp.h>

/* Startup: bring the runtime's thread team of n up (the pool persists between regions); the
 * number of threads it gave. */
static int openmp_team_up(int n) {
  int team = 0;
#pragma omp parallel num_threads(n)
  {
#pragma omp single
    team = omp_get_num_threads();
  }
  return team;
}

static int openmp_run(const gb_job *job, gb_rep *rep) {
  const gb_workload *wl = job->wl;
  int n = job->workers;
  size_t in_len = gb_workload_max_input(wl), out_len = gb_workload_max_output(wl);
  omp_set_dynamic(0);
  /* The loop runs over chunks with chunk size 1: the same hand-out as schedule(kind, chunk) over
   * tasks, and each worker samples once per chunk, as every strategy does. */
  omp_set_schedule(job->schedule == GB_SCHED_DYNAMIC ? omp_sched_dynamic : omp_sched_static, 1);
  uint64_t *sums = gb_xcalloc((size_t)n, sizeof *sums);

  gb_rep_mark_create(rep);
  int team = openmp_team_up(n);
  if (team != n) {
    free(sums);
    return gb_rep_fail(rep, GB_EIO, "OpenMP gave %d threads instead of %d", team, n);
  }
  const uint64_t ntasks = job->ntasks, chunk = job->chunk ? job->chunk : 1;
  const int64_t nchunks = (int64_t)((ntasks + chunk - 1) / chunk);
#pragma omp parallel num_threads(n)
  {
    int me = omp_get_thread_num();
    gb_worker_begin(job, me);
    gb_ctx ctx;
    gb_ctx_init(&ctx, me);
    uint8_t *in = gb_xmalloc(in_len), *out = gb_xmalloc(out_len);
    uint64_t sum = 0, tasks = 0;
#pragma omp barrier
#pragma omp single
    gb_rep_clock_start(rep); /* every begin hook has returned; the single's barrier holds the rest */
#pragma omp for schedule(runtime)
    for (int64_t c = 0; c < nchunks; c++) {
      uint64_t b = (uint64_t)c * chunk, e = b + chunk < ntasks ? b + chunk : ntasks;
      for (uint64_t t = b; t < e; t++) {
        sum += gb_checksum_term(t, gb_task_run_local(wl, &ctx, t, in, out));
        tasks++;
      }
      gb_worker_sample();
    }
    /* the for's barrier: every task is done */
#pragma omp single
    gb_rep_clock_stop(rep); /* before any end hook: the single's barrier holds them */
    sums[me] = sum;
    rep->workers[me].tasks = tasks;
    gb_worker_end(job, me, &rep->workers[me]);
    free(in);
    free(out);
  }
  gb_rep_mark_joined(rep); /* the runtime keeps its team: nothing is joined but the region's end */
  for (int i = 0; i < n; i++) {
    rep->checksum += sums[i];
    rep->tasks_done += rep->workers[i].tasks;
  }
  free(sums);
  return 0;
}

static const char *openmp_unavailable(void) {
  return NULL;
}
#else
static int openmp_run(const gb_job *job, gb_rep *rep) {
  (void)job;
  return gb_rep_fail(rep, GB_EUNAVAIL, "built without OpenMP");
}
static const char *openmp_unavailable(void) {
  return "built without OpenMP";
}
#endif

const gb_strategy gb_strategy_openmp = {
    .name = "openmp",
    .summary = "C extensions / native parallel loops: omp parallel for with the workload's schedule",
    .caps = GB_CAP_PARALLEL_CPU | GB_CAP_SHARED_MEMORY,
    .baseline = "serial",
    .unavailable = openmp_unavailable,
    .run = openmp_run,
};
