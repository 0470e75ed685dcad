/* params.c: parsing, formatting and lookup of table-declared parameters (params.h). One parser
 * serves kernels' parameters, strategies' options and the workload's own numbers, so every value
 * anywhere is written the same way: 1000000, 1e6, 1_000_000, 4k (powers of 1024), or a word. */
#include "params.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gb.h"

/* Copy text without leading/trailing white space into buf (truncating to len). */
static void trim_copy(const char *text, char *buf, size_t len) {
  while (isspace((unsigned char)*text))
    text++;
  size_t n = strlen(text);
  while (n > 0 && isspace((unsigned char)text[n - 1]))
    n--;
  if (n >= len) n = len - 1;
  memcpy(buf, text, n);
  buf[n] = '\0';
}

/* The digits of a number written with '_' separators and an optional fraction ("1_000.5"), into
 * digits (nd of them, the last *nfrac after the point). Returns the end, or NULL. */
static const char *scan_digits(const char *s, char *digits, size_t len, int *nd, int *nfrac) {
  bool in_frac = false, prev_digit = false;
  *nd = *nfrac = 0;
  for (; *s; s++) {
    if (isdigit((unsigned char)*s)) {
      if (*nd >= (int)len - 1) return NULL;
      digits[(*nd)++] = *s;
      if (in_frac) (*nfrac)++;
      prev_digit = true;
    } else if (*s == '_' && prev_digit && isdigit((unsigned char)s[1])) {
      prev_digit = false; /* a separator sits between two digits */
    } else if (*s == '.' && !in_frac && prev_digit) {
      in_frac = true;
      prev_digit = false;
    } else {
      break;
    }
  }
  return *nd == 0 || (in_frac && *nfrac == 0) ? NULL : s;
}

/* An optional exponent (e6, E-3) and binary suffix (k/K, M, G) ending the text at s. */
static bool scan_exponent_suffix(const char *s, int *exp, int *shift) {
  *exp = *shift = 0;
  if (*s == 'e' || *s == 'E') {
    s++;
    bool eneg = false;
    if (*s == '+' || *s == '-') eneg = *s++ == '-';
    if (!isdigit((unsigned char)*s)) return false;
    for (; isdigit((unsigned char)*s); s++) {
      *exp = *exp * 10 + (*s - '0');
      if (*exp > 100) return false;
    }
    if (eneg) *exp = -*exp;
  }
  if (*s == 'k' || *s == 'K')
    *shift = 10, s++;
  else if (*s == 'M')
    *shift = 20, s++;
  else if (*s == 'G')
    *shift = 30, s++;
  return *s == '\0';
}

/* Parse an integer written as digits with '_' separators, an optional fraction and exponent
 * (the result must still be a whole number: 1.5e3 is fine, 1.5 is not) and an optional binary
 * suffix k/K, M, G. Returns false when it is not such a number or does not fit in int64. */
static bool parse_integer(const char *s, int64_t *out) {
  bool neg = false;
  if (*s == '+' || *s == '-') neg = *s++ == '-';
  char digits[64];
  int nd, nfrac, exp, shift;
  s = scan_digits(s, digits, sizeof digits, &nd, &nfrac);
  if (!s || !scan_exponent_suffix(s, &exp, &shift)) return false;
  int scale = exp - nfrac;
  while (scale < 0) { /* drop trailing zeros; anything else is a fraction */
    if (nd == 0 || digits[nd - 1] != '0') return false;
    nd--;
    scale++;
  }
  uint64_t v = 0;
  for (int i = 0; i < nd; i++)
    if (__builtin_mul_overflow(v, 10u, &v) || __builtin_add_overflow(v, (uint64_t)(digits[i] - '0'), &v))
      return false;
  for (; scale > 0; scale--)
    if (__builtin_mul_overflow(v, 10u, &v)) return false;
  if (shift && __builtin_mul_overflow(v, (uint64_t)1 << shift, &v)) return false;
  if (neg) {
    if (v > (uint64_t)INT64_MAX + 1) return false;
    *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
  } else {
    if (v > (uint64_t)INT64_MAX) return false;
    *out = (int64_t)v;
  }
  return true;
}

/* Index of `word` among the '|'-separated choices, or -1. */
static int choice_index(const char *choices, const char *word) {
  size_t wl = strlen(word);
  int i = 0;
  for (const char *p = choices;; i++) {
    const char *bar = strchr(p, '|');
    size_t n = bar ? (size_t)(bar - p) : strlen(p);
    if (n == wl && strncmp(p, word, n) == 0) return i;
    if (!bar) return -1;
    p = bar + 1;
  }
}

/* The text table: every distinct text value parsed so far, index 0 the empty text. Filled while
 * the plan is built (before any repetition forks), so children inherit it. */
static char **texts;
static int64_t ntexts;

int gb_param_text_kind(const gb_param_def *def) {
  if (!def->choices || def->choices[0] != '\001') return 0;
  return strcmp(def->choices, GB_PARAM_COMMAND) == 0 ? 2 : 1;
}

const char *gb_param_text(int64_t value) {
  return value > 0 && value < ntexts ? texts[value] : "";
}

/* Index of `text` in the text table, added when new. */
static int64_t text_intern(const char *text) {
  if (!text[0]) return 0;
  for (int64_t i = 1; i < ntexts; i++)
    if (strcmp(texts[i], text) == 0) return i;
  if (ntexts == 0) ntexts = 1; /* index 0 stays the empty text */
  texts = gb_xrealloc(texts, sizeof *texts * (size_t)(ntexts + 1));
  texts[ntexts] = gb_xstrdup(text);
  return ntexts++;
}

int gb_param_parse(const gb_param_def *def, const char *text, int64_t *out, char *err, size_t errlen) {
  if (gb_param_text_kind(def)) {
    char tbuf[GB_PARAM_TEXT_MAX];
    trim_copy(text ? text : "", tbuf, sizeof tbuf);
    if (text && strlen(text) >= sizeof tbuf) {
      if (err && errlen) snprintf(err, errlen, "text longer than %d characters", GB_PARAM_TEXT_MAX - 1);
      return GB_EINVAL;
    }
    for (const char *c = tbuf; *c; c++)
      if ((unsigned char)*c < 0x20) {
        if (err && errlen) snprintf(err, errlen, "control character in '%s'", tbuf);
        return GB_EINVAL;
      }
    *out = text_intern(tbuf);
    return 0;
  }
  char buf[128];
  trim_copy(text ? text : "", buf, sizeof buf);
  if (def->choices) {
    int i = choice_index(def->choices, buf);
    if (i < 0 || i < def->min || i > def->max) {
      if (err && errlen) snprintf(err, errlen, "expected one of %s, got '%s'", def->choices, buf);
      return GB_EINVAL;
    }
    *out = i;
    return 0;
  }
  int64_t v;
  if (!parse_integer(buf, &v) || v < def->min || v > def->max) {
    if (err && errlen)
      snprintf(err, errlen, "expected an integer in [%" PRId64 ", %" PRId64 "], got '%s'", def->min, def->max,
               buf);
    return GB_EINVAL;
  }
  *out = v;
  return 0;
}

void gb_param_format(const gb_param_def *def, int64_t value, char *buf, size_t len) {
  if (!len) return;
  if (gb_param_text_kind(def)) {
    snprintf(buf, len, "%s", gb_param_text(value));
    return;
  }
  if (def->choices && value >= 0) {
    const char *p = def->choices;
    for (int64_t i = 0; i < value && p; i++) {
      p = strchr(p, '|');
      if (p) p++;
    }
    if (p) {
      const char *bar = strchr(p, '|');
      int n = bar ? (int)(bar - p) : (int)strlen(p);
      snprintf(buf, len, "%.*s", n, p);
      return;
    }
  }
  snprintf(buf, len, "%" PRId64, value);
}

int gb_param_find(const gb_param_def *defs, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (defs[i].name && strcmp(defs[i].name, name) == 0) return i;
  return -1;
}

/* Value of key in a "k=v,k=v" text, copied into out ("" when absent). */
static void kv_get(const char *text, const char *key, char *out, size_t len) {
  size_t kl = strlen(key);
  out[0] = '\0';
  for (const char *p = text; p && *p;) {
    const char *end = strchr(p, ',');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
      snprintf(out, len, "%.*s", (int)(n - kl - 1), p + kl + 1);
      return;
    }
    p = end ? end + 1 : NULL;
  }
}

char *gb_params_distinguishing(const char *const *sets, int n, int i, const char *sep) {
  size_t cap = strlen(sets[i]) * (strlen(sep) + 1) + 1, len = 0; /* every pair, each with a sep */
  char *out = gb_xmalloc(cap), *dup = gb_xstrdup(sets[i]), *save = NULL;
  out[0] = '\0';
  for (char *kv = strtok_r(dup, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(kv, '=');
    if (!eq) continue;
    *eq = '\0';
    int differs = 0;
    for (int j = 0; j < n && !differs; j++) {
      char v[256];
      kv_get(sets[j], kv, v, sizeof v);
      differs = strcmp(v, eq + 1) != 0;
    }
    if (differs) len += (size_t)snprintf(out + len, cap - len, "%s%s=%s", len ? sep : "", kv, eq + 1);
  }
  free(dup);
  return out;
}
