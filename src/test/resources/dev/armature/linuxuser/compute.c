/* Integer work: sorting, division, bit tricks and string handling, checked by checksums. */
#include "nolibc.h"

static unsigned long state = 88172645463325252UL;
static unsigned long next(void) { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state; }

/* Not __builtin_popcountl: libgcc implements it with AdvSIMD CNT. */
static int popcount(unsigned long x) { int n = 0; while (x) { x &= x - 1; n++; } return n; }

static int cmp(const char *a, const char *b) {
    while (*a && *a == *b) { a++; b++; }
    return (unsigned char)*a - (unsigned char)*b;
}

int main(int argc, char **argv, char **envp) {
    static long v[2000];
    for (int i = 0; i < 2000; i++) v[i] = (long)next() % 100000;
    for (int i = 1; i < 2000; i++) { long k = v[i]; int j = i - 1; while (j >= 0 && v[j] > k) { v[j + 1] = v[j]; j--; } v[j + 1] = k; }
    unsigned long h = 0;
    for (int i = 0; i < 2000; i++) h = h * 1000003 ^ (unsigned long)v[i];
    put("sorted "); put_hex(h); put("\n");
    long q = 0;
    for (int i = 1; i < 5000; i++) { long a = (long)next(), b = (long)(next() % 1000) - 500; if (b) q += a / b + a % b; q ^= (long)((unsigned long)a / (unsigned)(i)); }
    put("division "); put_num(q); put("\n");
    unsigned long bits = 0;
    for (int i = 0; i < 3000; i++) { unsigned long x = next(); bits += popcount(x) + __builtin_clzl(x | 1) + __builtin_ctzl(x | 1UL << 63); bits ^= __builtin_bswap64(x) >> (i & 63); }
    put("bits "); put_hex(bits); put("\n");
    const char *words[] = {"pear", "apple", "fig", "banana", "apricot", "cherry"};
    int n = 6;
    for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) if (cmp(words[j], words[i]) < 0) { const char *t = words[i]; words[i] = words[j]; words[j] = t; }
    for (int i = 0; i < n; i++) { put(words[i]); put(i + 1 < n ? " " : "\n"); }
    return (int)(h & 0x3f);
}
