package dev.armature.arch.aarch64;

/** Optional architecture features a CPU model may have; decoding is gated on them. */
public enum Feature {
    FP, ASIMD, AES, PMULL, SHA1, SHA256, CRC32,
    /** ARMv8.1 Large System Extensions: CAS, CASP, LD&lt;op&gt;, SWP. */
    LSE,
    /** ARMv8.3 RCpc: LDAPR. */
    LRCPC,
    /** EL2 is implemented (the board turns it on with virtualization=on). */
    EL2
}
