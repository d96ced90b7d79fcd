/* brk and mmap heaps: grows, fills, checks, shrinks; prints checksums. */
#include "nolibc.h"

int main(int argc, char **argv, char **envp) {
    char *base = (char *)syscall6(SYS_brk, 0, 0, 0, 0, 0, 0);
    unsigned long sum = 0;
    for (int round = 1; round <= 8; round++) {
        char *end = (char *)syscall6(SYS_brk, (long)(base + round * 70000), 0, 0, 0, 0, 0);
        if (end != base + round * 70000) { put("brk failed\n"); return 1; }
        for (long i = 0; i < round * 70000; i += 61) base[i] = (char)(i * round);
        for (long i = 0; i < round * 70000; i += 61) sum = sum * 31 + (unsigned char)base[i];
    }
    syscall6(SYS_brk, (long)base, 0, 0, 0, 0, 0);
    put("brk checksum "); put_hex(sum); put("\n");
    for (int i = 0; i < 50; i++) {
        long len = 4096 * (1 + i % 7);
        unsigned char *m = (unsigned char *)syscall6(SYS_mmap, 0, len, 3, 0x22, -1, 0);
        if ((long)m < 0) { put("mmap failed\n"); return 2; }
        for (long j = 0; j < len; j += 512) { if (m[j]) { put("not zero\n"); return 3; } m[j] = (unsigned char)(j + i); }
        m = (unsigned char *)syscall6(SYS_mremap, (long)m, len, 2 * len, 1, 0, 0);
        for (long j = 0; j < len; j += 512) sum += m[j];
        if (m[len + 8]) { put("grown part not zero\n"); return 4; }
        syscall6(SYS_munmap, (long)m, 2 * len, 0, 0, 0, 0);
    }
    put("mmap checksum "); put_hex(sum); put("\n");
    return 0;
}
