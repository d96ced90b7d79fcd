package dev.armature.arch.aarch64.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The load/store decoder against GNU objdump's disassembly, and its totality. */
class LoadStoreDecoderTest {
    @Test
    void agreesWithObjdump() throws IOException {
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                LoadStoreDecoderTest.class.getResourceAsStream("loadstore-objdump.tsv"), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                int word = Integer.parseUnsignedInt(f[0], 16);
                Insn insn = LoadStoreDecoder.decode(word, CpuModel.MAX);
                String expected = f[1];
                boolean ok = expected.equals("undefined") ? insn instanceof Undefined : expected.equals(insn.toString());
                if (!ok) {
                    mismatches.add(f[0] + ": objdump '" + expected + "', decoded '" + insn + "'");
                }
                checked++;
            }
        }
        assertTrue(checked > 5000, "reference file read");
        assertEquals(List.of(), mismatches.subList(0, Math.min(20, mismatches.size())));
    }

    @Test
    void neverThrowsAndUnallocatedIsUndefined() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 1_000_000; i++) {
            int word = (random.nextInt() | 0x0800_0000) & ~0x0200_0000;
            LoadStoreDecoder.decode(word, CpuModel.MAX);
            LoadStoreDecoder.decode(word, CpuModel.CORTEX_A57);
        }
        assertInstanceOf(Undefined.class, LoadStoreDecoder.decode(0x88df7c01, CpuModel.MAX)); // ldlar w1, [x0]
        assertInstanceOf(Undefined.class, LoadStoreDecoder.decode(0xf8200401, CpuModel.MAX)); // ldraa x1, [x0]
    }
}
