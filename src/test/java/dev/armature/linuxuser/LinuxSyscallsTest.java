package dev.armature.linuxuser;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.Esr;
import dev.armature.arch.aarch64.Exceptions;
import dev.armature.arch.aarch64.SyncException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.armature.linuxuser.GuestPrograms.DATA;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** System calls entered the way the CPU enters them: an SVC exception taken through the runner's hook. */
class LinuxSyscallsTest {
    private final GuestPrograms g = new GuestPrograms();
    private UserProcess p;
    private AddressSpace as;

    @BeforeEach
    void setUp() throws Exception {
        p = g.scratch();
        as = p.addressSpace();
    }

    @AfterEach
    void tearDown() {
        p.close();
    }

    private long svc(int nr, long... args) {
        Cpu cpu = p.cpu();
        for (int i = 0; i < args.length; i++) {
            cpu.setX(i, args[i]);
        }
        cpu.setX(8, nr);
        long next = cpu.pc + 4;
        Exceptions.takeSync(cpu, new SyncException(Esr.EC_SVC64, 0, 0, false, next));
        assertEquals(next, cpu.pc, "execution resumes after the SVC");
        return cpu.x(0);
    }

    private long string(long at, String s) throws AddressSpace.Fault {
        as.write(at, (s + "\0").getBytes(StandardCharsets.UTF_8));
        return at;
    }

    @Test
    void writeAndWritevReachTheStreams() throws Exception {
        as.write(DATA, "hello world".getBytes());
        assertEquals(5, svc(64, 1, DATA, 5));
        assertEquals(3, svc(64, 2, DATA + 8, 3));
        // writev: iovec array at DATA+0x100 = {DATA+6, 5}, {DATA+5, 1}
        as.writeLong(DATA + 0x100, DATA + 6);
        as.writeLong(DATA + 0x108, 5);
        as.writeLong(DATA + 0x110, DATA + 5);
        as.writeLong(DATA + 0x118, 1);
        assertEquals(6, svc(66, 1, DATA + 0x100, 2));
        assertEquals("helloworld ", g.out.toString());
        assertEquals("rld", g.err.toString());
        assertEquals(-Errno.EBADF, svc(64, 99, DATA, 1));
        assertEquals(-Errno.EFAULT, svc(64, 1, 0x1000, 4));
        assertEquals(-Errno.EFAULT, svc(64, 1, DATA + 0x1ffe, 4)); // runs off the end of the mapping
    }

    @Test
    void exitGroupEndsTheProcessWithItsCode() {
        svc(94, 0x1ff);
        assertEquals(ExitStatus.exited(0xff), p.run());
    }

    @Test
    void exitEndsTheProcess() {
        svc(93, 3);
        assertEquals(3, p.run().shellStatus());
    }

    @Test
    void brkGrowsAndShrinksTheHeap() throws Exception {
        long start = svc(214, 0);
        assertEquals(DATA + 0x2000, start);
        assertEquals(start, svc(214, start - 8)); // below the start: unchanged
        assertEquals(start + 0x5010, svc(214, start + 0x5010));
        as.writeLong(start + 0x5008, 77); // mapped up to the page end
        as.writeLong(start + 0x5ff8, 78);
        assertEquals(start + 0x5010, svc(214, 0x7fff_ffff_ffff_f001L)); // absurd: refused, heap unchanged
        assertEquals(77, as.readLong(start + 0x5008));
        assertEquals(start + 0x100, svc(214, start + 0x100));
        assertThrows(AddressSpace.Fault.class, () -> as.readLong(start + 0x1000));
        assertEquals(start + 0x3000, svc(214, start + 0x3000));
        assertEquals(0, as.readLong(start + 0x2000), "pages given back and taken again read as zero");
    }

    @Test
    void mmapMunmapMremapManageAnonymousMemory() throws Exception {
        long a = svc(222, 0, 0x3000, 3, 0x22, -1, 0); // PROT_READ|WRITE, MAP_PRIVATE|MAP_ANONYMOUS
        assertEquals(0, a % 4096);
        assertTrue(a < p.mmapTop() && a > DATA);
        as.writeLong(a + 0x2ff8, 5);
        assertEquals(0, as.readLong(a));
        long b = svc(222, 0, 100, 3, 0x22, -1, 0);
        assertTrue(b + 0x1000 <= a || b >= a + 0x3000, "no overlap");
        assertEquals(0, svc(215, a + 0x1000, 0x1000));
        assertThrows(AddressSpace.Fault.class, () -> as.readLong(a + 0x1000));
        assertEquals(5, as.readLong(a + 0x2ff8), "the rest of a split mapping keeps its contents");
        // MAP_FIXED over the hole, then MAP_FIXED_NOREPLACE refuses the occupied range.
        assertEquals(a + 0x1000, svc(222, a + 0x1000, 0x1000, 3, 0x32, -1, 0));
        assertEquals(-Errno.EEXIST, svc(222, a, 0x1000, 3, 0x100022, -1, 0));
        assertEquals(-Errno.EINVAL, svc(222, 0, 0, 3, 0x22, -1, 0));
        assertEquals(-Errno.ENOMEM, svc(222, 0, 1L << 40, 0, 0x22, -1, 0)); // too big to back
        assertEquals(-Errno.ENOMEM, svc(222, 0, -4096, 0, 0x22, -1, 0));
        assertEquals(-Errno.EINVAL, svc(215, a + 1, 0x1000));
        // mremap with MREMAP_MAYMOVE keeps the data.
        as.writeLong(b, 0x1234);
        long c = svc(216, b, 0x1000, 0x10000, 1, 0);
        assertEquals(0x1234, as.readLong(c));
        as.writeLong(c + 0xfff8, 1);
        assertEquals(0, svc(226, c, 0x1000, 1)); // mprotect
        assertEquals(-Errno.ENOMEM, svc(226, 0x7000_0000L, 0x1000, 1));
        assertEquals(0, svc(233, c, 0x1000, 4)); // MADV_DONTNEED zeroes
        assertEquals(0, as.readLong(c));
    }

    @Test
    void filesCanBeOpenedReadSeekedStattedAndMapped(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("data.txt");
        Files.writeString(f, "0123456789abcdef");
        long path = string(DATA + 0x800, f.toString());
        int fd = (int) svc(56, -100, path, 0, 0); // openat(AT_FDCWD, path, O_RDONLY)
        assertEquals(3, fd);
        assertEquals(4, svc(63, fd, DATA, 4));
        assertArrayEquals("0123".getBytes(), as.read(DATA, 4));
        assertEquals(10, svc(62, fd, -6, 2)); // lseek(fd, -6, SEEK_END)
        assertEquals(6, svc(63, fd, DATA, 100));
        assertArrayEquals("abcdef".getBytes(), as.read(DATA, 6));
        assertEquals(0, svc(63, fd, DATA, 100)); // EOF
        assertEquals(0, svc(80, fd, DATA + 0x100)); // fstat
        assertEquals(16, as.readLong(DATA + 0x100 + 48)); // st_size
        assertEquals(0100000, as.readInt(DATA + 0x100 + 16) & 0170000); // S_IFREG
        long m = svc(222, 0, 16, 1, 2, fd, 0); // mmap(PROT_READ, MAP_PRIVATE, fd)
        assertArrayEquals("0123456789abcdef".getBytes(), as.read(m, 16));
        assertEquals(0, as.readLong(m + 16));
        assertEquals(0, svc(57, fd));
        assertEquals(-Errno.EBADF, svc(57, fd));
        assertEquals(-Errno.ENOENT, svc(56, -100, string(DATA + 0x800, dir.resolve("nope").toString()), 0, 0));
        // newfstatat on a path, and write through O_CREAT|O_WRONLY|O_TRUNC.
        long out = string(DATA + 0x800, dir.resolve("out").toString());
        int wfd = (int) svc(56, -100, out, 0x241, 0644);
        as.write(DATA, "xyz".getBytes());
        assertEquals(3, svc(64, wfd, DATA, 3));
        assertEquals(0, svc(57, wfd));
        assertEquals("xyz", Files.readString(dir.resolve("out")));
        int secret = (int) svc(56, -100, string(DATA + 0xc00, dir.resolve("secret").toString()), 0xc1, 0600);
        assertEquals(0, svc(57, secret));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("secret"))));
        assertEquals(0, svc(79, -100, out, DATA + 0x100, 0));
        assertEquals(3, as.readLong(DATA + 0x100 + 48));
        assertEquals(0, svc(48, -100, out, 4)); // faccessat R_OK
        long longName = string(DATA + 0x800, dir.resolve("x".repeat(300)).toString());
        assertEquals(-Errno.ENAMETOOLONG, svc(56, -100, longName, 0x41, 0644));
        assertEquals(-Errno.ENOTDIR, svc(56, -100, string(DATA + 0x800, dir.resolve("out/x").toString()), 0, 0));
        assertEquals(-Errno.ENOENT, svc(48, -100, string(DATA + 0x800, "/no/such/file"), 0));
    }

    @Test
    void directoriesAreListedWithGetdents64(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("b.txt"), "x");
        Files.createDirectory(dir.resolve("a"));
        int fd = (int) svc(56, -100, string(DATA + 0x800, dir.toString()), 0x4000, 0); // O_DIRECTORY
        assertEquals(-Errno.EISDIR, svc(63, fd, DATA, 10));
        assertEquals(-Errno.EINVAL, svc(61, fd, DATA, 10)); // too small for one record
        long n = svc(61, fd, DATA, 0x400);
        StringBuilder names = new StringBuilder();
        for (long at = DATA; at < DATA + n; ) {
            int reclen = as.readInt(at + 16) & 0xffff;
            int type = as.read(at + 18, 1)[0];
            names.append(as.readCString(at + 19, 256)).append(':').append(type).append(' ');
            assertEquals(0, reclen % 8);
            at += reclen;
        }
        assertEquals(".:4 ..:4 a:4 b.txt:8 ", names.toString());
        assertEquals(0, svc(61, fd, DATA, 0x400)); // end of directory
        assertEquals(0, svc(62, fd, 0, 0)); // rewind
        assertEquals(n, svc(61, fd, DATA, 0x400));
        assertEquals(-Errno.ENOTDIR, svc(61, 1, DATA, 0x400));
    }

    @Test
    void capturedStdoutIsAPipeAndNotATerminal() throws Exception {
        long empty = string(DATA + 0x800, "");
        assertEquals(0, svc(79, 1, empty, DATA, 0x1000)); // newfstatat(1, "", AT_EMPTY_PATH)
        assertEquals(StatBuffer.S_IFIFO, as.readInt(DATA + 16) & 0170000);
        assertEquals(-Errno.ENOTTY, svc(29, 1, 0x5401, DATA)); // ioctl TCGETS
        assertEquals(-Errno.EBADF, svc(29, 77, 0x5401, DATA));
    }

    @Test
    void identityTimeAndRandomness() throws Exception {
        assertEquals(0, svc(160, DATA)); // uname
        assertEquals("Linux", as.readCString(DATA, 65));
        assertEquals("aarch64", as.readCString(DATA + 4 * 65, 65));
        assertEquals(LinuxSyscalls.PID, svc(172));
        assertEquals(LinuxSyscalls.PID, svc(178));
        assertEquals(LinuxSyscalls.PID, svc(96, DATA));
        long before = System.currentTimeMillis() / 1000;
        assertEquals(0, svc(113, 0, DATA)); // clock_gettime(CLOCK_REALTIME)
        long sec = as.readLong(DATA);
        assertTrue(sec >= before && sec <= before + 5, "realtime seconds " + sec);
        assertTrue(as.readLong(DATA + 8) < 1_000_000_000L);
        assertEquals(-Errno.EINVAL, svc(113, 99, DATA));
        assertEquals(0, svc(169, DATA, 0)); // gettimeofday
        assertTrue(as.readLong(DATA + 8) < 1_000_000);
        assertEquals(32, svc(278, DATA, 32, 0)); // getrandom
    }

    @Test
    void limitsAffinityFutexAndSignalsBehaveAsForOneThread() throws Exception {
        assertEquals(0, svc(261, 0, 3, 0, DATA)); // prlimit64(RLIMIT_STACK)
        assertEquals(8L << 20, as.readLong(DATA));
        assertEquals(8, svc(123, 0, 128, DATA)); // sched_getaffinity
        assertEquals(1, as.readLong(DATA));
        as.writeInt(DATA, 5);
        assertEquals(-Errno.EAGAIN, svc(98, DATA, 128, 6, 0)); // FUTEX_WAIT_PRIVATE, value differs
        assertEquals(0, svc(98, DATA, 129, 1, 0)); // FUTEX_WAKE_PRIVATE
        // rt_sigaction records and reports back; nothing is delivered.
        as.writeLong(DATA + 0x40, 0x400123);
        assertEquals(0, svc(134, 10, DATA + 0x40, 0, 8));
        assertEquals(0, svc(134, 10, 0, DATA + 0x80, 8));
        assertEquals(0x400123, as.readLong(DATA + 0x80));
        assertEquals(-Errno.EINVAL, svc(134, 9, DATA + 0x40, 0, 8)); // SIGKILL
        as.writeLong(DATA, 1L << 9);
        assertEquals(0, svc(135, 0, DATA, DATA + 8, 8)); // SIG_BLOCK
        assertEquals(0, svc(135, 0, 0, DATA + 8, 8));
        assertEquals(1L << 9, as.readLong(DATA + 8));
        assertEquals(0, svc(99, DATA, 24)); // set_robust_list
        long exe = string(DATA + 0x800, "/proc/self/exe");
        assertEquals("/test/prog".length(), svc(78, -100, exe, DATA, 100));
        assertEquals("/test/prog", new String(as.read(DATA, 10)));
    }

    @Test
    void unknownSystemCallsFailWithEnosysAndAreCounted() {
        assertEquals(-Errno.ENOSYS, svc(293, 0, 0, 0, 0)); // rseq
        assertEquals(-Errno.ENOSYS, svc(220, 0)); // clone
        assertEquals(-Errno.ENOSYS, svc(220, 0));
        assertEquals(2, p.syscalls().unknownCounts().get(220L));
        assertEquals(1, p.syscalls().unknownCounts().get(293L));
    }

    @Test
    void abortViaTgkillEndsWithSigabrt() {
        assertEquals(0, svc(131, LinuxSyscalls.PID, LinuxSyscalls.PID, 6));
        ExitStatus s = p.run();
        assertEquals(134, s.shellStatus());
        assertTrue(s.message().startsWith("guest sent itself SIGABRT"), s.message());
    }

    @Test
    void straceLogsEachCall() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        p.syscalls().setStrace(new PrintStream(log, true));
        as.write(DATA, "x".getBytes());
        svc(64, 1, DATA, 1);
        svc(57, 55);
        svc(56, -100, string(DATA + 0x100, "/no/such"), 0, 0);
        assertEquals(LinuxSyscalls.PID + " write(1,0x410000,1,0,0,0) = 1\n"
                + LinuxSyscalls.PID + " close(55,0x410000,1,0,0,0) = -1 errno=9\n"
                + LinuxSyscalls.PID + " openat(-100,\"/no/such\",0,0,0,0) = -1 errno=2\n", log.toString());
    }
}
