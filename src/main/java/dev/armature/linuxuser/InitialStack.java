package dev.armature.linuxuser;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a new process's stack as the Linux kernel lays it out (fs/binfmt_elf.c's documented ABI, AArch64):
 * from the top, an 8-byte zero end marker, the argument strings, the environment strings and the executable
 * name; below them (16-byte aligned) the platform string "aarch64" and the 16 AT_RANDOM bytes; then, at the
 * 16-byte aligned stack pointer, argc, argv[], NULL, envp[], NULL and the auxiliary vector ending in AT_NULL.
 */
public final class InitialStack {
    public static final int AT_NULL = 0;
    public static final int AT_PHDR = 3;
    public static final int AT_PHENT = 4;
    public static final int AT_PHNUM = 5;
    public static final int AT_PAGESZ = 6;
    public static final int AT_BASE = 7;
    public static final int AT_FLAGS = 8;
    public static final int AT_ENTRY = 9;
    public static final int AT_UID = 11;
    public static final int AT_EUID = 12;
    public static final int AT_GID = 13;
    public static final int AT_EGID = 14;
    public static final int AT_PLATFORM = 15;
    public static final int AT_HWCAP = 16;
    public static final int AT_CLKTCK = 17;
    public static final int AT_SECURE = 23;
    public static final int AT_RANDOM = 25;
    public static final int AT_HWCAP2 = 26;
    public static final int AT_EXECFN = 31;
    public static final int AT_MINSIGSTKSZ = 51;

    /** The process facts the auxiliary vector reports. */
    public record Facts(ProgramLoader.LoadedProgram program, long hwcap, long hwcap2, long minSigStackSize,
                        int uid, int gid, byte[] random) {
    }

    private InitialStack() {
    }

    /** Writes the stack below {@code top} (which must be mapped) and returns the initial SP. */
    public static long build(AddressSpace as, long top, List<String> argv, List<String> envp, String execfn,
                             Facts facts) throws AddressSpace.Fault {
        long p = top - 8; // end marker
        long execfnAddr = p = push(as, p, cString(execfn));
        List<Long> envAddrs = new ArrayList<>();
        List<Long> argAddrs = new ArrayList<>();
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        List<Long> offsets = new ArrayList<>();
        for (String s : argv) {
            offsets.add((long) strings.size());
            strings.writeBytes(cString(s));
        }
        for (String s : envp) {
            offsets.add((long) strings.size());
            strings.writeBytes(cString(s));
        }
        p = push(as, p, strings.toByteArray());
        for (int i = 0; i < offsets.size(); i++) {
            (i < argv.size() ? argAddrs : envAddrs).add(p + offsets.get(i));
        }
        p &= ~15L;
        long platform = p = push(as, p, cString("aarch64"));
        long random = p = push(as, p, facts.random());

        ProgramLoader.LoadedProgram prog = facts.program();
        long[] auxv = {
            AT_MINSIGSTKSZ, facts.minSigStackSize(),
            AT_HWCAP, facts.hwcap(),
            AT_PAGESZ, AddressSpace.PAGE,
            AT_CLKTCK, 100,
            AT_PHDR, prog.phdr(),
            AT_PHENT, 56,
            AT_PHNUM, prog.phnum(),
            AT_BASE, 0, // no interpreter
            AT_FLAGS, 0,
            AT_ENTRY, prog.entry(),
            AT_UID, facts.uid(),
            AT_EUID, facts.uid(),
            AT_GID, facts.gid(),
            AT_EGID, facts.gid(),
            AT_SECURE, 0,
            AT_RANDOM, random,
            AT_HWCAP2, facts.hwcap2(),
            AT_EXECFN, execfnAddr,
            AT_PLATFORM, platform,
            AT_NULL, 0,
        };
        int words = 1 + argAddrs.size() + 1 + envAddrs.size() + 1 + auxv.length;
        long sp = (p - 8L * words) & ~15L;
        long w = sp;
        as.writeLong(w, argv.size());
        w += 8;
        for (long a : argAddrs) {
            as.writeLong(w, a);
            w += 8;
        }
        as.writeLong(w, 0);
        w += 8;
        for (long a : envAddrs) {
            as.writeLong(w, a);
            w += 8;
        }
        as.writeLong(w, 0);
        w += 8;
        for (long v : auxv) {
            as.writeLong(w, v);
            w += 8;
        }
        return sp;
    }

    private static long push(AddressSpace as, long p, byte[] bytes) throws AddressSpace.Fault {
        long at = p - bytes.length;
        as.write(at, bytes);
        return at;
    }

    private static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }
}
