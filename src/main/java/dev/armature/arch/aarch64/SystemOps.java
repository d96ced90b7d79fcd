package dev.armature.arch.aarch64;

import static dev.armature.arch.aarch64.SysRegs.key;

/**
 * The SYS instructions (op0 = 1) of ARMv8.0: TLB maintenance (TLBI), address translation (AT), data and
 * instruction cache maintenance (DC, IC) and DC ZVA. Caches are not modelled, so cache maintenance only checks
 * access rights and that the address translates (faulting as the architecture says); other encodings are
 * UNDEFINED.
 */
final class SystemOps {
    // Cache maintenance.
    private static final int IC_IALLUIS = key(1, 0, 7, 1, 0);
    private static final int IC_IALLU = key(1, 0, 7, 5, 0);
    private static final int IC_IVAU = key(1, 3, 7, 5, 1);
    private static final int DC_IVAC = key(1, 0, 7, 6, 1);
    private static final int DC_ISW = key(1, 0, 7, 6, 2);
    private static final int DC_CSW = key(1, 0, 7, 10, 2);
    private static final int DC_CISW = key(1, 0, 7, 14, 2);
    private static final int DC_ZVA = key(1, 3, 7, 4, 1);
    private static final int DC_CVAC = key(1, 3, 7, 10, 1);
    private static final int DC_CVAU = key(1, 3, 7, 11, 1);
    private static final int DC_CIVAC = key(1, 3, 7, 14, 1);

    /** HCR_EL2.FB: TLBI at EL1 is broadcast in the Inner Shareable domain. */
    private static final long HCR_FB = 1L << 9;

    private SystemOps() {
    }

    static void execute(Cpu cpu, int key, long xt) {
        int op1 = key >>> 11 & 7;
        int crn = key >>> 7 & 0xf;
        int crm = key >>> 3 & 0xf;
        int op2 = key & 7;
        if (crn == 8) {
            tlbi(cpu, op1, crm, op2, xt);
        } else if (crn == 7 && crm == 8) {
            at(cpu, op1, op2, xt);
        } else if (key == DC_ZVA) {
            SysRegAccess.DZE.check(cpu, key, false);
            SysRegAccess.hcrTrap(cpu, key, false, SysRegAccess.HCR_TDZ);
            int block = 4 << (int) cpu.sys.id.dczid;
            long base = xt & -block;
            for (int i = 0; i < block; i += 8) { // one block never crosses a page: a fault leaves it unchanged
                cpu.memory.write(base + i, 8, 0);
            }
        } else if (key == DC_CVAC || key == DC_CVAU || key == DC_CIVAC || key == IC_IVAU) {
            SysRegAccess.UCI.check(cpu, key, false);
            SysRegAccess.hcrTrap(cpu, key, false, key == DC_CVAC || key == DC_CIVAC ? SysRegAccess.HCR_TPC
                    : SysRegAccess.HCR_TPU);
            maintainByVa(cpu, xt, CpuMemory.READ);
        } else if (key == DC_IVAC) {
            SysRegAccess.atLeast(cpu, 1);
            SysRegAccess.hcrTrap(cpu, key, false, SysRegAccess.HCR_TPC);
            maintainByVa(cpu, xt, CpuMemory.WRITE); // invalidating needs write permission
        } else if (key == DC_ISW || key == DC_CSW || key == DC_CISW) {
            SysRegAccess.atLeast(cpu, 1);
            SysRegAccess.hcrTrap(cpu, key, false, SysRegAccess.HCR_TSW);
        } else if (key == IC_IALLU || key == IC_IALLUIS) {
            SysRegAccess.atLeast(cpu, 1);
            SysRegAccess.hcrTrap(cpu, key, false, SysRegAccess.HCR_TPU);
        } else {
            throw SyncException.undefined(cpu.pc);
        }
    }

    /** Cache maintenance by VA: faults as a data abort with CM=1 and WnR=1 if the address does not translate. */
    private static void maintainByVa(Cpu cpu, long va, int kind) {
        try {
            cpu.memory.mmu().translate(cpu, va, kind);
        } catch (SyncException e) {
            throw new SyncException(e.ec, e.iss | Esr.ISS_CM | Esr.ISS_WNR, e.far, e.farValid, e.preferredReturn,
                    e.targetEl, e.ipa); // a stage-2 fault stays one (EL2, HPFAR)
        }
    }

    /**
     * TLBI. op1=0: the EL1&amp;0 forms (CRm 3 = Inner Shareable, 7 = local; op2 0 VMALLE1, 1 VAE1, 2 ASIDE1,
     * 3 VAAE1, 5 VALE1, 7 VAALE1), trapped to EL2 by HCR_EL2.TTLB and made Inner Shareable by HCR_EL2.FB. op1=4
     * (EL2 only): ALLE2, VAE2, ALLE1, VALE2, VMALLS12E1 and IPAS2(L)E1(IS). Xt holds ASID[63:48] and VA[55:12].
     *
     * <p>TLB entries hold combined stage-1+2 translations and are not tagged with a VMID or IPA, so the EL1&amp;0
     * forms and IPAS2E1 drop more than they must (all EL1&amp;0 entries where the architecture names one VMID or
     * one IPA), which the architecture allows; a VMID switch drops them too (see {@link SysRegs#setVttbrEl2}).
     */
    private static void tlbi(Cpu cpu, int op1, int crm, int op2, long xt) {
        SysRegAccess.atLeast(cpu, 1);
        CpuMemory mem = cpu.memory;
        boolean shareable = crm == 3 || crm == 0;
        if (op1 == 0) {
            SysRegAccess.hcrTrap(cpu, key(1, op1, 8, crm, op2), false, SysRegAccess.HCR_TTLB);
            shareable |= cpu.el == 1 && (cpu.sys.hcrEl2 & HCR_FB) != 0 && cpu.model.has(Feature.EL2);
        }
        long va = xt << 12;
        int asid = (int) (xt >>> 48);
        TlbInvalidation op;
        if (op1 == 0 && (crm == 3 || crm == 7)) {
            op = switch (op2) {
                case 0 -> TlbInvalidation.EL10;
                case 1, 5 -> new TlbInvalidation(TlbInvalidation.Scope.VA_EL1, va, asid);
                case 2 -> new TlbInvalidation(TlbInvalidation.Scope.ASID, 0, asid);
                case 3, 7 -> new TlbInvalidation(TlbInvalidation.Scope.VA_EL1, va, -1);
                default -> throw SyncException.undefined(cpu.pc);
            };
        } else if (op1 == 4 && cpu.model.has(Feature.EL2)) {
            SysRegAccess.atLeast(cpu, 2);
            if (crm == 3 || crm == 7) {
                op = switch (op2) {
                    case 0 -> TlbInvalidation.EL2;
                    case 1, 5 -> new TlbInvalidation(TlbInvalidation.Scope.VA_EL2, va, -1);
                    case 4, 6 -> TlbInvalidation.EL10;
                    default -> throw SyncException.undefined(cpu.pc);
                };
            } else if ((crm == 0 || crm == 4) && (op2 == 1 || op2 == 5)) {
                op = TlbInvalidation.EL10; // IPAS2E1(IS), IPAS2LE1(IS): combined entries are not indexed by IPA
            } else {
                throw SyncException.undefined(cpu.pc);
            }
        } else {
            throw SyncException.undefined(cpu.pc);
        }
        op.applyTo(mem);
        if (shareable && cpu.tlbBroadcast != null) {
            cpu.tlbBroadcast.invalidateOthers(cpu, op);
        }
    }

    /**
     * AT: op1=0: S1E1R, S1E1W, S1E0R, S1E0W (op2 0-3); op1=4 (EL2): S1E2R, S1E2W (op2 0-1) and S12E1R/W,
     * S12E0R/W (op2 4-7), which equal the stage-1 forms while stage 2 is disabled. The result goes to PAR_EL1.
     */
    private static void at(Cpu cpu, int op1, int op2, long va) {
        SysRegAccess.atLeast(cpu, 1);
        boolean write = (op2 & 1) != 0;
        int accessEl;
        boolean el2 = false;
        if (op1 == 0 && op2 < 4) {
            accessEl = op2 < 2 ? 1 : 0;
        } else if (op1 == 4 && cpu.model.has(Feature.EL2) && op2 != 2 && op2 != 3) {
            SysRegAccess.atLeast(cpu, 2);
            el2 = op2 < 2;
            accessEl = el2 ? 2 : op2 < 6 ? 1 : 0;
        } else {
            throw SyncException.undefined(cpu.pc);
        }
        cpu.sys.parEl1 = cpu.memory.mmu().addressTranslate(cpu, va, write, accessEl, el2, op1 == 4 && op2 >= 4);
    }
}
