/* mpi.c: Open MPI ranks, on this machine or across hosts. This side runs in the repetition's
 * process: it starts mpiexec (an argv array, never a shell) on `gilbench __mpi-rank SPEC`, reads
 * rank 0's report lines from mpiexec's output, and fills the repetition. The ranks themselves are
 * strategies/mpi/rank.c. Rank 0 hands out the tasks and computes too: -n RANKS counts every rank.
 * Launch (mpiexec until every rank's begin hook has run) is startup_s; wall_s is rank 0's clock. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "counters.h"
#include "ioop.h"
#include "mpi_spec.h"

enum { MPI_OPT_LAUNCHER, MPI_OPT_HOSTFILE, MPI_OPT_ARGS, MPI_OPT_AGENT, MPI_OPT_INFLIGHT };

static const gb_param_def mpi_options[] = {
    [MPI_OPT_LAUNCHER] = {"launcher", "mpiexec to run: a name on PATH or an absolute path (empty: mpiexec)",
                          0, 0, 0, GB_PARAM_COMMAND},
    [MPI_OPT_HOSTFILE] = {"hostfile",
                          "Open MPI host file naming the hosts and their slots (empty: this machine)", 0, 0,
                          0, GB_PARAM_TEXT},
    [MPI_OPT_ARGS] = {"args", "more mpiexec arguments, separated by spaces (--mca NAME VALUE, --map-by ...)",
                      0, 0, 0, GB_PARAM_TEXT},
    [MPI_OPT_AGENT] = {"agent", "program that starts Open MPI's daemons on the other hosts (empty: ssh)", 0,
                       0, 0, GB_PARAM_COMMAND},
    [MPI_OPT_INFLIGHT] = {"inflight", "chunks outstanding per rank (pipelining)", 2, 1, 32, NULL},
};

static const gb_metric_def mpi_metrics[] = {
    {"ipc_bytes", "bytes", GB_AGG_SUM, "payload and header bytes rank 0 exchanged with the other ranks"},
    {"ipc_messages", "count", GB_AGG_SUM, "messages rank 0 exchanged with the other ranks"},
    {"hosts", "count", GB_AGG_MAX, "distinct hosts the ranks ran on"},
    {"oversubscribed", "bool", GB_AGG_MAX,
     "more ranks than this machine's PUs (mpiexec --oversubscribe): ranks take turns on the PUs"},
};

static const char *mpi_unavailable(void) {
#ifdef GB_HAVE_MPI
  return NULL;
#else
  return "built without MPI (Open MPI not found, or -DGB_WITH_MPI=OFF as in the sanitizer presets; "
         "scripts/setup.sh --with mpi installs it)";
#endif
}

/* ---- hex, shared with the ranks ---- */

void gb_mpi_hex_encode(const void *data, size_t n, char *out) {
  static const char digits[] = "0123456789abcdef";
  const uint8_t *p = data;
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  out[2 * n] = '\0';
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int gb_mpi_hex_decode(const char *text, void *data, size_t n) {
  uint8_t *p = data;
  for (size_t i = 0; i < n; i++) {
    int hi = hexval(text[2 * i]), lo = hi < 0 ? -1 : hexval(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return -1;
    p[i] = (uint8_t)(hi << 4 | lo);
  }
  return text[2 * n] == '\0' || text[2 * n] == '\n' ? 0 : -1;
}

/* ---- the command line given to mpiexec ---- */

typedef struct mpi_argv {
  char **v;
  int n, cap;
} mpi_argv;

static void argv_add(mpi_argv *a, const char *s) {
  if (a->n + 2 > a->cap) {
    a->cap = a->cap ? a->cap * 2 : 32;
    a->v = gb_xrealloc(a->v, sizeof *a->v * (size_t)a->cap);
  }
  a->v[a->n++] = gb_xstrdup(s);
  a->v[a->n] = NULL;
}

static void argv_free(mpi_argv *a) {
  for (int i = 0; i < a->n; i++)
    free(a->v[i]);
  free(a->v);
}

/* A program named by an option: an absolute path to an executable file, or a plain name found on
 * PATH by execvp. Nothing that a shell would interpret. */
static int check_program(const char *what, const char *p, char *err, size_t errlen) {
  for (const char *c = p; *c; c++)
    if (!(isalnum((unsigned char)*c) || strchr("/._+-", *c))) {
      snprintf(err, errlen, "mpi.%s '%s': only a path or program name (letters, digits, / . _ + -)", what, p);
      return GB_EINVAL;
    }
  if (strchr(p, '/') && access(p, X_OK) != 0) {
    snprintf(err, errlen, "mpi.%s '%s': not an executable file: %s", what, p, strerror(errno));
    return GB_EINVAL;
  }
  return 0;
}

/* mpi.args, split at spaces. Each word is an argument of mpiexec's own; what would start a program
 * other than gilbench (an agent, a launch agent, a wrapper or a second app) is mpi.agent's or
 * refused, since mpi.args may come from a suite file. */
static int add_user_args(mpi_argv *a, const char *text, char *err, size_t errlen) {
  static const char *const refused[] = {"agent", "launch", "prefix", ":", "-app", "--app", "orted", "exec"};
  char *dup = gb_xstrdup(text), *save = NULL;
  int rc = 0;
  for (char *w = strtok_r(dup, " \t", &save); w && rc == 0; w = strtok_r(NULL, " \t", &save)) {
    for (const char *c = w; *c && rc == 0; c++)
      if (!(isalnum((unsigned char)*c) || strchr("-_.,:=/+@%^", *c))) rc = GB_EINVAL;
    for (size_t k = 0; k < GB_ARRAY_LEN(refused) && rc == 0; k++)
      if (strcmp(refused[k], ":") == 0 ? strcmp(w, ":") == 0 : strstr(w, refused[k]) != NULL) rc = GB_EINVAL;
    if (rc)
      snprintf(err, errlen,
               "mpi.args: '%s' is not accepted (plain mpiexec options only; a program to "
               "start other hosts' daemons is mpi.agent, given with --set)",
               w);
    else
      argv_add(a, w);
  }
  free(dup);
  return rc;
}

/* Whether the user's arguments already say `name` (so ours does not override theirs). */
static int user_says(const char *args, const char *name) {
  return strstr(args, name) != NULL;
}

/* Build mpiexec's argv for job (the rank's spec as its last argument). */
/* Open MPI's transport and scheduling settings, each only where the user's mpi.args does not
 * give it. */
static void add_transport(mpi_argv *a, const char *args, int multi_host) {
  if (!user_says(args, "--bind-to")) { /* gilbench binds (--bind) in the worker hooks itself */
    argv_add(a, "--bind-to");
    argv_add(a, "none");
  }
  if (!user_says(args, "btl")) {
    argv_add(a, "--mca");
    argv_add(a, "btl");
    if (multi_host) {
      argv_add(a, "tcp,self"); /* between hosts: TCP */
    } else {
      /* One machine: shared memory, copying through its FIFO: the single-copy mechanism (CMA)
       * needs ptrace rights that containers usually deny. */
      argv_add(a, "self,vader");
      argv_add(a, "--mca");
      argv_add(a, "btl_vader_single_copy_mechanism");
      argv_add(a, "none");
    }
  }
  if (!user_says(args, "mpi_yield_when_idle")) {
    /* No yield inside MPI calls: rank 0 looks for messages inside its own tasks, where a yield
     * would give its PU away every time (mpi/rank.c, rank_complete); the ranks sleep between
     * polls themselves when they have nothing to do. Given here, it holds when oversubscribed too,
     * where Open MPI would turn it on. */
    argv_add(a, "--mca");
    argv_add(a, "mpi_yield_when_idle");
    argv_add(a, "0");
  }
}

/* The launcher and where ranks go: mpiexec, root's permission, the host file or oversubscription
 * on this machine. */
static int add_launcher(const gb_job *job, mpi_argv *a, int *oversubscribed, char *err, size_t errlen) {
  const char *launcher = gb_param_text(job->opts[MPI_OPT_LAUNCHER]);
  const char *hostfile = gb_param_text(job->opts[MPI_OPT_HOSTFILE]);
  const char *agent = gb_param_text(job->opts[MPI_OPT_AGENT]);
  if (!launcher[0]) launcher = "mpiexec";
  if (check_program("launcher", launcher, err, errlen) != 0) return GB_EINVAL;
  if (agent[0] && check_program("agent", agent, err, errlen) != 0) return GB_EINVAL;
  argv_add(a, launcher);
  if (geteuid() == 0) argv_add(a, "--allow-run-as-root"); /* containers run as root; so may we */
  if (hostfile[0]) {
    struct stat st;
    errno = 0;
    if (stat(hostfile, &st) != 0 || !S_ISREG(st.st_mode)) {
      snprintf(err, errlen, "mpi.hostfile '%s': %s", hostfile,
               errno ? strerror(errno) : "not a regular file");
      return GB_EINVAL;
    }
    argv_add(a, "--hostfile");
    argv_add(a, hostfile);
  } else {
    /* Without a host file every rank is on this machine: let ranks exceed Open MPI's slot count
     * (its cores), and say so when they exceed the PUs. */
    argv_add(a, "--oversubscribe");
    *oversubscribed = job->workers > sysconf(_SC_NPROCESSORS_ONLN);
  }
  if (agent[0]) {
    argv_add(a, "--mca");
    argv_add(a, "plm_rsh_agent");
    argv_add(a, agent);
  }
  return 0;
}

static int build_argv(const gb_job *job, const char *spec_hex, mpi_argv *a, int *oversubscribed, char *err,
                      size_t errlen) {
  const char *args = gb_param_text(job->opts[MPI_OPT_ARGS]);
  int rc = add_launcher(job, a, oversubscribed, err, errlen);
  if (rc != 0) return rc;
  add_transport(a, args, gb_param_text(job->opts[MPI_OPT_HOSTFILE])[0] != '\0');
  argv_add(a, "-x"); /* the run secret: in the environment spawn() gives mpiexec, never in argv */
  argv_add(a, GB_MPI_SECRET_ENV);
  if (getenv("GILBENCH_TEST_FAULT")) { /* the test-only fault switch reaches every host's ranks */
    argv_add(a, "-x");
    argv_add(a, "GILBENCH_TEST_FAULT");
  }
  if (add_user_args(a, args, err, errlen) != 0) return GB_EINVAL;
  char n[16], self[PATH_MAX];
  snprintf(n, sizeof n, "%d", job->workers);
  argv_add(a, "-n");
  argv_add(a, n);
  ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
  if (sl <= 0) {
    snprintf(err, errlen, "cannot find this gilbench's path (/proc/self/exe): %s", strerror(errno));
    return GB_EIO;
  }
  self[sl] = '\0';
  argv_add(a, self); /* the same gilbench, at the same path, on every host */
  argv_add(a, "__mpi-rank");
  argv_add(a, spec_hex);
  return 0;
}

/* The rank's spec for job. Returns 0, or GB_EINVAL with err. */
static int make_spec(const gb_job *job, gb_mpi_spec *sp, char *err, size_t errlen) {
  memset(sp, 0, sizeof *sp);
  sp->magic = GB_MPI_MAGIC;
  sp->size = sizeof *sp;
  sp->ntasks = job->ntasks;
  sp->chunk = job->chunk;
  sp->workers = job->workers;
  sp->schedule = (int32_t)job->schedule;
  sp->inflight = (int32_t)job->opts[MPI_OPT_INFLIGHT];
  sp->io_port = job->io_port;
  sp->timeout_s = job->timeout_s > 0 ? job->timeout_s * 0.6 : 0; /* before the launcher's 0.75 */
  gethostname(sp->launcher_host, sizeof sp->launcher_host - 1);
  snprintf(sp->scratch_dir, sizeof sp->scratch_dir, "%s", job->scratch_dir ? job->scratch_dir : "");
  snprintf(sp->binding, sizeof sp->binding, "%s", job->binding ? job->binding : "none");
  if (job->counters) {
    snprintf(sp->counters_spec, sizeof sp->counters_spec, "%s", job->counters->spec);
    if (job->counters->forced)
      snprintf(sp->counters_backend, sizeof sp->counters_backend, "%s", job->counters->forced->name);
  }
  sp->wl = *job->wl;
  sp->wl.profiles = NULL;
  sp->wl.nprofiles = 0;
  for (int g = 0; g < sp->wl.ngroups; g++)
    for (int p = 0; p < sp->wl.groups[g].nphases; p++) {
      gb_phase *ph = &sp->wl.groups[g].phases[p];
      const char *name = ph->kind == GB_PHASE_CPU ? ph->kernel->name : ph->op->name;
      snprintf(sp->kernel[g][p], GB_NAME_MAX, "%s", name);
      ph->kernel = NULL;
      ph->op = NULL;
    }
  uint64_t biggest =
      job->chunk * (uint64_t)(gb_workload_max_input(job->wl) + gb_workload_max_output(job->wl) + 8);
  if (biggest + 64 > (uint64_t)INT32_MAX) {
    snprintf(err, errlen,
             "a chunk of %llu tasks and its payloads (%llu bytes) exceeds one MPI message (2 GiB); "
             "lower the chunk",
             (unsigned long long)job->chunk, (unsigned long long)biggest);
    return GB_EINVAL;
  }
  return 0;
}

/* ---- running mpiexec and reading rank 0's lines ---- */

/* One output stream of mpiexec, read line by line. */
typedef struct mpi_stream {
  int fd;
  char *buf;
  size_t len, cap;
} mpi_stream;

/* What the launcher learns during one repetition. */
typedef struct mpi_launch {
  const gb_job *job;
  gb_rep *rep;
  uint64_t t_ready, t_result;
  int ready, have_result;
  char ranks_hosts[512]; /* from READY: "h1 h2 ..." */
  char fail[900];        /* a rank's FAIL or HANG line */
  int hang;              /* it was HANG: a rank did not answer in time */
  char noticed[600];     /* mpiexec's "noticed that process rank N ... on node H ..." */
  char tail[600];        /* the last lines of mpiexec's other output */
  gb_mpi_head head;
} mpi_launch;

static void keep_tail(mpi_launch *L, const char *line) {
  size_t n = strlen(L->tail), add = strlen(line) + 3;
  if (n + add >= sizeof L->tail) {
    const char *cut = L->tail + (n + add - sizeof L->tail);
    memmove(L->tail, cut, strlen(cut) + 1);
  }
  if (line[0])
    snprintf(L->tail + strlen(L->tail), sizeof L->tail - strlen(L->tail), "%s%s", L->tail[0] ? " | " : "",
             line);
}

/* Rank 0's RESULT: the head, then every rank's record into rep->workers. */
static void take_result(mpi_launch *L, const char *hex) {
  size_t len = strlen(hex) / 2;
  if (len < sizeof(gb_mpi_head)) return;
  uint8_t *b = gb_xmalloc(len);
  if (gb_mpi_hex_decode(hex, b, len) == 0) {
    gb_mpi_head h;
    memcpy(&h, b, sizeof h);
    if (h.magic == GB_MPI_MAGIC && h.nranks == L->job->workers &&
        len == sizeof h + (size_t)h.nranks * sizeof(gb_mpi_rank)) {
      L->head = h;
      for (int r = 0; r < h.nranks; r++) {
        gb_mpi_rank rk;
        memcpy(&rk, b + sizeof h + (size_t)r * sizeof rk, sizeof rk);
        L->rep->workers[r] = rk.out;
      }
      L->have_result = 1;
      L->t_result = gb_now_ns();
    }
  }
  free(b);
}

/* Rank 0's HOSTS line: written where the runner merges it into meta.mpi. */
static void take_hosts(mpi_launch *L, const char *json) {
  if (!L->job->artifact_path) return;
  char path[PATH_MAX + 96];
  snprintf(path, sizeof path, "%s-hosts.json", L->job->artifact_path);
  FILE *f = fopen(path, "w");
  if (!f) return;
  fputs(json, f);
  fclose(f);
}

static void take_line(mpi_launch *L, char *line, int is_err) {
  size_t n = strlen(line);
  while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
    line[--n] = '\0';
  size_t pl = strlen(GB_MPI_LINE);
  if (!is_err && strncmp(line, GB_MPI_LINE, pl) == 0) {
    const char *w = line + pl;
    if (strncmp(w, "READY ", 6) == 0) {
      L->ready = 1;
      L->t_ready = gb_now_ns();
      snprintf(L->ranks_hosts, sizeof L->ranks_hosts, "%s", w + 6);
    } else if (strncmp(w, "RESULT ", 7) == 0) {
      take_result(L, w + 7);
    } else if (strncmp(w, "HOSTS ", 6) == 0) {
      take_hosts(L, w + 6);
    } else if ((strncmp(w, "FAIL ", 5) == 0 || strncmp(w, "HANG ", 5) == 0) && !L->fail[0]) {
      snprintf(L->fail, sizeof L->fail, "%s", w + 5);
      L->hang = w[0] == 'H';
    }
    return;
  }
  const char *p = strstr(line, "noticed that process rank");
  if (p && !L->noticed[0]) {
    snprintf(L->noticed, sizeof L->noticed, "%s", p);
    return;
  }
  int dashes = strspn(line, "-") == n && n > 0;
  if (!dashes) keep_tail(L, line);
}

/* Read what is there on stream s; 1 at end of file. */
static int pump(mpi_launch *L, mpi_stream *s, int is_err) {
  if (s->cap - s->len < 65536) {
    s->cap = s->cap * 2 + 65536;
    s->buf = gb_xrealloc(s->buf, s->cap);
  }
  ssize_t r = read(s->fd, s->buf + s->len, s->cap - s->len - 1);
  if (r < 0) return errno == EINTR || errno == EAGAIN ? 0 : 1;
  if (r == 0) return 1;
  s->len += (size_t)r;
  s->buf[s->len] = '\0';
  char *start = s->buf, *nl;
  while ((nl = memchr(start, '\n', s->len - (size_t)(start - s->buf)))) {
    *nl = '\0';
    take_line(L, start, is_err);
    start = nl + 1;
  }
  size_t rest = s->len - (size_t)(start - s->buf);
  memmove(s->buf, start, rest);
  s->len = rest;
  return 0;
}

/* Start mpiexec with its output on two pipes and the run secret in its environment (secret: 16
 * hex digits); returns its pid or -1 with err. */
static pid_t spawn(const mpi_argv *a, const char *secret, int *out_fd, int *err_fd, char *err,
                   size_t errlen) {
  int po[2], pe[2], px[2];
  if (pipe2(po, O_CLOEXEC) != 0) goto fail0;
  if (pipe2(pe, O_CLOEXEC) != 0) goto fail1;
  if (pipe2(px, O_CLOEXEC) != 0) goto fail2; /* exec failure report */
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) goto fail3;
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the repetition */
    dup2(po[1], 1);
    dup2(pe[1], 2);
    int devnull = open("/dev/null", O_RDONLY); /* nothing for mpiexec to forward to rank 0 */
    if (devnull >= 0) dup2(devnull, 0);
    signal(SIGPIPE, SIG_DFL);
    if (geteuid() == 0) { /* as --allow-run-as-root, for the daemons on other hosts too */
      setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
      setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
    }
    setenv(GB_MPI_SECRET_ENV, secret, 1); /* only the owner reads /proc/PID/environ */
    execvp(a->v[0], a->v);
    int e = errno;
    if (write(px[1], &e, sizeof e) < 0) {
    }
    _exit(127);
  }
  close(po[1]), close(pe[1]), close(px[1]);
  int e = 0;
  ssize_t r;
  while ((r = read(px[0], &e, sizeof e)) < 0 && errno == EINTR) {
  }
  close(px[0]);
  if (r == (ssize_t)sizeof e) {
    snprintf(err, errlen, "cannot run %s: %s", a->v[0], strerror(e));
    close(po[0]), close(pe[0]);
    waitpid(pid, NULL, 0);
    return -1;
  }
  *out_fd = po[0];
  *err_fd = pe[0];
  return pid;
fail3:
  close(px[0]), close(px[1]);
fail2:
  close(pe[0]), close(pe[1]);
fail1:
  close(po[0]), close(po[1]);
fail0:
  snprintf(err, errlen, "starting %s: %s", a->v[0], strerror(errno));
  return -1;
}

/* Stop mpiexec: SIGTERM (it then ends its ranks on every host), SIGKILL after a grace. */
static int stop_launcher(pid_t pid, double grace_s) {
  int st = 0;
  kill(pid, SIGTERM);
  uint64_t until = gb_now_ns() + (uint64_t)(grace_s * 1e9);
  while (gb_now_ns() < until) {
    pid_t w = waitpid(pid, &st, WNOHANG);
    if (w == pid) return st;
    usleep(20000);
  }
  kill(pid, SIGKILL);
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return st;
}

/* The first host of READY's list: rank 0's. */
static void rank0_host(const mpi_launch *L, char *out, size_t len) {
  size_t n = strcspn(L->ranks_hosts, " ");
  snprintf(out, len, "%.*s", (int)n, L->ranks_hosts[0] ? L->ranks_hosts : "?");
}

/* Why a repetition without a result failed, naming the rank and host where known. */
static int explain_failure(mpi_launch *L, int st, int timed_out) {
  char h0[GB_MPI_HOST_MAX];
  rank0_host(L, h0, sizeof h0);
  if (L->fail[0]) return gb_rep_fail(L->rep, L->hang ? GB_ETIMEOUT : GB_EIO, "%s", L->fail);
  int rank = -1;
  char node[GB_MPI_HOST_MAX] = "", *on = L->noticed[0] ? strstr(L->noticed, " on node ") : NULL;
  if (on && sscanf(L->noticed, "noticed that process rank %d", &rank) == 1 &&
      sscanf(on, " on node %63s", node) == 1) {
    const char *rest = strchr(on + 9, ' '); /* after the node: "exited on signal 6 (Aborted)." */
    return gb_rep_fail(L->rep, GB_EIO, "rank %d (host %s)%s", rank, node, rest ? rest : " ended");
  }
  if (L->noticed[0]) return gb_rep_fail(L->rep, GB_EIO, "mpiexec %s", L->noticed);
  if (timed_out)
    return gb_rep_fail(L->rep, GB_ETIMEOUT,
                       "%s: rank 0 (host %s) reported no result within %.3g s; mpiexec "
                       "stopped with every rank",
                       L->ready ? "ranks started" : "ranks never all started", h0, L->job->timeout_s * 0.75);
  char how[96];
  if (WIFSIGNALED(st))
    snprintf(how, sizeof how, "was killed by signal %d", WTERMSIG(st));
  else
    snprintf(how, sizeof how, "exited with status %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return gb_rep_fail(L->rep, GB_EIO, "mpiexec %s before rank 0 reported a result%s%s", how,
                     L->tail[0] ? ": " : "", L->tail);
}

/* The repetition's record from rank 0's result. */
static void record_result(const mpi_launch *L, gb_rep *rep, uint64_t t_launch, uint64_t t_end) {
  rep->wall_s = L->head.wall_s;
  rep->teardown_s = (double)(t_end - L->t_result) * 1e-9;
  /* The timing contract's marks, on this process's clock: launch, every rank ready (each rank's
   * begin hook ran before its READY, and rank 0 starts its clock after a barrier of them all),
   * rank 0's wall time after that, and the launcher's teardown. The ranks' hooks stamp other
   * processes' (and hosts') clocks, so the order against them is rank 0's to keep: no_hooks. */
  rep->t_create_ns = t_launch;
  rep->t_start_ns = L->t_ready;
  rep->t_stop_ns = L->t_ready + (uint64_t)(L->head.wall_s * 1e9 + 0.5);
  rep->t_joined_ns = rep->t_stop_ns + (t_end > L->t_result ? t_end - L->t_result : 0);
  if (rep->t_stop_ns <= rep->t_start_ns) rep->t_stop_ns = rep->t_start_ns + 1;
  rep->no_hooks = 1;
  rep->checksum = L->head.checksum;
  rep->tasks_done = L->head.collected;
  gb_metric_add(rep, "ipc_bytes", L->head.ipc_bytes);
  gb_metric_add(rep, "ipc_messages", L->head.ipc_messages);
  gb_metric_add(rep, "hosts", L->head.hosts);
}

/* Reads both of mpiexec's streams until it closes them, or the deadline: before the repetition's
 * own timeout, so the failure still says which rank and host did not answer. Returns whether the
 * deadline passed with no rank having said why. */
static int pump_until_closed(mpi_launch *L, mpi_stream s[2], uint64_t deadline) {
  int open_streams = 2, timed_out = 0, failing = 0;
  while (open_streams > 0) {
    struct pollfd pf[2];
    for (int i = 0; i < 2; i++)
      pf[i] = (struct pollfd){.fd = s[i].fd, .events = POLLIN};
    int wait_ms = 100;
    if (L->fail[0] && !failing) { /* a rank said why: give mpiexec a moment to end the job itself */
      failing = 1;
      uint64_t soon = gb_now_ns() + 1000000000u;
      if (!deadline || soon < deadline) deadline = soon;
    }
    if (deadline && gb_now_ns() >= deadline) {
      timed_out = !failing;
      break;
    }
    if (poll(pf, 2, wait_ms) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; i++)
      if (s[i].fd >= 0 && (pf[i].revents & (POLLIN | POLLHUP | POLLERR)) && pump(L, &s[i], i == 1)) {
        close(s[i].fd);
        s[i].fd = -1;
        open_streams--;
      }
  }
  return timed_out;
}

static int mpi_run(const gb_job *job, gb_rep *rep) {
  char err[1024];
  gb_mpi_spec *sp = gb_xmalloc(sizeof *sp);
  if (make_spec(job, sp, err, sizeof err) != 0) {
    free(sp);
    return gb_rep_fail(rep, GB_EINVAL, "%s", err);
  }
  char *hex = gb_xmalloc(2 * sizeof *sp + 1);
  gb_mpi_hex_encode(sp, sizeof *sp, hex);
  free(sp);
  mpi_argv a = {0};
  int over = 0, rc = build_argv(job, hex, &a, &over, err, sizeof err);
  free(hex);
  if (rc != 0) {
    argv_free(&a);
    return gb_rep_fail(rep, rc, "%s", err);
  }
  gb_metric_add(rep, "oversubscribed", over); /* the console says so once, naming the cells */

  mpi_launch L;
  memset(&L, 0, sizeof L);
  L.job = job;
  L.rep = rep;
  mpi_stream s[2] = {{.fd = -1}, {.fd = -1}};
  char secret[17];
  snprintf(secret, sizeof secret, "%016llx", (unsigned long long)gb_run_secret());
  uint64_t t_launch = gb_now_ns();
  pid_t pid = spawn(&a, secret, &s[0].fd, &s[1].fd, err, sizeof err);
  argv_free(&a);
  if (pid < 0) return gb_rep_fail(rep, GB_EIO, "%s", err);

  int timed_out =
      pump_until_closed(&L, s, job->timeout_s > 0 ? t_launch + (uint64_t)(job->timeout_s * 0.75e9) : 0);
  int st = 0;
  if (timed_out || L.fail[0]) {
    double grace = job->timeout_s > 0 ? job->timeout_s * 0.1 : 2.0;
    st = stop_launcher(pid, grace < 2.0 ? grace : 2.0);
  } else {
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
  }
  uint64_t t_end = gb_now_ns();
  for (int i = 0; i < 2; i++) {
    if (s[i].fd >= 0) close(s[i].fd);
    free(s[i].buf);
  }

  rep->startup_s = L.ready ? (double)(L.t_ready - t_launch) * 1e-9 : (double)(t_end - t_launch) * 1e-9;
  if (!L.have_result || L.fail[0]) {
    rc = explain_failure(&L, st, timed_out);
    return rc ? rc : GB_EIO;
  }
  record_result(&L, rep, t_launch, t_end);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
    return gb_rep_fail(rep, GB_EIO, "mpiexec exited with %s %d after the result%s%s",
                       WIFEXITED(st) ? "status" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st),
                       L.tail[0] ? ": " : "", L.tail);
  return 0;
}

const gb_strategy gb_strategy_mpi = {
    .name = "mpi",
    .summary = "Open MPI ranks (one machine or a cluster); rank 0 hands out chunks and computes too",
    .caps = GB_CAP_PARALLEL_CPU | GB_CAP_LAUNCHER,
    .baseline = "serial",
    .fixed_cost_s = 1.0, /* mpiexec's launch and the ranks' end (startup_s + teardown_s): 1.3 s a
                            repetition on this 2-core VM under load; the estimate's part only */
    .options = mpi_options,
    .noptions = GB_ARRAY_LEN(mpi_options),
    .metrics = mpi_metrics,
    .nmetrics = GB_ARRAY_LEN(mpi_metrics),
    .unavailable = mpi_unavailable,
    .run = mpi_run,
};
