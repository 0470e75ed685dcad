/* serial.c: the baseline. One thread, tasks in order, no hand-out cost beyond a loop; timed by
 * the same contract as every strategy (job.h): the clock runs between the hooks. */
#include <stdlib.h>

#include "strategy.h"

static int serial_run(const gb_job *job, gb_rep *rep) {
  const gb_workload *wl = job->wl;
  uint8_t *in = gb_xmalloc(gb_workload_max_input(wl));
  uint8_t *out = gb_xmalloc(gb_workload_max_output(wl));
  gb_ctx ctx;
  gb_ctx_init(&ctx, 0);
  gb_worker_out *wo = &rep->workers[0];

  gb_rep_mark_create(rep);
  gb_worker_begin(job, 0);
  gb_rep_clock_start(rep);
  uint64_t sum = 0, chunk = job->chunk ? job->chunk : 1;
  for (uint64_t b = 0; b < job->ntasks; b += chunk) { /* sampled once per chunk, as the others */
    uint64_t e = b + chunk < job->ntasks ? b + chunk : job->ntasks;
    for (uint64_t t = b; t < e; t++)
      sum += gb_checksum_term(t, gb_task_run_local(wl, &ctx, t, in, out));
    gb_worker_sample();
  }
  gb_rep_clock_stop(rep);
  wo->tasks = job->ntasks;
  gb_worker_end(job, 0, wo);
  gb_rep_mark_joined(rep);

  rep->checksum = sum;
  rep->tasks_done = job->ntasks;
  free(in);
  free(out);
  return 0;
}

const gb_strategy gb_strategy_serial = {
    .name = "serial",
    .summary = "the baseline: one thread, tasks in order",
    .caps = GB_CAP_ONE_WORKER,
    .baseline = "serial",
    .run = serial_run,
};
