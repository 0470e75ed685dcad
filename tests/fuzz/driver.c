/* driver.c: a stand-in for libFuzzer in the ordinary (gcc) test build, so the fuzz targets never
 * rot: it feeds every file of the seed corpus, then seeded random mutations of them (byte flips,
 * insertions, truncations, splices) for the given number of seconds.
 * usage: fuzz_X CORPUS_DIR SECONDS */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
  uint8_t *data;
  size_t size;
} input;

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return rng;
}

/* Read every file of dir (up to 1 MiB each) into *out, running the target once on each; -errno
 * when the folder cannot be opened. */
static int load_corpus(const char *dir, input **out, size_t *count) {
  DIR *d = opendir(dir);
  if (!d) return -errno;
  input *in = NULL;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    FILE *f = fopen(path, "rb");
    if (!f) continue;
    in = realloc(in, (n + 1) * sizeof *in);
    in[n].data = malloc(1 << 20);
    in[n].size = fread(in[n].data, 1, 1 << 20, f);
    fclose(f);
    LLVMFuzzerTestOneInput(in[n].data, in[n].size);
    n++;
  }
  closedir(d);
  *out = in;
  *count = n;
  return 0;
}

/* Mutate a copy of a in buf (2 MiB) with 1 to 8 edits, b the splice source; the new length. */
static size_t mutate(uint8_t *buf, const input *a, const input *b) {
  size_t len = a->size;
  memcpy(buf, a->data, len);
  int edits = 1 + (int)(next() % 8);
  for (int k = 0; k < edits; k++) {
    size_t pos = len ? next() % len : 0;
    switch (next() % 5) {
    case 0:
      if (len) buf[pos] ^= (uint8_t)(1u << (next() % 8));
      break; /* flip a bit */
    case 1:
      if (len) buf[pos] = (uint8_t)next();
      break;                  /* new byte */
    case 2: len = pos; break; /* truncate */
    case 3:
      if (len < (1 << 20)) {
        memmove(buf + pos + 1, buf + pos, len - pos);
        buf[pos] = "[]=;,.\n{}\"0"[next() % 11];
        len++;
      }
      break;
    case 4: {
      size_t from = b->size ? next() % b->size : 0, cnt = b->size - from; /* splice */
      if (pos + cnt > (1 << 20)) cnt = (1 << 20) - pos;
      memcpy(buf + pos, b->data + from, cnt);
      len = pos + cnt;
    } break;
    }
  }
  return len;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s CORPUS_DIR SECONDS\n", argv[0]);
    return 2;
  }
  input *in = NULL;
  size_t n = 0;
  if (load_corpus(argv[1], &in, &n) != 0) {
    perror(argv[1]);
    return 2;
  }
  if (n == 0) {
    fprintf(stderr, "%s: empty corpus\n", argv[1]);
    return 2;
  }
  double secs = atof(argv[2]);
  time_t end = time(NULL) + (time_t)secs;
  uint8_t *buf = malloc(2 << 20);
  unsigned long runs = 0;
  while (time(NULL) < end) {
    const input *a = &in[next() % n], *b = &in[next() % n];
    LLVMFuzzerTestOneInput(buf, mutate(buf, a, b));
    runs++;
  }
  printf("%s: %zu corpus inputs, %lu mutated runs, no crash\n", argv[0], n, runs);
  for (size_t i = 0; i < n; i++)
    free(in[i].data);
  free(in);
  free(buf);
  return 0;
}
