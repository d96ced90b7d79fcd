package dev.armature.devices.gic;

import dev.armature.arch.aarch64.SyncException;
import dev.armature.memory.PhysicalMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.armature.devices.gic.IccRegisters.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GICv3 register behaviour; expected reset/ID values come from QEMU 7.2's virt (tools/qemu-probes/gic). */
class GicV3Test {
    static final long GICD = GicFixture.GICD;
    static final long SGI = GicFixture.SGI_FRAME;

    /** Group 1 enabled everywhere, all SGIs/PPIs Group 1 and enabled, PMR open, redistributors awake. */
    static GicFixture enabled(int nCpus) {
        GicFixture f = new GicFixture(3, nCpus);
        f.write(0, GICD, 2);
        for (int c = 0; c < nCpus; c++) {
            long rd = GicFixture.gicr(c);
            f.write(c, rd + 0x14, 0);
            f.write(c, rd + SGI + 0x80, 0xffff_ffffL);
            f.write(c, rd + SGI + 0x100, 0xffff_ffffL);
            f.sys(c, ICC_PMR_EL1, 0xff);
            f.sys(c, ICC_IGRPEN1_EL1, 1);
        }
        return f;
    }

    @Test
    void identificationAndResetValues() {
        try (GicFixture f = new GicFixture(3, 2)) {
            assertEquals(0x50, f.read(0, GICD));
            f.write(0, GICD, 0xffff_ffffL);
            assertEquals(0x53, f.read(0, GICD)); // ARE and DS fixed, EnableGrp0/1 writable
            assertEquals(0x0148_0007L, f.read(0, GICD + 4)); // 256 INTIDs, IDbits 9, A3V, no LPIs
            assertEquals(0x43b, f.read(0, GICD + 8));
            assertEquals(0x3b, f.read(0, GICD + 0xffe8));
            assertEquals(0x92, f.read(0, GICD + 0xffe0));
            long rd = GicFixture.gicr(1);
            assertEquals(0x43b, f.read(0, rd + 4));
            assertEquals(0x3b, f.read(0, rd + 0xffe8));
            assertEquals(0x93, f.read(0, rd + 0xffe0));
            assertEquals(6, f.read(0, rd + 0x14)); // ProcessorSleep | ChildrenAsleep
            assertEquals(0xaaaa_aaaaL, f.read(0, rd + SGI + 0xc00));
            assertEquals(0, f.read(0, rd + SGI + 0xc04));
            f.write(0, rd + SGI + 0xc04, 0xffff_ffffL);
            assertEquals(0xaaaa_aaaaL, f.read(0, rd + SGI + 0xc04));
            f.write(0, rd + SGI + 0xc00, 0);
            assertEquals(0xaaaa_aaaaL, f.read(0, rd + SGI + 0xc00));
            // With ARE, the distributor's SGI/PPI registers are RAZ/WI.
            f.write(0, GICD + 0x100, 0xffff_ffffL);
            assertEquals(0, f.read(0, GICD + 0x100));
            assertEquals(0, f.read(0, GICD + 0x800));
            f.write(0, GICD + 0x420, 0xffff_ffffL);
            assertEquals(0xffff_ffffL, f.read(0, GICD + 0x420)); // the distributor keeps 8 priority bits
        }
    }

    /** What a kernel entered at EL2 does in its EL2 set-up: ICC_SRE_EL2 |= SRE | Enable, ICH_HCR_EL2 = 0. */
    @Test
    void el2RegistersForAKernelEnteredAtEl2() {
        try (GicFixture f = new GicFixture(3, 1)) {
            assertEquals(0xf, f.sys(0, ICC_SRE_EL2)); // SRE, DFB, DIB, Enable: RAO/WI as on QEMU
            f.sys(0, ICC_SRE_EL2, 0);
            assertEquals(0xf, f.sys(0, ICC_SRE_EL2));
            assertEquals(0, f.sys(0, ICH_HCR_EL2));
            f.sys(0, ICH_HCR_EL2, 0xffff_ffff_ffff_ffffL);
            assertEquals(0xf800_7cffL, f.sys(0, ICH_HCR_EL2)); // RES0 bits stay 0
            f.sys(0, ICH_HCR_EL2, 0);
            assertEquals(0, f.sys(0, ICH_HCR_EL2));
            assertTrue(ALL.stream().filter(Register::el2).map(Register::name).toList()
                    .equals(List.of("ICC_SRE_EL2", "ICH_HCR_EL2")));
        }
    }

    @Test
    void cpuInterfaceResetValues() {
        try (GicFixture f = new GicFixture(3, 1)) {
            assertEquals(7, f.sys(0, ICC_SRE_EL1));
            f.sys(0, ICC_SRE_EL1, 0);
            assertEquals(7, f.sys(0, ICC_SRE_EL1));
            assertEquals(0x8400, f.sys(0, ICC_CTLR_EL1));
            f.sys(0, ICC_CTLR_EL1, 0xffff_ffffL);
            assertEquals(0x8403, f.sys(0, ICC_CTLR_EL1));
            f.sys(0, ICC_CTLR_EL1, 0);
            assertEquals(0, f.sys(0, ICC_PMR_EL1));
            f.sys(0, ICC_PMR_EL1, 0xff);
            assertEquals(0xf8, f.sys(0, ICC_PMR_EL1)); // 5 priority bits
            assertEquals(2, f.sys(0, ICC_BPR0_EL1));
            assertEquals(3, f.sys(0, ICC_BPR1_EL1));
            f.sys(0, ICC_BPR0_EL1, 0);
            f.sys(0, ICC_BPR1_EL1, 0);
            assertEquals(2, f.sys(0, ICC_BPR0_EL1));
            assertEquals(3, f.sys(0, ICC_BPR1_EL1));
            assertEquals(0xff, f.sys(0, ICC_RPR_EL1));
            assertEquals(1023, f.sys(0, ICC_IAR1_EL1));
            assertEquals(1023, f.sys(0, ICC_IAR0_EL1));
            assertEquals(1023, f.sys(0, ICC_HPPIR1_EL1));
            assertTrue(f.gic.cpuInterface(0).hasSystemRegisters());
        }
    }

    @Test
    void undefinedAccesses() {
        try (GicFixture f = new GicFixture(3, 1)) {
            assertThrows(SyncException.class, () -> f.sys(0, ICC_EOIR1_EL1)); // write-only
            assertThrows(SyncException.class, () -> f.sys(0, ICC_SGI1R_EL1));
            assertThrows(SyncException.class, () -> f.sys(0, ICC_IAR1_EL1, 0)); // read-only
            assertThrows(SyncException.class, () -> f.sys(0, ICC_AP1R0_EL1 + 1)); // AP1R1: 5 priority bits only
            f.cpus.get(0).el = 0;
            assertThrows(SyncException.class, () -> f.sys(0, ICC_PMR_EL1));
            f.cpus.get(0).el = 1;
            assertEquals(0, f.sys(0, ICC_PMR_EL1));
        }
        try (GicFixture f = new GicFixture(2, 1)) {
            assertFalse(f.gic.cpuInterface(0).hasSystemRegisters());
            assertThrows(SyncException.class, () -> f.sys(0, ICC_PMR_EL1));
        }
    }

    @Test
    void registerListMatchesWhatTheCpuInterfaceAccepts() {
        try (GicFixture f = new GicFixture(3, 1)) {
            assertEquals(IccRegisters.ALL.size(), IccRegisters.ALL.stream().map(r -> r.key()).distinct().count());
            for (IccRegisters.Register r : IccRegisters.ALL) {
                if (r.readable()) {
                    f.sys(0, r.key());
                } else {
                    assertThrows(SyncException.class, () -> f.sys(0, r.key()), r.name());
                }
                if (!r.writable()) {
                    assertThrows(SyncException.class, () -> f.sys(0, r.key(), 0), r.name());
                }
            }
            assertEquals(IccRegisters.key(3, 0, 12, 12, 0), ICC_IAR1_EL1); // S3_0_C12_C12_0
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 8})
    void redistributorTyperNumbersProcessorsAndMarksTheLast(int n) {
        try (GicFixture f = new GicFixture(3, n)) {
            for (int c = 0; c < n; c++) {
                long typer = f.read(0, GicFixture.gicr(c) + 8, 8);
                long expected = (long) c << 32 | (long) c << 8 | (c == n - 1 ? 0x10 : 0);
                assertEquals(expected, typer, "GICR_TYPER of CPU " + c);
            }
            assertEquals(n * 0x2_0000L, f.windows.get(1).size(), "contiguous redistributors share one window");
        }
    }

    @Test
    void seventeenthCpuIsInTheSecondAff1ClusterAsOnQemu() {
        try (GicFixture f = new GicFixture(3, 20)) {
            assertEquals(0x101_0000_1100L, f.read(0, GicFixture.gicr(17) + 8, 8)); // affinity 0.0.1.1, processor 17
        }
    }

    @Test
    void beyond123CpusASecondRedistributorRegionIsUsed() {
        try (GicFixture f = new GicFixture(3, 124)) {
            assertEquals(0x10, f.read(0, GicFixture.gicr(122) + 8) & 0x10); // last of region 0
            long cpu123 = 0x40_0000_0000L;
            assertEquals(123L << 8 | 0x10, f.read(0, cpu123 + 8));
            assertEquals(7L << 8 | 11, f.read(0, cpu123 + 12)); // Aff1 7, Aff0 11
        }
    }

    @Test
    void moreThan512CpusIsRefusedWithQemusMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GicFixture.v3(600));
        assertEquals("Invalid SMP CPUs 600. The max CPUs supported by machine 'virt-7.2' is 512", e.getMessage());
    }

    @Test
    void redistributorsGoWhereTheyArePlacedInAnyOrder() {
        GicV3 gic = GicFixture.v3(3);
        try (PhysicalMemory mem = new PhysicalMemory()) {
            // CPU 0 and 2 share a run at 0x10_0000; CPU 1 is alone at 0x20_0000 (KVM's region placement).
            List<MmioWindow> windows = gic.mmioWindows(0x0800_0000L, List.of(
                    new GicV3.RedistributorPlacement(0x10_0000L, false),
                    new GicV3.RedistributorPlacement(0x20_0000L, true),
                    new GicV3.RedistributorPlacement(0x12_0000L, true)));
            assertEquals(3, windows.size());
            for (MmioWindow w : windows) {
                mem.addMmio(w.name(), w.base(), w.size(), w.handler());
            }
            assertEquals(0L << 8, mem.read(0x10_0008L, 4), "CPU 0: Processor_Number 0, not Last");
            assertEquals(2L << 8 | 0x10, mem.read(0x12_0008L, 4), "CPU 2 follows CPU 0 and is Last");
            assertEquals(1L << 8 | 0x10, mem.read(0x20_0008L, 4));
            assertEquals(1, mem.read(0x20_000cL, 4), "CPU 1's affinity");
            assertEquals(1L << 8 | 0x10, gic.readRegister(GicFrame.REDISTRIBUTOR, 1, 0x8), "userspace view");
        }
    }

    @Test
    void processorNumbersAndAffinitiesAreTheVcpusOwn() {
        GicV3 gic = new GicV3(List.of(new GicV3.CpuId(5, 0x5), new GicV3.CpuId(17, 0x101)), 128);
        assertEquals(5 << 8, gic.readRegister(GicFrame.REDISTRIBUTOR, 0, 0x8));
        assertEquals(17 << 8, gic.readRegister(GicFrame.REDISTRIBUTOR, 1, 0x8));
        assertEquals(0x101, gic.readRegister(GicFrame.REDISTRIBUTOR, 1, 0xc));
        assertEquals(3, gic.readRegister(GicFrame.DISTRIBUTOR, 0, 0x4) & 0x1f, "ITLinesNumber: 128 INTIDs");
    }

    @Test
    void wakerHandshake() {
        try (GicFixture f = new GicFixture(3, 2)) {
            long waker = GicFixture.gicr(1) + 0x14;
            f.write(1, waker, 0);
            assertEquals(0, f.read(1, waker));
            assertEquals(6, f.read(0, GicFixture.gicr(0) + 0x14)); // other redistributors untouched
            f.write(1, waker, 2);
            assertEquals(6, f.read(1, waker));
        }
    }

    @Test
    void irouterRoutesSpisByAffinity() {
        try (GicFixture f = enabled(4)) {
            f.write(0, GICD + 0x104, 0xffff_ffffL);
            f.write(0, GICD + 0x84, 0xffff_ffffL); // Group 1
            long irouter40 = GICD + 0x6000 + 8 * 40;
            f.write(0, irouter40, 8, 2);
            f.gic.setLevel(40, true);
            assertEquals(List.of(false, false, true, false), lines(f));
            assertEquals(2, f.read(0, irouter40, 8));
            f.write(0, irouter40, 8, -1L);
            assertEquals(0xff_80ff_ffffL, f.read(0, irouter40, 8)); // architected fields only
            assertEquals(List.of(true, true, true, true), lines(f)); // IRM = 1: any CPU
            assertEquals(40, f.sys(3, ICC_IAR1_EL1)); // first to acknowledge takes it
            assertEquals(1023, f.sys(1, ICC_IAR1_EL1));
            assertEquals(List.of(false, false, false, false), lines(f));
            f.sys(3, ICC_EOIR1_EL1, 40);
            f.write(0, irouter40 + 4, 4, 0); // 32-bit halves work too: route to Aff 0.0.0.1
            f.write(0, irouter40, 4, 1);
            assertEquals(List.of(false, true, false, false), lines(f)); // still asserted: pending again
        }
    }

    @Test
    void spiEnablePendingAndActiveRegisters() {
        try (GicFixture f = enabled(1)) {
            f.write(0, GICD + 0x88, 1 << 3); // IGROUPR2: INTID 67 is Group 1
            f.write(0, GICD + 0x208, 1 << 3); // ISPENDR2
            assertFalse(f.irq(0)); // not enabled yet
            f.write(0, GICD + 0x108, 1 << 3); // ISENABLER2
            assertTrue(f.irq(0));
            f.write(0, GICD + 0x308, 1 << 3); // ISACTIVER2: active interrupts are not signalled
            assertFalse(f.irq(0));
            assertEquals(1 << 3, f.read(0, GICD + 0x388));
            f.write(0, GICD + 0x388, 1 << 3); // ICACTIVER2
            assertTrue(f.irq(0));
            f.write(0, GICD + 0x188, 1 << 3); // ICENABLER2
            assertFalse(f.irq(0));
            assertEquals(1 << 3, f.read(0, GICD + 0x288)); // still pending
            f.write(0, GICD + 0x288, 1 << 3); // ICPENDR2
            assertEquals(0, f.read(0, GICD + 0x208));
            f.write(0, GICD + 0x108, 1 << 3);
            assertFalse(f.irq(0));
        }
    }

    @Test
    void sgi1rTargetsByAffinityAndBroadcast() {
        try (GicFixture f = enabled(20)) {
            // Target list of Aff1 = 1: Aff0 1 and 3, i.e. CPUs 17 and 19.
            f.sys(0, ICC_SGI1R_EL1, 1L << 16 | 6L << 24 | 0b1010);
            for (int c = 0; c < 20; c++) {
                assertEquals(c == 17 || c == 19, f.irq(c), "CPU " + c);
            }
            assertEquals(6, f.sys(17, ICC_IAR1_EL1));
            f.sys(17, ICC_EOIR1_EL1, 6);
            assertEquals(6, f.sys(19, ICC_IAR1_EL1));
            f.sys(19, ICC_EOIR1_EL1, 6);
            // IRM: everyone but the sender.
            f.sys(5, ICC_SGI1R_EL1, 1L << 40 | 2L << 24);
            for (int c = 0; c < 20; c++) {
                assertEquals(c != 5, f.irq(c), "CPU " + c);
                if (c != 5) {
                    assertEquals(1L << 2, f.read(c, GicFixture.gicr(c) + SGI + 0x200));
                }
            }
        }
    }

    @Test
    void groupsAndSgi0r() {
        try (GicFixture f = enabled(1)) {
            long rd = GicFixture.gicr(0);
            f.write(0, GICD, 3);
            f.sys(0, ICC_IGRPEN0_EL1, 1);
            f.write(0, rd + SGI + 0x80, 0xffff_fffeL); // SGI 0 is Group 0
            f.sys(0, ICC_SGI0R_EL1, 1L << 24 | 1); // SGI 1 is Group 1: SGI0R does not pend it
            assertFalse(f.irq(0));
            f.sys(0, ICC_SGI0R_EL1, 1);
            assertTrue(f.fiq(0)); // Group 0 is FIQ
            assertFalse(f.irq(0));
            assertEquals(1023, f.sys(0, ICC_HPPIR1_EL1));
            assertEquals(1023, f.sys(0, ICC_IAR1_EL1));
            assertEquals(0, f.sys(0, ICC_HPPIR0_EL1));
            assertEquals(0, f.sys(0, ICC_IAR0_EL1));
            assertFalse(f.fiq(0));
            f.sys(0, ICC_EOIR0_EL1, 0);
            f.sys(0, ICC_SGI1R_EL1, 1); // SGI1R pends SGIs of either group
            assertTrue(f.fiq(0));
        }
    }

    @Test
    void preemptionRunningPriorityAndActivePriorities() {
        try (GicFixture f = enabled(1)) {
            long rd = GicFixture.gicr(0);
            f.write(0, rd + SGI + 0x400, 0x40 << 8 | 0x80); // SGI 0 prio 0x80, SGI 1 prio 0x40
            f.sys(0, ICC_SGI1R_EL1, 1);
            assertEquals(0, f.sys(0, ICC_IAR1_EL1));
            assertEquals(0x80, f.sys(0, ICC_RPR_EL1));
            assertEquals(1L << (0x80 >> 3), f.sys(0, ICC_AP1R0_EL1));
            f.sys(0, ICC_SGI1R_EL1, 1L << 24 | 1);
            assertTrue(f.irq(0));
            assertEquals(1, f.sys(0, ICC_IAR1_EL1));
            assertEquals(0x40, f.sys(0, ICC_RPR_EL1));
            f.sys(0, ICC_SGI1R_EL1, 1); // SGI 0 again: pending, but 0x80 cannot preempt 0x40
            assertFalse(f.irq(0));
            f.sys(0, ICC_EOIR1_EL1, 1);
            assertEquals(0x80, f.sys(0, ICC_RPR_EL1));
            assertFalse(f.irq(0)); // SGI 0 is still active
            f.sys(0, ICC_EOIR1_EL1, 0);
            assertEquals(0xff, f.sys(0, ICC_RPR_EL1));
            assertTrue(f.irq(0));
            // PMR masks what is not strictly higher priority.
            f.sys(0, ICC_PMR_EL1, 0x80);
            assertFalse(f.irq(0));
            assertEquals(0, f.sys(0, ICC_HPPIR1_EL1)); // HPPIR ignores the mask
            assertEquals(1023, f.sys(0, ICC_IAR1_EL1));
        }
    }

    @Test
    void eoiModeSplitAndDir() {
        try (GicFixture f = enabled(1)) {
            long rd = GicFixture.gicr(0);
            f.sys(0, ICC_CTLR_EL1, 2);
            f.write(0, rd + SGI + 0x100, 1 << 30);
            f.gic.setPrivateLevel(0, 30, true);
            assertEquals(30, f.sys(0, ICC_IAR1_EL1));
            f.sys(0, ICC_EOIR1_EL1, 30);
            assertEquals(0xff, f.sys(0, ICC_RPR_EL1));
            assertEquals(1 << 30, f.read(0, rd + SGI + 0x300)); // still active
            assertFalse(f.irq(0));
            f.sys(0, ICC_DIR_EL1, 30);
            assertEquals(0, f.read(0, rd + SGI + 0x300));
            assertTrue(f.irq(0)); // level still high
            f.gic.setPrivateLevel(0, 30, false);
            assertFalse(f.irq(0));
        }
    }

    @Test
    void redistributorStateIsPerCpu() {
        try (GicFixture f = enabled(2)) {
            f.write(0, GicFixture.gicr(1) + SGI + 0x180, 1 << 27); // disable PPI 27 on CPU 1 only
            f.gic.setPrivateLevel(0, 27, true);
            f.gic.setPrivateLevel(1, 27, true);
            assertTrue(f.irq(0));
            assertFalse(f.irq(1));
            assertEquals(1 << 27, f.read(1, GicFixture.gicr(1) + SGI + 0x200)); // pending though disabled
            f.write(0, GicFixture.gicr(1) + SGI + 0x41b, 1, 0xf8);
            assertEquals(0xf8, f.read(0, GicFixture.gicr(1) + SGI + 0x41b, 1));
            assertEquals(0, f.read(0, GicFixture.gicr(0) + SGI + 0x41b, 1));
        }
    }

    @Test
    void resetRestoresResetValues() {
        try (GicFixture f = enabled(2)) {
            f.sys(1, ICC_SGI1R_EL1, 1);
            assertTrue(f.irq(0));
            f.gic.reset();
            assertFalse(f.irq(0));
            assertEquals(0x50, f.read(0, GICD));
            assertEquals(6, f.read(0, GicFixture.gicr(1) + 0x14));
            assertEquals(0, f.read(0, GicFixture.gicr(0) + SGI + 0x200));
            assertEquals(0, f.sys(0, ICC_PMR_EL1));
            assertEquals(0, f.sys(0, ICC_IGRPEN1_EL1));
        }
    }

    private static List<Boolean> lines(GicFixture f) {
        return f.cpus.stream().map(c -> c.irqLine).toList();
    }
}
