/* machine.h: facts about the machine for a run's metadata that the topology does not hold: CPU
 * identity and frequencies, whether it is a virtual machine, steal time, library versions. Each
 * fact is null (with a reason where one is known) when this machine does not expose it. */
#ifndef GB_MACHINE_H
#define GB_MACHINE_H

#include <jansson.h>

/* meta.cpu: model, vendor, family/model/stepping, PUs, cores, SMT, packages, NUMA nodes, caches,
 * frequencies (current/min/max MHz and governor where cpufreq is readable, else /proc/cpuinfo's
 * MHz) and flags of interest. */
json_t *gb_machine_cpu_json(void);
/* meta.host.virtualization: {"vm": true|false, "hypervisor": "KVM"|null, "evidence": "..."}. */
json_t *gb_machine_vm_json(void);
/* Steal time of the whole machine so far, in seconds (/proc/stat); NAN if unreadable. */
double gb_machine_steal_s(void);
/* meta.libraries: versions of the libraries linked (compile-time and, where they say, run-time);
 * the ones not built are null. */
json_t *gb_machine_libraries_json(void);

#endif
