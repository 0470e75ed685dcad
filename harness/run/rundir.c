/* rundir.c: see rundir.h. */
#include "rundir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "io_util.h"

int gb_rundir_lock(const char *dir, char *err, size_t errlen) {
  char path[4200];
  snprintf(path, sizeof path, "%s/gilbench.lock", dir);
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) {
    snprintf(err, errlen, "%s: cannot create the lock file: %s", path, strerror(errno));
    return -1;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    char pid[32] = "";
    ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
    pid[n > 0 ? n : 0] = '\0';
    pid[strcspn(pid, "\n")] = '\0';
    close(fd);
    if (e == EWOULDBLOCK)
      snprintf(err, errlen, "%s is in use by another gilbench run (pid %s, holding %s): one run per folder",
               dir, pid[0] ? pid : "unknown", path);
    else
      snprintf(err, errlen, "%s: cannot lock: %s", path, strerror(e));
    return -1;
  }
  char text[32];
  int len = snprintf(text, sizeof text, "%ld\n", (long)getpid());
  if (ftruncate(fd, 0) != 0 || pwrite(fd, text, (size_t)len, 0) != len) {
    snprintf(err, errlen, "%s: cannot write the lock file: %s", path, strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

void gb_rundir_unlock(int fd) {
  if (fd >= 0) close(fd);
}
