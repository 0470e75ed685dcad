"""parse: twin of workloads/kernels/parse.c: each input byte is a character of a 64-letter
alphabet, parsed as an HTTP/1 header block (lines at newlines, tokens at spaces, the first token of
a line a case-folded header name counted in a 64-slot table, values hashed, leading digits parsed
as a number), `passes` times, each pass seeded with the last. The counts accumulate across passes,
as in C; everything is mod 2**64. A task's run seeds the first pass with the task's seed (so the
two top bits of each byte, which the alphabet ignores, count too) and mixes the result with it."""
from ..task import M64, kernel_mix, kernel_seed, splitmix64

PARAMS = ("passes",)
_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \n"
_LOWER, _UPPER, _DIGIT, _SPACE, _NEWLINE = range(5)
_FNV = 0xCBF29CE484222325
_PRIME = 0x100000001B3


def _class(ch):
    if "a" <= ch <= "z":
        return _LOWER
    if "A" <= ch <= "Z":
        return _UPPER
    if "0" <= ch <= "9":
        return _DIGIT
    return _SPACE if ch == " " else _NEWLINE


# Per input byte: (class, character code, lower-cased code).
_TABLE = [(_class(_ALPHABET[b & 63]), ord(_ALPHABET[b & 63]), ord(_ALPHABET[b & 63].lower()))
          for b in range(256)]


def _pass(data, seed, o):
    """One pass; o = [lines, tokens, numbers, number_sum, names(list of 64)]. The hash back."""
    h = (_FNV ^ seed) & M64
    tok = num = 0
    in_token = numeric = leading = False
    first = True
    names = o[4]
    for b in data:
        cls, c, low = _TABLE[b]
        if cls == _SPACE or cls == _NEWLINE:
            if in_token:  # a token ends
                o[1] += 1
                if first:
                    names[tok & 63] += 1
                elif numeric:
                    o[2] += 1
                    o[3] = (o[3] + num) & M64
                h = ((h ^ tok ^ (1 if first else 0)) * _PRIME) & M64
                first = False
            if cls == _NEWLINE:
                o[0] += 1
                first = True
            in_token = False
        else:
            if not in_token:
                tok, num, in_token = _FNV, 0, True
                numeric = leading = cls == _DIGIT
            if first and cls == _UPPER:
                c = low  # names are case-insensitive
            tok = ((tok ^ c) * _PRIME) & M64
            if leading and cls == _DIGIT:
                num = (num * 10 + (c - 48)) & M64
            else:
                leading = False
    if in_token:
        o[1] += 1
        h = ((h ^ tok) * _PRIME) & M64
    return h


def run(p, task, inp):
    data = bytearray(inp or b"")
    o = [0, 0, 0, 0, [0] * 64]
    seed = start = kernel_seed(task, data)
    h = _FNV
    for _ in range(p["passes"]):
        h = _pass(data, seed, o)
        seed = h
    lines, tokens, numbers, number_sum, names = o
    r = splitmix64(h ^ (lines & M64))
    r = splitmix64(r ^ (tokens & M64) ^ ((numbers << 32) & M64))
    r = splitmix64(r ^ number_sum)
    for i in range(64):
        r = splitmix64(r ^ (names[i] & 0xFFFFFFFF) ^ (i << 56))
    return kernel_mix(start, r)
