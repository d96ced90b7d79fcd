package dev.armature.arch.aarch64;

/**
 * Identification register values of a CPU model (read-only, computed once per model).
 *
 * <p>cortex-a57: the values QEMU 7.2's {@code -cpu cortex-a57} reports on the virt board, read there with MRS
 * at EL1 (they match the Cortex-A57 TRM except where QEMU removes what it does not model: EL2/EL3 fields depend
 * on {@code virtualization=on}, no EL3). {@code max}: an ARMv8.0 base with only what Armature implements added
 * (LSE atomics, RCpc LDAPR, 16K granule, 48-bit PA); AArch64-only, no SVE, no pointer authentication.
 */
public final class IdRegisters {
    public final long midr;
    public final long revidr = 0;
    public final long aidr = 0;
    public final long ctr = 0x8444c004L;    // IminLine/DminLine 64 bytes, PIPT I-cache, CWG/ERG 16 words
    public final long dczid = 4;            // DC ZVA block = 2^4 words = 64 bytes
    public final long clidr = 0x0a200023L;  // L1 I+D, L2 unified; LoUU=1, LoC=2
    public final long idAa64pfr0;
    public final long idAa64pfr1 = 0;
    public final long idAa64dfr0 = 0x10305106L; // PMUv3, 6 breakpoints, 4 watchpoints, 2 context comparators
    public final long idAa64dfr1 = 0;
    public final long idAa64afr0 = 0;
    public final long idAa64afr1 = 0;
    public final long idAa64isar0;
    public final long idAa64isar1;
    public final long idAa64mmfr0;
    public final long idAa64mmfr1 = 0;
    public final long idAa64mmfr2 = 0;
    public final long idAa64zfr0 = 0;
    /** PARange as a bit count (44 for the A57, 48 for max). */
    public final int physicalAddressBits;

    // AArch32 views, read by Linux even on AArch64-only paths (cpuinfo, compat checks).
    public final long idPfr0 = 0x131;
    public final long idPfr1;
    public final long idDfr0 = 0x03010006L;
    public final long idAfr0 = 0;
    public final long idMmfr0 = 0x10101105L;
    public final long idMmfr1 = 0x40000000L;
    public final long idMmfr2 = 0x01260000L;
    public final long idMmfr3 = 0x02102211L;
    public final long idIsar0 = 0x02101110L;
    public final long idIsar1 = 0x13112111L;
    public final long idIsar2 = 0x21232042L;
    public final long idIsar3 = 0x01112131L;
    public final long idIsar4 = 0x00011142L;
    public final long idIsar5 = 0x00011121L;
    public final long mvfr0 = 0x10110222L;
    public final long mvfr1 = 0x12111111L;
    public final long mvfr2 = 0x43;

    /** CCSIDR_EL1 per CSSELR_EL1 value (Level << 1 | InD): 32K L1 D, 48K L1 I, 2M L2. */
    private static final long[] CCSIDR = {0x701fe00aL, 0x201fe012L, 0x70ffe07aL};

    public IdRegisters(CpuModel model) {
        boolean el2 = model.has(Feature.EL2);
        midr = model.midr();
        if ("max".equals(model.name())) {
            // AArch64 only at EL0/EL1 (and EL2); FP and AdvSIMD implemented (fields 0).
            idAa64pfr0 = el2 ? 0x111 : 0x11;
            idAa64isar0 = 0x00011120L | (model.has(Feature.LSE) ? 2L << 20 : 0);
            idAa64isar1 = model.has(Feature.LRCPC) ? 1L << 20 : 0;
            idAa64mmfr0 = 0x00101125L; // PARange 48 bits, 16-bit ASIDs, 4K/16K/64K granules
            physicalAddressBits = 48;
        } else {
            idAa64pfr0 = el2 ? 0x222 : 0x22; // EL0/EL1 (and EL2) in AArch64 or AArch32
            idAa64isar0 = 0x00011120L;       // AES+PMULL, SHA1, SHA256, CRC32
            idAa64isar1 = 0;
            idAa64mmfr0 = 0x00001124L;       // PARange 44 bits, 16-bit ASIDs, 4K and 64K granules
            physicalAddressBits = 44;
        }
        idPfr1 = el2 ? 0x00011001L : 0x00010001L;
    }

    /** CCSIDR_EL1 for the cache CSSELR_EL1 selects; 0 for caches that do not exist. */
    public long ccsidr(long csselr) {
        int i = (int) (csselr & 0xf);
        return i < CCSIDR.length ? CCSIDR[i] : 0;
    }
}
