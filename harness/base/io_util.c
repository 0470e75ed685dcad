/* io_util.c: see io_util.h. */
#include "io_util.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int gb_read_full(int fd, void *buf, size_t len) {
  char *p = buf;
  size_t got = 0;
  while (got < len) {
    ssize_t r = read(fd, p + got, len - got);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (r == 0) return got == 0 ? 1 : -EPIPE;
    got += (size_t)r;
  }
  return 0;
}

int gb_write_full(int fd, const void *buf, size_t len) {
  const char *p = buf;
  size_t put = 0;
  while (put < len) {
    ssize_t r = write(fd, p + put, len - put);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    put += (size_t)r;
  }
  return 0;
}

mode_t gb_umask_current(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  unsigned int mask = 0;
  int found = 0;
  while (f && !found && fgets(line, sizeof line, f))
    found = sscanf(line, "Umask: %o", &mask) == 1;
  if (f) fclose(f);
  if (found) return (mode_t)mask;
  mode_t m = umask(022); /* no Umask line (kernels before 4.7): read it by setting it back */
  umask(m);
  return m;
}
