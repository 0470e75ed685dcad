/* parse.c: a request parser's CPU work on real bytes. Each byte of the task's input payload is read
 * as one character of a 64-letter alphabet (letters, digits, space, newline), and the text is
 * parsed the way an HTTP/1 header block is: lines split at newlines, tokens at spaces, the first
 * token of a line is a header name (folded to lower case and counted in a 64-slot table), the
 * others are values (hashed; one that starts with digits has them parsed as a number). `passes` repeats the
 * whole parse, each pass seeded with the last, so the work scales and cannot be skipped. */
#include <inttypes.h>
#include <string.h>

#include "gb.h"
#include "kernel.h"
#include "payload.h"

#define PARSE_BLOCK 1024 /* bytes between checkpoints: about a microsecond */

static const gb_param_def parse_params[] = {
    {.name = "passes", .help = "times the payload is parsed", .def = 1, .min = 1, .max = INT64_C(100000000)},
};

enum { C_LOWER, C_UPPER, C_DIGIT, C_SPACE, C_NEWLINE };
static const char parse_alphabet[65] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \n";

/* What the parse found. */
typedef struct parse_out {
  uint64_t hash; /* FNV-1a over every token, with its role */
  uint64_t lines, tokens, numbers, number_sum;
  uint32_t names[64]; /* header names seen, by slot */
} parse_out;

static inline int char_class(char c) {
  if (c >= 'a' && c <= 'z') return C_LOWER;
  if (c >= 'A' && c <= 'Z') return C_UPPER;
  if (c >= '0' && c <= '9') return C_DIGIT;
  return c == ' ' ? C_SPACE : C_NEWLINE;
}

/* One pass over the bytes, starting from seed. */
static void parse_pass(gb_ctx *ctx, const uint8_t *in, size_t len, uint64_t seed, parse_out *o) {
  uint64_t h = 0xcbf29ce484222325ull ^ seed, tok = 0, num = 0;
  int in_token = 0, first = 1, numeric = 0, leading = 0; /* starts with a digit; digits so far */
  for (size_t i = 0; i < len; i++) {
    char c = parse_alphabet[in[i] & 63];
    int cls = char_class(c);
    if (cls == C_SPACE || cls == C_NEWLINE) {
      if (in_token) { /* a token ends */
        o->tokens++;
        if (first)
          o->names[tok & 63]++;
        else if (numeric)
          o->numbers++, o->number_sum += num;
        h = (h ^ tok ^ (uint64_t)first) * 0x100000001b3ull;
        first = 0;
      }
      if (cls == C_NEWLINE) o->lines++, first = 1;
      in_token = 0;
    } else {
      if (!in_token) tok = 0xcbf29ce484222325ull, num = 0, in_token = 1, numeric = leading = cls == C_DIGIT;
      if (first && cls == C_UPPER) c = (char)(c - 'A' + 'a'); /* names are case-insensitive */
      tok = (tok ^ (uint8_t)c) * 0x100000001b3ull;
      if (leading && cls == C_DIGIT)
        num = num * 10 + (uint64_t)(c - '0');
      else
        leading = 0;
    }
    if ((i & (PARSE_BLOCK - 1)) == PARSE_BLOCK - 1) gb_checkpoint(ctx);
  }
  if (in_token) o->tokens++, h = (h ^ tok) * 0x100000001b3ull;
  o->hash = h;
}

/* Every pass, the first seeded with `seed`; what they found, folded to 64 bits. */
static uint64_t parse_passes(gb_ctx *ctx, const gb_kparams *p, uint64_t seed, const uint8_t *in,
                             size_t in_len) {
  parse_out o;
  memset(&o, 0, sizeof o);
  for (int64_t k = 0; k < p->v[0]; k++) {
    parse_pass(ctx, in, in ? in_len : 0, seed, &o);
    seed = o.hash;
    gb_checkpoint(ctx);
  }
  uint64_t r = gb_splitmix64(o.hash ^ o.lines);
  r = gb_splitmix64(r ^ o.tokens ^ (o.numbers << 32));
  r = gb_splitmix64(r ^ o.number_sum);
  for (int i = 0; i < 64; i++)
    r = gb_splitmix64(r ^ o.names[i] ^ ((uint64_t)i << 56));
  return r;
}

/* A task's run: the passes seeded with the task's seed (so the top two bits of each byte, which
 * the alphabet ignores, count too), mixed with it. */
static uint64_t parse_run(gb_ctx *ctx, const gb_kparams *p, uint64_t task, const uint8_t *in, size_t in_len) {
  uint64_t seed = gb_kernel_seed(task, in, in ? in_len : 0);
  return gb_kernel_mix(seed, parse_passes(ctx, p, seed, in, in_len));
}

/* Canonical output: what the parse of task 0's 2 KiB payload found. */
static int parse_print(FILE *out, gb_ctx *ctx, const gb_kparams *p) {
  uint8_t in[2048];
  gb_payload_fill(0, in, sizeof in);
  parse_out o;
  memset(&o, 0, sizeof o);
  parse_pass(ctx, in, sizeof in, 0, &o);
  uint32_t names = 0;
  for (int i = 0; i < 64; i++)
    names += o.names[i] != 0;
  uint64_t r = parse_passes(ctx, p, 0, in, sizeof in);
  int n = fprintf(out,
                  "2048 bytes: %" PRIu64 " lines, %" PRIu64 " tokens, %" PRIu64 " numbers (sum %" PRIu64
                  "), %u header-name slots\nresult %016" PRIx64 "\n",
                  o.lines, o.tokens, o.numbers, o.number_sum, names, r);
  return n < 0 ? GB_EIO : GB_OK;
}

static double parse_work(const gb_kparams *p) {
  return (double)p->v[0];
}

const gb_kernel gb_kernel_parse = {
    .name = "parse",
    .summary = "tokenize and hash the task's input payload as a request-header parser would",
    .unit = "passes",
    .params = parse_params,
    .nparams = (int)GB_ARRAY_LEN(parse_params),
    .run = parse_run,
    .print = parse_print,
    .work = parse_work,
};
