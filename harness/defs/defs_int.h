/* defs_int.h: what the units of the definitions reader share (defs.c errors, defs_ini.c the INI
 * reader, defs_set.c the key setter, defs_load.c the loader, defs_search.c the file search,
 * defs_suite.c suites). Not for use outside them: defs.h is the interface. */
#ifndef GB_DEFS_INT_H
#define GB_DEFS_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "defs.h"

typedef struct ini_entry {
  char *section; /* section it was written in ("" before any) */
  char *key;
  char *value;
  int line;
} ini_entry;

typedef struct ini_section {
  char *name; /* as written between the brackets, trimmed */
  int line;
} ini_section;

typedef struct ini_doc {
  ini_section *sections;
  int nsections, capsections;
  ini_entry *entries;
  int nentries, capentries;
} ini_doc;

#define def_tasks gb_wlparam_tasks /* keys.c: the key table holds them */
#define def_input gb_wlparam_input
#define def_output gb_wlparam_output
#define def_chunk gb_wlparam_chunk
#define def_schedule gb_wlparam_schedule
#define def_kind gb_wlparam_kind
#define def_measure gb_wlparam_measure
#define def_python gb_wlparam_python

int gb_defs_fail_at(char *err, size_t errlen, const char *path, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int gb_defs_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void gb_defs_append(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool gb_defs_copy_fits(char *dst, size_t len, const char *src);
void gb_defs_ini_doc_free(ini_doc *d);
int gb_defs_ini_doc_read(const char *path, ini_doc *doc, char *err, size_t errlen);
bool gb_defs_ini_has_section(const ini_doc *d, const char *name);
int gb_defs_ini_check_duplicates(const ini_doc *d, const char *path, char *err, size_t errlen);
int gb_defs_parse_keyed(const gb_param_def *def, const char *key, const char *value, int64_t *out, char *err,
                        size_t errlen);
bool gb_defs_valid_name(const char *s, size_t n);
const char *gb_defs_parse_phase_no(const char *s, int *n);
int gb_defs_group_index(const gb_workload *wl, const char *name, size_t n);
/* The definition key of the key table called name that may appear where (GB_KW_DEF, GB_KW_GROUP,
 * GB_KW_PHASE, GB_KW_SET), or NULL (a phase parameter, a strategy option, an unknown key). */
const gb_key *gb_defs_key(const char *name, unsigned where);
/* Set definition key k of wl from value, through the key table's parser (gb_key_parse) and one
 * store per key id: a [workload] setting, group g's own key, or phase p of group g's (kernel, io,
 * python). as: the key as written ("group.io.tasks"), which messages start with. 0, or GB_EINVAL
 * with "AS: message" (no file:line) in err. */
int gb_defs_set_key(gb_workload *wl, int g, int p, const gb_key *k, const char *as, const char *value,
                    char *err, size_t errlen);
int gb_defs_set_phase_param(gb_workload *wl, int g, int p, const char *param, const char *value, char *err,
                            size_t errlen);

#endif
