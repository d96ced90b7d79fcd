package dev.armature.linuxuser;

import java.util.Map;

/** arm64 Linux system call numbers (the asm-generic table) and names, for dispatch, -strace and counts. */
final class SyscallNumbers {
    static final int GETCWD = 17;
    static final int DUP = 23;
    static final int DUP3 = 24;
    static final int FCNTL = 25;
    static final int IOCTL = 29;
    static final int FACCESSAT = 48;
    static final int OPENAT = 56;
    static final int CLOSE = 57;
    static final int GETDENTS64 = 61;
    static final int LSEEK = 62;
    static final int READ = 63;
    static final int WRITE = 64;
    static final int READV = 65;
    static final int WRITEV = 66;
    static final int PREAD64 = 67;
    static final int READLINKAT = 78;
    static final int NEWFSTATAT = 79;
    static final int FSTAT = 80;
    static final int EXIT = 93;
    static final int EXIT_GROUP = 94;
    static final int SET_TID_ADDRESS = 96;
    static final int FUTEX = 98;
    static final int SET_ROBUST_LIST = 99;
    static final int CLOCK_GETTIME = 113;
    static final int CLOCK_GETRES = 114;
    static final int SCHED_GETAFFINITY = 123;
    static final int SCHED_YIELD = 124;
    static final int KILL = 129;
    static final int TKILL = 130;
    static final int TGKILL = 131;
    static final int RT_SIGACTION = 134;
    static final int RT_SIGPROCMASK = 135;
    static final int UNAME = 160;
    static final int GETTIMEOFDAY = 169;
    static final int GETPID = 172;
    static final int GETPPID = 173;
    static final int GETUID = 174;
    static final int GETEUID = 175;
    static final int GETGID = 176;
    static final int GETEGID = 177;
    static final int GETTID = 178;
    static final int BRK = 214;
    static final int MUNMAP = 215;
    static final int MREMAP = 216;
    static final int MMAP = 222;
    static final int MPROTECT = 226;
    static final int MADVISE = 233;
    static final int PRLIMIT64 = 261;
    static final int GETRANDOM = 278;
    static final int RSEQ = 293;
    static final int FACCESSAT2 = 439;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(GETCWD, "getcwd"), Map.entry(DUP, "dup"), Map.entry(DUP3, "dup3"), Map.entry(FCNTL, "fcntl"),
            Map.entry(IOCTL, "ioctl"), Map.entry(FACCESSAT, "faccessat"), Map.entry(OPENAT, "openat"),
            Map.entry(CLOSE, "close"), Map.entry(GETDENTS64, "getdents64"), Map.entry(LSEEK, "lseek"),
            Map.entry(READ, "read"), Map.entry(WRITE, "write"), Map.entry(READV, "readv"),
            Map.entry(WRITEV, "writev"), Map.entry(PREAD64, "pread64"), Map.entry(68, "pwrite64"),
            Map.entry(READLINKAT, "readlinkat"), Map.entry(NEWFSTATAT, "newfstatat"), Map.entry(FSTAT, "fstat"),
            Map.entry(EXIT, "exit"), Map.entry(EXIT_GROUP, "exit_group"),
            Map.entry(SET_TID_ADDRESS, "set_tid_address"), Map.entry(FUTEX, "futex"),
            Map.entry(SET_ROBUST_LIST, "set_robust_list"), Map.entry(101, "nanosleep"),
            Map.entry(CLOCK_GETTIME, "clock_gettime"), Map.entry(CLOCK_GETRES, "clock_getres"),
            Map.entry(115, "clock_nanosleep"), Map.entry(SCHED_GETAFFINITY, "sched_getaffinity"),
            Map.entry(SCHED_YIELD, "sched_yield"), Map.entry(KILL, "kill"), Map.entry(TKILL, "tkill"),
            Map.entry(TGKILL, "tgkill"), Map.entry(132, "sigaltstack"), Map.entry(RT_SIGACTION, "rt_sigaction"),
            Map.entry(RT_SIGPROCMASK, "rt_sigprocmask"), Map.entry(139, "rt_sigreturn"), Map.entry(UNAME, "uname"),
            Map.entry(163, "getrlimit"), Map.entry(165, "getrusage"), Map.entry(167, "prctl"),
            Map.entry(GETTIMEOFDAY, "gettimeofday"), Map.entry(GETPID, "getpid"), Map.entry(GETPPID, "getppid"),
            Map.entry(GETUID, "getuid"), Map.entry(GETEUID, "geteuid"), Map.entry(GETGID, "getgid"),
            Map.entry(GETEGID, "getegid"), Map.entry(GETTID, "gettid"), Map.entry(179, "sysinfo"),
            Map.entry(BRK, "brk"), Map.entry(MUNMAP, "munmap"), Map.entry(MREMAP, "mremap"),
            Map.entry(220, "clone"), Map.entry(221, "execve"), Map.entry(MMAP, "mmap"),
            Map.entry(MPROTECT, "mprotect"), Map.entry(MADVISE, "madvise"), Map.entry(260, "wait4"),
            Map.entry(PRLIMIT64, "prlimit64"), Map.entry(GETRANDOM, "getrandom"), Map.entry(291, "statx"),
            Map.entry(RSEQ, "rseq"), Map.entry(435, "clone3"), Map.entry(FACCESSAT2, "faccessat2"));

    private SyscallNumbers() {
    }

    static String name(long nr) {
        String n = NAMES.get((int) nr);
        return n != null && nr == (int) nr ? n : "syscall_" + nr;
    }
}
