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

#include <dirent.h>
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
#include "server.h"

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

/* Where parameter `name` of the phase's op goes (a test typo fails here, not silently). */
static int64_t *param(gb_phase *ph, const char *name) {
  int i = gb_param_find(ph->op->params, ph->op->nparams, name);
  if (i < 0) fail_msg("op %s has no parameter %s", ph->op->name, name);
  return &ph->params.v[i];
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
    if (!o->twin || !o->twin->start) fail_msg("I/O op '%s' has no event-loop twin", o->name);
    if (o->twin->loop_bytes && !o->twin->loop_open && !o->twin->loop_close)
      fail_msg("I/O op '%s': loop state nobody opens or closes", o->name);
#else
    assert_null(o->twin); /* built without libuv */
#endif
  }
  assert_int_equal(n, 4);
  assert_null(gb_ioop_find("teleport"));
}

/* Every *.c of `dir` that defines an op (`const gb_ioop gb_ioop_NAME =`): NAME, into names. */
static int op_files(const char *dir, char names[][64], int max) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  struct dirent *de;
  int n = 0;
  while ((de = readdir(d))) {
    size_t len = strlen(de->d_name);
    if (len < 3 || strcmp(de->d_name + len - 2, ".c") != 0) continue;
    char path[4096], line[512];
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
      char name[64];
      if (sscanf(line, "const gb_ioop gb_ioop_%63[A-Za-z0-9_] =", name) != 1) continue;
      if (strlen(name) + 2 != len || strncmp(name, de->d_name, len - 2) != 0)
        fail_msg("%s defines gb_ioop_%s: an op's file is named after it", path, name);
      assert_true(n < max);
      snprintf(names[n++], 64, "%s", name);
    }
    fclose(f);
  }
  closedir(d);
  return n;
}

/* Whether `needle` occurs in the file. */
static int file_mentions(const char *path, const char *needle) {
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char line[1024];
  int hit = 0;
  while (!hit && fgets(line, sizeof line, f))
    hit = strstr(line, needle) != NULL;
  fclose(f);
  return hit;
}

/* An op is one C file and one Python file, each in one list: the registry (ops.c) names exactly
 * the files that define an op, each op has its Python twin's file, and neither the harness's I/O
 * side nor the async strategy names an op. */
static void test_registry_matches_files(void **state) {
  (void)state;
  char names[64][64], path[4096];
  int n = op_files(GB_SOURCE_DIR "/workloads/io", names, 64), listed = 0;
  for (int i = 0; i < n; i++)
    if (!gb_ioop_find(names[i]))
      fail_msg("workloads/io/%s.c defines an op that ops.c does not list", names[i]);
  for (int i = 0; gb_ioops[i]; i++, listed++) {
    snprintf(path, sizeof path, GB_SOURCE_DIR "/workloads/python/gilbench/ops/%s.py", gb_ioops[i]->name);
    if (access(path, R_OK) != 0) fail_msg("I/O op '%s' has no Python twin %s", gb_ioops[i]->name, path);
    char quoted[80];
    snprintf(quoted, sizeof quoted, "\"%s\"", gb_ioops[i]->name);
    static const char *const generic[] = {"/strategies/async.c", "/harness/task/io.c",
                                          "/workloads/io/ioop.h"};
    for (size_t g = 0; g < GB_ARRAY_LEN(generic); g++) {
      snprintf(path, sizeof path, GB_SOURCE_DIR "%s", generic[g]);
      if (access(path, R_OK) != 0) fail_msg("%s is not there (moved? update this test)", path);
      if (file_mentions(path, quoted))
        fail_msg("%s names the op %s: drive ops through their hooks", generic[g], quoted);
    }
  }
  assert_int_equal(listed, n);
  DIR *d = opendir(GB_SOURCE_DIR "/workloads/python/gilbench/ops");
  assert_non_null(d);
  struct dirent *de;
  while ((de = readdir(d))) {
    size_t len = strlen(de->d_name);
    if (len < 4 || strcmp(de->d_name + len - 3, ".py") != 0 || de->d_name[0] == '_') continue;
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(len - 3), de->d_name);
    if (!gb_ioop_find(name)) fail_msg("gilbench/ops/%s is a Python op with no C op", de->d_name);
  }
  closedir(d);
}

/* Stop test_server's server and check what it served: five whole requests of task 5's body
 * (body_hash; the other protocol's bytes are not one), and that it is gone, process and port. */
static void check_served(pid_t pid, int ctl, int report, int port, uint64_t body_hash) {
  struct rusage ru;
  gb_server_tally t;
  char err[256] = "";
  assert_int_equal(gb_server_stop(pid, ctl, report, &ru, &t, err, sizeof err), 0);
  assert_int_equal(t.requests, 5);
  assert_int_equal(t.bytes_in, 5 * (GB_TCP_HEADER + 3000));
  assert_int_equal(t.bytes_out, 5 * 3000);
  assert_int_equal(t.digest, 5 * body_hash);
  assert_true(pid_gone(pid));
  assert_int_equal(connect_to(port), -ECONNREFUSED); /* nothing listens there any more */
}

static void test_server(void **state) {
  (void)state;
  int port = 0, ctl = -1, report = -1;
  pid_t pid = 0;
  char err[256] = "";
  assert_int_equal(gb_server_start(&port, &pid, &ctl, &report, err, sizeof err), 0);
  assert_true(port > 0 && pid > 0 && report >= 0);
  gb_phase ph = io_phase("tcp");
  *param(&ph, "bytes") = 3000;
  *param(&ph, "delay_us") = 20000;
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
  *param(&ph, "delay_us") = 0;
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

  check_served(pid, ctl, report, port, body_hash);
}

/* test_blocking_ops's four phases (tcp, sleep, file write, file read), each run twice by one
 * worker: its expected result, and every blocking call bracketed: tcp connect+send+recv, then
 * send+recv; sleep 1; file open, write, fsync, close; open, read, close (a 100000-byte read can
 * take more than one read call). */
static void run_blocking_rounds(gb_phase phases[4]) {
  gb_ctx ctx = counting_ctx();
  uint8_t in[64];
  gb_payload_fill(1, in, sizeof in);
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
}

/* A repetition's I/O teardown: the server's CPU time read, its process gone, the scratch folder
 * removed. */
static void check_teardown(gb_io_env *env) {
  char scratch[4096], err[512] = "";
  snprintf(scratch, sizeof scratch, "%s", env->scratch);
  pid_t pid = env->server_pid;
  double u, s;
  gb_server_tally t;
  if (gb_io_teardown(env, &u, &s, &t, err, sizeof err) != 0) fail_msg("%s", err);
  assert_true(u >= 0 && s >= 0);
  assert_true(pid_gone(pid));
  assert_int_equal(access(scratch, F_OK), -1); /* the scratch folder is gone */
}

static void test_blocking_ops(void **state) {
  (void)state;
  gb_phase phases[4] = {io_phase("tcp"), io_phase("sleep"), io_phase("file"), io_phase("file")};
  *param(&phases[1], "us") = 3000;
  *param(&phases[2], "fsync") = 1; /* write + fsync */
  *param(&phases[3], "mode") = 0;  /* read the prepared file */
  *param(&phases[3], "bytes") = 100000;
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
  run_blocking_rounds(phases);
  gb_worker_out out;
  memset(&out, 0, sizeof out);
  gb_io_worker_end(&out);
  assert_int_equal(out.latency.count, 8);
  assert_int_equal(out.io_errors, 0);
  assert_true(out.latency.max_ns >= 3000000u);

  char path[4200];
  snprintf(path, sizeof path, "%s/task-1-4096.dat", env.scratch); /* file.c's name for it */
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_size, 4096);
  check_teardown(&env);
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
  *param(&phases[0], "us") = 10000000; /* 10 s: the reference path must not sleep */
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
  assert_int_equal(gb_io_loop_limit(wl), 64);
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
      cmocka_unit_test(test_registry_matches_files),
      cmocka_unit_test(test_server),
      cmocka_unit_test(test_blocking_ops),
      cmocka_unit_test(test_failure_fails_fast),
      cmocka_unit_test(test_reference_and_counts),
      cmocka_unit_test(test_sweep),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
