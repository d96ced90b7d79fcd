package dev.armature.devices.gic;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.SyncException;

import static dev.armature.devices.gic.IccRegisters.*;

/**
 * The GICv3 CPU interface of one vCPU, reached through the ICC_*_EL1 system registers ({@link IccRegisters}).
 * Called on the vCPU's own thread; state lives in the GIC and is guarded by its lock.
 *
 * <p>ICC_CTLR_EL1 reads 0x8400 at reset: A3V, PRIbits = 4 (5 priority bits, as QEMU), IDbits = 0 (16-bit
 * INTIDs; QEMU reports 24 because it has LPIs); CBPR and EOImode are writable. ICC_SRE_EL1 reads 7 (SRE, DFB,
 * DIB fixed). ICC_IAR1/ICC_HPPIR1 see only Group 1 interrupts, ICC_IAR0/ICC_HPPIR0 only Group 0 (1023 if the
 * highest-priority pending interrupt is of the other group).
 *
 * <p>EL2 registers (the board makes them UNDEFINED below EL2, see {@link IccRegisters.Register#el2}):
 * ICC_SRE_EL2 reads 0xf (SRE, DFB, DIB and Enable RAO/WI, as QEMU: the system register interface is
 * always on and EL1's ICC_SRE_EL1 never traps). ICH_HCR_EL2 holds what is written to its defined bits; with no
 * virtual CPU interface behind it, En = 1 delivers no virtual interrupts (a hypervisor learns that there is no
 * vGIC from the device tree, which has no maintenance interrupt).
 */
final class GicV3CpuInterface implements GicCpuInterface {
    private static final int CTLR_FIXED = 1 << 15 | 4 << 8; // A3V, PRIbits = 4
    /** ICH_HCR_EL2 without RES0 bits: En..VGrp1DIE [7:0], TC..TDIR [14:10], EOIcount [31:27]. */
    private static final long ICH_HCR_DEFINED = 0xf800_7cffL;

    private final GicV3 gic;
    private final int index;

    GicV3CpuInterface(GicV3 gic, int index) {
        this.gic = gic;
        this.index = index;
    }

    @Override
    public boolean hasSystemRegisters() {
        return true;
    }

    @Override
    public long readSysReg(Cpu cpu, int key) {
        checkEl(cpu);
        synchronized (gic.lock) {
            CpuInterfaceState ci = gic.cpuIf[index];
            if (key == ICC_IAR1_EL1) {
                return acknowledge(1);
            } else if (key == ICC_IAR0_EL1) {
                return acknowledge(0);
            } else if (key == ICC_HPPIR1_EL1) {
                return highestPending(1);
            } else if (key == ICC_HPPIR0_EL1) {
                return highestPending(0);
            } else if (key == ICC_PMR_EL1) {
                return ci.pmr();
            } else if (key == ICC_RPR_EL1) {
                return Math.min(ci.runningPriority(), 0xff);
            } else if (key == ICC_BPR0_EL1) {
                return ci.bpr0();
            } else if (key == ICC_BPR1_EL1) {
                return ci.bpr1();
            } else if (key == ICC_CTLR_EL1) {
                return CTLR_FIXED | (ci.eoiModeSplit ? 2 : 0) | (ci.cbpr ? 1 : 0);
            } else if (key == ICC_SRE_EL1) {
                return 7;
            } else if (key == ICC_SRE_EL2) {
                return 0xf;
            } else if (key == ICH_HCR_EL2) {
                return ci.ichHcr;
            } else if (key == ICC_IGRPEN0_EL1) {
                return ci.groupEnable & 1;
            } else if (key == ICC_IGRPEN1_EL1) {
                return ci.groupEnable >> 1 & 1;
            } else if (key == ICC_AP0R0_EL1) {
                return ci.apr(0, 0) & 0xffff_ffffL;
            } else if (key == ICC_AP1R0_EL1) {
                return ci.apr(1, 0) & 0xffff_ffffL;
            }
        }
        throw SyncException.undefined(cpu.pc); // write-only or not implemented
    }

    @Override
    public void writeSysReg(Cpu cpu, int key, long value) {
        checkEl(cpu);
        synchronized (gic.lock) {
            CpuInterfaceState ci = gic.cpuIf[index];
            int v = (int) value;
            if (key == ICC_EOIR1_EL1 || key == ICC_EOIR0_EL1) {
                gic.endOfInterrupt(index, v & 0xff_ffff);
                return;
            } else if (key == ICC_DIR_EL1) {
                gic.deactivate(index, v & 0xff_ffff);
                return;
            } else if (key == ICC_SGI1R_EL1) {
                gic.sendSgi(index, value, false);
                return;
            } else if (key == ICC_SGI0R_EL1 || key == ICC_ASGI1R_EL1) {
                gic.sendSgi(index, value, true);
                return;
            } else if (key == ICC_PMR_EL1) {
                ci.setPmr(v & 0xff);
            } else if (key == ICC_BPR0_EL1) {
                ci.setBpr0(v);
            } else if (key == ICC_BPR1_EL1) {
                ci.setBpr1(v);
            } else if (key == ICC_CTLR_EL1) {
                ci.cbpr = (v & 1) != 0;
                ci.eoiModeSplit = (v & 2) != 0;
            } else if (key == ICC_SRE_EL1) {
                return; // SRE, DFB, DIB are RAO/WI
            } else if (key == ICC_SRE_EL2) {
                return; // all four bits RAO/WI
            } else if (key == ICH_HCR_EL2) {
                ci.ichHcr = value & ICH_HCR_DEFINED;
            } else if (key == ICC_IGRPEN0_EL1) {
                ci.groupEnable = ci.groupEnable & 2 | v & 1;
            } else if (key == ICC_IGRPEN1_EL1) {
                ci.groupEnable = ci.groupEnable & 1 | (v & 1) << 1;
            } else if (key == ICC_AP0R0_EL1) {
                ci.setApr(0, 0, v);
            } else if (key == ICC_AP1R0_EL1) {
                ci.setApr(1, 0, v);
            } else {
                throw SyncException.undefined(cpu.pc); // read-only or not implemented
            }
            gic.update(index);
        }
    }

    /** ICC_IARn_EL1: acknowledges the highest-priority pending interrupt if it is signallable and of {@code group}. */
    private int acknowledge(int group) {
        int intid = gic.signallable(index);
        if (intid < 0 || gic.group(index, intid) != group) {
            return Gic.SPURIOUS;
        }
        return gic.acknowledge(index, intid, false);
    }

    private int highestPending(int group) {
        int intid = gic.highestPending(index);
        return intid < 0 || gic.group(index, intid) != group ? Gic.SPURIOUS : intid;
    }

    /** The ICC_*_EL1 registers do not exist at EL0. */
    private static void checkEl(Cpu cpu) {
        if (cpu.el == 0) {
            throw SyncException.undefined(cpu.pc);
        }
    }
}
