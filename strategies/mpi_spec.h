/* mpi_spec.h: what the mpi strategy's launcher (strategies/mpi.c, inside gilbench run) and its
 * ranks (strategies/mpi/rank.c, `gilbench __mpi-rank`, started by mpiexec) say to each other.
 * Launcher -> ranks: one gb_mpi_spec, hex-encoded as the rank's argument (every rank runs the same
 * gilbench build, so the plain struct is the format; magic and size catch a different build).
 * Rank 0 -> launcher: lines on its standard output, which mpiexec forwards from any host:
 *   GILBENCH-MPI READY <host of rank 0> <host of rank 1> ...   every rank's begin hook has run
 *   GILBENCH-MPI RESULT <hex of gb_mpi_head + nranks x gb_mpi_rank>
 *   GILBENCH-MPI HOSTS <one JSON line: {"library": ..., "hosts": {name: machine description}}>
 *   GILBENCH-MPI FAIL <reason naming the rank and host>       then the job is aborted
 *   GILBENCH-MPI HANG <the rank and host that did not answer>  likewise (the cell times out) */
#ifndef GB_MPI_SPEC_H
#define GB_MPI_SPEC_H

#include <limits.h>
#include <stdint.h>

#include "strategies.h" /* gb_mpi_rank_main */

#define GB_MPI_MAGIC 0x317669706d706267ull /* "gbmpiv1" */
#define GB_MPI_LINE "GILBENCH-MPI "
#define GB_MPI_HOST_MAX 64 /* a host name as ranks report it */
#define GB_MPI_MAX_RANKS GB_MAX_WORKERS

/* One repetition, as every rank needs it. */
typedef struct gb_mpi_spec {
  uint64_t magic;   /* GB_MPI_MAGIC */
  uint64_t size;    /* sizeof(gb_mpi_spec) of the launcher's build */
  uint64_t ntasks;  /* tasks over all groups */
  uint64_t chunk;   /* tasks handed out at a time */
  uint64_t secret;  /* the run secret: rank 0 makes the inputs; the other ranks forget it */
  int32_t workers;  /* ranks, rank 0 included (it computes too) */
  int32_t schedule; /* gb_schedule */
  int32_t inflight; /* chunks outstanding per rank */
  int32_t io_port;  /* the loopback server's port on the launching host (0: none) */
  double timeout_s; /* rank 0 fails the cell, naming the silent rank, after this long (0: never) */
  char launcher_host[GB_MPI_HOST_MAX]; /* host running gilbench run (and the loopback server) */
  char scratch_dir[PATH_MAX];          /* the repetition's scratch folder (file ops) */
  char binding[64];                    /* the cell's --bind policy, placed per host by each rank */
  char counters_spec[256];             /* the run's counter set, resolved by each rank ("" none) */
  char counters_backend[32];           /* its forced backend ("" for the chain) */
  char kernel[GB_MAX_GROUPS][GB_MAX_PHASES][GB_NAME_MAX]; /* names of the phases' kernels / ops */
  gb_workload wl; /* the workload; its pointers are cleared and rebuilt from the names above */
} gb_mpi_spec;

/* Rank 0's figures for the repetition. */
typedef struct gb_mpi_head {
  uint64_t magic;      /* GB_MPI_MAGIC */
  double wall_s;       /* first chunk handed out .. last result collected, on rank 0's clock */
  uint64_t checksum;   /* sum of the checksum terms of every task collected */
  uint64_t collected;  /* tasks whose result rank 0 verified */
  double ipc_bytes;    /* payload and header bytes rank 0 sent and received */
  double ipc_messages; /* messages rank 0 exchanged with the other ranks */
  int32_t nranks;      /* gb_mpi_rank records that follow */
  int32_t hosts;       /* distinct hosts the ranks ran on */
} gb_mpi_head;

/* What one rank reports at its end. */
typedef struct gb_mpi_rank {
  gb_worker_out out;  /* the worker hooks' figures (host named in out.host) */
  int32_t local_rank; /* its index among the ranks of its host */
  int32_t local_size; /* ranks on its host */
} gb_mpi_rank;

/* Lower-case hex of n bytes into out (2n+1 bytes); and back (0, or -1 when malformed). */
void gb_mpi_hex_encode(const void *data, size_t n, char *out);
int gb_mpi_hex_decode(const char *text, void *data, size_t n);

#endif
