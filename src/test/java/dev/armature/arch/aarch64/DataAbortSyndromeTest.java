package dev.armature.arch.aarch64;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Instruction syndromes of stage-2 data aborts (Arm ARM ISS encoding for a Data Abort: ISV, SAS, SSE, SRT, SF, AR). */
class DataAbortSyndromeTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "ldr x1 [x2],         f9400041, 0x1c18000",   // SAS 3, SRT 1, SF
        "str w3 [x4 #8],      b9000883, 0x1830000",   // SAS 2, SRT 3
        "ldrsb w5 [x6],       39c000c5, 0x1250000",   // SAS 0, SSE, SRT 5
        "ldrsw x9 [x10 x11],  b8ab6949, 0x1a98000",   // SAS 2, SSE, SRT 9, SF
        "ldtrh w12 [x13],     784009ac, 0x14c0000",   // SAS 1, SRT 12
        "ldur x14 [x15 #-8],  f85f81ee, 0x1ce8000",   // SAS 3, SRT 14, SF
        "ldar x0 [x1],        c8dffc20, 0x1c0c000",   // SAS 3, SRT 0, SF, AR
        "stlr w2 [x3],        889ffc62, 0x1824000",   // SAS 2, SRT 2, AR
        "ldr x7 [sp #16],     f9400be7, 0x1c78000",
        "ldp (pair),          a9400861, 0",
        "ldr post-index,      f8408441, 0",
        "ldxr (exclusive),    c85f7c41, 0",
        "prfm,                f9800040, 0",
        "ldr q0 (SIMD&FP),    3dc00020, 0",
    })
    void syndrome(String insn, String word, String expected) {
        int iss = DataAbortSyndrome.instructionSyndrome(Integer.parseUnsignedInt(word, 16));
        assertEquals(Integer.decode(expected), iss, insn);
    }
}
