/* isolate.c: see isolate.h. */
#include "isolate.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gb.h"
#include "io_util.h"

/* Kill and reap every child of this process until none is left. This process is a child subreaper,
 * so what its children leave behind (a double-forked setsid daemon, a pool worker whose parent
 * died) is reparented to it and found on a later pass: the loop ends only when no descendant is
 * alive. Children are found in /proc (each process's parent pid), which needs no cooperation. */
void gb_isolate_reap_descendants(void) {
  pid_t self = getpid();
  for (int pass = 0;; pass++) {
    DIR *d = opendir("/proc");
    struct dirent *de;
    while (d && (de = readdir(d))) {
      char path[64], buf[512];
      if (!isdigit((unsigned char)de->d_name[0])) continue;
      snprintf(path, sizeof path, "/proc/%.20s/stat", de->d_name);
      int fd = open(path, O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;
      ssize_t n = read(fd, buf, sizeof buf - 1);
      close(fd);
      if (n <= 0) continue;
      buf[n] = '\0';
      const char *rp = strrchr(buf, ')'); /* "pid (comm) state ppid ..."; comm may hold spaces */
      char state;
      long ppid;
      if (rp && sscanf(rp + 1, " %c %ld", &state, &ppid) == 2 && ppid == (long)self)
        kill((pid_t)atol(de->d_name), SIGKILL);
    }
    if (d) closedir(d);
    pid_t r;
    while ((r = waitpid(-1, NULL, WNOHANG)) > 0) {
    }
    if (r < 0 && errno == ECHILD) return;
    usleep(pass < 10 ? 200 : 2000); /* a child not yet dead, or one being reparented to us */
  }
}

/* The child's side: run, send [status][length][bytes], exit without running atexit handlers. */
static _Noreturn void gb__isolate_child(gb_isolated_fn fn, void *arg, int fd, pid_t parent) {
  setpgid(0, 0);
  /* Die with gilbench: a SIGKILLed gilbench must not leave a repetition running on its own. */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(112);
  /* Orphans of what the repetition starts come to us, not to init: killed and reaped at the end. */
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  void *out = NULL;
  size_t len = 0;
  int32_t status = fn(arg, &out, &len);
  uint64_t l = len;
  if (gb_write_full(fd, &status, sizeof status) != 0 || gb_write_full(fd, &l, sizeof l) != 0 ||
      (len && gb_write_full(fd, out, len) != 0))
    _exit(111);
  fflush(NULL);
  gb_isolate_reap_descendants();
  _exit(0);
}

/* Kill every process of the child's group and reap the child. Returns its wait status. */
static int gb__isolate_reap(pid_t pid, int kill_first) {
  int st = 0;
  if (kill_first) kill(-pid, SIGKILL);
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  kill(-pid, SIGKILL); /* whatever it left behind: pool workers, servers, launchers */
  /* A child killed before it could reap its own (timeout, crash) leaves them to us, a subreaper
   * too: gilbench has no other child while a repetition runs. */
  gb_isolate_reap_descendants();
  return st;
}

static void gb__describe_exit(int st, char *why, size_t whylen) {
  if (WIFSIGNALED(st))
    snprintf(why, whylen, "killed by signal %d (%s)%s", WTERMSIG(st), strsignal(WTERMSIG(st)),
             WCOREDUMP(st) ? ", core dumped" : "");
  else if (WIFEXITED(st))
    snprintf(why, whylen, "exited with status %d before reporting a result", WEXITSTATUS(st));
  else
    snprintf(why, whylen, "ended with wait status %d", st);
}

static void (*gb__tick)(void *);
static void *gb__tick_arg;

void gb_isolate_set_tick(void (*fn)(void *), void *arg) {
  gb__tick = fn;
  gb__tick_arg = arg;
}

/* The child's message as it arrives: [status][length][bytes]. */
typedef struct gb__isolate_msg {
  uint8_t *buf;
  size_t have, need;
  int got_header;
} gb__isolate_msg;

/* Read the child's message from fd until it is whole, the deadline passes (GB_ETIMEOUT), stop is
 * set (-EINTR) or the pipe ends early (GB_EIO: the child died); between reads, the tick. */
static int gb__isolate_read(int fd, double timeout_s, volatile sig_atomic_t *stop, gb__isolate_msg *m,
                            char *why, size_t whylen) {
  size_t cap = 0;
  int rc = 0;
  uint64_t deadline = timeout_s > 0 ? gb_now_ns() + (uint64_t)(timeout_s * 1e9) : 0;
  for (;;) {
    if (stop && *stop) {
      rc = -EINTR;
      break;
    }
    int wait_ms = 200; /* wake up regularly to look at the stop flag */
    if (deadline) {
      uint64_t now = gb_now_ns();
      if (now >= deadline) {
        rc = GB_ETIMEOUT;
        break;
      }
      if ((deadline - now) / 1000000u < (uint64_t)wait_ms) wait_ms = (int)((deadline - now) / 1000000u) + 1;
    }
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    int pr = poll(&pf, 1, wait_ms);
    if (pr < 0 && errno != EINTR) {
      rc = GB_EIO;
      snprintf(why, whylen, "poll: %s", strerror(errno));
      break;
    }
    if (pr <= 0) {
      if (gb__tick) gb__tick(gb__tick_arg);
      continue;
    }
    if (cap < m->need) {
      cap = m->need;
      m->buf = gb_xrealloc(m->buf, cap);
    }
    ssize_t r = read(fd, m->buf + m->have, m->need - m->have);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      rc = GB_EIO; /* EOF before the whole result: the child died */
      break;
    }
    m->have += (size_t)r;
    if (m->have < m->need) continue;
    if (!m->got_header) {
      uint64_t l;
      memcpy(&l, m->buf + sizeof(int32_t), sizeof l);
      m->got_header = 1;
      m->need += (size_t)l;
      if (l == 0) break;
      continue;
    }
    break;
  }
  return rc;
}

int gb_isolate_run(gb_isolated_fn fn, void *arg, double timeout_s, volatile sig_atomic_t *stop, void **out,
                   size_t *outlen, char *why, size_t whylen) {
  int p[2];
  *out = NULL;
  *outlen = 0;
  why[0] = '\0';
  if (pipe2(p, O_CLOEXEC) != 0) {
    snprintf(why, whylen, "pipe: %s", strerror(errno));
    return GB_EIO;
  }
  fflush(NULL);
  static int subreaper;
  if (!subreaper) subreaper = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
  pid_t self = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(why, whylen, "fork: %s", strerror(errno));
    close(p[0]), close(p[1]);
    return GB_EIO;
  }
  if (pid == 0) {
    close(p[0]);
    gb__tick = NULL;
    gb__isolate_child(fn, arg, p[1], self);
  }
  setpgid(pid, pid); /* also in the parent, so the group exists before we might kill it */
  close(p[1]);

  /* Read [status][length][bytes] with the deadline; EOF early means the child died. */
  gb__isolate_msg m = {.need = sizeof(int32_t) + sizeof(uint64_t)};
  int rc = gb__isolate_read(p[0], timeout_s, stop, &m, why, whylen);
  uint8_t *buf = m.buf;
  size_t have = m.have, need = m.need;
  int got_header = m.got_header;
  close(p[0]);
  int complete = got_header && have == need;
  int st = gb__isolate_reap(pid, !complete || rc != 0);
  if (rc == GB_ETIMEOUT) {
    snprintf(why, whylen, "timed out after %.3g s (killed with its process group)", timeout_s);
  } else if (rc == -EINTR) {
    snprintf(why, whylen, "interrupted (killed with its process group)");
  } else if (!complete) {
    gb__describe_exit(st, why, whylen);
    rc = GB_EIO;
  } else {
    int32_t status;
    memcpy(&status, buf, sizeof status);
    size_t hl = sizeof(int32_t) + sizeof(uint64_t);
    *outlen = need - hl;
    *out = gb_xmalloc(*outlen ? *outlen : 1);
    memcpy(*out, buf + hl, *outlen);
    rc = status;
  }
  free(buf);
  return rc;
}
