package dev.armature.arch.aarch64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** DecodeBitMasks and friends. */
class BitsTest {
    /** Valid logical immediates as (encoding fields, value): sf, N, immr, imms. */
    private record LogicalImm(boolean sf, int n, int immr, int imms, long value) {
        int andWord() {
            return (sf ? 0x9200_0000 : 0x1200_0000) | n << 22 | immr << 16 | imms << 10 | 1 << 5;
        }
    }

    /**
     * The valid logical immediates in canonical form: immr bits above the element size are ignored by
     * DecodeBitMasks, so only immr &lt; element size is listed (that is what assemblers emit).
     */
    private static List<LogicalImm> validImmediates(boolean sf) {
        List<LogicalImm> list = new ArrayList<>();
        for (int n = 0; n <= (sf ? 1 : 0); n++) {
            for (int immr = 0; immr < 64; immr++) {
                for (int imms = 0; imms < 64; imms++) {
                    long[] m = Bits.decodeBitMasks(n, imms, immr, true, sf ? 64 : 32);
                    int esize = Integer.highestOneBit(n << 6 | (~imms & 0x3f));
                    if (m != null && immr < esize) {
                        list.add(new LogicalImm(sf, n, immr, imms, m[0]));
                    }
                }
            }
        }
        return list;
    }

    @Test
    void logicalImmediateCountsAndUniqueness() {
        // Element sizes e = 2..64 each give e * (e - 1) patterns: 5334 at 64 bits, 1302 at 32 bits.
        List<LogicalImm> x = validImmediates(true);
        assertEquals(5334, x.size());
        Set<Long> values = new HashSet<>();
        x.forEach(i -> values.add(i.value()));
        assertEquals(5334, values.size());
        assertEquals(1302, validImmediates(false).size());
    }

    @Test
    void knownMasks() {
        assertArrayEquals(new long[] {0xff, 0xff}, Bits.decodeBitMasks(1, 7, 0, true, 64));
        assertArrayEquals(new long[] {0x5555_5555_5555_5555L, 0x5555_5555_5555_5555L},
                Bits.decodeBitMasks(0, 0x3c, 0, true, 64));
        // UBFM x, #8, #15 (UBFX #8, #8): wmask = ROR(ones(16), 8), tmask = ones(8).
        assertArrayEquals(new long[] {0xff00_0000_0000_00ffL, 0xff}, Bits.decodeBitMasks(1, 15, 8, false, 64));
        assertNull(Bits.decodeBitMasks(0, 0x3f, 0, true, 64), "no element size");
        assertNull(Bits.decodeBitMasks(1, 0x3f, 0, true, 64), "all-ones element");
        assertNull(Bits.decodeBitMasks(1, 0, 0, true, 32), "64-bit element at 32 bits");
    }

    /** Every valid immediate assembles back to the encoding it was decoded from (GNU as, when installed). */
    @Test
    void logicalImmediatesMatchTheAssembler() throws IOException, InterruptedException {
        assumeTrue(onPath("aarch64-linux-gnu-as") && onPath("aarch64-linux-gnu-objcopy"), "binutils not installed");
        List<LogicalImm> all = new ArrayList<>(validImmediates(true));
        all.addAll(validImmediates(false));
        Path dir = Files.createTempDirectory("bitmasks");
        try {
            StringBuilder src = new StringBuilder(".text\n");
            for (LogicalImm i : all) {
                src.append(i.sf() ? "and x0, x1, #0x" + Long.toHexString(i.value())
                        : "and w0, w1, #0x" + Long.toHexString(i.value())).append('\n');
            }
            Files.writeString(dir.resolve("a.s"), src);
            exec(dir, "aarch64-linux-gnu-as", "-o", "a.o", "a.s");
            exec(dir, "aarch64-linux-gnu-objcopy", "-O", "binary", "-j", ".text", "a.o", "a.bin");
            ByteBuffer code = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("a.bin"))).order(ByteOrder.LITTLE_ENDIAN);
            for (LogicalImm i : all) {
                assertEquals(Integer.toHexString(i.andWord()), Integer.toHexString(code.getInt()), i.toString());
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static void exec(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    @Test
    void helpers() {
        assertEquals(0x8000_0000_0000_0000L, Bits.ror(1, 1, 64));
        assertEquals(0x8000_0000L, Bits.ror(1, 1, 32));
        assertEquals(0x0101_0101_0101_0101L, Bits.replicate(1, 8));
        assertEquals(-1, Bits.signExtend(0x3ff_ffff, 26));
        assertEquals(-1L, Bits.ones(64));
    }
}
