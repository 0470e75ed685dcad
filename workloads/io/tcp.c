/* tcp.c: the `tcp` op, one request/response round trip over TCP to the loopback server the
 * harness starts for the repetition. A blocking worker keeps one connection (opened on first use,
 * as a client library's session does); every connect, send and receive is a blocking call of its
 * own, bracketed for the GIL model. The reply is a deterministic function of the request, so its
 * hash is the op's result. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gb.h"
#include "ioop.h"
#include "payload.h"

static const gb_param_def tcp_params[] = {
    [GB_TCP_P_BYTES] = {.name = "bytes",
                        .help = "request and reply size, in bytes",
                        .def = 64,
                        .min = 1,
                        .max = GB_TCP_MAX_BODY},
    [GB_TCP_P_DELAY] = {.name = "delay_us",
                        .help = "how long the server waits before it answers, in microseconds",
                        .def = 0,
                        .min = 0,
                        .max = 10000000},
    [GB_TCP_P_CONNECTIONS] = {.name = "connections",
                              .help = "connections an event loop keeps to the server (more "
                                      "requests wait for one); a blocking worker uses one",
                              .def = 64,
                              .min = 1,
                              .max = 65536},
};

/* The body: a splitmix64 stream seeded from the task and its input payload as received. */
size_t gb_tcp_request_build(const gb_kparams *p, const gb_io_call *call, uint8_t *buf) {
  size_t n = (size_t)p->v[GB_TCP_P_BYTES];
  uint32_t h[4] = {GB_TCP_MAGIC, (uint32_t)n, (uint32_t)p->v[GB_TCP_P_DELAY], 0};
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
  size_t n = (size_t)p->v[GB_TCP_P_BYTES];
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
  size_t n = (size_t)p->v[GB_TCP_P_BYTES];
  uint8_t *req = gb_xmalloc(GB_TCP_HEADER + 2 * n);
  gb_tcp_request_build(p, call, req);
  gb_tcp_reply_make(req + GB_TCP_HEADER, n, req + GB_TCP_HEADER + n);
  uint64_t r = gb_tcp_result(req + GB_TCP_HEADER + n, n);
  free(req);
  return r;
}

static double tcp_estimate(const gb_kparams *p) {
  /* loopback round trip and server turnaround, plus about 1 ns per byte each way */
  return (double)p->v[GB_TCP_P_DELAY] * 1e-6 + 40e-6 + 2e-9 * (double)p->v[GB_TCP_P_BYTES];
}

const gb_ioop gb_ioop_tcp = {
    .name = "tcp",
    .summary = "a request/response round trip to the loopback server, which answers after delay_us",
    .params = tcp_params,
    .nparams = (int)GB_ARRAY_LEN(tcp_params),
    .run = tcp_run,
    .expect = tcp_expect,
    .skipped = tcp_expect, /* the reply is the request's function: the server's tally catches it */
    .estimate_s = tcp_estimate,
};
