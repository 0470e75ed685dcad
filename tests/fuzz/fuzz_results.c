/* fuzz_results.c: libFuzzer target for the readers of what gilbench writes: results.json (as
 * `show`, `report`, `export` and `compare` load it, then the model and the writers without charts) and the
 * journal results.jsonl (as --resume reads it). The input goes to both files in a scratch folder. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "results.h"

static char dir[64];

static void write_file(const char *name, const uint8_t *data, size_t size) {
  char path[128];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f) return;
  fwrite(data, 1, size, f);
  fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!dir[0]) {
    snprintf(dir, sizeof dir, "/tmp/gilbench-fuzz-XXXXXX");
    if (!mkdtemp(dir)) abort();
  }
  write_file("results.json", data, size);
  write_file("results.jsonl", data, size);
  char err[1024];
  json_t *root;
  if (gb_results_load(dir, &root, err, sizeof err) == 0) {
    gb_rmodel m; /* every writer that needs no chart, over the model built from it */
    gb_rmodel_build(&m, root, dir);
    json_decref(root);
    static const char *const writers[] = {"console", "csv", "gbench", "jsonl"};
    gb_buf b;
    gb_buf_init(&b);
    for (size_t i = 0; i < sizeof writers / sizeof *writers; i++) {
      gb_writer_ctx ctx = {0};
      gb_writer_find(writers[i])->write(&m, &ctx, &b);
      gb_buf_reset(&b);
    }
    gb_report_console_noise(&m, &b);
    gb_buf_free(&b);
    gb_rmodel_free(&m);
  }
  json_t *header, *reps;
  if (gb_journal_read(dir, &header, &reps, NULL, err, sizeof err) == 0) {
    json_decref(header);
    json_decref(reps);
  }
  return 0;
}
