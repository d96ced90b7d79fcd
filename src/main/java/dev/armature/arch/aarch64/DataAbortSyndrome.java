package dev.armature.arch.aarch64;

/**
 * The instruction syndrome of a data abort taken to EL2 on a stage-2 fault (ESR_EL2.ISS[24:14]: ISV, SAS, SSE,
 * SRT, SF, AR). ARMv8.0 provides it for loads and stores of a single general-purpose register, acquire/release
 * forms included, but not for exclusives, pairs, SIMD&amp;FP registers, atomics or forms with writeback — what a
 * hypervisor needs to emulate an MMIO access without decoding the instruction.
 */
final class DataAbortSyndrome {
    static final int ISV = 1 << 24;

    private DataAbortSyndrome() {
    }

    /** ISS[24:14] for the instruction {@code word}, or 0 (ISV = 0) when it has no syndrome. */
    static int instructionSyndrome(int word) {
        int size = word >>> 30;
        int rt = word & 31;
        if ((word & 0x3f80_0000) == 0x0880_0000 && (word & (1 << 21)) == 0 && (word & 0xfc00) == 0xfc00) {
            // LDAR/STLR (o2 = 1, o1 = 0, o0 = 1; Rs and Rt2 are 0b11111).
            return syndrome(size, false, rt, size == 3, true);
        }
        boolean unsignedOffset = (word & 0x3f00_0000) == 0x3900_0000;
        boolean imm9NoWriteback = (word & 0x3f20_0000) == 0x3800_0000 && ((word >>> 10) & 1) == 0; // LDUR, LDTR
        boolean registerOffset = (word & 0x3f20_0c00) == 0x3820_0800;
        if (!unsignedOffset && !imm9NoWriteback && !registerOffset) {
            return 0;
        }
        int opc = (word >>> 22) & 3;
        return switch (opc) {
            case 0 -> syndrome(size, false, rt, size == 3, false); // store
            case 1 -> syndrome(size, false, rt, size == 3, false); // load, zero-extended
            case 2 -> size == 3 ? 0 : syndrome(size, true, rt, true, false); // PRFM, or sign-extend to X
            default -> size >= 2 ? 0 : syndrome(size, true, rt, false, false); // sign-extend to W
        };
    }

    private static int syndrome(int sas, boolean sse, int srt, boolean sf, boolean ar) {
        return ISV | sas << 22 | (sse ? 1 << 21 : 0) | srt << 16 | (sf ? 1 << 15 : 0) | (ar ? 1 << 14 : 0);
    }
}
