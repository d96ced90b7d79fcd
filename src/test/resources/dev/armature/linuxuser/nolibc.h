/* Freestanding support for user-mode test programs: Linux system calls and a _start, no C library, so the
 * programs need only the integer instruction set (build with -nostdlib -ffreestanding -mgeneral-regs-only). */
typedef unsigned long size_t;

static long syscall6(long n, long a, long b, long c, long d, long e, long f) {
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    register long x5 __asm__("x5") = f;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
    return x0;
}

#define SYS_openat 56
#define SYS_close 57
#define SYS_lseek 62
#define SYS_read 63
#define SYS_write 64
#define SYS_fstat 80
#define SYS_exit_group 94
#define SYS_brk 214
#define SYS_munmap 215
#define SYS_mremap 216
#define SYS_mmap 222
#define AT_FDCWD -100

void *memset(void *d, int c, size_t n) {
    unsigned char *p = d;
    while (n--) *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n) {
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--) *p++ = *q++;
    return d;
}

static size_t str_len(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

static void put(const char *s) { syscall6(SYS_write, 1, (long)s, str_len(s), 0, 0, 0); }

static void put_num(long v) {
    char buf[24];
    int i = 23;
    int neg = v < 0;
    unsigned long u = neg ? -(unsigned long)v : (unsigned long)v;
    buf[i] = 0;
    do { buf[--i] = '0' + u % 10; u /= 10; } while (u);
    if (neg) buf[--i] = '-';
    put(buf + i);
}

static void put_hex(unsigned long v) {
    char buf[19];
    int i = 18;
    buf[i] = 0;
    do { buf[--i] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
    buf[--i] = 'x';
    buf[--i] = '0';
    put(buf + i);
}

int main(int argc, char **argv, char **envp);

__attribute__((used)) void start_c(long *sp) {
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    syscall6(SYS_exit_group, main(argc, argv, argv + argc + 1), 0, 0, 0, 0, 0);
}

__asm__(".global _start\n_start:\n mov x0, sp\n bl start_c\n");
