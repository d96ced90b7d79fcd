/* Reads the file named by argv[1]: size by fstat and lseek, contents, and the error for a missing file. */
#include "nolibc.h"

int main(int argc, char **argv, char **envp) {
    long fd = syscall6(SYS_openat, AT_FDCWD, (long)argv[1], 0, 0, 0, 0);
    if (fd < 0) { put("open failed "); put_num(fd); put("\n"); return 1; }
    unsigned long st[16];
    syscall6(SYS_fstat, fd, (long)st, 0, 0, 0, 0);
    put("fstat size "); put_num((long)st[6]); put("\n");
    put("lseek end "); put_num(syscall6(SYS_lseek, fd, 0, 2, 0, 0, 0)); put("\n");
    syscall6(SYS_lseek, fd, 2, 0, 0, 0, 0);
    char buf[64];
    long n = syscall6(SYS_read, fd, (long)buf, sizeof buf - 1, 0, 0, 0);
    buf[n < 0 ? 0 : n] = 0;
    put("read "); put_num(n); put(": "); put(buf); put("\n");
    put("close "); put_num(syscall6(SYS_close, fd, 0, 0, 0, 0, 0)); put("\n");
    put("missing "); put_num(syscall6(SYS_openat, AT_FDCWD, (long)"/no/such/file", 0, 0, 0, 0)); put("\n");
    return 0;
}
