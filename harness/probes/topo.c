/* topo.c: see topo.h. The topology is copied from hwloc (or built from sysfs) into a small tree
 * of our own, so printing and placement are one code path whichever source filled it. */
#include "topo.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>

#ifdef GB_HAVE_HWLOC
#include <hwloc.h>
#endif

/* One node of the tree: a machine, package, group, cache, core, PU, or a NUMA node (memory: it is
 * printed where hwloc attaches it, but no worker is placed on it). */
typedef struct tnode {
  char label[96];   /* "Package L#0", "L3 (32MB)", "PU L#0 (P#0)" */
  int is_pu;        /* a PU (a leaf) */
  int is_core;      /* a core */
  int is_memory;    /* a NUMA node */
  int os;           /* PU or NUMA node: OS index */
  int first_child;  /* first child (memory children first), -1 none */
  int next_sibling; /* -1 none */
} tnode;

struct gb_topo {
  char source[64]; /* "hwloc 2.9.0" or "sysfs (...)" */
  tnode *nodes;    /* nodes[0] is the machine */
  int nnodes, cap;
  int npus, ncores, npackages, nnuma;
  int smt;        /* most PUs in one core */
  int *compact;   /* OS PU indices, logical order */
  int *scatter;   /* OS PU indices, spread order */
  int *cores;     /* OS PU indices: first PU of each core, then the second ones, ... */
  int *pu_core;   /* per logical PU: its core's index */
  json_t *caches; /* [{level, type, size, line, count, pus_per_cache}] */
  json_t *numa;   /* [{os_index, memory}] */
#ifdef GB_HAVE_HWLOC
  hwloc_topology_t h; /* NULL for a sysfs topology */
#endif
};

/* ---- building the tree ---- */

static int node_add(gb_topo *t, int parent, const char *label) {
  if (t->nnodes == t->cap) {
    t->cap = t->cap ? t->cap * 2 : 64;
    t->nodes = gb_xrealloc(t->nodes, sizeof *t->nodes * (size_t)t->cap);
  }
  int id = t->nnodes++;
  tnode *n = &t->nodes[id];
  memset(n, 0, sizeof *n);
  snprintf(n->label, sizeof n->label, "%s", label);
  n->first_child = n->next_sibling = -1;
  n->os = -1;
  if (parent >= 0) { /* append as the last child */
    int *link = &t->nodes[parent].first_child;
    while (*link >= 0)
      link = &t->nodes[*link].next_sibling;
    *link = id;
  }
  return id;
}

static void human_bytes(unsigned long long b, char *buf, size_t len) {
  if (b >= (1ull << 30) && b % (1ull << 30) == 0)
    snprintf(buf, len, "%lluGB", b >> 30);
  else if (b >= (1ull << 20))
    snprintf(buf, len, "%lluMB", b >> 20);
  else
    snprintf(buf, len, "%lluKB", b >> 10);
}

/* Pre-order walk of the normal (non-memory) tree: PUs in logical order, and each PU's core. */
static void walk_pus(gb_topo *t, int id, int core, int *k) {
  tnode *n = &t->nodes[id];
  if (n->is_core) core = t->ncores++;
  if (n->is_pu) {
    if (core < 0) core = t->ncores++; /* a PU without a core is a core of its own */
    t->compact[*k] = n->os;
    t->pu_core[*k] = core;
    (*k)++;
  }
  for (int c = n->first_child; c >= 0; c = t->nodes[c].next_sibling)
    if (!t->nodes[c].is_memory) walk_pus(t, c, core, k);
}

/* Scatter order below node id into out (returns how many): the children's own scatter orders,
 * interleaved round-robin, so consecutive workers land under different children at every level
 * (packages first, then caches, cores, SMT siblings). */
static int topo_scatter(const gb_topo *t, int id, int *out) {
  const tnode *n = &t->nodes[id];
  if (n->is_pu) {
    out[0] = n->os;
    return 1;
  }
  int nch = 0;
  for (int c = n->first_child; c >= 0; c = t->nodes[c].next_sibling)
    nch += !t->nodes[c].is_memory;
  if (nch == 0) return 0;
  int **lists = gb_xcalloc((size_t)nch, sizeof *lists), *lens = gb_xcalloc((size_t)nch, sizeof *lens);
  int i = 0, most = 0, total = 0;
  for (int c = n->first_child; c >= 0; c = t->nodes[c].next_sibling) {
    if (t->nodes[c].is_memory) continue;
    lists[i] = gb_xmalloc(sizeof **lists * (size_t)t->npus);
    lens[i] = topo_scatter(t, c, lists[i]);
    if (lens[i] > most) most = lens[i];
    i++;
  }
  for (int j = 0; j < most; j++)
    for (i = 0; i < nch; i++)
      if (j < lens[i]) out[total++] = lists[i][j];
  for (i = 0; i < nch; i++)
    free(lists[i]);
  free(lists);
  free(lens);
  return total;
}

/* Count PUs, derive the three placement orders. */
static void finish(gb_topo *t) {
  t->npus = 0;
  for (int i = 0; i < t->nnodes; i++)
    t->npus += t->nodes[i].is_pu;
  size_t sz = sizeof(int) * (size_t)(t->npus ? t->npus : 1);
  t->compact = gb_xmalloc(sz);
  t->scatter = gb_xmalloc(sz);
  t->cores = gb_xmalloc(sz);
  t->pu_core = gb_xmalloc(sz);
  int k = 0;
  t->ncores = 0;
  walk_pus(t, 0, -1, &k);
  topo_scatter(t, 0, t->scatter);
  int *per_core = gb_xcalloc((size_t)(t->ncores ? t->ncores : 1), sizeof *per_core);
  t->smt = 0;
  for (k = 0; k < t->npus; k++) {
    int n = ++per_core[t->pu_core[k]];
    if (n > t->smt) t->smt = n;
  }
  int m = 0; /* cores order: the j-th PU of every core, for j = 0, 1, ... */
  for (int j = 0; j < t->smt; j++) {
    memset(per_core, 0, sizeof *per_core * (size_t)(t->ncores ? t->ncores : 1));
    for (k = 0; k < t->npus; k++)
      if (per_core[t->pu_core[k]]++ == j) t->cores[m++] = t->compact[k];
  }
  free(per_core);
  if (t->npackages < 1) t->npackages = 1;
  if (t->nnuma < 1) t->nnuma = 1;
}

#ifdef GB_HAVE_HWLOC
static void hwloc_label(hwloc_obj_t o, char *buf, size_t len) {
  char type[32], size[32];
  hwloc_obj_type_snprintf(type, sizeof type, o, 0);
  if (hwloc_obj_type_is_cache(o->type)) {
    human_bytes((unsigned long long)o->attr->cache.size, size, sizeof size);
    snprintf(buf, len, "%s (%s)", type, size);
  } else if (o->type == HWLOC_OBJ_NUMANODE) {
    human_bytes((unsigned long long)o->attr->numanode.local_memory, size, sizeof size);
    snprintf(buf, len, "%s P#%u (%s)", type, o->os_index, size);
  } else if (o->type == HWLOC_OBJ_PU) {
    snprintf(buf, len, "%s L#%u (P#%u)", type, o->logical_index, o->os_index);
  } else if (o->type == HWLOC_OBJ_MACHINE) {
    human_bytes((unsigned long long)o->total_memory, size, sizeof size);
    snprintf(buf, len, "%s (%s total)", type, size);
  } else {
    snprintf(buf, len, "%s L#%u", type, o->logical_index);
  }
}

static void hwloc_copy(gb_topo *t, hwloc_obj_t o, int parent) {
  char label[96];
  hwloc_label(o, label, sizeof label);
  int id = node_add(t, parent, label);
  t->nodes[id].is_pu = o->type == HWLOC_OBJ_PU;
  t->nodes[id].is_core = o->type == HWLOC_OBJ_CORE;
  if (o->type == HWLOC_OBJ_PU) t->nodes[id].os = (int)o->os_index;
  for (hwloc_obj_t m = o->memory_first_child; m; m = m->next_sibling) {
    if (m->type != HWLOC_OBJ_NUMANODE) continue; /* memory-side caches are not shown */
    char ml[96];
    hwloc_label(m, ml, sizeof ml);
    int mid = node_add(t, id, ml);
    t->nodes[mid].is_memory = 1;
    t->nodes[mid].os = (int)m->os_index;
  }
  for (hwloc_obj_t c = o->first_child; c; c = c->next_sibling)
    hwloc_copy(t, c, id);
}

static json_t *hwloc_caches(hwloc_topology_t h) {
  static const hwloc_obj_type_t types[] = {HWLOC_OBJ_L1CACHE,  HWLOC_OBJ_L1ICACHE, HWLOC_OBJ_L2CACHE,
                                           HWLOC_OBJ_L2ICACHE, HWLOC_OBJ_L3CACHE,  HWLOC_OBJ_L3ICACHE,
                                           HWLOC_OBJ_L4CACHE,  HWLOC_OBJ_L5CACHE};
  json_t *a = json_array();
  for (size_t i = 0; i < GB_ARRAY_LEN(types); i++) {
    int n = hwloc_get_nbobjs_by_type(h, types[i]);
    if (n <= 0) continue;
    hwloc_obj_t o = hwloc_get_obj_by_type(h, types[i], 0);
    const char *ty = o->attr->cache.type == HWLOC_OBJ_CACHE_DATA          ? "data"
                     : o->attr->cache.type == HWLOC_OBJ_CACHE_INSTRUCTION ? "instruction"
                                                                          : "unified";
    json_array_append_new(a, json_pack("{s:i,s:s,s:I,s:i,s:i,s:i}", "level", (int)o->attr->cache.depth,
                                       "type", ty, "size", (json_int_t)o->attr->cache.size, "line",
                                       (int)o->attr->cache.linesize, "count", n, "pus_per_cache",
                                       hwloc_bitmap_weight(o->cpuset)));
  }
  return a;
}

static int load_hwloc(gb_topo *t, const char *synthetic, char *err, size_t errlen) {
  if (hwloc_topology_init(&t->h) != 0) {
    t->h = NULL;
    return gb_err(err, errlen, GB_EIO, "hwloc_topology_init: %s", strerror(errno));
  }
  hwloc_topology_set_icache_types_filter(t->h, HWLOC_TYPE_FILTER_KEEP_ALL); /* as lstopo shows them */
  if (synthetic && hwloc_topology_set_synthetic(t->h, synthetic) != 0) {
    hwloc_topology_destroy(t->h);
    t->h = NULL;
    return gb_err(err, errlen, GB_EINVAL, "hwloc: invalid synthetic topology '%s'", synthetic);
  }
  if (hwloc_topology_load(t->h) != 0) {
    int rc = gb_err(err, errlen, GB_EIO, "hwloc_topology_load: %s", strerror(errno));
    hwloc_topology_destroy(t->h);
    t->h = NULL;
    return rc;
  }
#ifndef GB_HWLOC_VERSION
#define GB_HWLOC_VERSION "?"
#endif
  snprintf(t->source, sizeof t->source, "hwloc %s%s", GB_HWLOC_VERSION, synthetic ? " (synthetic)" : "");
  hwloc_copy(t, hwloc_get_root_obj(t->h), -1);
  t->npackages = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_PACKAGE);
  t->nnuma = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_NUMANODE);
  t->caches = hwloc_caches(t->h);
  t->numa = json_array();
  for (int i = 0; i < t->nnuma; i++) {
    hwloc_obj_t o = hwloc_get_obj_by_type(t->h, HWLOC_OBJ_NUMANODE, (unsigned)i);
    json_array_append_new(t->numa, json_pack("{s:i,s:I}", "os_index", (int)o->os_index, "memory",
                                             (json_int_t)o->attr->numanode.local_memory));
  }
  return 0;
}
#endif

/* An integer from a one-line sysfs file, or def. */
static long sysfs_long(const char *path, long def) {
  FILE *f = fopen(path, "r");
  long v = def;
  if (f) {
    if (fscanf(f, "%ld", &v) != 1) v = def;
    fclose(f);
  }
  return v;
}

/* The first line of a sysfs file into buf ("" if unreadable). */
static void sysfs_text(const char *path, char *buf, size_t len) {
  FILE *f = fopen(path, "r");
  buf[0] = '\0';
  if (!f) return;
  if (fgets(buf, (int)len, f)) buf[strcspn(buf, "\n")] = '\0';
  fclose(f);
}

/* Caches of cpu `cpu` from sysfs, one entry per index. */
static json_t *sysfs_caches(int cpu, int npus) {
  json_t *a = json_array();
  for (int i = 0; i < 16; i++) {
    char p[256], type[32], size[32], shared[256];
    snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cache/index%d/level", cpu, i);
    long level = sysfs_long(p, -1);
    if (level < 0) break;
    snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cache/index%d/type", cpu, i);
    sysfs_text(p, type, sizeof type);
    snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cache/index%d/size", cpu, i);
    sysfs_text(p, size, sizeof size);
    snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cache/index%d/coherency_line_size", cpu, i);
    long line = sysfs_long(p, 0);
    snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/cache/index%d/shared_cpu_map", cpu, i);
    sysfs_text(p, shared, sizeof shared);
    int sharing = 0; /* bits set in the hex mask */
    for (char *c = shared; *c; c++)
      if (isxdigit((unsigned char)*c))
        sharing +=
            __builtin_popcount((unsigned)(isdigit((unsigned char)*c) ? *c - '0' : tolower(*c) - 'a' + 10));
    long bytes = strtol(size, NULL, 10) * (strchr(size, 'M') ? 1024 * 1024 : strchr(size, 'K') ? 1024 : 1);
    const char *ty = strcmp(type, "Data") == 0          ? "data"
                     : strcmp(type, "Instruction") == 0 ? "instruction"
                                                        : "unified";
    json_array_append_new(a, json_pack("{s:i,s:s,s:I,s:i,s:i,s:i}", "level", (int)level, "type", ty, "size",
                                       (json_int_t)bytes, "line", (int)line, "count",
                                       sharing > 0 ? (npus + sharing - 1) / sharing : 1, "pus_per_cache",
                                       sharing > 0 ? sharing : 1));
  }
  return a;
}

/* Machine -> packages -> cores -> PUs from sysfs, over the PUs sched_getaffinity allows. */
static void load_sysfs(gb_topo *t, const char *why) {
  snprintf(t->source, sizeof t->source, "sysfs (%s)", why);
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) CPU_SET(0, &set);
  int root = node_add(t, -1, "Machine");
  int pkg_node[64], pkg_id[64], npkg = 0, first = -1, count = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE && cpu < GB_MAX_PUS; cpu++) {
    if (!CPU_ISSET(cpu, &set)) continue;
    if (first < 0) first = cpu;
    count++;
    char p[128], label[96];
    snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", cpu);
    int pid = (int)sysfs_long(p, 0);
    snprintf(p, sizeof p, "/sys/devices/system/cpu/cpu%d/topology/core_id", cpu);
    int cid = (int)sysfs_long(p, cpu);
    int k = 0;
    while (k < npkg && pkg_id[k] != pid)
      k++;
    if (k == npkg && npkg < 64) {
      snprintf(label, sizeof label, "Package L#%d", npkg);
      pkg_id[npkg] = pid;
      pkg_node[npkg++] = node_add(t, root, label);
    }
    if (k == 64) k = 63;
    int core = -1; /* a core of this package with this core_id, labelled "Core P#id" */
    snprintf(label, sizeof label, "Core P#%d", cid);
    for (int c = t->nodes[pkg_node[k]].first_child; c >= 0; c = t->nodes[c].next_sibling)
      if (strcmp(t->nodes[c].label, label) == 0) core = c;
    if (core < 0) {
      core = node_add(t, pkg_node[k], label);
      t->nodes[core].is_core = 1;
    }
    snprintf(label, sizeof label, "PU P#%d", cpu);
    int pu = node_add(t, core, label);
    t->nodes[pu].is_pu = 1;
    t->nodes[pu].os = cpu;
  }
  t->npackages = npkg;
  t->nnuma = 1;
  t->caches = sysfs_caches(first < 0 ? 0 : first, count);
  t->numa = json_array();
}

/* A synthetic description's size before hwloc builds it: at most GB_MAX_PUS PUs (the product of
 * the levels' counts) in at most 1024 characters, so `topo --synthetic` cannot run for minutes. */
static int synthetic_bounded(const char *d, char *err, size_t errlen) {
  if (strlen(d) > 1024)
    return gb_err(err, errlen, GB_EINVAL, "synthetic topology: longer than 1024 characters");
  double total = 1;
  for (const char *p = d; *p;) {
    while (*p == ' ' || *p == '\t')
      p++;
    const char *end = p + strcspn(p, " \t"), *colon = NULL;
    for (const char *q = p; q < end && *q != '('; q++)
      if (*q == ':') colon = q;
    const char *num = colon ? colon + 1 : p;
    if (num < end && isdigit((unsigned char)*num)) total *= strtod(num, NULL);
    if (total > GB_MAX_PUS)
      return gb_err(err, errlen, GB_EINVAL, "synthetic topology '%.200s': more than %d PUs", d, GB_MAX_PUS);
    p = end;
  }
  return 0;
}

int gb_topo_load(gb_topo **out, const char *synthetic, char *err, size_t errlen) {
  if (synthetic && synthetic_bounded(synthetic, err, errlen) != 0) return GB_EINVAL;
  gb_topo *t = gb_xcalloc(1, sizeof *t);
  char why[256] = "built without hwloc";
#ifdef GB_HAVE_HWLOC
  int rc = load_hwloc(t, synthetic, why, sizeof why);
  if (rc != 0 && synthetic) {
    free(t);
    return gb_err(err, errlen, rc, "%s", why);
  }
  if (rc != 0) { /* keep going from sysfs; the source says why */
    free(t->nodes);
    t->nodes = NULL;
    t->nnodes = t->cap = 0;
    load_sysfs(t, why);
  }
#else
  if (synthetic) {
    free(t);
    return gb_err(err, errlen, GB_EUNAVAIL, "synthetic topologies need hwloc (built without hwloc)");
  }
  load_sysfs(t, why);
#endif
  finish(t);
  *out = t;
  return 0;
}

void gb_topo_destroy(gb_topo *t) {
  if (!t) return;
#ifdef GB_HAVE_HWLOC
  if (t->h) hwloc_topology_destroy(t->h);
#endif
  json_decref(t->caches);
  json_decref(t->numa);
  free(t->nodes);
  free(t->compact);
  free(t->scatter);
  free(t->cores);
  free(t->pu_core);
  free(t);
}

static gb_topo *topo_machine;
static pthread_once_t machine_once = PTHREAD_ONCE_INIT;
static void machine_load(void) {
  char err[256];
  if (gb_topo_load(&topo_machine, NULL, err, sizeof err) != 0) GB_ASSERT(!"machine topology");
}
const gb_topo *gb_topo_machine(void) {
  pthread_once(&machine_once, machine_load);
  return topo_machine;
}

const char *gb_topo_source(const gb_topo *t) {
  return t->source;
}
int gb_topo_npus(const gb_topo *t) {
  return t->npus;
}
int gb_topo_ncores(const gb_topo *t) {
  return t->ncores;
}
int gb_topo_npackages(const gb_topo *t) {
  return t->npackages;
}
int gb_topo_nnuma(const gb_topo *t) {
  return t->nnuma;
}
int gb_topo_pu(const gb_topo *t, int k) {
  return k >= 0 && k < t->npus ? t->compact[k] : -1;
}
int gb_topo_has_pu(const gb_topo *t, int os) {
  for (int k = 0; k < t->npus; k++)
    if (t->compact[k] == os) return 1;
  return 0;
}

/* ---- printing ---- */

/* Print node id and its subtree; a chain of only children shares one line, as lstopo does. */
static void print_node(const gb_topo *t, int id, int depth, FILE *out) {
  fprintf(out, "%*s%s", depth * 2, "", t->nodes[id].label);
  while (t->nodes[id].first_child >= 0 && t->nodes[t->nodes[id].first_child].next_sibling < 0 &&
         !t->nodes[t->nodes[id].first_child].is_memory) {
    id = t->nodes[id].first_child;
    fprintf(out, " + %s", t->nodes[id].label);
  }
  fputc('\n', out);
  for (int c = t->nodes[id].first_child; c >= 0; c = t->nodes[c].next_sibling)
    print_node(t, c, depth + 1, out);
}

void gb_topo_print(const gb_topo *t, FILE *out) {
  fprintf(out, "topology (%s):\n", t->source);
  if (t->nnodes > 0) print_node(t, 0, 1, out);
  fprintf(out,
          "packages: %d\nnuma nodes: %d\ncores: %d\npus: %d\nsmt: %d PU%s per core\ncaches:", t->npackages,
          t->nnuma, t->ncores, t->npus, t->smt, t->smt == 1 ? "" : "s");
  size_t i;
  json_t *c;
  json_array_foreach(t->caches, i, c) {
    char size[32];
    const char *ty = json_string_value(json_object_get(c, "type"));
    human_bytes((unsigned long long)json_integer_value(json_object_get(c, "size")), size, sizeof size);
    fprintf(out, "%s L%lld%s %s x%lld", i ? "," : "",
            (long long)json_integer_value(json_object_get(c, "level")),
            strcmp(ty, "data") == 0          ? "d"
            : strcmp(ty, "instruction") == 0 ? "i"
                                             : "",
            size, (long long)json_integer_value(json_object_get(c, "count")));
  }
  fprintf(out, "%s\n", json_array_size(t->caches) ? "" : " unknown");
}

json_t *gb_topo_json(const gb_topo *t) {
  json_t *pus = json_array();
  for (int k = 0; k < t->npus; k++)
    json_array_append_new(pus, json_integer(t->compact[k]));
  return json_pack("{s:s,s:i,s:i,s:i,s:i,s:i,s:O,s:O,s:o}", "source", t->source, "packages", t->npackages,
                   "numa_nodes", t->nnuma, "cores", t->ncores, "pus", t->npus, "smt", t->smt, "caches",
                   t->caches, "numa", t->numa, "pu_os_indices", pus);
}

int gb_topo_export_xml(const gb_topo *t, const char *path, char *err, size_t errlen) {
#ifdef GB_HAVE_HWLOC
  if (!t->h) return gb_err(err, errlen, GB_EUNAVAIL, "no hwloc topology to export (%s)", t->source);
  if (hwloc_topology_export_xml(t->h, path, 0) != 0)
    return gb_err(err, errlen, GB_EIO, "%s: hwloc XML export failed: %s", path, strerror(errno));
  return 0;
#else
  (void)t;
  return gb_err(err, errlen, GB_EUNAVAIL, "%s: not written: built without hwloc", path);
#endif
}

#ifdef GB_HAVE_HWLOC
/* The shade of a share in [0, 1]: #f4f4f4 (none) through #6baed6 to #08306b (all); dark shades
 * take white text. The same scale as the report's other topology drawing. */
static void shade_style(double v, char *buf, size_t len) {
  static const int stops[3][3] = {{0xf4, 0xf4, 0xf4}, {0x6b, 0xae, 0xd6}, {0x08, 0x30, 0x6b}};
  v = v < 0 ? 0 : v > 1 ? 1 : v;
  int k = v < 0.5 ? 0 : 1;
  double f = (v - 0.5 * k) * 2;
  int rgb[3];
  for (int i = 0; i < 3; i++)
    rgb[i] = (int)(stops[k][i] + (stops[k + 1][i] - stops[k][i]) * f + 0.5);
  snprintf(buf, len, "Background=#%02x%02x%02x;Text=#%s", rgb[0], rgb[1], rgb[2],
           v > 0.55 ? "ffffff" : "000000");
}

/* Style every PU with a share, add the legend lines to the root. */
static void shade_objects(hwloc_topology_t h, const double *share, int nshare, const char *const *legend,
                          int nlegend) {
  hwloc_obj_t pu = NULL;
  while ((pu = hwloc_get_next_obj_by_type(h, HWLOC_OBJ_PU, pu)) != NULL) {
    char style[96];
    if (pu->os_index >= (unsigned)nshare || !(share[pu->os_index] >= 0)) continue; /* NAN: not shaded */
    shade_style(share[pu->os_index], style, sizeof style);
    hwloc_obj_add_info(pu, "lstopoStyle", style);
  }
  for (int i = 0; i < nlegend; i++)
    hwloc_obj_add_info(hwloc_get_root_obj(h), "lstopoLegend", legend[i]);
}
#endif

int gb_topo_shade_xml(const char *in, const double *share, int nshare, const char *const *legend, int nlegend,
                      const char *out, char *err, size_t errlen) {
#ifdef GB_HAVE_HWLOC
  hwloc_topology_t h;
  if (hwloc_topology_init(&h) != 0)
    return gb_err(err, errlen, GB_EIO, "hwloc_topology_init failed: %s", strerror(errno));
  int rc = 0;
  if (in && hwloc_topology_set_xml(h, in) != 0) {
    rc = gb_err(err, errlen, GB_EINVAL, "%s: hwloc cannot read it: %s", in, strerror(errno));
  } else if (hwloc_topology_load(h) != 0) {
    rc = gb_err(err, errlen, GB_EINVAL, "%s: hwloc cannot load it: %s", in ? in : "this machine",
                strerror(errno));
  } else {
    shade_objects(h, share, nshare, legend, nlegend);
    if (hwloc_topology_export_xml(h, out, 0) != 0)
      rc = gb_err(err, errlen, GB_EIO, "%s: hwloc XML export failed: %s", out, strerror(errno));
  }
  hwloc_topology_destroy(h);
  return rc;
#else
  (void)in, (void)share, (void)nshare, (void)legend, (void)nlegend;
  return gb_err(err, errlen, GB_EUNAVAIL, "%s: not written: built without hwloc", out);
#endif
}

/* ---- binding ---- */

int gb_bind_parse(const char *text, gb_bind *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  static const char *const names[] = {"none", "compact", "scatter", "cores"};
  for (int i = 0; i < 4; i++)
    if (strcmp(text, names[i]) == 0) {
      out->policy = (gb_bind_policy)i;
      return 0;
    }
  if (strncmp(text, "list:", 5) != 0)
    return gb_err(
        err, errlen, GB_EINVAL,
        "bind '%s': expected none, compact, scatter, cores or list:CPU,... (OS PU indices, e.g. list:0,2-3)",
        text);
  out->policy = GB_BIND_LIST;
  const char *p = text + 5;
  while (*p) {
    char *end;
    long a = strtol(p, &end, 10), b;
    if (end == p || !isdigit((unsigned char)*p)) goto bad;
    b = a;
    if (*end == '-') {
      p = end + 1;
      if (!isdigit((unsigned char)*p)) goto bad;
      b = strtol(p, &end, 10);
    }
    if (a < 0 || b < a || b >= GB_MAX_PUS)
      return gb_err(err, errlen, GB_EINVAL, "bind '%s': PU indices must be in [0, %d] and ranges ascending",
                    text, GB_MAX_PUS - 1);
    for (long c = a; c <= b; c++) {
      if (out->ncpus == GB_MAX_PUS)
        return gb_err(err, errlen, GB_EINVAL, "bind '%s': more than %d PUs listed", text, GB_MAX_PUS);
      out->cpus[out->ncpus++] = (int)c;
    }
    if (*end == ',' && end[1])
      p = end + 1;
    else if (*end == '\0')
      p = end;
    else
      goto bad;
  }
  if (out->ncpus > 0) return 0;
bad:
  return gb_err(err, errlen, GB_EINVAL,
                "bind '%s': expected list:CPU,... with OS PU indices or ranges (e.g. list:1 or list:0,2-3)",
                text);
}

int gb_bind_check(const gb_topo *t, const char *text, gb_bind *out, char *err, size_t errlen) {
  int rc = gb_bind_parse(text, out, err, errlen);
  if (rc != 0) return rc;
  for (int i = 0; i < out->ncpus; i++) {
    if (gb_topo_has_pu(t, out->cpus[i])) continue;
    char have[256] = "";
    size_t off = 0;
    for (int k = 0; k < t->npus && off < sizeof have - 8; k++)
      off += (size_t)snprintf(have + off, sizeof have - off, "%s%d", k ? "," : "", t->compact[k]);
    return gb_err(err, errlen, GB_EINVAL,
                  "bind '%s': PU %d is not one this process may run on here (PUs: %s; see `gilbench topo`)",
                  text, out->cpus[i], have);
  }
  return 0;
}

int gb_bind_place(const gb_topo *t, const gb_bind *b, int workers, int *pus, char *note, size_t notelen) {
  if (notelen) note[0] = '\0';
  const int *order = NULL;
  int n = t->npus;
  const char *what = "PUs";
  switch (b->policy) {
  case GB_BIND_NONE:
    for (int i = 0; i < workers; i++)
      pus[i] = -1;
    return 0;
  case GB_BIND_COMPACT: order = t->compact; break;
  case GB_BIND_SCATTER: order = t->scatter; break;
  case GB_BIND_CORES: order = t->cores; break;
  case GB_BIND_LIST:
    order = b->cpus;
    n = b->ncpus;
    what = "listed PUs";
    break;
  }
  if (n <= 0) {
    for (int i = 0; i < workers; i++)
      pus[i] = -1;
    snprintf(note, notelen, "no PUs to bind to: workers not bound");
    return 1;
  }
  for (int i = 0; i < workers; i++)
    pus[i] = order[i % n];
  if (workers > n) {
    snprintf(note, notelen, "%d workers on %d %s: wrapped around, so workers share PUs", workers, n, what);
    return 1;
  }
  if (b->policy == GB_BIND_CORES && workers > t->ncores) {
    snprintf(note, notelen, "%d workers on %d cores: SMT siblings are shared", workers, t->ncores);
    return 1;
  }
  return 0;
}

int *gb_bind_place_text(const char *text, int workers, char *note, size_t notelen) {
  gb_bind b;
  if (notelen) note[0] = '\0';
  if (gb_bind_parse(text, &b, note, notelen) != 0 || b.policy == GB_BIND_NONE) {
    if (notelen) note[0] = '\0';
    return NULL;
  }
  int *pus = gb_xmalloc(sizeof *pus * (size_t)(workers > 0 ? workers : 1));
  gb_bind_place(gb_topo_machine(), &b, workers, pus, note, notelen);
  return pus;
}
