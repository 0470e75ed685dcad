/* test_io.c: the I/O ops and what the harness does around them. The loopback server answers
 * every request with the reply the ops expect, after the requested delay, serves pipelined and
 * concurrent requests, drops a client that speaks another protocol, and is gone (process and
 * port) once stopped. Each blocking op returns its `expect` result and brackets every blocking
 * call for the GIL model; a failed op is reported and the worker's later ops fail fast. The
 * scratch folder and the server come and go with a repetition; every op has an async twin. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io_util.h"
#include "ioop.h"
#include "job.h"
#include "strategies.h" /* gb_async_has_twin */

/* ---- helpers ---- */

static const gb_ioop *op(const char *name) {
  const gb_ioop *o = gb_ioop_find(name);
  assert_non_null(o);
  return o;
}

static gb_phase io_phase(const char *name) {
  gb_phase ph;
  memset(&ph, 0, sizeof ph);
  ph.kind = GB_PHASE_IO;
  ph.op = op(name);
  for (int i = 0; i < ph.op->nparams; i++)
    ph.params.v[i] = ph.op->params[i].def;
  return ph;
}

static int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(fd >= 0);
  struct sockaddr_in sa = {
      .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    int e = errno;
    close(fd);
    return -e;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

/* Counting hooks: a stand-in for the GIL model, which must see every blocking call. */
static int g_begins, g_ends, g_open; /* g_open: inside a bracket now */
static void count_begin(gb_ctx *ctx) {
  (void)ctx;
  assert_int_equal(g_open, 0); /* brackets never nest */
  g_begins++, g_open = 1;
}
static void count_end(gb_ctx *ctx) {
  (void)ctx;
  assert_int_equal(g_open, 1);
  g_ends++, g_open = 0;
}

static gb_ctx counting_ctx(void) {
  gb_ctx ctx;
  gb_ctx_init(&ctx, 0);
  ctx.on_block_begin = count_begin;
  ctx.on_block_end = count_end;
  g_begins = g_ends = g_open = 0;
  return ctx;
}

/* A one-group workload whose single task runs the given phases. */
static gb_workload *workload_of(const gb_phase *phases, int n) {
  gb_workload *wl = calloc(1, sizeof *wl);
  strcpy(wl->name, "t");
  wl->ngroups = 1;
  wl->single_group = 1;
  wl->groups[0].tasks = 3;
  wl->groups[0].input_bytes = 64;
  wl->groups[0].output_bytes = 64;
  for (int i = 0; i < n; i++)
    wl->groups[0].phases[i] = phases[i];
  wl->groups[0].nphases = n;
  return wl;
}

static int pid_gone(pid_t pid) {
  return kill(pid, 0) != 0 && errno == ESRCH;
}

/* ---- tests ---- */

static void test_registry(void **state) {
  (void)state;
  int n = 0;
  for (int i = 0; gb_ioops[i]; i++, n++) {
    const gb_ioop *o = gb_ioops[i];
    assert_ptr_equal(gb_ioop_find(o->name), o);
    assert_non_null(o->summary);
    assert_non_null(o->run);
    assert_non_null(o->expect);
    assert_non_null(o->estimate_s);
    assert_true(o->nparams >= 0 && o->nparams <= GB_MAX_PARAMS); /* null has none */
    for (int p = 0; p < o->nparams; p++)
      assert_true(o->params[p].min <= o->params[p].def && o->params[p].def <= o->params[p].max);
#ifdef GB_HAVE_LIBUV
    if (!gb_async_has_twin(o->name)) fail_msg("I/O op '%s' has no twin in strategies/async.c", o->name);
#endif
  }
  assert_int_equal(n, 4);
  assert_null(gb_ioop_find("teleport"));
}

static void test_server(void **state) {
  (void)state;
  int port = 0, ctl = -1, report = -1;
  pid_t pid = 0;
  char err[256] = "";
  assert_int_equal(gb_server_start(&port, &pid, &ctl, &report, err, sizeof err), 0);
  assert_true(port > 0 && pid > 0 && report >= 0);
  gb_phase ph = io_phase("tcp");
  ph.params.v[GB_TCP_P_BYTES] = 3000;
  ph.params.v[GB_TCP_P_DELAY] = 20000;
  uint8_t in[64], req[2 * (GB_TCP_HEADER + 3000)], reply[2 * 3000], want[3000];
  gb_payload_fill(5, in, sizeof in);
  gb_io_call call = {.task = 5, .in = in, .in_len = sizeof in};
  size_t len = gb_tcp_request_build(&ph.params, &call, req);
  assert_int_equal(len, GB_TCP_HEADER + 3000);
  gb_tcp_reply_make(req + GB_TCP_HEADER, 3000, want);
  uint64_t body_hash = gb_payload_hash(req + GB_TCP_HEADER, 3000);

  /* the delay is honoured, the reply is the expected one, and so is the op's result */
  int fd = connect_to(port);
  assert_true(fd >= 0);
  uint64_t t0 = gb_now_ns();
  assert_int_equal(gb_write_full(fd, req, len), 0);
  assert_int_equal(gb_read_full(fd, reply, 3000), 0);
  double ms = (double)(gb_now_ns() - t0) * 1e-6;
  assert_memory_equal(reply, want, 3000);
  assert_true(ms >= 20.0);
  assert_int_equal(gb_tcp_result(reply, 3000), op("tcp")->expect(&ph.params, &call));

  /* two requests in one write (pipelined) get two replies, in order */
  memcpy(req + len, req, len);
  assert_int_equal(gb_write_full(fd, req, 2 * len), 0);
  assert_int_equal(gb_read_full(fd, reply, 6000), 0);
  assert_memory_equal(reply, want, 3000);
  assert_memory_equal(reply + 3000, want, 3000);

  /* a second client is served while the first waits on its delay */
  int fd2 = connect_to(port);
  ph.params.v[GB_TCP_P_DELAY] = 0;
  len = gb_tcp_request_build(&ph.params, &call, req);
  assert_int_equal(gb_write_full(fd, req, len), 0);
  assert_int_equal(gb_write_full(fd2, req, len), 0);
  assert_int_equal(gb_read_full(fd2, reply, 3000), 0);
  assert_int_equal(gb_read_full(fd, reply + 3000, 3000), 0);

  /* another protocol: the server hangs up */
  memset(req, 'x', 64);
  assert_int_equal(gb_write_full(fd2, req, 64), 0);
  assert_int_equal(gb_read_full(fd2, reply, 1), 1); /* end of file */
  close(fd2);
  close(fd);

  /* what it served: five whole requests of task 5's body (the other protocol's bytes are not one) */
  struct rusage ru;
  gb_server_tally t;
  assert_int_equal(gb_server_stop(pid, ctl, report, &ru, &t, err, sizeof err), 0);
  assert_int_equal(t.requests, 5);
  assert_int_equal(t.bytes_in, 5 * (GB_TCP_HEADER + 3000));
  assert_int_equal(t.bytes_out, 5 * 3000);
  assert_int_equal(t.digest, 5 * body_hash);
  assert_true(pid_gone(pid));
  assert_int_equal(connect_to(port), -ECONNREFUSED); /* nothing listens there any more */
}

static void test_blocking_ops(void **state) {
  (void)state;
  gb_phase phases[4] = {io_phase("tcp"), io_phase("sleep"), io_phase("file"), io_phase("file")};
  phases[1].params.v[GB_SLEEP_P_US] = 3000;
  phases[2].params.v[GB_FILE_P_FSYNC] = 1;           /* write + fsync */
  phases[3].params.v[GB_FILE_P_MODE] = GB_FILE_READ; /* read the prepared file */
  phases[3].params.v[GB_FILE_P_BYTES] = 100000;
  gb_workload *wl = workload_of(phases, 4);
  char dir[] = "/tmp/gbio_XXXXXX", err[512] = "";
  assert_non_null(mkdtemp(dir));
  gb_io_env env;
  if (gb_io_setup(wl, dir, &env, err, sizeof err) != 0) fail_msg("%s", err);
  assert_true(env.port > 0 && env.scratch[0]);
  gb_job job;
  memset(&job, 0, sizeof job);
  job.wl = wl;
  job.io_port = env.port;
  job.scratch_dir = env.scratch;

  gb_io_worker_begin(&job, 0);
  gb_ctx ctx = counting_ctx();
  uint8_t in[64];
  gb_payload_fill(1, in, sizeof in);
  /* blocking calls: tcp connect+send+recv, then send+recv; sleep 1; file open, write, fsync,
   * close; open, read, close (a 100000-byte read can take more than one read call) */
  static const int min_calls[] = {3, 1, 4, 3};
  for (int round = 0; round < 2; round++)
    for (int p = 0; p < 4; p++) {
      gb_io_call call = {.task = 1, .in = in, .in_len = sizeof in};
      int b0 = g_begins;
      uint64_t t0 = gb_now_ns();
      uint64_t r = gb_io_phase_run(&phases[p], &ctx, 1, in, sizeof in);
      uint64_t dt = gb_now_ns() - t0;
      assert_int_equal(r, phases[p].op->expect(&phases[p].params, &call));
      int calls = g_begins - b0, want = round == 1 && p == 0 ? 2 : min_calls[p];
      if (calls < want)
        fail_msg("%s: %d blocking calls bracketed, expected at least %d", phases[p].op->name, calls, want);
      if (p == 1) assert_int_equal(calls, 1), assert_true(dt >= 3000000u);
      if (p == 2) assert_int_equal(calls, 4);
      assert_int_equal(g_begins, g_ends);
    }
  gb_worker_out out;
  memset(&out, 0, sizeof out);
  gb_io_worker_end(&out);
  assert_int_equal(out.latency.count, 8);
  assert_int_equal(out.io_errors, 0);
  assert_true(out.latency.max_ns >= 3000000u);

  char path[4200];
  gb_file_path(env.scratch, &phases[2].params, 1, path, sizeof path);
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_size, 4096);
  char scratch[4096];
  snprintf(scratch, sizeof scratch, "%s", env.scratch);
  pid_t pid = env.server_pid;
  double u, s;
  gb_server_tally t;
  assert_int_equal(gb_io_teardown(&env, &u, &s, &t, err, sizeof err), 0);
  assert_true(u >= 0 && s >= 0);
  assert_true(pid_gone(pid));
  assert_int_equal(access(scratch, F_OK), -1); /* the scratch folder is gone */
  rmdir(dir);
  free(wl);
}

static void test_failure_fails_fast(void **state) {
  (void)state;
  /* a port nobody listens on: take one from a server, then stop it */
  int port = 0, ctl = -1, report = -1;
  pid_t pid = 0;
  char err[256];
  struct rusage ru;
  gb_server_tally t;
  assert_int_equal(gb_server_start(&port, &pid, &ctl, &report, err, sizeof err), 0);
  assert_int_equal(gb_server_stop(pid, ctl, report, &ru, &t, err, sizeof err), 0);
  assert_int_equal(t.requests, 0);
  gb_phase ph = io_phase("tcp");
  gb_workload *wl = workload_of(&ph, 1);
  gb_job job;
  memset(&job, 0, sizeof job);
  job.wl = wl;
  job.io_port = port;
  gb_io_worker_begin(&job, 0);
  gb_ctx ctx = counting_ctx();
  uint8_t in[64] = {0};
  assert_int_equal(gb_io_phase_run(&ph, &ctx, 0, in, sizeof in), 0);
  int calls = g_begins;
  assert_true(calls >= 1 && g_ends == g_begins);
  assert_int_equal(gb_io_phase_run(&ph, &ctx, 1, in, sizeof in), 0);
  assert_int_equal(g_begins, calls); /* after a failure: no I/O at all */
  gb_worker_out out;
  memset(&out, 0, sizeof out);
  gb_io_worker_end(&out);
  assert_int_equal(out.io_errors, 1);
  assert_int_equal(out.latency.count, 0); /* failed ops are not latencies */
  if (!strstr(out.io_error, "connect")) fail_msg("error: %s", out.io_error);
  free(wl);
}

static void test_reference_and_counts(void **state) {
  (void)state;
  gb_phase phases[3] = {io_phase("sleep"), io_phase("tcp"), io_phase("file")};
  phases[0].params.v[GB_SLEEP_P_US] = 10000000; /* 10 s: the reference path must not sleep */
  gb_workload *wl = workload_of(phases, 3);
  gb_ctx ctx = counting_ctx();
  uint8_t in[64] = {0};
  uint64_t t0 = gb_now_ns();
  gb_io_reference_begin();
  for (int p = 0; p < 3; p++) {
    gb_io_call call = {.task = 2, .in = in, .in_len = sizeof in};
    assert_int_equal(gb_io_phase_run(&phases[p], &ctx, 2, in, sizeof in),
                     phases[p].op->expect(&phases[p].params, &call));
  }
  gb_io_reference_end();
  assert_true(gb_now_ns() - t0 < 1000000000u);
  assert_int_equal(g_begins, 0);
  assert_int_equal(gb_io_ops_planned(wl), 9); /* 3 tasks x 3 I/O phases */
  assert_true(gb_io_uses(wl, "tcp") && gb_io_uses(wl, "file") && !gb_io_uses(wl, "nope"));
  assert_int_equal(gb_io_max_connections(wl), 64);
  assert_true(gb_io_estimate_s(wl) > 3 * 10.0);
  long server, blocking = gb_io_fds_needed(wl, 2, 0, &server), loop = gb_io_fds_needed(wl, 2, 1, &server);
  assert_true(loop > blocking);
  assert_true(server >= 2 * 64); /* a loop's connections, per loop, land on the server */
  free(wl);
}

static void test_sweep(void **state) {
  (void)state;
  char dir[] = "/tmp/gbsweep_XXXXXX", p[256];
  assert_non_null(mkdtemp(dir));
  snprintf(p, sizeof p, "%s/scratch.abc", dir);
  assert_int_equal(mkdir(p, 0755), 0);
  snprintf(p, sizeof p, "%s/scratch.abc/f", dir);
  FILE *f = fopen(p, "w");
  fclose(f);
  snprintf(p, sizeof p, "%s/results.json", dir);
  f = fopen(p, "w");
  fclose(f);
  gb_io_sweep(dir);
  snprintf(p, sizeof p, "%s/scratch.abc", dir);
  assert_int_equal(access(p, F_OK), -1);
  snprintf(p, sizeof p, "%s/results.json", dir);
  assert_int_equal(access(p, F_OK), 0); /* only scratch folders go */
  unlink(p);
  rmdir(dir);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_registry),
      cmocka_unit_test(test_server),
      cmocka_unit_test(test_blocking_ops),
      cmocka_unit_test(test_failure_fails_fast),
      cmocka_unit_test(test_reference_and_counts),
      cmocka_unit_test(test_sweep),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
