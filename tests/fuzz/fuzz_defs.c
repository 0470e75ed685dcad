/* fuzz_defs.c: libFuzzer target for the definition and suite parser. The input is written to a
 * memory file and checked as `gilbench check` would; any crash, leak or sanitizer report is a
 * bug. Built with libFuzzer by scripts/fuzz.sh, and with the small driver in driver.c into the
 * ordinary test suite. */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "defs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  int fd = memfd_create("gilbench-fuzz.ini", 0);
  if (fd < 0) return 0;
  if (write(fd, data, size) == (ssize_t)size) {
    char path[64], err[2048];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    (void)gb_defs_check(path, err, sizeof err);
    gb_workload wl;
    if (gb_workload_load(path, &wl, err, sizeof err) == 0) { /* and what a run does next */
      (void)gb_workload_apply_profile(&wl, "quick", err, sizeof err);
      (void)gb_workload_set(&wl, "n", "1000", err, sizeof err);
      gb_workload_free(&wl);
    }
  }
  close(fd);
  return 0;
}
