/* io_util.c: see io_util.h. */
#include "io_util.h"

#include <errno.h>
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
