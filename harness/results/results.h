/* results.h: results.json (docs/ARCHITECTURE.md "The results schema"), written atomically with jansson, and
 * its journal results.jsonl, one line per finished repetition, flushed to disk as it finishes. */
#ifndef GB_RESULTS_H
#define GB_RESULTS_H

#include <jansson.h>

#include "plan.h"

/* The results file's schema (its keys: schema.h). 2 added per repetition "timing" (the timing
 * contract's timestamps) and "noise", per cell "noise", and meta.doctor; 3 made a cell's
 * "baseline" an object {strategy, workers, kind: family | self | none} (a bare strategy name
 * before). Everything else keeps its meaning, so show, report, compare and export read all three
 * and refuse any other version, naming them. */
#define GB_RESULTS_SCHEMA "gilbench-results/3"
#define GB_RESULTS_SCHEMA_PREV "gilbench-results/2"
#define GB_RESULTS_SCHEMA_OLDEST "gilbench-results/1"
/* The largest results file or journal read (a long run with latency histograms stays far below). */
#define GB_RESULTS_MAX_BYTES 268435456

/* The run's metadata object ("meta"). started: ISO-8601 time text. */
json_t *gb_meta_json(const gb_plan *plan, const char *command, const char *started);
/* Refresh the "at the end" facts of meta (load average, steal time): called before each write. */
void gb_meta_update_end(json_t *meta);
/* One repetition as docs/ARCHITECTURE.md shapes it. */
json_t *gb_rep_json(const gb_rep *rep);
/* The whole results document. */
json_t *gb_results_json(const gb_plan *plan, json_t *meta);

/* Write root to path atomically (temp file in the same folder, fsync, rename, fsync folder).
 * 0 or a negative code with err. */
int gb_json_write_atomic(const char *path, json_t *root, char *err, size_t errlen);

/* Load and validate a results file (or DIR/results.json). 0, or GB_EINVAL with err naming the
 * file and, for JSON errors, the line and column. */
int gb_results_load(const char *path, json_t **root, char *err, size_t errlen);

/* A repetition's latency histogram back from its JSON record (its "latency_hist"; empty when it
 * has none). 0, or GB_EINVAL when the record is inconsistent. */
int gb_hist_from_json(gb_hist *h, json_t *rep_data);

/* The journal. */
typedef struct gb_journal {
  int fd; /* open for appending, -1 when closed */
  char path[PATH_MAX + 16];
} gb_journal;
/* Open DIR/results.jsonl for appending; when it is new (empty), write `header` as its first
 * line (the run's argv, plan keys and environment, which --resume checks). */
int gb_journal_open(gb_journal *j, const char *dir, json_t *header, char *err, size_t errlen);
/* Read DIR/results.jsonl: *header is its first line, *reps an array of the repetition lines that
 * parse (each with its "line" number added). A bad line (truncated, garbage, missing fields) is
 * reported on warn as "FILE:LINE: ignored: why" and skipped. 0, or GB_EINVAL when there is no
 * journal or no valid header. */
int gb_journal_read(const char *dir, json_t **header, json_t **reps, FILE *warn, char *err, size_t errlen);
/* Before a resume appends: when the journal's last line was cut off (no end of line: killed while
 * writing it), copy those bytes to results.jsonl.damaged and truncate the journal to its last
 * complete line, so the next record starts a line of its own. 0, or a negative errno code. */
int gb_journal_repair(const char *dir, FILE *warn, char *err, size_t errlen);
/* Append one repetition of one cell and fsync (at_s: when it ended, s since the run began; left
 * out when negative); a failed write leaves no partial line. 0 or a
 * negative errno code (-ENOSPC, -EIO, ...). */
int gb_journal_append(gb_journal *j, const gb_cell *cell, int rep_index, const gb_rep *rep, double at_s);
void gb_journal_close(gb_journal *j);

#endif
