/* cli.h: the `run` command line, parsed through the key table (keys.h) into a request, so the
 * command line and a suite share one parser per key (docs/ARCHITECTURE.md "The key table"). */
#ifndef GB_CLI_H
#define GB_CLI_H

#include "plan.h"

typedef struct gb_run_cli {
  gb_request req;         /* what to plan (lists owned) */
  const char *outdir;     /* -o, NULL for results/TIMESTAMP */
  const char *resume_dir; /* --resume DIR, NULL unless given */
  int dry, quiet, no_isolation;
  int nother; /* options other than -q and --resume (a resume takes none) */
} gb_run_cli;

/* Parse `run`'s arguments (argv[0] is "run"). 0, or 2 with the message ("--reps x: expected ...")
 * in err (gb_keys_parse_argv's messages, or "unexpected argument 'x'"). resuming: the arguments
 * come from a journal, where --resume is refused. */
int gb_cli_run_parse(int argc, char **argv, int resuming, gb_run_cli *cli, char *err, size_t errlen);
void gb_cli_run_free(gb_run_cli *cli);

#endif
