package dev.armature.arch.aarch64;

import dev.armature.memory.BusError;
import dev.armature.memory.PhysicalMemory;

/**
 * Stage-1 translation table walk for the EL1&amp;0 and EL2 regimes, followed by stage 2 ({@link Stage2Walker}) for
 * the EL1&amp;0 regime when HCR_EL2.VM enables it — then every stage-1 descriptor address is an IPA translated by
 * stage 2 too (a fault there is a stage-2 fault with S1PTW). The stage-1 part (Arm ARM D5,
 * AArch64.TranslationTableWalk and AArch64.CheckPermission for ARMv8.0): 4K/16K/64K granules, any TxSZ from 16
 * to 39 (values outside are clamped), TTBR0/TTBR1 by the VA's top bits with TBI, table/block/page descriptors,
 * hierarchical APTable, UXNTable/PXNTable, AP[2:1], UXN/PXN (XN at EL2), WXN, AF (no hardware update), nG with
 * ASIDs (TCR.AS, TCR.A1), EPD0/EPD1 and address-size checks against min(TCR.IPS/PS, PARange).
 *
 * <p>One walker per vCPU: {@link #walk} leaves its result in fields, which the MMU copies into the TLB or PAR.
 */
final class PageTableWalker {
    static final int OK = -1;

    private static final int ADDRESS_SIZE = Esr.FSC_ADDR_SIZE_L0;
    private static final int TRANSLATION = Esr.FSC_TRANSLATION_L0;
    private static final int ACCESS_FLAG = Esr.FSC_ACCESS_FLAG_L0;
    private static final int PERMISSION = Esr.FSC_PERMISSION_L0;
    private static final long OA_MASK = 0x0000_ffff_ffff_ffffL;
    private static final long HCR_DC = 1L << 12;

    // Result of the last successful walk (also filled for permission faults, for PAR/diagnostics).
    /** Physical address of the accessed byte. */
    long pa;
    /** MAIR attribute byte of the mapping. */
    int attr;
    /** SH[1:0] of the descriptor. */
    int shareability;
    /** Not tagged with an ASID (nG=0, or a regime without ASIDs, or MMU off). */
    boolean global;
    int asid;
    /** log2 of the size of the stage-1 mapping the address lies in (12 for a 4K page, 21 for a 2M block...). */
    int sizeShift;

    // Where the last fault came from (valid when walk returned a fault).
    /** The fault is a stage-2 fault (taken to EL2, with the IPA in HPFAR_EL2). */
    boolean stage2Fault;
    /** The stage-2 fault happened on a stage-1 table walk (ESR ISS.S1PTW). */
    boolean s1ptw;
    /** The IPA that faulted at stage 2. */
    long faultIpa;

    private final Stage2Walker stage2 = new Stage2Walker();

    /**
     * Walks the tables for {@code va}.
     *
     * @param kind     {@link CpuMemory#READ}, {@link CpuMemory#WRITE} or {@link CpuMemory#FETCH}
     * @param accessEl the EL whose permissions apply (0 for EL0 accesses, AT S1E0*, unprivileged loads/stores)
     * @param el2      walk the EL2 regime instead of EL1&amp;0
     * @return {@link #OK}, or the fault status code (type + level) of the fault the access takes; for a stage-2
     *         fault {@link #stage2Fault} is set
     */
    int walk(Cpu cpu, long va, int kind, int accessEl, boolean el2) {
        boolean withStage2 = !el2 && Stage2Walker.enabled(cpu);
        return walk(cpu, va, kind, accessEl, el2, withStage2, withStage2);
    }

    /**
     * As {@link #walk(Cpu, long, int, int, boolean)}, with stage 2 applied to the stage-1 table accesses
     * ({@code tablesStage2}) and to the output ({@code outputStage2}; not for AT S1E*, whose result is the IPA).
     */
    int walk(Cpu cpu, long va, int kind, int accessEl, boolean el2, boolean tablesStage2, boolean outputStage2) {
        stage2Fault = false;
        s1ptw = false;
        int fsc = walkStage1(cpu, va, kind, accessEl, el2, tablesStage2);
        if (fsc != OK || !outputStage2) {
            return fsc;
        }
        return stage2(cpu, pa, kind, false);
    }

    /** Stage 2 of {@code ipa}: sets {@link #pa} (keeping the stage-1 attributes) or records the fault. */
    private int stage2(Cpu cpu, long ipa, int kind, boolean tableWalk) {
        int fsc = stage2.walk(cpu, ipa, kind, tableWalk);
        if (fsc != OK) {
            stage2Fault = true;
            s1ptw = tableWalk;
            faultIpa = ipa;
            return fsc;
        }
        pa = stage2.pa;
        if (!tableWalk && (stage2.memAttr & 0xc) == 0) {
            attr = (stage2.memAttr & 3) << 2; // Device at stage 2 wins: its type, as MAIR encodes Device
        }
        return OK;
    }

    private int walkStage1(Cpu cpu, long va, int kind, int accessEl, boolean el2, boolean withStage2) {
        SysRegs s = cpu.sys;
        long sctlr = el2 ? s.sctlrEl2 : s.sctlrEl1;
        if (!el2 && (s.hcrEl2 & (HCR_DC | Stage2Walker.HCR_TGE)) != 0 && cpu.model.has(Feature.EL2)) {
            sctlr &= ~1L; // HCR_EL2.DC and TGE make EL1&0 stage 1 act as if SCTLR_EL1.M were 0
        }
        long tcr = el2 ? s.tcrEl2 : s.tcrEl1;
        int paBits = s.id.physicalAddressBits;
        boolean upper = !el2 && (va & (1L << 55)) != 0; // VA bit 55 picks TTBR1 (EL2 has only TTBR0)
        boolean tbi = el2 ? (tcr & (1L << 20)) != 0 : (tcr & (upper ? 1L << 38 : 1L << 37)) != 0;
        int top = tbi ? 55 : 63;

        if ((sctlr & 1) == 0) { // stage 1 disabled: flat, Device-nGnRnE data, within the PA size
            if (bits(va, top, paBits) != 0) {
                return ADDRESS_SIZE;
            }
            pa = va & ((1L << paBits) - 1);
            attr = 0;
            shareability = 0; // as QEMU reports it in PAR_EL1
            global = true;
            asid = 0;
            sizeShift = 12;
            return OK;
        }

        int tsz;
        int granule;
        boolean disabled;
        long ttbr;
        if (!upper) {
            tsz = (int) tcr & 0x3f;
            int tg0 = (int) (tcr >>> 14) & 3;
            granule = tg0 == 1 ? 16 : tg0 == 2 ? 14 : 12; // 3 is reserved: treated as 4K
            disabled = !el2 && (tcr & (1L << 7)) != 0;
            ttbr = el2 ? s.ttbr0El2 : s.ttbr0El1;
        } else {
            tsz = (int) (tcr >>> 16) & 0x3f;
            int tg1 = (int) (tcr >>> 30) & 3;
            granule = tg1 == 1 ? 14 : tg1 == 3 ? 16 : 12; // 0 is reserved: treated as 4K
            disabled = (tcr & (1L << 23)) != 0;
            ttbr = s.ttbr1El1;
        }
        tsz = Math.clamp(tsz, 16, 39);
        int inputBits = 64 - tsz;
        long expected = upper ? (1L << (top - inputBits + 1)) - 1 : 0;
        if (disabled || bits(va, top, inputBits) != expected) {
            return TRANSLATION; // level 0, as the Arm ARM reports VA range and EPDx faults
        }
        int outBits = Math.min(paBits, outputBits((int) (tcr >>> (el2 ? 16 : 32)) & 7));
        int tableAsid = 0;
        if (!el2) {
            long asidTtbr = (tcr & (1L << 22)) != 0 ? s.ttbr1El1 : s.ttbr0El1;
            tableAsid = (int) (asidTtbr >>> 48) & ((tcr & (1L << 36)) != 0 ? 0xffff : 0xff);
        }
        long table = ttbr & OA_MASK & ~1L;
        if (table >>> outBits != 0) {
            return ADDRESS_SIZE; // TTBR out of range: level 0
        }

        int stride = granule - 3;
        int startLevel = 4 - (inputBits - granule + stride - 1) / stride;
        boolean noEl0 = false;
        boolean readOnly = false;
        boolean uxnTable = false;
        boolean pxnTable = false;
        PhysicalMemory phys = cpu.memory.physical();
        for (int level = startLevel; ; level++) {
            int shift = granule + (3 - level) * stride;
            int indexBits = level == startLevel ? inputBits - shift : stride;
            table &= ~((8L << indexBits) - 1);
            long index = (va >>> shift) & ((1L << indexBits) - 1);
            long descAddress = table + index * 8;
            if (withStage2) { // the table address is an IPA
                int fsc = stage2(cpu, descAddress, CpuMemory.READ, true);
                if (fsc != OK) {
                    return fsc;
                }
                descAddress = pa;
            }
            long desc;
            try {
                desc = phys.read(descAddress, 8);
            } catch (BusError e) {
                return Esr.FSC_SYNC_EXTERNAL_WALK_L0 + level;
            }
            if ((desc & 1) == 0) {
                return TRANSLATION + level;
            }
            boolean tableOrPage = (desc & 2) != 0;
            if (level < 3 && tableOrPage) {
                table = desc & OA_MASK & -(1L << granule);
                if (table >>> outBits != 0) {
                    return ADDRESS_SIZE + level;
                }
                uxnTable |= (desc & (1L << 60)) != 0;
                readOnly |= (desc & (1L << 62)) != 0;
                if (!el2) { // PXNTable and APTable[0] are RES0 at EL2
                    pxnTable |= (desc & (1L << 59)) != 0;
                    noEl0 |= (desc & (1L << 61)) != 0;
                }
                continue;
            }
            if (level == 3 ? !tableOrPage : !blockAllowed(granule, level)) {
                return TRANSLATION + level; // reserved encoding
            }
            long outputBase = desc & OA_MASK & -(1L << shift);
            if (outputBase >>> outBits != 0) {
                return ADDRESS_SIZE + level;
            }
            pa = outputBase | (va & ((1L << shift) - 1));
            attr = (int) (((el2 ? s.mairEl2 : s.mairEl1) >>> (8 * ((desc >>> 2) & 7))) & 0xff);
            shareability = (int) (desc >>> 8) & 3;
            global = el2 || (desc & (1L << 11)) == 0;
            asid = global ? 0 : tableAsid;
            sizeShift = shift;
            if ((desc & (1L << 10)) == 0) {
                return ACCESS_FLAG + level;
            }
            if (!permitted(desc, kind, accessEl, el2, sctlr, noEl0, readOnly, uxnTable, pxnTable)) {
                return PERMISSION + level;
            }
            return OK;
        }
    }

    private static boolean permitted(long desc, int kind, int accessEl, boolean el2, long sctlr, boolean noEl0,
            boolean readOnly, boolean uxnTable, boolean pxnTable) {
        int ap = (int) (desc >>> 6) & 3; // AP[2:1]
        if (noEl0) {
            ap &= 2;
        }
        if (readOnly) {
            ap |= 2;
        }
        boolean wxn = (sctlr & (1L << 19)) != 0;
        boolean read;
        boolean write;
        boolean exec;
        if (el2) {
            read = true;
            write = (ap & 2) == 0;
            exec = (desc & (1L << 54)) == 0 && !uxnTable;
        } else if (accessEl == 0) {
            read = (ap & 1) != 0;
            write = ap == 1;
            exec = (desc & (1L << 54)) == 0 && !uxnTable;
        } else {
            read = true;
            write = (ap & 2) == 0;
            // EL1 never executes what EL0 can write.
            exec = (desc & (1L << 53)) == 0 && !pxnTable && ap != 1;
        }
        if (wxn && write) {
            exec = false;
        }
        return switch (kind) {
            case CpuMemory.READ -> read;
            case CpuMemory.WRITE -> write;
            default -> exec;
        };
    }

    /** Output address size of a TCR_ELx.IPS/PS or VTCR_EL2.PS encoding, in bits. */
    static int outputBits(int ps) {
        return switch (ps) {
            case 0 -> 32;
            case 1 -> 36;
            case 2 -> 40;
            case 3 -> 42;
            case 4 -> 44;
            default -> 48;
        };
    }

    /** ARMv8.0 block descriptors: 4K at levels 1-2, 16K and 64K at level 2 only. */
    static boolean blockAllowed(int granule, int level) {
        return level == 2 || (level == 1 && granule == 12);
    }

    /** VA bits [hi:lo] (inclusive), right-aligned; 0 when lo > hi. */
    private static long bits(long va, int hi, int lo) {
        if (lo > hi) {
            return 0;
        }
        long shifted = va >>> lo;
        int width = hi - lo + 1;
        return width >= 64 ? shifted : shifted & ((1L << width) - 1);
    }
}
