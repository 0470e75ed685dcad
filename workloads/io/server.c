/* server.c: the loopback server behind the `tcp` op. A child process forked by the runner before a
 * repetition's timing, single-threaded on epoll: it accepts any number of connections on
 * 127.0.0.1 (an ephemeral port), reads requests (ioop.h: a 16-byte header, then the body),
 * answers each after the delay the request asks for (a timerfd at the earliest due reply, so
 * delays are microsecond-exact), and exits when its control pipe closes. It counts what it serves
 * (requests, bytes each way, the sum of the request bodies' hashes) and writes that tally to its
 * report pipe as it exits, so the harness can check that every request the plan implies came. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gb.h"
#include "ioop.h"
#include "payload.h"

enum { SRV_READING, SRV_DELAYED, SRV_WRITING };

/* One client connection. */
typedef struct srv_conn {
  int fd;
  int state;   /* SRV_* */
  uint8_t *in; /* bytes received and not yet answered */
  size_t in_len, in_cap;
  uint8_t *out; /* the reply being sent */
  size_t out_len, out_off, out_cap;
  uint64_t due_ns; /* when a delayed reply is due */
  int heap_idx;    /* its place in the timer heap, -1 when not in it */
  int want_out;    /* EPOLLOUT is registered */
  int dead;        /* closed; freed after the current batch of events */
  struct srv_conn *next_dead;
} srv_conn;

typedef struct srv {
  int ep, lfd, ctl, tfd;
  srv_conn **heap; /* delayed replies, earliest due first */
  int nheap, capheap;
  uint64_t armed_ns;     /* deadline the timerfd is armed for, 0 if it has fired */
  int firing;            /* srv_timer is serving expired replies */
  srv_conn *dead;        /* closed connections, freed once no event of the batch can name them */
  gb_server_tally tally; /* what it served */
} srv;

/* Sentinels in epoll's data.ptr for the three fds that are not connections. */
static char srv_tag_listen, srv_tag_ctl, srv_tag_timer;

/* ---- the timer heap ---- */

static void heap_swap(srv *S, int a, int b) {
  srv_conn *t = S->heap[a];
  S->heap[a] = S->heap[b];
  S->heap[b] = t;
  S->heap[a]->heap_idx = a;
  S->heap[b]->heap_idx = b;
}

static void heap_up(srv *S, int i) {
  while (i > 0 && S->heap[(i - 1) / 2]->due_ns > S->heap[i]->due_ns) {
    heap_swap(S, i, (i - 1) / 2);
    i = (i - 1) / 2;
  }
}

static void heap_down(srv *S, int i) {
  for (;;) {
    int l = 2 * i + 1, r = l + 1, m = i;
    if (l < S->nheap && S->heap[l]->due_ns < S->heap[m]->due_ns) m = l;
    if (r < S->nheap && S->heap[r]->due_ns < S->heap[m]->due_ns) m = r;
    if (m == i) return;
    heap_swap(S, i, m);
    i = m;
  }
}

static void heap_push(srv *S, srv_conn *c) {
  if (S->nheap == S->capheap) {
    S->capheap = S->capheap ? 2 * S->capheap : 64;
    S->heap = gb_xrealloc(S->heap, sizeof *S->heap * (size_t)S->capheap);
  }
  c->heap_idx = S->nheap;
  S->heap[S->nheap++] = c;
  heap_up(S, c->heap_idx);
}

static void heap_remove(srv *S, srv_conn *c) {
  int i = c->heap_idx;
  if (i < 0) return;
  S->nheap--;
  if (i != S->nheap) {
    S->heap[i] = S->heap[S->nheap];
    S->heap[i]->heap_idx = i;
    heap_down(S, i);
    heap_up(S, i);
  }
  c->heap_idx = -1;
}

/* Arm the timerfd for the earliest due reply when it comes before the one armed (timerfd_settime
 * is costly in a VM; a timer that fires early finds nothing due and is rearmed), never while
 * srv_timer serves expired replies (it rearms once at the end). */
static void timer_rearm(srv *S) {
  uint64_t due = S->nheap ? S->heap[0]->due_ns : 0;
  if (S->firing || !due || (S->armed_ns && due >= S->armed_ns)) return;
  struct itimerspec its = {{0, 0}, {(time_t)(due / 1000000000u), (long)(due % 1000000000u)}};
  timerfd_settime(S->tfd, TFD_TIMER_ABSTIME, &its, NULL);
  S->armed_ns = due;
}

/* ---- connections ---- */

/* Close now, free later: a timer firing can close a connection that a later event of the same
 * epoll_wait batch still names. */
static void conn_close(srv *S, srv_conn *c) {
  if (c->dead) return;
  heap_remove(S, c);
  epoll_ctl(S->ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  c->dead = 1;
  c->next_dead = S->dead;
  S->dead = c;
}

static void conn_free_dead(srv *S) {
  while (S->dead) {
    srv_conn *c = S->dead;
    S->dead = c->next_dead;
    free(c->in);
    free(c->out);
    free(c);
  }
}

static void conn_want_out(srv *S, srv_conn *c, int on) {
  if (c->want_out == on) return;
  struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0u), .data.ptr = c};
  epoll_ctl(S->ep, EPOLL_CTL_MOD, c->fd, &ev);
  c->want_out = on;
}

static int conn_process(srv *S, srv_conn *c);

/* Send what is left of the reply. 0, or -1 when the connection is gone (closed). */
static int conn_write(srv *S, srv_conn *c) {
  while (c->out_off < c->out_len) {
    ssize_t r = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno == EAGAIN) {
      conn_want_out(S, c, 1);
      return 0;
    }
    if (r < 0) {
      conn_close(S, c);
      return -1;
    }
    c->out_off += (size_t)r;
    S->tally.bytes_out += (uint64_t)r;
  }
  conn_want_out(S, c, 0);
  c->state = SRV_READING;
  return conn_process(S, c); /* a request may already be waiting */
}

/* Parse a complete request, if there is one, and answer or schedule it. 0, or -1 if closed. */
static int conn_process(srv *S, srv_conn *c) {
  if (c->state != SRV_READING || c->in_len < GB_TCP_HEADER) return 0;
  uint32_t h[4];
  for (int i = 0; i < 4; i++) {
    h[i] = 0;
    for (int b = 0; b < 4; b++)
      h[i] |= (uint32_t)c->in[4 * i + b] << (8 * b);
  }
  if (h[0] != GB_TCP_MAGIC || h[1] == 0 || h[1] > GB_TCP_MAX_BODY) {
    conn_close(S, c); /* not our protocol: the client sees the connection close */
    return -1;
  }
  size_t n = h[1];
  if (c->in_len < GB_TCP_HEADER + n) return 0;
  if (c->out_cap < n) {
    c->out = gb_xrealloc(c->out, n);
    c->out_cap = n;
  }
  gb_tcp_reply_make(c->in + GB_TCP_HEADER, n, c->out);
  S->tally.requests++;
  S->tally.bytes_in += GB_TCP_HEADER + n;
  S->tally.digest += gb_payload_hash(c->in + GB_TCP_HEADER, n);
  c->out_len = n;
  c->out_off = 0;
  c->in_len -= GB_TCP_HEADER + n;
  memmove(c->in, c->in + GB_TCP_HEADER + n, c->in_len);
  if (h[2] == 0) {
    c->state = SRV_WRITING;
    return conn_write(S, c);
  }
  c->state = SRV_DELAYED;
  c->due_ns = gb_now_ns() + (uint64_t)h[2] * 1000u;
  heap_push(S, c);
  timer_rearm(S);
  return 0;
}

static void conn_readable(srv *S, srv_conn *c) {
  if (c->dead) return;
  for (;;) {
    if (c->in_cap - c->in_len < 4096) {
      c->in_cap = c->in_cap ? 2 * c->in_cap : 8192;
      c->in = gb_xrealloc(c->in, c->in_cap);
    }
    ssize_t r = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno == EAGAIN) break;
    if (r <= 0) {
      conn_close(S, c);
      return;
    }
    c->in_len += (size_t)r;
    if (c->in_len > GB_TCP_HEADER + (size_t)GB_TCP_MAX_BODY + 4096) {
      conn_close(S, c); /* more than one request's worth queued: a misbehaving client */
      return;
    }
  }
  conn_process(S, c);
}

static void srv_accept(srv *S) {
  for (;;) {
    int fd = accept4(S->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return; /* EAGAIN, or out of descriptors: the client's connect then fails loudly */
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    srv_conn *c = gb_xcalloc(1, sizeof *c);
    c->fd = fd;
    c->heap_idx = -1;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    if (epoll_ctl(S->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
      close(fd);
      free(c);
    }
  }
}

static void srv_timer(srv *S) {
  uint64_t ticks;
  while (read(S->tfd, &ticks, sizeof ticks) < 0 && errno == EINTR) {
  }
  S->armed_ns = 0;
  S->firing = 1;
  uint64_t now = gb_now_ns();
  while (S->nheap && S->heap[0]->due_ns <= now) {
    srv_conn *c = S->heap[0];
    heap_remove(S, c);
    c->state = SRV_WRITING;
    conn_write(S, c);
  }
  S->firing = 0;
  timer_rearm(S);
}

/* The server's main loop; returns its tally when the control pipe closes. */
static gb_server_tally srv_loop(int lfd, int ctl) {
  srv S = {.lfd = lfd, .ctl = ctl};
  S.ep = epoll_create1(EPOLL_CLOEXEC);
  S.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (S.ep < 0 || S.tfd < 0) _exit(10);
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &srv_tag_listen};
  epoll_ctl(S.ep, EPOLL_CTL_ADD, lfd, &ev);
  ev.data.ptr = &srv_tag_ctl;
  epoll_ctl(S.ep, EPOLL_CTL_ADD, ctl, &ev);
  ev.data.ptr = &srv_tag_timer;
  epoll_ctl(S.ep, EPOLL_CTL_ADD, S.tfd, &ev);
  struct epoll_event evs[256];
  for (;;) {
    int n = epoll_wait(S.ep, evs, 256, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) _exit(11);
    for (int i = 0; i < n; i++) {
      void *p = evs[i].data.ptr;
      if (p == &srv_tag_ctl) return S.tally; /* the runner closed the pipe, or died */
      if (p == &srv_tag_listen)
        srv_accept(&S);
      else if (p == &srv_tag_timer)
        srv_timer(&S);
      else {
        srv_conn *c = p;
        if (c->dead) continue;
        if (evs[i].events & (EPOLLERR | EPOLLHUP)) {
          conn_close(&S, c);
        } else if ((evs[i].events & EPOLLOUT) && c->state == SRV_WRITING) {
          if (conn_write(&S, c) == 0 && (evs[i].events & EPOLLIN)) conn_readable(&S, c);
        } else if (evs[i].events & EPOLLIN) {
          conn_readable(&S, c);
        }
      }
    }
    conn_free_dead(&S);
  }
}

/* The child: detach from the runner's signal handling and file descriptors, then serve. */
static _Noreturn void srv_child(int lfd, int ctl, int report, pid_t parent) {
  prctl(PR_SET_NAME, "gilbench-srv");
  prctl(PR_SET_PDEATHSIG, SIGKILL);   /* belt and braces: the pipe's EOF stops it too */
  if (getppid() != parent) _exit(12); /* the parent died before the line above */
  signal(SIGINT, SIG_IGN);            /* Ctrl-C: the runner finishes the repetition, then stops us */
  signal(SIGTERM, SIG_DFL);
  signal(SIGPIPE, SIG_IGN);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  /* Keep stdio, the listening socket and the two pipes; close what the runner had open. */
  int keep[3] = {lfd, ctl, report};
  for (int i = 0; i < 3; i++) /* sort the three */
    for (int j = i + 1; j < 3; j++)
      if (keep[j] < keep[i]) {
        int t = keep[i];
        keep[i] = keep[j];
        keep[j] = t;
      }
  unsigned from = 3;
  for (int i = 0; i < 3; i++) {
    if ((unsigned)keep[i] > from) close_range(from, (unsigned)keep[i] - 1, 0);
    from = (unsigned)keep[i] + 1;
  }
  close_range(from, ~0u, 0);
  gb_server_tally t = srv_loop(lfd, ctl);
  ssize_t w = write(report, &t, sizeof t); /* fits the pipe's buffer: never blocks */
  _exit(w == (ssize_t)sizeof t ? 0 : 13);
}

int gb_server_start(int *port, pid_t *pid, int *ctl_fd, int *report_fd, char *err, size_t errlen) {
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (lfd < 0) {
    snprintf(err, errlen, "loopback server: socket: %s", strerror(errno));
    return -errno;
  }
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t sl = sizeof sa;
  int ctl[2] = {-1, -1}, rep[2] = {-1, -1};
  if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(lfd, 4096) != 0 ||
      getsockname(lfd, (struct sockaddr *)&sa, &sl) != 0 || pipe2(ctl, O_CLOEXEC) != 0 ||
      pipe2(rep, O_CLOEXEC) != 0) {
    int e = errno;
    snprintf(err, errlen, "loopback server: cannot listen on 127.0.0.1: %s", strerror(e));
    close(lfd);
    if (ctl[0] >= 0) close(ctl[0]), close(ctl[1]);
    return -e;
  }
  pid_t parent = getpid();
  fflush(NULL); /* nothing buffered may be written twice */
  pid_t p = fork();
  if (p < 0) {
    int e = errno;
    snprintf(err, errlen, "loopback server: fork: %s", strerror(e));
    close(lfd), close(ctl[0]), close(ctl[1]), close(rep[0]), close(rep[1]);
    return -e;
  }
  if (p == 0) {
    close(ctl[1]);
    close(rep[0]);
    srv_child(lfd, ctl[0], rep[1], parent);
  }
  close(lfd); /* the listening socket lives in the server only */
  close(ctl[0]);
  close(rep[1]);
  *port = ntohs(sa.sin_port);
  *pid = p;
  *ctl_fd = ctl[1];
  *report_fd = rep[0];
  return 0;
}

int gb_server_stop(pid_t pid, int ctl_fd, int report_fd, struct rusage *ru, gb_server_tally *tally, char *err,
                   size_t errlen) {
  memset(ru, 0, sizeof *ru);
  memset(tally, 0, sizeof *tally);
  if (ctl_fd >= 0) close(ctl_fd); /* EOF on its control pipe: it exits */
  int st = 0;
  pid_t r = 0;
  for (int i = 0; i < 5000 && r == 0; i++) { /* up to 5 s, then no more patience */
    r = wait4(pid, &st, WNOHANG, ru);
    if (r == 0) {
      struct timespec ms = {0, 1000000};
      nanosleep(&ms, NULL);
    } else if (r < 0 && errno == EINTR) {
      r = 0;
    }
  }
  if (r <= 0 && report_fd >= 0) close(report_fd);
  if (r == 0) {
    kill(pid, SIGKILL);
    while ((r = wait4(pid, &st, 0, ru)) < 0 && errno == EINTR) {
    }
    snprintf(err, errlen, "the loopback server did not stop within 5 s and was killed");
    return GB_EIO;
  }
  if (r < 0) {
    snprintf(err, errlen, "the loopback server could not be reaped: %s", strerror(errno));
    return GB_EIO;
  }
  ssize_t got = -1;
  if (report_fd >= 0) { /* written before it exited: in the pipe now, or never */
    while ((got = read(report_fd, tally, sizeof *tally)) < 0 && errno == EINTR) {
    }
    close(report_fd);
  }
  if (WIFSIGNALED(st) || WEXITSTATUS(st) != 0) {
    if (WIFSIGNALED(st))
      snprintf(err, errlen, "the loopback server was killed by signal %d", WTERMSIG(st));
    else
      snprintf(err, errlen, "the loopback server exited with status %d", WEXITSTATUS(st));
    return GB_EIO;
  }
  if (got != (ssize_t)sizeof *tally) {
    memset(tally, 0, sizeof *tally);
    snprintf(err, errlen, "the loopback server exited without reporting what it served");
    return GB_EIO;
  }
  return 0;
}
