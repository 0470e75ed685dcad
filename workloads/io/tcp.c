/* tcp.c: the `tcp` op, one request/response round trip over TCP to the loopback server the
 * harness starts for the repetition. A blocking worker keeps one connection (opened on first use,
 * as a client library's session does); every connect, send and receive is a blocking call of its
 * own, bracketed for the GIL model. The reply is a deterministic function of the request, so its
 * hash is the op's result. Its setup hook starts the server (server.c), its teardown stops it and
 * takes its tally, which the runner compares with what `served` says the plan implies. Its
 * event-loop twin keeps a per-loop pool of up to `connections` uv_tcp_t connections, opened on
 * demand, each carrying one request at a time (more requests wait for a free one, as aiohttp's
 * connector limit makes them). */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gb.h"
#include "ioop.h"
#include "payload.h"
#include "server.h"

enum { TCP_P_BYTES = 0, TCP_P_DELAY = 1, TCP_P_CONNECTIONS = 2 };

static const gb_param_def tcp_params[] = {
    [TCP_P_BYTES] = {.name = "bytes",
                     .help = "request and reply size, in bytes",
                     .def = 64,
                     .min = 1,
                     .max = GB_TCP_MAX_BODY},
    [TCP_P_DELAY] = {.name = "delay_us",
                     .help = "how long the server waits before it answers, in microseconds",
                     .def = 0,
                     .min = 0,
                     .max = 10000000},
    [TCP_P_CONNECTIONS] = {.name = "connections",
                           .help = "connections an event loop keeps to the server (more "
                                   "requests wait for one); a blocking worker uses one",
                           .def = 64,
                           .min = 1,
                           .max = 65536},
};

/* The body: a splitmix64 stream seeded from the task and its input payload as received. */
size_t gb_tcp_request_build(const gb_kparams *p, const gb_io_call *call, uint8_t *buf) {
  size_t n = (size_t)p->v[TCP_P_BYTES];
  uint32_t h[4] = {GB_TCP_MAGIC, (uint32_t)n, (uint32_t)p->v[TCP_P_DELAY], 0};
  for (int i = 0; i < 4; i++)
    for (int b = 0; b < 4; b++)
      buf[4 * i + b] = (uint8_t)(h[i] >> (8 * b)); /* little-endian */
  uint64_t seed = gb_splitmix64(call->task ^ gb_payload_hash(call->in, call->in_len) ^ 0x7c9ull);
  gb_payload_fill(seed, buf + GB_TCP_HEADER, n);
  return GB_TCP_HEADER + n;
}

void gb_tcp_reply_make(const uint8_t *body, size_t len, uint8_t *reply) {
  for (size_t i = 0; i < len; i++)
    reply[i] = body[len - 1 - i] ^ 0xa5;
}

uint64_t gb_tcp_result(const uint8_t *reply, size_t len) {
  return gb_payload_hash(reply, len);
}

/* Grow the worker's scratch buffer to n bytes. */
static uint8_t *tcp_buf(gb_io_worker *w, size_t n) {
  if (w->cap < n) {
    w->buf = gb_xrealloc(w->buf, n);
    w->cap = n;
  }
  return w->buf;
}

/* Open the worker's connection. */
static int tcp_connect(gb_ctx *ctx, gb_io_worker *w, char *err, size_t errlen) {
  if (w->io_port <= 0) {
    snprintf(err, errlen, "no loopback server runs for this repetition");
    return GB_EIO;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    snprintf(err, errlen, "socket: %s", strerror(errno));
    return -errno;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* a request is one segment */
  struct timeval tmo = {60, 0}; /* a server that stops answering fails the op, not the run */
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof tmo);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof tmo);
  struct sockaddr_in sa = {.sin_family = AF_INET,
                           .sin_port = htons((uint16_t)w->io_port),
                           .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  gb_io_block_begin(ctx);
  int rc;
  while ((rc = connect(fd, (struct sockaddr *)&sa, sizeof sa)) != 0 && errno == EINTR) {
  }
  int e = errno;
  gb_io_block_end(ctx);
  if (rc != 0) {
    close(fd);
    snprintf(err, errlen, "connect to 127.0.0.1:%d: %s", w->io_port, strerror(e));
    return -e;
  }
  w->tcp_fd = fd;
  return 0;
}

/* Drop a broken connection. */
static int tcp_broken(gb_io_worker *w, int code, char *err, size_t errlen, const char *what) {
  snprintf(err, errlen, "%s: %s", what, code == 0 ? "the server closed the connection" : strerror(-code));
  close(w->tcp_fd);
  w->tcp_fd = -1;
  return code ? code : GB_EIO;
}

static int tcp_run(gb_ctx *ctx, gb_io_worker *w, const gb_kparams *p, const gb_io_call *call,
                   uint64_t *result, char *err, size_t errlen) {
  if (w->tcp_fd < 0) {
    int rc = tcp_connect(ctx, w, err, errlen);
    if (rc) return rc;
  }
  size_t n = (size_t)p->v[TCP_P_BYTES];
  uint8_t *req = tcp_buf(w, 2 * n + GB_TCP_HEADER);
  size_t len = gb_tcp_request_build(p, call, req);
  uint8_t *reply = req + len;
  for (size_t put = 0; put < len;) { /* each send is one blocking call */
    gb_io_block_begin(ctx);
    ssize_t r = send(w->tcp_fd, req + put, len - put, MSG_NOSIGNAL);
    int e = errno;
    gb_io_block_end(ctx);
    if (r < 0 && e == EINTR) continue;
    if (r < 0) return tcp_broken(w, -e, err, errlen, "send");
    put += (size_t)r;
  }
  for (size_t got = 0; got < n;) { /* and so is each receive */
    gb_io_block_begin(ctx);
    ssize_t r = recv(w->tcp_fd, reply + got, n - got, 0);
    int e = errno;
    gb_io_block_end(ctx);
    if (r < 0 && e == EINTR) continue;
    if (r <= 0) return tcp_broken(w, r < 0 ? -e : 0, err, errlen, "recv");
    got += (size_t)r;
  }
  *result = gb_tcp_result(reply, n);
  return 0;
}

static uint64_t tcp_expect(const gb_kparams *p, const gb_io_call *call) {
  size_t n = (size_t)p->v[TCP_P_BYTES];
  uint8_t *req = gb_xmalloc(GB_TCP_HEADER + 2 * n);
  gb_tcp_request_build(p, call, req);
  gb_tcp_reply_make(req + GB_TCP_HEADER, n, req + GB_TCP_HEADER + n);
  uint64_t r = gb_tcp_result(req + GB_TCP_HEADER + n, n);
  free(req);
  return r;
}

static double tcp_estimate(const gb_kparams *p) {
  /* loopback round trip and server turnaround, plus about 1 ns per byte each way */
  return (double)p->v[TCP_P_DELAY] * 1e-6 + 40e-6 + 2e-9 * (double)p->v[TCP_P_BYTES];
}

/* ---- around a repetition: the loopback server and its tally ---- */

static int tcp_setup(const gb_kparams *p, gb_io_env *env, char *err, size_t errlen) {
  (void)p;
  if (env->server_pid > 0) return 0; /* started for an earlier phase */
  return gb_server_start(&env->port, &env->server_pid, &env->server_ctl, &env->server_report, err, errlen);
}

static double tcp_tv_s(struct timeval tv) {
  return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

/* Stop and reap the server: its CPU time and its tally into env. */
static int tcp_teardown(gb_io_env *env, char *err, size_t errlen) {
  int rc = 0;
  if (env->server_pid > 0) {
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    rc = gb_server_stop(env->server_pid, env->server_ctl, env->server_report, &ru, &env->served, err, errlen);
    env->server_user_s = tcp_tv_s(ru.ru_utime);
    env->server_sys_s = tcp_tv_s(ru.ru_stime);
  }
  env->server_pid = 0;
  env->server_ctl = env->server_report = -1;
  env->port = 0;
  return rc;
}

/* One request of this op, as the server must count it. */
static void tcp_served(const gb_kparams *p, const gb_io_call *call, gb_server_tally *t) {
  size_t n = (size_t)p->v[TCP_P_BYTES];
  uint8_t *req = gb_xmalloc(GB_TCP_HEADER + n);
  gb_tcp_request_build(p, call, req);
  t->requests++;
  t->bytes_in += GB_TCP_HEADER + n;
  t->bytes_out += n;
  t->digest += gb_payload_hash(req + GB_TCP_HEADER, n);
  free(req);
}

/* A blocking worker keeps one connection; an event loop up to `connections`; each lands on the
 * server as well. */
static long tcp_fds(const gb_kparams *p, int overlaps_io, long *server) {
  long n = overlaps_io ? (long)p->v[TCP_P_CONNECTIONS] : 1;
  *server = n;
  return n;
}

static int64_t tcp_loop_limit(const gb_kparams *p) {
  return p->v[TCP_P_CONNECTIONS];
}

#ifdef GB_HAVE_LIBUV
#include <uv.h>

/* ---- the event-loop twin: a connection pool per loop ---- */

/* A connection carries one request at a time, so the request and reply buffer, the write request
 * and the round trip's progress belong to it, not to the op: an op waiting for a connection holds
 * nothing here but its gb_io_async (task_bytes 0, no buffer), and a loop's tcp memory is bounded
 * by its `connections`, not by its tasks in flight. */
typedef struct tc_conn tc_conn;

typedef struct tc_loop {
  uv_loop_t *loop;
  struct sockaddr_in addr;
  tc_conn *free_conns;
  tc_conn *all; /* every connection not yet closed, for loop_close */
  int nconns;   /* open or opening */
  gb_io_queue wait;
} tc_loop;

struct tc_conn {
  uv_tcp_t h;
  uv_connect_t creq;
  uv_write_t wr;
  tc_loop *C;
  gb_io_async *cur; /* the op it carries, or connects for */
  uint8_t *buf;     /* the request, then its reply */
  size_t cap, req_len, got, want;
  int wrote, read;      /* the write callback came; the reply is in (or reading ended) */
  const char *err_what; /* the first failure of the current op, NULL if none */
  int err_status;
  tc_conn *next_free, *prev_all, *next_all;
  int broken; /* closed after an error: never back in the pool */
};

static void tc_conn_closed(uv_handle_t *h) {
  tc_conn *c = h->data;
  if (c->prev_all)
    c->prev_all->next_all = c->next_all;
  else
    c->C->all = c->next_all;
  if (c->next_all) c->next_all->prev_all = c->prev_all;
  free(c->buf);
  free(c);
}

static void tc_send(tc_conn *c, gb_io_async *a);

/* Give a free connection to the next waiting op, or back to the pool. */
static void tc_conn_release(tc_loop *C, tc_conn *c) {
  c->cur = NULL;
  gb_io_async *W = gb_io_queue_pop(&C->wait);
  if (W) {
    tc_send(c, W);
    return;
  }
  c->next_free = C->free_conns;
  C->free_conns = c;
}

/* Close a broken connection; ops waiting for one then fail too, when no connection is left to
 * serve them (the worker has failed: its later ops fail at once). */
static void tc_conn_break(tc_loop *C, tc_conn *c) {
  if (c->broken) return;
  c->broken = 1;
  c->cur = NULL;
  C->nconns--;
  uv_close((uv_handle_t *)&c->h, tc_conn_closed);
  if (C->nconns > 0) return;
  gb_io_async *W;
  while ((W = gb_io_queue_pop(&C->wait)))
    W->done(W, 0, "no connection to the server is left");
}

/* The write callback or the whole reply came (or failed): when both are in, the op is over (the
 * write request is the connection's, so the connection carries no next op before its callback).
 * The result is taken from the reply before the connection moves on to a waiting op. */
static void tc_step(tc_conn *c) {
  if (!c->wrote || !c->read) return;
  gb_io_async *a = c->cur;
  tc_loop *C = c->C;
  if (c->err_what) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s: %s", c->err_what, uv_strerror(c->err_status));
    tc_conn_break(C, c);
    a->done(a, 0, msg);
    return;
  }
  uint64_t result = gb_tcp_result(c->buf + c->req_len, c->want);
  tc_conn_release(C, c);
  a->done(a, result, NULL);
}

static void tc_error(tc_conn *c, const char *what, int status) {
  if (c->err_what) return;
  c->err_what = what;
  c->err_status = status;
}

static void tc_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  (void)suggested;
  tc_conn *c = h->data;
  static _Thread_local char spill[4096]; /* bytes nobody asked for: a protocol error below */
  if (!c->cur || c->got >= c->want)
    *buf = uv_buf_init(spill, sizeof spill);
  else
    *buf = uv_buf_init((char *)c->buf + c->req_len + c->got, (unsigned)(c->want - c->got));
}

static void tc_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
  (void)buf;
  tc_conn *c = s->data;
  if (nread == 0 || !c->cur || c->read) return;
  if (nread < 0 || c->got + (size_t)nread > c->want) {
    tc_error(c, "receive", nread < 0 ? (int)nread : UV_EPROTO);
  } else {
    c->got += (size_t)nread;
    if (c->got < c->want) return;
  }
  uv_read_stop(s);
  c->read = 1;
  tc_step(c);
}

static void tc_written(uv_write_t *req, int status) {
  tc_conn *c = req->data;
  c->wrote = 1;
  if (status < 0) {
    tc_error(c, "send", status);
    if (!c->read) { /* no reply will come for a request that was not sent */
      uv_read_stop((uv_stream_t *)&c->h);
      c->read = 1;
    }
  }
  tc_step(c);
}

/* Build a's request in connection c's buffer, send it and read the reply into the same buffer. */
static void tc_send(tc_conn *c, gb_io_async *a) {
  size_t n = (size_t)a->p->v[TCP_P_BYTES];
  if (c->cap < GB_TCP_HEADER + 2 * n) { /* a phase with larger messages than this one has seen */
    free(c->buf);
    c->cap = GB_TCP_HEADER + 2 * n;
    c->buf = gb_xmalloc(c->cap);
  }
  c->cur = a;
  c->req_len = gb_tcp_request_build(a->p, &a->call, c->buf);
  c->want = n;
  c->got = 0;
  c->err_what = NULL;
  c->wrote = c->read = 0;
  c->wr.data = c;
  uv_buf_t b = uv_buf_init((char *)c->buf, (unsigned)c->req_len);
  int rc = uv_write(&c->wr, (uv_stream_t *)&c->h, &b, 1, tc_written);
  if (rc < 0) { /* not queued: no callback will come */
    tc_error(c, "send", rc);
    c->wrote = c->read = 1;
    tc_step(c);
    return;
  }
  rc = uv_read_start((uv_stream_t *)&c->h, tc_alloc, tc_read);
  if (rc < 0) {
    tc_error(c, "receive", rc);
    c->read = 1;
    tc_step(c); /* completes once the write callback came */
  }
}

static void tc_connected(uv_connect_t *req, int status) {
  tc_conn *c = req->data;
  if (status < 0) {
    tc_error(c, "connect", status);
    c->wrote = c->read = 1;
    tc_step(c);
    return;
  }
  tc_send(c, c->cur);
}

/* Open a new connection for a (the pool has room). */
static void tc_open(tc_loop *C, gb_io_async *a) {
  tc_conn *c = gb_xcalloc(1, sizeof *c);
  c->C = C;
  c->cur = a;
  c->h.data = c;
  c->creq.data = c;
  char msg[160];
  int rc = uv_tcp_init(C->loop, &c->h);
  if (rc != 0) {
    free(c);
    snprintf(msg, sizeof msg, "uv_tcp_init: %s", uv_strerror(rc));
    a->done(a, 0, msg);
    return;
  }
  c->next_all = C->all;
  if (C->all) C->all->prev_all = c;
  C->all = c;
  C->nconns++;
  uv_tcp_nodelay(&c->h, 1);
  rc = uv_tcp_connect(&c->creq, &c->h, (const struct sockaddr *)&C->addr, tc_connected);
  if (rc < 0) {
    snprintf(msg, sizeof msg, "connect: %s", uv_strerror(rc));
    tc_conn_break(C, c);
    a->done(a, 0, msg);
  }
}

static void tc_start(gb_io_async *a) {
  tc_loop *C = a->loop_state;
  if (C->free_conns) {
    tc_conn *c = C->free_conns;
    C->free_conns = c->next_free;
    tc_send(c, a);
  } else if (C->nconns >= a->p->v[TCP_P_CONNECTIONS]) {
    gb_io_queue_push(&C->wait, a); /* every connection is busy: wait for one */
  } else {
    tc_open(C, a);
  }
}

static int tc_loop_open(void *ls, uv_loop_t *loop, const char *scratch_dir, int io_port, char *err,
                        size_t errlen) {
  (void)scratch_dir;
  tc_loop *C = ls;
  C->loop = loop;
  int rc = uv_ip4_addr("127.0.0.1", io_port, &C->addr);
  if (rc != 0) snprintf(err, errlen, "the tcp op's server address: %s", uv_strerror(rc));
  return rc;
}

static void tc_loop_close(void *ls) {
  tc_loop *C = ls;
  for (tc_conn *c = C->all; c; c = c->next_all)
    if (!uv_is_closing((uv_handle_t *)&c->h)) uv_close((uv_handle_t *)&c->h, tc_conn_closed);
}

static const gb_io_twin tcp_twin = {
    .loop_bytes = sizeof(tc_loop),
    .loop_open = tc_loop_open,
    .loop_close = tc_loop_close,
    .task_bytes = 0, /* an op's state and buffer are its connection's */
    .buf_bytes = NULL,
    .start = tc_start,
};
#define TCP_TWIN (&tcp_twin)
#else
#define TCP_TWIN NULL
#endif

const gb_ioop gb_ioop_tcp = {
    .name = "tcp",
    .summary = "a request/response round trip to the loopback server, which answers after delay_us",
    .params = tcp_params,
    .nparams = (int)GB_ARRAY_LEN(tcp_params),
    .run = tcp_run,
    .expect = tcp_expect,
    .skipped = tcp_expect, /* the reply is the request's function: the server's tally catches it */
    .estimate_s = tcp_estimate,
    .setup = tcp_setup,
    .teardown = tcp_teardown,
    .served = tcp_served,
    .fds = tcp_fds,
    .loop_limit = tcp_loop_limit,
    .twin = TCP_TWIN,
};
