/* doctor.h: `gilbench doctor`, a one-time check of what on this machine limits measurements:
 * frequency governor, turbo/boost, SMT, load and steal (sampled now), perf_event_paranoid,
 * hardware counters, transparent huge pages, ASLR. Each item is ok, limits (with what to do) or
 * unknown (with why it could not be read). `run` records the summary in meta.doctor. */
#ifndef GB_DOCTOR_H
#define GB_DOCTOR_H

#include <jansson.h>
#include <stdio.h>

/* The checks as JSON: {"schema", "status": "ok"|"limited", "limits": [names], "unknown": [names],
 * "items": [{"name", "status", "value", "detail", "advice"}]}. sample_ms: how long load and steal
 * are sampled (0: not sampled, those items say unknown). Files are read under the folder named by
 * GILBENCH_DOCTOR_ROOT when set (tests), else under /. */
json_t *gb_doctor_json(int sample_ms);
/* meta.doctor: the same without the items' texts ({"status", "limits", "unknown"}). */
json_t *gb_doctor_summary(int sample_ms);
/* `gilbench doctor [--json]`'s body: the checks on out, as a table or JSON. 1 when something
 * limits measurements, else 0 (the command layer makes that its exit status). */
int gb_doctor_print(FILE *out, int as_json);

#endif
