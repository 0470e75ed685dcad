/* memsample.c: see memsample.h. */
#include "memsample.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* Resident pages of a process, from /proc/PID/statm (0 if it is gone). */
static uint64_t rss_pages(const char *statm) {
  FILE *f = fopen(statm, "r");
  if (!f) return 0;
  unsigned long long size = 0, res = 0;
  int n = fscanf(f, "%llu %llu", &size, &res);
  fclose(f);
  return n == 2 ? res : 0;
}

uint64_t gb_tree_rss_bytes(void) {
  static long page;
  if (!page) page = sysconf(_SC_PAGESIZE);
  uint64_t pages = rss_pages("/proc/self/statm");
  /* Children are forked by the main thread (processes' workers, the loopback server). */
  char path[64];
  snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
  FILE *f = fopen(path, "r");
  if (f) {
    int pid;
    while (fscanf(f, "%d", &pid) == 1) {
      char sp[64];
      snprintf(sp, sizeof sp, "/proc/%d/statm", pid);
      pages += rss_pages(sp);
    }
    fclose(f);
  }
  return pages * (uint64_t)page;
}

/* The kernel's high-water mark of this process's RSS (VmHWM), in bytes; 0 if unknown. */
static uint64_t hwm_bytes(void) {
  FILE *f = fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  unsigned long long kb = 0;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "VmHWM: %llu kB", &kb) == 1) break;
  fclose(f);
  return kb * 1024;
}

static long memsample_csw(void) {
  struct rusage s, k;
  getrusage(RUSAGE_SELF, &s);
  getrusage(RUSAGE_CHILDREN, &k);
  return s.ru_nvcsw + s.ru_nivcsw + k.ru_nvcsw + k.ru_nivcsw;
}

/* Every millisecond for the first 50, then every 10 ms: the peak of a short cell is caught, and a
 * long one pays about 100 samples (~30 us each) a second. */
static void *sampler(void *arg) {
  gb_memsample *m = arg;
  for (uint64_t k = 0; !atomic_load(&m->stop); k++) {
    uint64_t b = gb_tree_rss_bytes();
    if (b > m->peak_bytes) m->peak_bytes = b;
    m->samples++;
    struct timespec ts = {0, k < 50 ? 1000000 : 10000000};
    nanosleep(&ts, NULL);
  }
  struct rusage r;
  getrusage(RUSAGE_THREAD, &r);
  m->sampler_csw = r.ru_nvcsw + r.ru_nivcsw;
  return NULL;
}

void gb_memsample_start(gb_memsample *m, int thread) {
  memset(m, 0, sizeof *m);
  FILE *f = fopen("/proc/self/clear_refs", "w"); /* "5": reset the peak RSS (VmHWM) */
  if (f) {
    fputs("5", f);
    fclose(f);
  }
  m->base_bytes = m->peak_bytes = gb_tree_rss_bytes();
  m->csw0 = memsample_csw();
  m->running = thread && pthread_create(&m->tid, NULL, sampler, m) == 0;
}

void gb_memsample_stop(gb_memsample *m) {
  if (m->running) {
    atomic_store(&m->stop, 1);
    pthread_join(m->tid, NULL);
  }
  uint64_t b = gb_tree_rss_bytes(), hwm = hwm_bytes();
  if (b > m->peak_bytes) m->peak_bytes = b;
  if (hwm > m->peak_bytes) m->peak_bytes = hwm;
  m->csw = memsample_csw() - m->csw0 - m->sampler_csw;
  if (m->csw < 0) m->csw = 0;
}
