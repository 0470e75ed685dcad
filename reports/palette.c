/* palette.c: fixed strategy colors. Chosen to stay apart for the common kinds of color
 * blindness where it matters most (gil red vs threads blue vs processes green), and dark enough
 * to read as thin lines on white. */
#include "palette.h"

#include <string.h>

#include "gb.h"

static const struct {
  const char *name;
  const char *color;
} strategy_colors[] = {
    {"serial", "#4d4d4d"},
    {"gil", "#d62728"},
    {"threads", "#1f77b4"},
    {"processes", "#2ca02c"},
    {"async", "#9467bd"},
    {"openmp", "#ff7f0e"},
    {"mpi", "#8c564b"},
    {"cpython-serial", "#8a8a8a"},
    {"cpython-serial-spawn", "#b0b0b0"},
    {"cpython-ext-serial", "#6b6ecf"},
    {"cpython-threads", "#e377c2"},
    {"cpython-processes", "#17becf"},
    {"cpython-asyncio", "#bcbd22"},
    {"cpython-ext", "#393b79"},
    {"cpython-ext-held", "#843c39"},
    {"cpython-subinterp", "#637939"},
};

/* For strategies not in the table (pypy-*, jython-*, future ones). */
static const char *const reserve_colors[] = {"#7b4173", "#e7ba52", "#3182bd", "#31a354",
                                             "#756bb1", "#e6550d", "#636363", "#ad494a"};

const char *gb_palette_color(const char *strategy) {
  for (size_t i = 0; i < GB_ARRAY_LEN(strategy_colors); i++)
    if (strcmp(strategy_colors[i].name, strategy) == 0) return strategy_colors[i].color;
  uint64_t h = 1469598103934665603ull; /* FNV-1a: stable across runs and machines */
  for (const char *p = strategy; *p; p++)
    h = (h ^ (unsigned char)*p) * 1099511628211ull;
  return reserve_colors[h % GB_ARRAY_LEN(reserve_colors)];
}

int gb_palette_rank(const char *strategy) {
  for (size_t i = 0; i < GB_ARRAY_LEN(strategy_colors); i++)
    if (strcmp(strategy_colors[i].name, strategy) == 0) return (int)i;
  return (int)GB_ARRAY_LEN(strategy_colors);
}
