package dev.armature.arch.aarch64.insn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Decoder;
import dev.armature.arch.aarch64.Undefined;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Random scalar FP and Advanced SIMD data-processing words whose effects were recorded under
 * {@code qemu-aarch64 -cpu max} (see the header of {@code simdfp-qemu.txt} and src/test/reference/simdfp). Every
 * word we decode must give QEMU's registers, FPSR and NZCV; a word QEMU rejects must be UNDEFINED here too.
 * Words QEMU executes that we leave UNDEFINED (not implemented yet, or FEAT_FP16 and later) are counted only.
 */
class SimdFpQemuDifferentialTest {
    private static final int[] S32 = {0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001,
        0xffa00000, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0x3f800000, 0xbf800000, 0x4f000000,
        0x3f000000, 0x5f000000};
    private static final long[] S64 = {0, 0x8000000000000000L, 0x7ff0000000000000L, 0xfff0000000000000L,
        0x7ff8000000000000L, 0x7ff0000000000001L, 0xfff4000000000000L, 1, 0x800fffffffffffffL,
        0x0010000000000000L, 0x7fefffffffffffffL, 0x3ff0000000000000L, 0xbff0000000000000L,
        0x43e0000000000000L, 0x3fe0000000000000L, 0x41e0000000000000L};

    private final LoadStoreTestSupport t = new LoadStoreTestSupport(CpuModel.MAX);

    private static long s32(long s, int shift) {
        return S32[(int) (s >>> shift) & 15] & 0xffff_ffffL;
    }

    /** One 64-bit half of a V register for case c, as the reference driver makes it. */
    static long vval(long c, int j) {
        long h = LoadStoreQemuDifferentialTest.splitmix64(c << 8 | (64 + j));
        long s = LoadStoreQemuDifferentialTest.splitmix64(h);
        return switch ((int) (s & 3)) {
            case 0 -> h;
            case 1 -> s32(s, 8) << 32 | s32(s, 12);
            case 2 -> S64[(int) (s >>> 8) & 15];
            default -> (s & 4) != 0 ? S64[(int) (s >>> 8) & 15] ^ (h & 0xfff)
                    : (s32(s, 8) ^ (h & 0x3ff)) << 32 | (s32(s, 12) ^ (h >>> 20 & 0x3ff));
        };
    }

    /** Runs one case; returns what changed in the reference's format, or null if we do not implement it. */
    String run(int word, long c) {
        long[] x = new long[31];
        long[] v = new long[64];
        for (int i = 0; i < 31; i++) {
            x[i] = LoadStoreQemuDifferentialTest.splitmix64(c << 8 | i);
        }
        for (int j = 0; j < 64; j++) {
            v[j] = vval(c, j);
        }
        long r = LoadStoreQemuDifferentialTest.splitmix64(c << 8 | 200);
        int fpcr = (int) ((r & 3) << 22 | ((r >>> 2) & 1) << 24 | ((r >>> 3) & 1) << 25 | ((r >>> 4) & 1) << 26);
        int nzcv = (int) ((r >>> 8) & 15) << 28;
        System.arraycopy(x, 0, t.cpu.r, 0, 31);
        System.arraycopy(v, 0, t.cpu.v, 0, 64);
        t.cpu.fpcr = fpcr;
        t.cpu.fpsr = (int) (((r >>> 12) & 1) << 4 | ((r >>> 13) & 1) << 27);
        t.cpu.setNzcv(nzcv);
        boolean undefined = Decoder.decode(word, CpuModel.MAX) instanceof Undefined;
        t.run(word);
        if (t.exception != null) {
            return undefined ? "undef" : "exception " + t.exception.getMessage();
        }
        StringBuilder diff = new StringBuilder();
        for (int i = 0; i < 31; i++) {
            if (t.cpu.r[i] != x[i]) {
                diff.append(" x").append(i).append('=').append(Long.toHexString(t.cpu.r[i]));
            }
        }
        for (int n = 0; n < 32; n++) {
            if (t.cpu.v[2 * n] != v[2 * n] || t.cpu.v[2 * n + 1] != v[2 * n + 1]) {
                diff.append(String.format(" v%d=%016x:%016x", n, t.cpu.v[2 * n + 1], t.cpu.v[2 * n]));
            }
        }
        if (t.cpu.fpsr != 0) {
            diff.append(" fpsr=").append(Integer.toHexString(t.cpu.fpsr));
        }
        if (t.cpu.nzcv() != nzcv) {
            diff.append(" nzcv=").append(Integer.toHexString(t.cpu.nzcv()));
        }
        return diff.toString().strip();
    }

    @Test
    void matchesQemu() throws IOException {
        List<String> divergences = new ArrayList<>();
        int compared = 0;
        int notImplemented = 0;
        // -Dsimdfp.cases=FILE runs a larger batch made with src/test/reference/simdfp instead.
        String file = System.getProperty("simdfp.cases");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(file != null
                ? Files.newInputStream(Path.of(file)) : getClass().getResourceAsStream("simdfp-qemu.txt"),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null;) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(";", -1);
                int word = Integer.parseUnsignedInt(f[0], 16);
                String expected = f[2].strip();
                String actual = run(word, Long.parseLong(f[1]));
                if (actual.equals("undef") && !expected.equals("undef")) {
                    if (notImplemented++ < 60 && Boolean.getBoolean("simdfp.listMissing")) {
                        System.out.printf("not implemented: %08x%n", word);
                    }
                    continue;
                }
                compared++;
                if (!actual.equals(expected)) {
                    divergences.add(String.format("%08x (%s) case %s:%n  qemu: %s%n  ours: %s", word,
                            Decoder.decode(word, CpuModel.MAX), f[1], expected, actual));
                }
            }
        }
        System.out.printf("SIMD&FP vs qemu: %d compared, %d divergent, %d not implemented%n", compared,
                divergences.size(), notImplemented);
        assertTrue(compared > 1000, "too few cases compared: " + compared);
        assertTrue(divergences.isEmpty(), divergences.size() + " divergences:\n"
                + String.join("\n", divergences.subList(0, Math.min(40, divergences.size()))));
    }
}
