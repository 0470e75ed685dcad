/* nbody.c: the Computer Language Benchmarks Game's n-body (Jovian planets, n = steps of 0.01),
 * in the plain scalar form of its C programs. The result is the final energy's IEEE-754 bits; the
 * printer prints the energy before and after. It checkpoints once per step (5 bodies, ~0.1 us).
 * A task's run moves the four planets' x and y by the eight bytes of its seed times 2^-40 AU
 * before the momentum is balanced, so the whole simulation is a different one per task. */
#include <math.h>
#include <string.h>

#include "gb.h"
#include "kernel.h"

#define NB_PI 3.141592653589793
#define NB_SOLAR_MASS (4 * NB_PI * NB_PI)
#define NB_DAYS_PER_YEAR 365.24
#define NB_BODIES 5

typedef struct nb_body {
  double x, y, z, vx, vy, vz, mass;
} nb_body;

static const nb_body nb_initial[NB_BODIES] = {
    {0, 0, 0, 0, 0, 0, NB_SOLAR_MASS}, /* sun */
    {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
     1.66007664274403694e-03 * NB_DAYS_PER_YEAR, 7.69901118419740425e-03 * NB_DAYS_PER_YEAR,
     -6.90460016972063023e-05 * NB_DAYS_PER_YEAR, 9.54791938424326609e-04 * NB_SOLAR_MASS},
    {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
     -2.76742510726862411e-03 * NB_DAYS_PER_YEAR, 4.99852801234917238e-03 * NB_DAYS_PER_YEAR,
     2.30417297573763929e-05 * NB_DAYS_PER_YEAR, 2.85885980666130812e-04 * NB_SOLAR_MASS},
    {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
     2.96460137564761618e-03 * NB_DAYS_PER_YEAR, 2.37847173959480950e-03 * NB_DAYS_PER_YEAR,
     -2.96589568540237556e-05 * NB_DAYS_PER_YEAR, 4.36624404335156298e-05 * NB_SOLAR_MASS},
    {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
     2.68067772490389322e-03 * NB_DAYS_PER_YEAR, 1.62824170038242295e-03 * NB_DAYS_PER_YEAR,
     -9.51592254519715870e-05 * NB_DAYS_PER_YEAR, 5.15138902046611451e-05 * NB_SOLAR_MASS},
};

static const gb_param_def nbody_params[] = {
    {.name = "n", .help = "time steps to simulate", .def = 1000, .min = 0, .max = INT64_C(1000000000)},
};

static void nb_advance(nb_body *b, double dt) {
  for (int i = 0; i < NB_BODIES; i++) {
    for (int j = i + 1; j < NB_BODIES; j++) {
      double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
      double d2 = dx * dx + dy * dy + dz * dz;
      double mag = dt / (d2 * sqrt(d2));
      b[i].vx -= dx * b[j].mass * mag;
      b[i].vy -= dy * b[j].mass * mag;
      b[i].vz -= dz * b[j].mass * mag;
      b[j].vx += dx * b[i].mass * mag;
      b[j].vy += dy * b[i].mass * mag;
      b[j].vz += dz * b[i].mass * mag;
    }
  }
  for (int i = 0; i < NB_BODIES; i++) {
    b[i].x += dt * b[i].vx;
    b[i].y += dt * b[i].vy;
    b[i].z += dt * b[i].vz;
  }
}

static double nb_energy(const nb_body *b) {
  double e = 0.0;
  for (int i = 0; i < NB_BODIES; i++) {
    e += 0.5 * b[i].mass * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
    for (int j = i + 1; j < NB_BODIES; j++) {
      double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
      e -= (b[i].mass * b[j].mass) / sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

static void nb_offset_momentum(nb_body *b) {
  double px = 0.0, py = 0.0, pz = 0.0;
  for (int i = 0; i < NB_BODIES; i++) {
    px += b[i].vx * b[i].mass;
    py += b[i].vy * b[i].mass;
    pz += b[i].vz * b[i].mass;
  }
  b[0].vx = -px / NB_SOLAR_MASS;
  b[0].vy = -py / NB_SOLAR_MASS;
  b[0].vz = -pz / NB_SOLAR_MASS;
}

/* Simulate n steps; the energies before and after go to *e0 and *e1. */
static void nb_simulate(gb_ctx *ctx, int64_t n, uint64_t seed, int seeded, double *e0, double *e1) {
  nb_body b[NB_BODIES];
  memcpy(b, nb_initial, sizeof b);
  for (int k = 0; seeded && k < 8; k++) {
    double off = (double)((seed >> (8 * k)) & 0xff) * 0x1p-40;
    if (k % 2 == 0)
      b[1 + k / 2].x += off;
    else
      b[1 + k / 2].y += off;
  }
  nb_offset_momentum(b);
  *e0 = nb_energy(b);
  for (int64_t s = 0; s < n; s++) {
    nb_advance(b, 0.01);
    gb_checkpoint(ctx);
  }
  *e1 = nb_energy(b);
}

static uint64_t nbody_run(gb_ctx *ctx, const gb_kparams *p, uint64_t task, const uint8_t *in, size_t in_len) {
  uint64_t seed = gb_kernel_seed(task, in, in_len);
  double e0, e1;
  nb_simulate(ctx, p->v[0], seed, 1, &e0, &e1);
  uint64_t bits;
  memcpy(&bits, &e1, sizeof bits);
  return gb_kernel_mix(seed, bits);
}

static int nbody_print(FILE *out, gb_ctx *ctx, const gb_kparams *p) {
  double e0, e1;
  nb_simulate(ctx, p->v[0], 0, 0, &e0, &e1);
  return fprintf(out, "%.9f\n%.9f\n", e0, e1) < 0 ? GB_EIO : GB_OK;
}

static double nbody_work(const gb_kparams *p) {
  return (double)NB_BODIES * (double)p->v[0];
}

const gb_kernel gb_kernel_nbody = {
    .name = "nbody",
    .summary = "n-body simulation of the Jovian planets (Benchmarks Game), n = steps",
    .unit = "bodies*steps",
    .params = nbody_params,
    .nparams = (int)GB_ARRAY_LEN(nbody_params),
    .run = nbody_run,
    .print = nbody_print,
    .work = nbody_work,
};
