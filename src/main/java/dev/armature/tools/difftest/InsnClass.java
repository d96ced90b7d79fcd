package dev.armature.tools.difftest;

import java.util.List;
import java.util.Locale;

/** The instruction classes the generator can produce, selected with {@code --class}. */
public enum InsnClass {
    /** Integer data processing: add/sub, logical, move wide, ADR/ADRP, bitfield, EXTR, shifts, CSEL, CCMP, DP1-3, CRC32. */
    ALU,
    /** Forward branches over short gaps: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR/BLR/RET after an ADR. */
    BRANCH,
    /** Loads and stores of every size and addressing mode, pairs, literals, exclusives and acquire/release. */
    LDST,
    /** SIMD&amp;FP register loads and stores: B/H/S/D/Q in every addressing mode, pairs, literals, LD1-4/ST1-4. */
    SIMDLDST,
    /**
     * Scalar floating point: arithmetic, fused multiply-add, min/max, sqrt, compares, FCSEL, FRINT*, FCVT between
     * precisions, conversions to and from integers (also fixed-point), FMOV.
     */
    FP,
    /**
     * AdvSIMD integer and FP data processing (vector and scalar forms) and the AES, SHA1, SHA256 and PMULL
     * crypto instructions.
     */
    SIMD,
    /** ARMv8.1 atomics (CAS, CASP, LD&lt;op&gt;, SWP): needs -cpu max. */
    LSE,
    /** ALU, BRANCH, LDST and SIMDLDST mixed (ARMv8.0 only, so it runs on cortex-a57). */
    ALL;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static InsnClass byName(String name) {
        for (InsnClass c : values()) {
            if (c.cliName().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown class '" + name + "' (available: alu, branch, ldst, simdldst, fp, simd, lse, all)");
    }

    /** The concrete classes {@code this} draws from. */
    public List<InsnClass> members() {
        return this == ALL ? List.of(ALU, BRANCH, LDST, SIMDLDST) : List.of(this);
    }

    /** The CPU model the class needs, for qemu-aarch64 -cpu and Armature alike. */
    public String cpuModel() {
        return this == LSE ? "max" : "cortex-a57";
    }
}
