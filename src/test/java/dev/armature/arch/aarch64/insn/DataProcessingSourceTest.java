package dev.armature.arch.aarch64.insn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.CpuTestSupport;
import dev.armature.arch.aarch64.Feature;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Data-processing (1, 2 and 3 source). Encodings from GNU as; CRC values are the standard check values. */
class DataProcessingSourceTest {
    private final CpuTestSupport t = new CpuTestSupport();

    private long run(int word, long x1, long x2) {
        t.x(1, x1).x(2, x2).run(word);
        assertNull(t.exception);
        return t.x(0);
    }

    private long run(int word, long x1) {
        return run(word, x1, 0);
    }

    @Test
    void oneSource() {
        assertEquals(Long.MIN_VALUE, run(0xdac00020, 1)); // rbit x0, x1
        assertEquals(0x8000_0000L, run(0x5ac00020, 0xffff_ffff_0000_0001L)); // rbit w0, w1
        assertEquals(0x0201_0403_0605_0807L, run(0xdac00420, 0x0102_0304_0506_0708L)); // rev16 x0, x1
        assertEquals(0x0201_0403L, run(0x5ac00420, 0xffff_ffff_0102_0304L)); // rev16 w0, w1
        assertEquals(0x0403_0201_0807_0605L, run(0xdac00820, 0x0102_0304_0506_0708L)); // rev32 x0, x1
        assertEquals(0x0807_0605_0403_0201L, run(0xdac00c20, 0x0102_0304_0506_0708L)); // rev x0, x1
        assertEquals(0x0403_0201L, run(0x5ac00820, 0xffff_ffff_0102_0304L)); // rev w0, w1
        assertEquals(64, run(0xdac01020, 0)); // clz x0, x1
        assertEquals(63, run(0xdac01020, 1));
        assertEquals(32, run(0x5ac01020, 0xffff_ffff_0000_0000L)); // clz w0, w1
        assertEquals(16, run(0x5ac01020, 0x8000));
        assertEquals(63, run(0xdac01420, 0)); // cls x0, x1
        assertEquals(63, run(0xdac01420, -1));
        assertEquals(62, run(0xdac01420, 1));
        assertEquals(0, run(0xdac01420, Long.MIN_VALUE));
        assertEquals(1, run(0xdac01420, 0x3fff_ffff_ffff_ffffL));
        assertEquals(27, run(0x5ac01420, 0xffff_fff0L)); // cls w0, w1
        assertEquals(30, run(0x5ac01420, 0x1234_5678_0000_0001L));
    }

    @Test
    void oneSourceUnallocated() {
        t.run(0x5ac00c20); // rev with opcode 000011 at 32 bits
        assertEquals(0, t.exception.ec);
        t.run(0xdac01820); // opcode 000110
        assertEquals(0, t.exception.ec);
        t.run(0xdac10020); // opcode2 = 00001 (PAuth)
        assertEquals(0, t.exception.ec);
    }

    @Test
    void division() {
        assertEquals(3, run(0x9ac20820, 7, 2)); // udiv x0, x1, x2
        assertEquals(0, run(0x9ac20820, 7, 0));
        assertEquals(Long.MAX_VALUE, run(0x9ac20820, -1, 2));
        assertEquals(0x7fff_ffffL, run(0x1ac20820, 0xffff_ffffL, 2)); // udiv w0, w1, w2
        assertEquals(0, run(0x1ac20820, 5, 0x1_0000_0000L)); // divisor's low word is zero
        assertEquals(-3, run(0x9ac20c20, -7, 2)); // sdiv x0, x1, x2: rounds toward zero
        assertEquals(Long.MIN_VALUE, run(0x9ac20c20, Long.MIN_VALUE, -1));
        assertEquals(0, run(0x9ac20c20, 5, 0));
        assertEquals(0x8000_0000L, run(0x1ac20c20, 0x8000_0000L, 0xffff_ffffL)); // sdiv w0, w1, w2
        assertEquals(0xffff_fffdL, run(0x1ac20c20, 0xffff_fff9L, 2));
        assertEquals(0, run(0x1ac20c20, 0xffff_fff9L, 0));
    }

    @Test
    void variableShiftsUseAmountModuloWidth() {
        assertEquals(1, run(0x9ac22020, 1, 64)); // lsl x0, x1, x2
        assertEquals(2, run(0x9ac22020, 1, 65));
        assertEquals(Long.MIN_VALUE, run(0x9ac22020, 1, 63));
        assertEquals(1, run(0x1ac22020, 1, 32)); // lsl w0, w1, w2
        assertEquals(0x8000_0000L, run(0x1ac22020, 1, 31));
        assertEquals(2, run(0x1ac22020, 1, 33));
        assertEquals(1, run(0x9ac22420, Long.MIN_VALUE, 127)); // lsr x0, x1, x2
        assertEquals(1, run(0x1ac22420, 0xffff_ffff_8000_0000L, 63)); // lsr w0, w1, w2
        assertEquals(0xf800_0000_0000_0000L, run(0x9ac22820, Long.MIN_VALUE, 68)); // asr x0, x1, x2
        assertEquals(0xf800_0000L, run(0x1ac22820, 0x8000_0000L, 36)); // asr w0, w1, w2
        assertEquals(Long.MIN_VALUE, run(0x9ac22c20, 1, 65)); // ror x0, x1, x2
        assertEquals(0x8000_0000L, run(0x1ac22c20, 1, 33)); // ror w0, w1, w2
    }

    /** CRC of "123456789" with the usual pre/post inversion around the instructions. */
    private long checkValue(int b, int h, int w, int x) {
        long crc = run(x, 0xffff_ffffL, 0x3837_3635_3433_3231L); // "12345678"
        crc = run(b, crc, 0x39); // "9"
        long viaX = ~crc & 0xffff_ffffL;
        crc = run(w, 0xffff_ffffL, 0x3433_3231L); // "1234"
        crc = run(h, crc, 0x3635); // "56"
        crc = run(h, crc, 0x3837); // "78"
        crc = run(b, crc, 0xff39); // "9" (upper bits ignored)
        assertEquals(viaX, ~crc & 0xffff_ffffL, "same CRC by different sizes");
        return viaX;
    }

    @Test
    void crc32() {
        assertEquals(0xcbf4_3926L, checkValue(0x1ac24020, 0x1ac24420, 0x1ac24820, 0x9ac24c20));
    }

    @Test
    void crc32c() {
        assertEquals(0xe306_9283L, checkValue(0x1ac25020, 0x1ac25420, 0x1ac25820, 0x9ac25c20));
    }

    @Test
    void crc32NeedsTheFeatureAndMatchingSize() {
        CpuTestSupport noCrc = new CpuTestSupport(new CpuModel("test", 0, EnumSet.of(Feature.FP)));
        noCrc.run(0x1ac24020); // crc32b w0, w1, w2
        assertEquals(0, noCrc.exception.ec);
        t.run(0x1ac24c20); // crc32x with sf = 0
        assertEquals(0, t.exception.ec);
        t.run(0x9ac24020); // crc32b with sf = 1
        assertEquals(0, t.exception.ec);
    }

    @Test
    void threeSource() {
        t.x(3, 5);
        assertEquals(17, run(0x9b020c20, 3, 4)); // madd x0, x1, x2, x3
        assertEquals(0xffff_fff9L, run(0x1b028c20, 3, 4)); // msub w0, w1, w2, w3
        assertEquals(-12, run(0x9b027c20, -3, 4)); // mul x0, x1, x2
        assertEquals(0xffff_fff4L, run(0x1b02fc20, 3, 4)); // mneg w0, w1, w2
        t.x(3, 10);
        assertEquals(8, run(0x9b220c20, 0xffff_ffffL, 2)); // smaddl x0, w1, w2, x3
        assertEquals(12, run(0x9b228c20, 0xffff_ffffL, 2)); // smsubl x0, w1, w2, x3
        assertEquals(0x2_0000_0008L, run(0x9ba20c20, 0xffff_ffffL, 2)); // umaddl x0, w1, w2, x3
        assertEquals(0xffff_fffe_0000_000cL, run(0x9ba28c20, 0xffff_ffffL, 2)); // umsubl x0, w1, w2, x3
        assertEquals(0, run(0x9b427c20, -1, -1)); // smulh x0, x1, x2
        assertEquals(-1, run(0x9b427c20, Long.MIN_VALUE, 2));
        assertEquals(0xffff_ffff_ffff_fffeL, run(0x9bc27c20, -1, -1)); // umulh x0, x1, x2
    }

    @Test
    void threeSourceUnallocated() {
        t.run(0x1b220c20); // smaddl with sf = 0
        assertEquals(0, t.exception.ec);
        t.run(0x9b42fc20); // smulh with o0 = 1
        assertEquals(0, t.exception.ec);
        t.run(0x9b620c20); // op31 = 011
        assertEquals(0, t.exception.ec);
    }
}
