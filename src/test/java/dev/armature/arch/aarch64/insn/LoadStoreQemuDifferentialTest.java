package dev.armature.arch.aarch64.insn;

import static dev.armature.arch.aarch64.insn.LoadStoreTestSupport.DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armature.arch.aarch64.CpuModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 1500 random load/store instructions (integer and SIMD&amp;FP registers and pairs in every addressing mode,
 * load-acquire/store-release, LDAPR, LSE atomics, CASP, AdvSIMD structures) whose effects were recorded under
 * qemu-aarch64; see the header of {@code loadstore-qemu.txt} for the state each case starts from.
 */
class LoadStoreQemuDifferentialTest {
    private final LoadStoreTestSupport t = new LoadStoreTestSupport(CpuModel.MAX);

    static long splitmix64(long x) {
        long z = x + 0x9e37_79b9_7f4a_7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58_476d_1ce4_e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d0_49bb_1331_11ebL;
        return z ^ (z >>> 31);
    }

    private static String address(long value) {
        long d = value - DATA;
        return d >= -65536 && d <= 65536 ? String.format("b%+d", d) : "0x" + Long.toHexString(value);
    }

    private static byte initialByte(int i) {
        return (byte) (i * 13 + 7);
    }

    private String run(int word, long c, String overrides) {
        long[] x = new long[31];
        long[] v = new long[64];
        for (int i = 0; i < 31; i++) {
            x[i] = splitmix64(c << 8 | i);
        }
        for (int j = 0; j < 64; j++) {
            v[j] = splitmix64(c << 8 | (64 + j));
        }
        if (!overrides.isEmpty()) {
            for (String o : overrides.split(",")) {
                int r = Integer.parseInt(o.substring(1, o.indexOf('=')));
                String value = o.substring(o.indexOf('=') + 1);
                x[r] = value.startsWith("b") ? DATA + Long.parseLong(value.substring(1))
                        : Long.parseUnsignedLong(value.substring(2), 16);
            }
        }
        System.arraycopy(x, 0, t.cpu.r, 0, 31);
        System.arraycopy(v, 0, t.cpu.v, 0, 64);
        for (int i = 0; i < 4096; i++) {
            t.mem(DATA + i, 1, initialByte(i));
        }
        t.run(word);
        if (t.exception != null) {
            return "exception " + t.exception.getMessage();
        }
        StringBuilder diff = new StringBuilder();
        for (int i = 0; i < 31; i++) {
            if (t.cpu.r[i] != x[i]) {
                diff.append(" x").append(i).append('=').append(address(t.cpu.r[i]));
            }
        }
        for (int n = 0; n < 32; n++) {
            if (t.cpu.v[2 * n] != v[2 * n] || t.cpu.v[2 * n + 1] != v[2 * n + 1]) {
                diff.append(String.format(" v%d=%016x:%016x", n, t.cpu.v[2 * n + 1], t.cpu.v[2 * n]));
            }
        }
        for (int i = 0; i < 4096; i += 8) {
            long expected = 0;
            for (int k = 7; k >= 0; k--) {
                expected = expected << 8 | (initialByte(i + k) & 0xff);
            }
            long actual = t.mem(DATA + i, 8);
            if (actual != expected) {
                diff.append(String.format(" m%d=%016x", i, actual));
            }
        }
        return diff.toString();
    }

    @Test
    void matchesQemu() throws IOException {
        List<String> mismatches = new ArrayList<>();
        int cases = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("loadstore-qemu.txt"), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(";", -1);
                int word = Integer.parseUnsignedInt(f[0], 16);
                String actual = run(word, Long.parseLong(f[1]), f[2]);
                if (!actual.equals(f[3])) {
                    mismatches.add(f[0] + " " + dev.armature.arch.aarch64.Decoder.decode(word, CpuModel.MAX)
                            + ": qemu [" + f[3] + "] armature [" + actual + "]");
                }
                cases++;
            }
        }
        assertTrue(cases >= 1500);
        assertEquals(List.of(), mismatches.subList(0, Math.min(10, mismatches.size())),
                mismatches.size() + " mismatches");
    }
}
