package dev.armature.arch.aarch64;

import dev.armature.memory.BusError;
import dev.armature.memory.PhysicalMemory;

/**
 * Stage-2 translation of the EL1&amp;0 regime (Arm ARM D5, AArch64.SecondStageTranslate for ARMv8.0): IPA to PA
 * through the tables at VTTBR_EL2.BADDR, as VTCR_EL2 describes them (T0SZ, SL0, TG0 4K/16K/64K, PS), with
 * concatenated start-level tables, S2AP[7:6] (bit 6 read, bit 7 write), XN (bit 54, execute never at EL1 and
 * EL0), AF, MemAttr[5:2] and HCR_EL2.PTW (a stage-1 walk touching Device memory is a permission fault).
 *
 * <p>Active while {@link #enabled}: EL2 present, HCR_EL2.VM = 1 and TGE = 0 (TGE makes VM act as 0), and only for
 * the EL1&amp;0 regime. One per vCPU: {@link #walk} leaves its result in fields.
 */
final class Stage2Walker {
    static final int OK = PageTableWalker.OK;

    static final long HCR_VM = 1L;
    static final long HCR_PTW = 1L << 2;
    static final long HCR_TGE = 1L << 27;
    private static final long OA_MASK = 0x0000_ffff_ffff_ffffL;

    /** Output address of the last successful walk. */
    long pa;
    /** MemAttr[3:0] of the mapping (0b00xx: Device, with xx the Device type; otherwise Normal). */
    int memAttr;
    /** log2 of the size of the stage-2 mapping. */
    int sizeShift;

    /** Whether stage 2 applies to the EL1&amp;0 regime now. */
    static boolean enabled(Cpu cpu) {
        long hcr = cpu.sys.hcrEl2;
        return (hcr & (HCR_VM | HCR_TGE)) == HCR_VM && cpu.model.has(Feature.EL2);
    }

    /**
     * Translates {@code ipa} for an access of {@code kind} ({@link CpuMemory#READ}/{@code WRITE}/{@code FETCH});
     * {@code tableWalk}: the access is a stage-1 table walk's descriptor read.
     *
     * @return {@link #OK} or the fault status code (type + level) of the stage-2 fault
     */
    int walk(Cpu cpu, long ipa, int kind, boolean tableWalk) {
        SysRegs s = cpu.sys;
        long vtcr = s.vtcrEl2;
        int tsz = Math.clamp((int) vtcr & 0x3f, 16, 39);
        int inputBits = 64 - tsz;
        int sl0 = (int) (vtcr >>> 6) & 3;
        int tg0 = (int) (vtcr >>> 14) & 3;
        int granule = tg0 == 1 ? 16 : tg0 == 2 ? 14 : 12; // 3 is reserved: treated as 4K
        int stride = granule - 3;
        int startLevel = granule == 12 ? 2 - sl0 : 3 - sl0;
        int startShift = granule + (3 - startLevel) * stride;
        int indexBits = inputBits - startShift;
        // SL0 = 3, a 64K level-1 start (ARMv8.0 has no 52-bit PAs) and start levels that would need no table or
        // more than 16 concatenated tables are inconsistent: every access faults.
        if (sl0 == 3 || (granule == 16 && startLevel < 2) || indexBits < 1 || indexBits > stride + 4
                || ipa >>> inputBits != 0) {
            return Esr.FSC_TRANSLATION_L0;
        }
        int outBits = Math.min(s.id.physicalAddressBits, PageTableWalker.outputBits((int) (vtcr >>> 16) & 7));
        long table = s.vttbrEl2 & OA_MASK & ~1L;
        if (table >>> outBits != 0) {
            return Esr.FSC_ADDR_SIZE_L0;
        }
        PhysicalMemory phys = cpu.memory.physical();
        for (int level = startLevel; ; level++) {
            int shift = granule + (3 - level) * stride;
            int bits = level == startLevel ? indexBits : stride;
            table &= ~((8L << bits) - 1);
            long desc;
            try {
                desc = phys.read(table + ((ipa >>> shift) & ((1L << bits) - 1)) * 8, 8);
            } catch (BusError e) {
                return Esr.FSC_SYNC_EXTERNAL_WALK_L0 + level;
            }
            if ((desc & 1) == 0) {
                return Esr.FSC_TRANSLATION_L0 + level;
            }
            boolean tableOrPage = (desc & 2) != 0;
            if (level < 3 && tableOrPage) {
                table = desc & OA_MASK & -(1L << granule);
                if (table >>> outBits != 0) {
                    return Esr.FSC_ADDR_SIZE_L0 + level;
                }
                continue;
            }
            if (level == 3 ? !tableOrPage : !PageTableWalker.blockAllowed(granule, level)) {
                return Esr.FSC_TRANSLATION_L0 + level;
            }
            long outputBase = desc & OA_MASK & -(1L << shift);
            if (outputBase >>> outBits != 0) {
                return Esr.FSC_ADDR_SIZE_L0 + level;
            }
            pa = outputBase | (ipa & ((1L << shift) - 1));
            memAttr = (int) (desc >>> 2) & 0xf;
            sizeShift = shift;
            if ((desc & (1L << 10)) == 0) {
                return Esr.FSC_ACCESS_FLAG_L0 + level;
            }
            boolean permitted = switch (kind) {
                case CpuMemory.READ -> (desc & (1L << 6)) != 0;
                case CpuMemory.WRITE -> (desc & (1L << 7)) != 0;
                default -> (desc & (1L << 54)) == 0;
            };
            boolean deviceWalk = tableWalk && (s.hcrEl2 & HCR_PTW) != 0 && (memAttr & 0xc) == 0;
            if (!permitted || deviceWalk) {
                return Esr.FSC_PERMISSION_L0 + level;
            }
            return OK;
        }
    }
}
