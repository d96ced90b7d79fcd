package dev.armature.arch.aarch64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.Test;

/**
 * The decoder never throws and never returns null. This samples the 2^32 words (a stride that is odd, so every
 * bit pattern of the low bits occurs, plus every word with random-looking high bits of each op0 group); the
 * full sweep is {@code dev.armature.tools.DecoderSweep}.
 */
class DecoderTotalityTest {
    @Test
    void sampledWordsDecode() {
        for (CpuModel model : new CpuModel[] {CpuModel.CORTEX_A57, CpuModel.MAX}) {
            long n = 0;
            for (long w = 0; w < 1L << 32; w += 4099) {
                Insn insn = Decoder.decode((int) w, model);
                assertNotNull(insn);
                assertNotNull(insn.toString());
                n++;
            }
            assertEquals((1L << 32) / 4099 + 1, n);
        }
    }

    /** Every value of bits[15:0] and of bits[23:8] around base encodings of the data-processing and branch groups. */
    @Test
    void everyLowHalfOfSelectedOpcodes() {
        int[] bases = {0x9100_0000, 0x9200_0000, 0x9300_0000, 0x8b00_0000, 0x8b20_0000, 0x1a80_0000, 0x3a40_0000,
            0x5ac0_0000, 0x1ac0_0000, 0x9b00_0000, 0x5400_0000, 0xd400_0000, 0xd500_0000, 0xd503_0000,
            0xd600_0000};
        for (int base : bases) {
            for (int low = 0; low < 1 << 16; low++) {
                assertNotNull(Decoder.decode(base | low, CpuModel.MAX));
                assertNotNull(Decoder.decode(base ^ low << 8, CpuModel.MAX));
            }
        }
    }
}
