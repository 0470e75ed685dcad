/* worker.c: the worker hooks. Every strategy calls gb_worker_begin/gb_worker_end in the worker
 * itself; binding, placement sampling, counters and CPU time happen here, once. */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "counters.h"
#include "ioop.h"
#include "job.h"

/* Per-worker state between begin and end: thread-local, so threads, forked processes and
 * OpenMP threads each have their own without the strategy passing it around. */
typedef struct gb__worker_state {
  int active;                     /* between begin and end */
  double cpu0;                    /* thread CPU time at begin */
  uint64_t last_ns;               /* time of the last PU sample */
  uint64_t check_ns;              /* time of the last clock read in gb_worker_sample */
  uint32_t stride;                /* gb_worker_sample reads the clock every `stride` calls ... */
  uint32_t skip;                  /* ... and this many calls are left before the next read */
  int last_pu;                    /* PU of the last sample, -1 before the first */
  uint64_t pu_ns;                 /* time of the last sample: the time since goes to last_pu */
  int bound_pu;                   /* OS PU it is bound to, -1 when not bound */
  int restore;                    /* `saved` must be put back at the end (a pooled or main thread lives on) */
  cpu_set_t saved;                /* affinity before binding */
  const gb_counter_set *counters; /* the set being counted, NULL for none */
  gb_counter_worker ctr;          /* the counter backends' state */
  gb_worker_out out;              /* filled progressively */
} gb__worker_state;

static _Thread_local gb__worker_state gb__ws;

/* Take a PU sample at time now: the time since the last sample is counted on that sample's PU. */
static void gb__sample_now(uint64_t now) {
  int pu = sched_getcpu();
  if (pu < 0) return;
  if (gb__ws.last_pu >= 0 && gb__ws.last_pu < GB_MAX_PUS)
    gb__ws.out.pu_time_s[gb__ws.last_pu] += (float)((double)(now - gb__ws.pu_ns) * 1e-9);
  gb__ws.pu_ns = now;
  if (pu < GB_MAX_PUS) gb__ws.out.pus_seen[pu / 64] |= 1ull << (pu % 64);
  if (gb__ws.last_pu >= 0 && pu != gb__ws.last_pu) gb__ws.out.migrations++;
  if (gb__ws.bound_pu >= 0 && pu != gb__ws.bound_pu) gb__ws.out.bind_held = 0;
  gb__ws.last_pu = pu;
}

/* Bind the calling thread to the PU the runner placed worker i on (binding is verified by the
 * samples, not assumed: bind_held starts at 1 and any sample elsewhere clears it). */
static void gb__bind(const gb_job *job, int i) {
  gb__ws.bound_pu = -1;
  gb__ws.out.bound_pu = -1;
  gb__ws.out.bind_held = -1;
  if (!job || !job->bind_pus || job->bind_pus[i] < 0) return;
  int pu = job->bind_pus[i];
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(pu, &set);
  gb__ws.restore = sched_getaffinity(0, sizeof gb__ws.saved, &gb__ws.saved) == 0;
  gb__ws.bound_pu = pu;
  gb__ws.out.bound_pu = pu;
  gb__ws.out.bind_held = sched_setaffinity(0, sizeof set, &set) == 0;
}

void gb_worker_begin(const gb_job *job, int i) {
  memset(&gb__ws, 0, sizeof gb__ws);
  gb__ws.active = 1;
  gb__ws.last_pu = -1;
  gb__bind(job, i);
  gb__ws.last_ns = gb__ws.check_ns = gb_now_ns();
  gb__ws.stride = gb__ws.skip = 1;
  gb__sample_now(gb__ws.last_ns);
  gb_io_worker_begin(job, i); /* its I/O state: connection, latency histogram */
  gb__ws.cpu0 = gb_thread_cpu_s();
  gb__ws.counters = job ? job->counters : NULL;
  if (gb__ws.counters) gb_counters_worker_start(gb__ws.counters, &gb__ws.ctr); /* count the work */
  gb__ws.out.begun_ns = gb_now_ns(); /* the timing contract: the clock starts after this */
}

void gb_worker_sample(void) {
  if (!gb__ws.active) return;
  /* Called once per chunk, which may be every 50 ns: reading the clock each time was the harness's
   * largest cost on `square` (7-17% of the profile). Read it about every 100 us instead: the
   * stride of calls between reads doubles while reads come closer than that, halves past 400 us. */
  if (gb__ws.skip > 1) {
    gb__ws.skip--;
    return;
  }
  uint64_t now = gb_now_ns();
  uint64_t dt = now - gb__ws.check_ns;
  gb__ws.check_ns = now;
  if (dt < 100000u && gb__ws.stride < 4096u)
    gb__ws.stride = gb__ws.stride ? gb__ws.stride * 2 : 2;
  else if (dt > 400000u && gb__ws.stride > 1)
    gb__ws.stride /= 2;
  gb__ws.skip = gb__ws.stride ? gb__ws.stride : 1;
  if (now - gb__ws.last_ns < 1000000u) return; /* about once a millisecond */
  gb__ws.last_ns = now;
  gb__sample_now(now);
}

/* The process's proportional set size (Pss in /proc/self/smaps_rollup), KiB; -1 when unreadable. */
static int64_t gb__pss_kb(void) {
  FILE *f = fopen("/proc/self/smaps_rollup", "r");
  if (!f) return -1;
  char line[256];
  long long kb = -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "Pss: %lld kB", &kb) == 1) break;
  fclose(f);
  return kb;
}

/* What memory the worker's process holds: pid, peak RSS and PSS (for "memory per worker"). */
static void gb__memory(gb_worker_out *out) {
  struct rusage ru;
  out->pid = (int32_t)getpid();
  out->maxrss_kb = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
  out->pss_kb = gb__pss_kb();
}

void gb_worker_end(const gb_job *job, int i, gb_worker_out *out) {
  (void)job;
  (void)i;
  gb__ws.out.end_ns = gb_now_ns(); /* the timing contract: the clock stopped before this */
  if (gb__ws.counters) gb_counters_worker_stop(gb__ws.counters, &gb__ws.ctr, &gb__ws.out); /* first */
  gb__ws.out.cpu_s = gb_thread_cpu_s() - gb__ws.cpu0;
  gb__sample_now(gb_now_ns());
  gb__ws.active = 0;
  if (gb__ws.restore) sched_setaffinity(0, sizeof gb__ws.saved, &gb__ws.saved);
  uint64_t tasks = out->tasks, checkpoints = out->checkpoints; /* the strategy's own counts */
  *out = gb__ws.out;
  out->tasks = tasks;
  out->checkpoints = checkpoints;
  gb_io_worker_end(out); /* latency histogram and I/O error; closes its connection */
  gb__memory(out);
}
