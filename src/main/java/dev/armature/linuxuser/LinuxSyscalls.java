package dev.armature.linuxuser;

import dev.armature.arch.aarch64.Cpu;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.armature.linuxuser.SyscallNumbers.*;

/**
 * The Linux system calls of a single-threaded user-mode process: number in X8, arguments in X0..X5, result in
 * X0 (negative errno on failure). Unimplemented calls return -ENOSYS and are counted, never faked.
 *
 * <p>Signals are never delivered: {@code rt_sigaction} and {@code rt_sigprocmask} record what the guest asks and
 * report it back, which is honest because no signal can arrive (there are no other threads, timers or terminal
 * signals); a signal the guest sends itself with kill/tgkill takes its default action, ending the process.
 */
public final class LinuxSyscalls {
    /** The guest's pid (and tid) as the syscalls report it. */
    public static final int PID = 4242;

    private static final int MAP_SHARED = 0x01;
    private static final int MAP_FIXED = 0x10;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_FIXED_NOREPLACE = 0x100000;
    private static final int MREMAP_MAYMOVE = 1;
    private static final int MREMAP_FIXED = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final long RLIM_INFINITY = -1L;
    private static final int IO_CHUNK = 1 << 20;
    /** Largest single mapping: each is backed by host memory at once, so bigger requests get ENOMEM. */
    private static final long MAX_MAPPING = 4L << 30;

    private final AddressSpace as;
    private final FileTable files;
    private final Consumer<ExitStatus> terminate;
    private final Path executable;
    private final long mmapTop;
    private final int uid;
    private final int gid;
    private final SecureRandom random = new SecureRandom();
    private final long brkStart;
    private long brk;
    private PrintStream strace;

    private final Map<Integer, byte[]> sigactions = new HashMap<>();
    private long sigmask;
    private final Map<Integer, long[]> rlimits = new HashMap<>();
    private final Map<Long, Integer> unknownCounts = new TreeMap<>();

    /**
     * @param brkStart   the program break at start (page after the highest segment)
     * @param mmapTop    mmap places mappings below this address
     * @param executable host path of the program, for /proc/self/exe
     * @param terminate  called when the process ends (exit or a fatal signal)
     */
    public LinuxSyscalls(AddressSpace as, FileTable files, long brkStart, long mmapTop, Path executable,
                         int uid, int gid, Consumer<ExitStatus> terminate) {
        this.as = as;
        this.files = files;
        this.brkStart = brkStart;
        this.brk = brkStart;
        this.mmapTop = mmapTop;
        this.executable = executable;
        this.uid = uid;
        this.gid = gid;
        this.terminate = terminate;
        rlimits.put(3, new long[] {8L << 20, RLIM_INFINITY}); // RLIMIT_STACK: the stack we map
        rlimits.put(7, new long[] {1024, 4096}); // RLIMIT_NOFILE
    }

    /** Logs each call as {@code pid name(args) = result}, like qemu-user's -strace. */
    public void setStrace(PrintStream out) {
        strace = out;
    }

    /** Calls of unimplemented system calls, by number. */
    public Map<Long, Integer> unknownCounts() {
        return unknownCounts;
    }

    /** The name of a system call number ("syscall_N" if unknown). */
    public static String syscallName(long nr) {
        return SyscallNumbers.name(nr);
    }

    /** Runs the system call the CPU's registers describe (after SVC #0) and writes its result to X0. */
    public void handle(Cpu cpu) {
        long nr = cpu.x(8);
        long[] a = {cpu.x(0), cpu.x(1), cpu.x(2), cpu.x(3), cpu.x(4), cpu.x(5)};
        long result;
        try {
            result = dispatch(nr, a);
        } catch (AddressSpace.Fault e) {
            result = -Errno.EFAULT;
        } catch (IOException e) {
            result = -FileTable.errnoOf(e);
        } catch (java.nio.file.InvalidPathException e) {
            result = -Errno.ENOENT;
        } catch (OutOfMemoryError e) {
            result = -Errno.ENOMEM; // the host could not back a mapping
        }
        if (strace != null) {
            strace.printf("%d %s(%s) = %s%n", PID, SyscallNumbers.name(nr), formatArgs(nr, a),
                    formatResult(result));
        }
        cpu.setX(0, result);
    }

    /** Arguments as numbers, except a path argument, shown as the string it points to. */
    private String formatArgs(long nr, long[] a) {
        int pathArg = switch ((int) nr) {
            case OPENAT, NEWFSTATAT, READLINKAT, FACCESSAT, FACCESSAT2 -> 1;
            default -> -1;
        };
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                sb.append(',');
            }
            long v = a[i];
            String path = null;
            if (i == pathArg) {
                try {
                    path = '"' + as.readCString(v, 4096) + '"';
                } catch (AddressSpace.Fault e) {
                    // shown as a number
                }
            }
            sb.append(path != null ? path : v >= -4096 && v < 4096 ? Long.toString(v) : "0x" + Long.toHexString(v));
        }
        return sb.toString();
    }

    private static String formatResult(long r) {
        if (r < 0 && r >= -4095) {
            return "-1 errno=" + (-r);
        }
        return r >= 0 && r < 4096 ? Long.toString(r) : "0x" + Long.toHexString(r);
    }

    private long dispatch(long nr, long[] a) throws AddressSpace.Fault, IOException {
        int fd = (int) a[0];
        return switch ((int) nr == nr ? (int) nr : -1) {
            case READ -> read(fd, a[1], a[2]);
            case WRITE -> write(fd, a[1], a[2]);
            case READV -> readv(fd, a[1], (int) a[2]);
            case WRITEV -> writev(fd, a[1], (int) a[2]);
            case PREAD64 -> pread(fd, a[1], a[2], a[3]);
            case OPENAT -> openat((int) a[0], a[1], (int) a[2], (int) a[3]);
            case CLOSE -> files.close(fd);
            case LSEEK -> lseek(fd, a[1], (int) a[2]);
            case FSTAT -> fstat(fd, a[1]);
            case NEWFSTATAT -> newfstatat((int) a[0], a[1], a[2], (int) a[3]);
            case READLINKAT -> readlinkat((int) a[0], a[1], a[2], a[3]);
            case FACCESSAT, FACCESSAT2 -> faccessat((int) a[0], a[1], (int) a[2]);
            case GETCWD -> getcwd(a[0], a[1]);
            case GETDENTS64 -> getdents64(fd, a[1], a[2]);
            case DUP -> files.dup(fd, -1, false);
            case DUP3 -> (int) a[0] == (int) a[1] ? -Errno.EINVAL
                    : files.get(fd) == null ? -Errno.EBADF
                    : files.dup(fd, (int) a[1], (a[2] & O_CLOEXEC) != 0);
            case FCNTL -> fcntl(fd, (int) a[1], a[2]);
            case IOCTL -> files.get(fd) == null ? -Errno.EBADF : -Errno.ENOTTY;
            case EXIT, EXIT_GROUP -> {
                terminate.accept(ExitStatus.exited((int) a[0]));
                yield 0;
            }
            case BRK -> brk(a[0]);
            case MMAP -> mmap(a[0], a[1], (int) a[2], (int) a[3], (int) a[4], a[5]);
            case MUNMAP -> munmap(a[0], a[1]);
            case MREMAP -> mremap(a[0], a[1], a[2], (int) a[3]);
            case MPROTECT -> (a[0] & (AddressSpace.PAGE - 1)) != 0 || a[1] < 0 || a[1] > mmapTop
                    ? -Errno.EINVAL
                    : a[1] == 0 ? 0
                    : as.protect(a[0], AddressSpace.pageUp(a[1]), (int) a[2]) ? 0 : -Errno.ENOMEM;
            case MADVISE -> madvise(a[0], a[1], (int) a[2]);
            case UNAME -> uname(a[0]);
            case CLOCK_GETTIME -> clockGettime((int) a[0], a[1]);
            case CLOCK_GETRES -> clockGetres((int) a[0], a[1]);
            case GETTIMEOFDAY -> gettimeofday(a[0], a[1]);
            case GETRANDOM -> getrandom(a[0], a[1]);
            case SET_TID_ADDRESS, GETPID, GETTID -> PID;
            case GETPPID -> 1;
            case GETUID, GETEUID -> uid;
            case GETGID, GETEGID -> gid;
            case SET_ROBUST_LIST -> a[1] == 24 ? 0 : -Errno.EINVAL; // no threads die, so the list is never walked
            case RT_SIGACTION -> rtSigaction((int) a[0], a[1], a[2], a[3]);
            case RT_SIGPROCMASK -> rtSigprocmask((int) a[0], a[1], a[2], a[3]);
            case KILL -> sendSignalToSelf(a[0] == PID || a[0] == 0 || a[0] == -1, (int) a[1]);
            case TKILL -> sendSignalToSelf(a[0] == PID, (int) a[1]);
            case TGKILL -> sendSignalToSelf(a[0] == PID && a[1] == PID, (int) a[2]);
            case PRLIMIT64 -> prlimit64(a[0], (int) a[1], a[2], a[3]);
            case SCHED_GETAFFINITY -> schedGetaffinity(a[0], a[1], a[2]);
            case SCHED_YIELD -> 0;
            case FUTEX -> futex(a[0], (int) a[1], (int) a[2], a[3]);
            default -> {
                unknownCounts.merge(nr, 1, Integer::sum);
                yield -Errno.ENOSYS; // includes rseq: glibc then runs without restartable sequences
            }
        };
    }

    // ---- files ----

    private long read(int fd, long buf, long count) throws AddressSpace.Fault, IOException {
        FileTable.OpenFile f = files.get(fd);
        if (f == null) {
            return -Errno.EBADF;
        }
        int len = (int) Math.min(Math.max(count, 0), IO_CHUNK);
        if (len > 0 && !as.isMapped(buf, buf + len)) {
            return -Errno.EFAULT;
        }
        byte[] b = new byte[len];
        int n = f.read(b, len);
        if (n > 0) {
            as.write(buf, b, 0, n);
        }
        return n;
    }

    private long pread(int fd, long buf, long count, long offset) throws AddressSpace.Fault, IOException {
        FileTable.OpenFile f = files.get(fd);
        if (f == null) {
            return -Errno.EBADF;
        }
        int len = (int) Math.min(Math.max(count, 0), IO_CHUNK);
        if (len > 0 && !as.isMapped(buf, buf + len)) {
            return -Errno.EFAULT;
        }
        byte[] b = new byte[len];
        int n = f.pread(b, len, offset);
        if (n > 0) {
            as.write(buf, b, 0, n);
        }
        return n;
    }

    private long write(int fd, long buf, long count) throws AddressSpace.Fault, IOException {
        FileTable.OpenFile f = files.get(fd);
        if (f == null) {
            return -Errno.EBADF;
        }
        int len = (int) Math.min(Math.max(count, 0), IO_CHUNK);
        return f.write(as.read(buf, len), len);
    }

    private long readv(int fd, long iov, int cnt) throws AddressSpace.Fault, IOException {
        if (cnt < 0 || cnt > 1024) {
            return -Errno.EINVAL;
        }
        long total = 0;
        for (int i = 0; i < cnt; i++) {
            long base = as.readLong(iov + 16L * i);
            long len = as.readLong(iov + 16L * i + 8);
            long n = read(fd, base, len);
            if (n < 0) {
                return total > 0 ? total : n;
            }
            total += n;
            if (n < len) {
                break;
            }
        }
        return total;
    }

    private long writev(int fd, long iov, int cnt) throws AddressSpace.Fault, IOException {
        if (cnt < 0 || cnt > 1024) {
            return -Errno.EINVAL;
        }
        FileTable.OpenFile f = files.get(fd);
        if (f == null) {
            return -Errno.EBADF;
        }
        // Gather first, then write once, so a fault leaves nothing half-written.
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < cnt; i++) {
            long base = as.readLong(iov + 16L * i);
            long len = as.readLong(iov + 16L * i + 8);
            if (len < 0 || all.size() + len > IO_CHUNK) {
                return -Errno.EINVAL;
            }
            all.writeBytes(as.read(base, (int) len));
        }
        byte[] b = all.toByteArray();
        return f.write(b, b.length);
    }

    private long openat(int dirfd, long pathAddr, int flags, int mode) throws AddressSpace.Fault {
        String path = as.readCString(pathAddr, 4096);
        int fd = files.open(dirfd, path, flags, mode);
        if (fd >= 0 && (flags & O_CLOEXEC) != 0) {
            files.setCloseOnExec(fd, true);
        }
        return fd;
    }

    private long lseek(int fd, long offset, int whence) throws IOException {
        FileTable.OpenFile f = files.get(fd);
        return f == null ? -Errno.EBADF : f.seek(offset, whence);
    }

    private long fstat(int fd, long statbuf) throws AddressSpace.Fault {
        FileTable.OpenFile f = files.get(fd);
        if (f == null) {
            return -Errno.EBADF;
        }
        byte[] st;
        try {
            Path p = f.path();
            st = p == null ? StatBuffer.pipe() : StatBuffer.of(p, true);
        } catch (IOException e) {
            return -FileTable.errnoOf(e);
        }
        as.write(statbuf, st);
        return 0;
    }

    private long newfstatat(int dirfd, long pathAddr, long statbuf, int flags) throws AddressSpace.Fault {
        String path = as.readCString(pathAddr, 4096);
        if (path.isEmpty()) {
            return (flags & AT_EMPTY_PATH) != 0 ? fstat(dirfd, statbuf) : -Errno.ENOENT;
        }
        Path p = files.resolve(dirfd, path);
        if (p == null) {
            return files.get(dirfd) == null ? -Errno.EBADF : -Errno.ENOTDIR;
        }
        try {
            as.write(statbuf, StatBuffer.of(p, (flags & AT_SYMLINK_NOFOLLOW) == 0));
        } catch (IOException e) {
            return -FileTable.errnoOf(e);
        }
        return 0;
    }

    private long readlinkat(int dirfd, long pathAddr, long buf, long size) throws AddressSpace.Fault {
        String path = as.readCString(pathAddr, 4096);
        if (size <= 0) {
            return -Errno.EINVAL;
        }
        String target;
        if (path.equals("/proc/self/exe")) {
            target = executable.toAbsolutePath().toString();
        } else {
            Path p = files.resolve(dirfd, path);
            if (p == null) {
                return -Errno.EBADF;
            }
            try {
                target = Files.readSymbolicLink(p).toString();
            } catch (java.nio.file.NotLinkException e) {
                return -Errno.EINVAL;
            } catch (IOException | UnsupportedOperationException e) {
                return -FileTable.errnoOf(e);
            }
        }
        byte[] b = target.getBytes(StandardCharsets.UTF_8);
        int n = (int) Math.min(b.length, size);
        as.write(buf, b, 0, n);
        return n;
    }

    private long faccessat(int dirfd, long pathAddr, int mode) throws AddressSpace.Fault {
        Path p = files.resolve(dirfd, as.readCString(pathAddr, 4096));
        if (p == null) {
            return -Errno.EBADF;
        }
        if (!Files.exists(p)) {
            return -Errno.ENOENT;
        }
        boolean ok = ((mode & 4) == 0 || Files.isReadable(p)) && ((mode & 2) == 0 || Files.isWritable(p))
                && ((mode & 1) == 0 || Files.isExecutable(p));
        return ok ? 0 : -Errno.EACCES;
    }

    /** Fills {@code struct linux_dirent64} records (8-byte aligned) from the directory's listing. */
    private long getdents64(int fd, long dirp, long count) throws AddressSpace.Fault, IOException {
        FileTable.OpenFile f = files.get(fd);
        if (f == null) {
            return -Errno.EBADF;
        }
        if (!(f instanceof FileTable.Directory d)) {
            return -Errno.ENOTDIR;
        }
        if (d.entries == null) {
            List<String> names = new ArrayList<>(List.of(".", ".."));
            try (Stream<Path> list = Files.list(d.path)) {
                list.map(p -> p.getFileName().toString()).sorted().forEach(names::add);
            }
            d.entries = names;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (d.position < d.entries.size()) {
            String name = d.entries.get(d.position);
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            int reclen = (19 + n.length + 1 + 7) & ~7;
            if (out.size() + reclen > Math.min(count, IO_CHUNK)) {
                if (out.size() == 0) {
                    return -Errno.EINVAL; // buffer too small for one entry
                }
                break;
            }
            Path p = d.path.resolve(name);
            java.nio.ByteBuffer rec = java.nio.ByteBuffer.allocate(reclen).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            rec.putLong(0, inode(p)).putLong(8, d.position + 1).putShort(16, (short) reclen)
                    .put(18, direntType(p)).put(19, n);
            out.writeBytes(rec.array());
            d.position++;
        }
        as.write(dirp, out.toByteArray());
        return out.size();
    }

    private static long inode(Path p) {
        try {
            return ((Number) Files.getAttribute(p, "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS)).longValue();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** d_type: DT_DIR, DT_REG, DT_LNK or DT_UNKNOWN. */
    private static byte direntType(Path p) {
        if (Files.isSymbolicLink(p)) {
            return 10;
        }
        return Files.isDirectory(p) ? (byte) 4 : Files.isRegularFile(p) ? (byte) 8 : 0;
    }

    private long getcwd(long buf, long size) throws AddressSpace.Fault {
        byte[] cwd = (Path.of("").toAbsolutePath() + "\0").getBytes(StandardCharsets.UTF_8);
        if (size < cwd.length) {
            return -Errno.ERANGE;
        }
        as.write(buf, cwd);
        return cwd.length;
    }

    private long fcntl(int fd, int cmd, long arg) {
        if (files.get(fd) == null) {
            return -Errno.EBADF;
        }
        return switch (cmd) {
            case 0 -> files.dup(fd, -(int) arg - 1, false); // F_DUPFD
            case 1030 -> files.dup(fd, -(int) arg - 1, true); // F_DUPFD_CLOEXEC
            case 1 -> files.isCloseOnExec(fd) ? 1 : 0; // F_GETFD
            case 2 -> { // F_SETFD
                files.setCloseOnExec(fd, (arg & 1) != 0);
                yield 0;
            }
            case 3 -> files.get(fd).flags; // F_GETFL
            default -> -Errno.EINVAL;
        };
    }

    // ---- memory ----

    private long brk(long addr) {
        if (addr < brkStart || addr > mmapTop) {
            return brk;
        }
        long oldTop = AddressSpace.pageUp(brk);
        long newTop = AddressSpace.pageUp(addr);
        if (newTop > oldTop) {
            if (newTop - oldTop > MAX_MAPPING || !as.isFree(oldTop, newTop - oldTop)) {
                return brk;
            }
            as.map(oldTop, newTop - oldTop, AddressSpace.PROT_READ | AddressSpace.PROT_WRITE, "[heap]");
        } else if (newTop < oldTop) {
            as.unmap(newTop, oldTop - newTop);
        }
        brk = addr;
        return brk;
    }

    private long mmap(long addr, long length, int prot, int flags, int fd, long offset)
            throws AddressSpace.Fault, IOException {
        if (length == 0 || (offset & (AddressSpace.PAGE - 1)) != 0) {
            return -Errno.EINVAL;
        }
        if (Long.compareUnsigned(length, MAX_MAPPING) > 0) {
            return -Errno.ENOMEM;
        }
        long len = AddressSpace.pageUp(length);
        FileTable.OpenFile file = null;
        if ((flags & MAP_ANONYMOUS) == 0) {
            file = files.get(fd);
            if (file == null) {
                return -Errno.EBADF;
            }
            if (!(file instanceof FileTable.HostFile)) {
                return -Errno.ENODEV;
            }
            if ((flags & MAP_SHARED) != 0 && (prot & AddressSpace.PROT_WRITE) != 0) {
                return -Errno.ENODEV; // writes could not reach the file: refuse rather than lose them
            }
        }
        long at = place(addr, len, flags);
        if (at < 0) {
            return at;
        }
        as.map(at, len, prot, file != null ? "file" : "anon");
        if (file != null) {
            byte[] b = new byte[(int) Math.min(len, Integer.MAX_VALUE - 8)];
            int n = file.pread(b, b.length, offset);
            if (n > 0) {
                as.write(at, b, 0, n);
            }
        }
        return at;
    }

    /** Chooses where a new mapping of {@code len} bytes goes, or returns -errno. */
    private long place(long addr, long len, int flags) {
        if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0) {
            if ((addr & (AddressSpace.PAGE - 1)) != 0 || addr == 0) {
                return -Errno.EINVAL;
            }
            if (Long.compareUnsigned(addr + len, mmapTop) > 0 || addr + len < addr) {
                return -Errno.ENOMEM; // beyond what the CPU can address with the MMU off, or into the stack gap
            }
            if (!as.isFree(addr, len)) {
                if ((flags & MAP_FIXED) == 0) {
                    return -Errno.EEXIST;
                }
                as.unmap(addr, len);
            }
            return addr;
        }
        long hint = AddressSpace.pageDown(addr);
        if (hint >= AddressSpace.PAGE && hint + len <= mmapTop && as.isFree(hint, len)) {
            return hint;
        }
        long at = as.findFreeBelow(mmapTop, len);
        return at < 0 ? -Errno.ENOMEM : at;
    }

    private long munmap(long addr, long length) {
        if ((addr & (AddressSpace.PAGE - 1)) != 0 || length <= 0 || length > mmapTop) {
            return -Errno.EINVAL;
        }
        as.unmap(addr, AddressSpace.pageUp(length));
        return 0;
    }

    /** mremap without MREMAP_FIXED (so the fifth argument, the new address, is never used). */
    private long mremap(long old, long oldSize, long newSize, int flags) throws AddressSpace.Fault {
        if ((old & (AddressSpace.PAGE - 1)) != 0 || newSize <= 0 || (flags & MREMAP_FIXED) != 0) {
            return -Errno.EINVAL;
        }
        if (Long.compareUnsigned(oldSize, mmapTop) > 0) {
            return -Errno.EINVAL;
        }
        if (Long.compareUnsigned(newSize, MAX_MAPPING) > 0) {
            return -Errno.ENOMEM;
        }
        long oldLen = AddressSpace.pageUp(oldSize);
        long newLen = AddressSpace.pageUp(newSize);
        if (!as.isMapped(old, old + oldLen)) {
            return -Errno.EFAULT;
        }
        if (newLen <= oldLen) {
            if (newLen < oldLen) {
                as.unmap(old + newLen, oldLen - newLen);
            }
            return old;
        }
        if (as.isFree(old + oldLen, newLen - oldLen)) {
            as.map(old + oldLen, newLen - oldLen, AddressSpace.PROT_READ | AddressSpace.PROT_WRITE, "anon");
            return old;
        }
        if ((flags & MREMAP_MAYMOVE) == 0) {
            return -Errno.ENOMEM;
        }
        long at = as.findFreeBelow(mmapTop, newLen);
        if (at < 0) {
            return -Errno.ENOMEM;
        }
        as.map(at, newLen, AddressSpace.PROT_READ | AddressSpace.PROT_WRITE, "anon");
        as.copy(old, at, oldLen);
        as.unmap(old, oldLen);
        return at;
    }

    private long madvise(long addr, long length, int advice) throws AddressSpace.Fault {
        if ((addr & (AddressSpace.PAGE - 1)) != 0 || length < 0 || length > mmapTop) {
            return -Errno.EINVAL;
        }
        long len = AddressSpace.pageUp(length);
        if (!as.isMapped(addr, addr + len)) {
            return -Errno.ENOMEM;
        }
        if (advice == 4) { // MADV_DONTNEED: private anonymous pages read back as zero afterwards
            as.zero(addr, len);
        }
        return 0; // every other advice is a hint
    }

    // ---- time, identity, randomness ----

    private long uname(long buf) throws AddressSpace.Fault {
        String[] fields = {"Linux", hostName(), "6.1.0-armature", "#1 SMP PREEMPT_DYNAMIC Armature", "aarch64",
            "(none)"};
        byte[] b = new byte[65 * 6];
        for (int i = 0; i < fields.length; i++) {
            byte[] f = fields[i].getBytes(StandardCharsets.UTF_8);
            System.arraycopy(f, 0, b, 65 * i, Math.min(f.length, 64));
        }
        as.write(buf, b);
        return 0;
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Nanoseconds on the given clock, or -1 for an unknown clock id. */
    private static long clockNanos(int clock) {
        return switch (clock) {
            case 0, 5, 8, 11 -> { // REALTIME, REALTIME_COARSE, REALTIME_ALARM, TAI
                Instant now = Instant.now();
                yield now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }
            case 1, 4, 6, 7, 9 -> System.nanoTime(); // MONOTONIC, _RAW, _COARSE, BOOTTIME, BOOTTIME_ALARM
            case 2, 3 -> { // PROCESS_CPUTIME_ID, THREAD_CPUTIME_ID: the emulating thread's CPU time
                var mx = java.lang.management.ManagementFactory.getThreadMXBean();
                yield mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : System.nanoTime();
            }
            default -> -1;
        };
    }

    private long clockGettime(int clock, long tp) throws AddressSpace.Fault {
        long ns = clockNanos(clock);
        if (ns == -1) {
            return -Errno.EINVAL;
        }
        as.writeLong(tp, Math.floorDiv(ns, 1_000_000_000L));
        as.writeLong(tp + 8, Math.floorMod(ns, 1_000_000_000L));
        return 0;
    }

    private long clockGetres(int clock, long tp) throws AddressSpace.Fault {
        if (clockNanos(clock) == -1) {
            return -Errno.EINVAL;
        }
        if (tp != 0) {
            as.writeLong(tp, 0);
            as.writeLong(tp + 8, 1);
        }
        return 0;
    }

    private long gettimeofday(long tv, long tz) throws AddressSpace.Fault {
        long ns = clockNanos(0);
        if (tv != 0) {
            as.writeLong(tv, ns / 1_000_000_000L);
            as.writeLong(tv + 8, ns % 1_000_000_000L / 1000);
        }
        if (tz != 0) {
            as.writeLong(tz, 0); // struct timezone: minutes west 0, dst 0 (UTC)
        }
        return 0;
    }

    private long getrandom(long buf, long count) throws AddressSpace.Fault {
        int len = (int) Math.min(Math.max(count, 0), IO_CHUNK);
        byte[] b = new byte[len];
        random.nextBytes(b);
        as.write(buf, b);
        return len;
    }

    // ---- signals, limits, scheduling, futex ----

    private long rtSigaction(int sig, long act, long oldact, long sigsetsize) throws AddressSpace.Fault {
        if (sigsetsize != 8 || sig < 1 || sig > 64 || sig == Signals.SIGKILL || sig == 19) {
            return -Errno.EINVAL;
        }
        if (oldact != 0) {
            as.write(oldact, sigactions.getOrDefault(sig, new byte[32]));
        }
        if (act != 0) {
            sigactions.put(sig, as.read(act, 32));
        }
        return 0;
    }

    private long rtSigprocmask(int how, long set, long oldset, long sigsetsize) throws AddressSpace.Fault {
        if (sigsetsize != 8) {
            return -Errno.EINVAL;
        }
        long old = sigmask;
        if (set != 0) {
            long s = as.readLong(set);
            switch (how) {
                case 0 -> sigmask |= s; // SIG_BLOCK
                case 1 -> sigmask &= ~s; // SIG_UNBLOCK
                case 2 -> sigmask = s; // SIG_SETMASK
                default -> {
                    return -Errno.EINVAL;
                }
            }
            sigmask &= ~((1L << (Signals.SIGKILL - 1)) | (1L << 18)); // SIGKILL and SIGSTOP cannot be blocked
        }
        if (oldset != 0) {
            as.writeLong(oldset, old);
        }
        return 0;
    }

    private long sendSignalToSelf(boolean self, int sig) {
        if (!self) {
            return -Errno.ESRCH;
        }
        if (sig < 0 || sig > 64) {
            return -Errno.EINVAL;
        }
        if (sig != 0) {
            terminate.accept(ExitStatus.killed(sig, "guest sent itself " + Signals.name(sig)
                    + " (signals are not delivered to handlers in user mode)"));
        }
        return 0;
    }

    private long prlimit64(long pid, int resource, long newLimit, long oldLimit) throws AddressSpace.Fault {
        if (pid != 0 && pid != PID) {
            return -Errno.ESRCH;
        }
        if (resource < 0 || resource > 15) {
            return -Errno.EINVAL;
        }
        long[] cur = rlimits.getOrDefault(resource, new long[] {RLIM_INFINITY, RLIM_INFINITY});
        if (oldLimit != 0) {
            as.writeLong(oldLimit, cur[0]);
            as.writeLong(oldLimit + 8, cur[1]);
        }
        if (newLimit != 0) {
            long soft = as.readLong(newLimit);
            long hard = as.readLong(newLimit + 8);
            if (Long.compareUnsigned(soft, hard) > 0 || Long.compareUnsigned(hard, cur[1]) > 0) {
                return -Errno.EINVAL;
            }
            rlimits.put(resource, new long[] {soft, hard});
        }
        return 0;
    }

    private long schedGetaffinity(long pid, long size, long mask) throws AddressSpace.Fault {
        if (pid != 0 && pid != PID) {
            return -Errno.ESRCH;
        }
        if (size < 8 || (size & 7) != 0) {
            return -Errno.EINVAL;
        }
        as.writeLong(mask, 1); // one CPU
        return 8;
    }

    private long futex(long uaddr, int op, int val, long timeout) throws AddressSpace.Fault {
        int cmd = op & 0x7f; // without FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME
        return switch (cmd) {
            case 0, 9 -> { // WAIT, WAIT_BITSET
                if (as.readInt(uaddr) != val) {
                    yield -Errno.EAGAIN;
                }
                if (timeout != 0) {
                    yield -Errno.ETIMEDOUT; // nobody else can wake us before the timeout
                }
                terminate.accept(ExitStatus.killed(Signals.SIGKILL,
                        "futex wait without timeout in a single-threaded process would block forever"));
                yield 0;
            }
            case 1, 10 -> 0; // WAKE, WAKE_BITSET: no other thread waits
            default -> {
                unknownCounts.merge((long) FUTEX, 1, Integer::sum);
                yield -Errno.ENOSYS;
            }
        };
    }

    /** Releases host files (process end). */
    public void close() {
        files.closeAll();
    }
}
