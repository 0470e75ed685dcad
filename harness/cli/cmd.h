/* cmd.h: what the commands of the command layer share (docs/ARCHITECTURE.md "Command line and exit
 * status"): their options read through the key table, their command-line mistakes worded alike,
 * and the exit status of a code; and the commands over the reports (`report`, `compare`,
 * `export`, `findings`) and `doctor`, whose bodies live in their layers. */
#ifndef GB_CMD_H
#define GB_CMD_H

#include "keys.h"

/* Read command's options (argv[0] is the command) through the key table, each handed to store
 * with ctx; *first = the index of the first word that is not an option (getopt moves them last).
 * 0, or 2 after saying why (gb_cmd_usage). */
int gb_cmd_parse(const char *command, int argc, char **argv, gb_keys_store_fn store, void *ctx, int *first);
/* A mistake on command's command line: "gilbench COMMAND: MESSAGE" and the command's synopsis, on
 * standard error. Returns 2. */
int gb_cmd_usage(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The exit status of a failure code of a command's body, after printing "gilbench COMMAND: err":
 * 3 (GB_EXIT_WRITE) for GB_EIO, a write that failed; 2 for anything else (bad input). 0 for 0. */
int gb_cmd_fail(const char *command, int code, const char *err);
/* The store of a command whose one option is a flag (doctor --json, help --man): *(int *)ctx = 1. */
int gb_cmd_store_flag(void *ctx, const gb_key *k, gb_key_value *v, const char *text, char *msg,
                      size_t msglen);

/* The commands; argv[0] is the command's name. Each returns its exit status. */
int gb_cmd_report(int argc, char **argv);
int gb_cmd_compare(int argc, char **argv);
int gb_cmd_export(int argc, char **argv);
int gb_cmd_findings(int argc, char **argv);
int gb_cmd_doctor(int argc, char **argv);

#endif
