/* glibc: malloc/free/realloc loops, small (brk) and large (mmap) blocks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    unsigned long sum = 0;
    void *keep[64] = {0};
    for (int i = 0; i < 20000; i++) {
        size_t n = (size_t)(i * 37 % 4000) + 1;
        if (i % 1000 == 0) n = 300000 + i; /* large: mmap */
        unsigned char *p = malloc(n);
        memset(p, i & 0xff, n);
        sum += p[n - 1] + n;
        int slot = i % 64;
        free(keep[slot]);
        keep[slot] = (i % 3) ? p : (free(p), NULL);
        if (keep[slot] && i % 7 == 0) keep[slot] = realloc(keep[slot], n * 2);
    }
    for (int i = 0; i < 64; i++) free(keep[i]);
    printf("sum %lu\n", sum);
    return 0;
}
