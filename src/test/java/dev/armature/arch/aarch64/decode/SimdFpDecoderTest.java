package dev.armature.arch.aarch64.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Decoder;
import dev.armature.arch.aarch64.Feature;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.SyncException;
import dev.armature.arch.aarch64.Undefined;
import dev.armature.memory.PhysicalMemory;
import java.util.EnumSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The SIMD&amp;FP decoder is total and its instructions never fail on the host, whatever the state. */
class SimdFpDecoderTest {
    @Test
    void randomWordsDecodeAndExecuteWithoutHostExceptions() {
        Cpu cpu = new Cpu(0, CpuModel.MAX, new CpuMemory(new PhysicalMemory()));
        cpu.sys.cpacrEl1 = 3L << 20;
        SplittableRandom random = new SplittableRandom(11);
        int defined = 0;
        for (int i = 0; i < 300_000; i++) {
            int word = random.nextInt() | 0x0e00_0000; // op0 = x111
            Insn insn = Decoder.decode(word, CpuModel.MAX);
            assertFalse(insn.toString().isEmpty());
            if (insn instanceof Undefined) {
                continue;
            }
            defined++;
            for (int j = 0; j < 64; j++) {
                cpu.v[j] = random.nextLong();
            }
            for (int j = 0; j < 31; j++) {
                cpu.r[j] = random.nextLong();
            }
            cpu.fpcr = random.nextInt() & (0x7 << 24 | 3 << 22);
            try {
                insn.exec(cpu);
            } catch (SyncException e) {
                throw new AssertionError(String.format("%08x (%s) raised %s", word, insn, e.getMessage()));
            }
        }
        assertTrue(defined > 20_000, "defined: " + defined);
    }

    @Test
    void cryptoNeedsItsFeatures() {
        CpuModel bare = new CpuModel("bare", 0, EnumSet.of(Feature.FP, Feature.ASIMD));
        int[] words = {0x4e284800, 0x5e280800, 0x5e000000, 0x5e004000, 0x0ee0e000};
        for (int word : words) {
            assertFalse(Decoder.decode(word, CpuModel.CORTEX_A57) instanceof Undefined, Integer.toHexString(word));
            assertTrue(Decoder.decode(word, bare) instanceof Undefined, Integer.toHexString(word));
        }
        assertEquals("aese v0.16b, v0.16b", Decoder.decode(0x4e284800, CpuModel.MAX).toString());
    }

    @Test
    void noFpOrAdvSimdWithoutTheFeatures() {
        CpuModel none = new CpuModel("none", 0, EnumSet.noneOf(Feature.class));
        assertTrue(Decoder.decode(0x1e622820, none) instanceof Undefined); // fadd d0, d1, d2
        assertTrue(Decoder.decode(0x4e208420, none) instanceof Undefined); // add v0.16b, v1.16b, v0.16b
        assertFalse(Decoder.decode(0x1e622820, CpuModel.CORTEX_A57) instanceof Undefined);
    }
}
