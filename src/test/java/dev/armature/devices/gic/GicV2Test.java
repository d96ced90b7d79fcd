package dev.armature.devices.gic;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.memory.BusError;
import dev.armature.memory.BusMaster;
import dev.armature.memory.PhysicalMemory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GICv2 register behaviour; expected reset/ID values come from QEMU 7.2's virt (tools/qemu-probes/gic). */
class GicV2Test {
    static final long GICD = GicFixture.GICD;
    static final long GICC = GicFixture.GICC;

    /** Distributor and CPU interface enabled on every CPU, PMR open. */
    static GicFixture enabled(int nCpus) {
        GicFixture f = new GicFixture(2, nCpus);
        f.write(0, GICD, 1);
        for (int c = 0; c < nCpus; c++) {
            f.write(c, GICC, 1);
            f.write(c, GICC + 0x04, 0xff);
        }
        return f;
    }

    @Test
    void identificationAndResetValuesMatchQemu() {
        try (GicFixture f = new GicFixture(2, 3)) {
            assertEquals(0x48, f.read(0, GICD + 0x004)); // ITLinesNumber 8, CPUNumber 2
            assertEquals(0x43b, f.read(0, GICD + 0x008));
            assertEquals(0x2b, f.read(0, GICD + 0xfe8));
            assertEquals(0xb1, f.read(0, GICD + 0xffc));
            assertEquals(0x2043b, f.read(0, GICC + 0xfc));
            assertEquals(0xffff, f.read(0, GICD + 0x100)); // SGIs always enabled
            assertEquals(0xaaaa_aaaaL, f.read(0, GICD + 0xc00));
            assertEquals(0, f.read(0, GICD + 0xc04)); // PPIs level-sensitive
            assertEquals(0x0101_0101L, f.read(0, GICD + 0x800));
            assertEquals(0x0404_0404L, f.read(2, GICD + 0x81c)); // banked: the reader's own bit
            assertEquals(0, f.read(0, GICC + 0x08)); // BPR
            assertEquals(1, f.read(0, GICC + 0x1c)); // ABPR
            assertEquals(0xff, f.read(0, GICC + 0x14)); // RPR idle
            assertEquals(1023, f.read(0, GICC + 0x0c));
            assertEquals(1023, f.read(0, GICC + 0x18));
        }
    }

    @Test
    void writableFieldsMatchQemu() {
        try (GicFixture f = new GicFixture(2, 3)) {
            f.write(0, GICD, 0xffff_ffffL);
            assertEquals(3, f.read(0, GICD));
            f.write(0, GICC, 0xffff_ffffL);
            assertEquals(0x21f, f.read(0, GICC));
            f.write(0, GICD + 0xc04, 0xffff_ffffL);
            assertEquals(0xaaaa_aaaaL, f.read(0, GICD + 0xc04));
            f.write(0, GICD + 0xc00, 0);
            assertEquals(0xaaaa_aaaaL, f.read(0, GICD + 0xc00)); // SGI configuration is fixed
            f.write(0, GICD + 0x180, 0xffff_ffffL);
            assertEquals(0xffff, f.read(0, GICD + 0x100)); // SGIs cannot be disabled
            f.write(0, GICD + 0x200, 0xffff);
            assertEquals(0, f.read(0, GICD + 0x200)); // SGI pending only via SGIR/SPENDSGIR
            f.write(0, GICD + 0x400, 0xffff_ffffL);
            assertEquals(0xffff_ffffL, f.read(0, GICD + 0x400)); // 8 priority bits
            f.write(0, GICC + 0x04, 0xff);
            assertEquals(0xff, f.read(0, GICC + 0x04));
            f.write(0, GICC + 0x1c, 0);
            assertEquals(1, f.read(0, GICC + 0x1c)); // ABPR minimum
            f.write(0, GICD + 0x820, 0xffff_ffffL);
            assertEquals(0x0707_0707L, f.read(0, GICD + 0x820)); // bits of absent CPUs are RAZ/WI
        }
    }

    @Test
    void moreThanEightCpusIsRefusedWithQemusMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GicV2(9, GicFixture.V2_IRQS));
        assertEquals("Number of SMP CPUs requested (9) exceeds max CPUs supported by machine 'mach-virt' (8)",
                e.getMessage());
        assertEquals(8, new GicV2(8, GicFixture.V2_IRQS).cpuCount());
    }

    @Test
    void sgiTargetListAndFilters() {
        try (GicFixture f = enabled(4)) {
            // Filter 0: explicit list (CPUs 1 and 3), sent by CPU 2.
            f.write(2, GICD + 0xf00, 0b1010 << 16 | 3);
            assertEquals(List.of(false, true, false, true), lines(f));
            assertEquals(0x04L << 24, f.read(1, GICD + 0xf20)); // SPENDSGIR0 byte 3 = SGI 3, source CPU 2
            assertEquals(3 | 2 << 10, f.read(1, GICC + 0x0c)); // IAR carries the source CPU
            f.write(1, GICC + 0x10, 3 | 2 << 10);
            assertFalse(f.irq(1));
            assertEquals(3 | 2 << 10, f.read(3, GICC + 0x0c));
            f.write(3, GICC + 0x10, 3 | 2 << 10);

            // Filter 1: everyone but the sender.
            f.write(0, GICD + 0xf00, 1 << 24 | 5);
            assertEquals(List.of(false, true, true, true), lines(f));
            for (int c = 1; c < 4; c++) {
                assertEquals(5, f.read(c, GICC + 0x0c));
                f.write(c, GICC + 0x10, 5);
            }
            // Filter 2: the sender only; two sources of the same SGI stay separately pending.
            f.write(3, GICD + 0xf00, 2 << 24 | 7);
            f.write(0, GICD + 0xf00, 1 << 3 << 16 | 7);
            assertEquals(0x09L << 24, f.read(3, GICD + 0xf24)); // sources 0 and 3
            assertEquals(7, f.read(3, GICC + 0x0c)); // lowest source first
            f.write(3, GICC + 0x10, 7);
            assertEquals(7 | 3 << 10, f.read(3, GICC + 0x0c));
            f.write(3, GICC + 0x10, 7 | 3 << 10);
            assertEquals(List.of(false, false, false, false), lines(f));
            // Filter 3 is reserved: nothing is sent.
            f.write(0, GICD + 0xf00, 3 << 24 | 0xf << 16 | 1);
            assertEquals(List.of(false, false, false, false), lines(f));
        }
    }

    @Test
    void spendsgirAndCpendsgirSetAndClearSources() {
        try (GicFixture f = enabled(2)) {
            f.write(1, GICD + 0xf21, 1, 0x3); // SGI 1 from sources 0 and 1, byte access
            assertEquals(0x0300L, f.read(1, GICD + 0xf20));
            assertEquals(0x2, f.read(1, GICD + 0x200));
            assertTrue(f.irq(1));
            f.write(1, GICD + 0xf10, 0x0100);
            assertEquals(0x0200L, f.read(1, GICD + 0xf10));
            f.write(1, GICD + 0xf10, 0x0200);
            assertEquals(0, f.read(1, GICD + 0x200));
            assertFalse(f.irq(1));
        }
    }

    @Test
    void levelSensitivePpiStaysPendingWhileAsserted() {
        try (GicFixture f = enabled(2)) {
            f.write(1, GICD + 0x100, 1 << 27);
            f.gic.setPrivateLevel(1, 27, true);
            assertTrue(f.irq(1));
            assertFalse(f.irq(0)); // PPIs are private
            assertEquals(27, f.read(1, GICC + 0x0c));
            assertEquals(1 << 27, f.read(1, GICD + 0x300)); // active
            assertEquals(1 << 27, f.read(1, GICD + 0x200)); // and still pending: line high
            assertFalse(f.irq(1)); // but not signalled again while active
            f.write(1, GICC + 0x10, 27);
            assertTrue(f.irq(1)); // still asserted: pending again
            f.gic.setPrivateLevel(1, 27, false);
            assertFalse(f.irq(1));
            assertEquals(0, f.read(1, GICD + 0x200));
            assertEquals(1023, f.read(1, GICC + 0x0c));
        }
    }

    @Test
    void edgeTriggeredSpiLatchesTheRisingEdge() {
        try (GicFixture f = enabled(1)) {
            int intid = 48;
            f.write(0, GICD + 0x800 + intid, 1, 1); // ITARGETSR byte
            f.write(0, GICD + 0x104, 1 << 16);
            f.write(0, GICD + 0xc0c, 2); // ICFGR3: INTID 48 edge
            f.gic.setLevel(intid, true);
            f.gic.setLevel(intid, false);
            assertTrue(f.irq(0)); // stays pending after the pulse
            assertEquals(1 << 16, f.read(0, GICD + 0x204));
            assertEquals(intid, f.read(0, GICC + 0x0c));
            assertEquals(0, f.read(0, GICD + 0x204));
            f.write(0, GICC + 0x10, intid);
            assertFalse(f.irq(0));
            // A level-sensitive SPI, in contrast, is not pending once the line drops.
            f.write(0, GICD + 0xc0c, 0);
            f.gic.setSpiLevel(16, true);
            assertTrue(f.irq(0));
            f.gic.setSpiLevel(16, false);
            assertFalse(f.irq(0));
            // ICPENDR clears a latched edge; ISPENDR sets one.
            f.write(0, GICD + 0x204, 1 << 16);
            assertTrue(f.irq(0));
            f.write(0, GICD + 0x284, 1 << 16);
            assertFalse(f.irq(0));
        }
    }

    @Test
    void itargetsrRoutesSpis() {
        try (GicFixture f = enabled(4)) {
            f.write(0, GICD + 0x104, 0xffff_ffffL);
            f.gic.setLevel(33, true);
            assertEquals(List.of(false, false, false, false), lines(f)); // no target yet
            f.write(0, GICD + 0x821, 1, 0b0100);
            assertEquals(List.of(false, false, true, false), lines(f));
            f.write(0, GICD + 0x821, 1, 0b1001); // retarget while pending
            assertEquals(List.of(true, false, false, true), lines(f));
            assertEquals(0x0000_0900L, f.read(0, GICD + 0x820));
            assertEquals(33, f.read(3, GICC + 0x0c)); // first to acknowledge takes it
            assertEquals(1023, f.read(0, GICC + 0x0c));
            assertEquals(List.of(false, false, false, false), lines(f));
            f.write(0, GICD + 0x184, 2); // ICENABLER
            f.write(3, GICC + 0x10, 33);
            assertEquals(List.of(false, false, false, false), lines(f)); // disabled: not signalled
        }
    }

    @Test
    void priorityMaskAndPreemption() {
        try (GicFixture f = enabled(1)) {
            f.write(0, GICD + 0x100, 0xffff_ffffL);
            f.write(0, GICD + 0x418, 0x80 << 24 | 0x40 << 16); // PPI 26 prio 0x40, PPI 27 prio 0x80
            f.write(0, GICC + 0x04, 0x80);
            f.gic.setPrivateLevel(0, 27, true);
            assertFalse(f.irq(0)); // 0x80 is not higher than PMR 0x80
            assertEquals(27, f.read(0, GICC + 0x18)); // HPPIR ignores the mask
            assertEquals(1023, f.read(0, GICC + 0x0c));
            f.write(0, GICC + 0x04, 0x81);
            assertTrue(f.irq(0));
            assertEquals(27, f.read(0, GICC + 0x0c));
            assertEquals(0x80, f.read(0, GICC + 0x14)); // running priority
            assertEquals(1, f.read(0, GICC + 0xd8)); // preemption level 0x80 >> 1 = 64: APR2 bit 0
            f.gic.setPrivateLevel(0, 26, true);
            assertTrue(f.irq(0)); // 0x40 preempts 0x80
            assertEquals(26, f.read(0, GICC + 0x0c));
            assertEquals(0x40, f.read(0, GICC + 0x14));
            f.write(0, GICC + 0x10, 26);
            assertEquals(0x80, f.read(0, GICC + 0x14));
            f.write(0, GICC + 0x10, 27);
            assertEquals(0xff, f.read(0, GICC + 0x14));
        }
    }

    @Test
    void binaryPointGroupsSamePriorityGroupDoesNotPreempt() {
        try (GicFixture f = enabled(1)) {
            f.write(0, GICD + 0x100, 0xffff_ffffL);
            f.write(0, GICD + 0x418, 0x90a0_4000L); // PPI 25 prio 0x40, 26 prio 0xa0, 27 prio 0x90
            f.write(0, GICC + 0x08, 6); // group priority = bit 7 only
            f.gic.setPrivateLevel(0, 26, true);
            assertEquals(26, f.read(0, GICC + 0x0c));
            assertEquals(0x80, f.read(0, GICC + 0x14)); // running priority is the group priority
            f.gic.setPrivateLevel(0, 27, true);
            assertFalse(f.irq(0)); // 0x90 is higher than 0xa0 but in the same group: no preemption
            f.gic.setPrivateLevel(0, 25, true);
            assertTrue(f.irq(0)); // group 0x00 preempts group 0x80
            assertEquals(25, f.read(0, GICC + 0x0c));
        }
    }

    @Test
    void eoiModeSplitsPriorityDropFromDeactivation() {
        try (GicFixture f = enabled(1)) {
            f.write(0, GICC, 1 | 0x200);
            f.write(0, GICD + 0xf00, 2 << 24 | 9);
            assertEquals(9, f.read(0, GICC + 0x0c));
            f.write(0, GICC + 0x10, 9);
            assertEquals(0xff, f.read(0, GICC + 0x14)); // priority dropped
            assertEquals(1 << 9, f.read(0, GICD + 0x300)); // still active
            f.write(0, GICD + 0xf00, 2 << 24 | 9);
            assertFalse(f.irq(0)); // active: not signalled again
            f.write(0, GICC + 0x1000, 9); // GICC_DIR
            assertEquals(0, f.read(0, GICD + 0x300));
            assertTrue(f.irq(0));
            // EOImode 0: EOIR deactivates too.
            f.write(0, GICC, 1);
            assertEquals(9, f.read(0, GICC + 0x0c));
            f.write(0, GICC + 0x10, 9);
            assertEquals(0, f.read(0, GICD + 0x300));
        }
    }

    @Test
    void groupsAckCtlAliasedRegistersAndFiq() {
        try (GicFixture f = enabled(1)) {
            f.write(0, GICD, 3);
            f.write(0, GICC, 3);
            f.write(0, GICD + 0x080, 1 << 4); // SGI 4 is Group 1
            f.write(0, GICD + 0xf00, 2 << 24 | 4);
            assertTrue(f.irq(0));
            assertEquals(1022, f.read(0, GICC + 0x18)); // HPPIR: Group 1 without AckCtl
            assertEquals(1022, f.read(0, GICC + 0x0c));
            assertEquals(4, f.read(0, GICC + 0x28)); // AHPPIR
            assertEquals(4, f.read(0, GICC + 0x20)); // AIAR
            f.write(0, GICC + 0x24, 4); // AEOIR
            assertEquals(0, f.read(0, GICD + 0x300));
            f.write(0, GICC, 3 | 4); // AckCtl
            f.write(0, GICD + 0xf00, 2 << 24 | 4);
            assertEquals(4, f.read(0, GICC + 0x0c));
            f.write(0, GICC + 0x10, 4);
            // Group 0 with FIQEn is signalled as FIQ; Group 1 stays IRQ.
            f.write(0, GICC, 3 | 8);
            f.write(0, GICD + 0xf00, 2 << 24 | 2);
            assertTrue(f.fiq(0));
            assertFalse(f.irq(0));
            assertEquals(1023, f.read(0, GICC + 0x20)); // AIAR does not take Group 0
            assertEquals(2, f.read(0, GICC + 0x0c));
            assertFalse(f.fiq(0));
        }
    }

    @Test
    void disabledInterfacesGiveSpurious() {
        try (GicFixture f = new GicFixture(2, 1)) {
            f.write(0, GICD + 0xf00, 2 << 24 | 1);
            assertFalse(f.irq(0));
            assertEquals(1023, f.read(0, GICC + 0x0c));
            f.write(0, GICD, 1);
            assertEquals(1023, f.read(0, GICC + 0x0c)); // CPU interface still disabled
            f.write(0, GICC, 1);
            assertEquals(1023, f.read(0, GICC + 0x0c)); // PMR 0 masks everything
            f.write(0, GICC + 4, 0xff);
            assertTrue(f.irq(0));
            assertEquals(1, f.read(0, GICC + 0x0c));
            f.write(0, GICC + 0x10, 1023); // spurious EOI is ignored
            assertEquals(0, f.read(0, GICC + 0x14)); // still running at priority 0
        }
    }

    @Test
    void userspaceReadsOfTheAcknowledgeRegistersAcknowledgeNothing() {
        try (GicFixture f = enabled(2)) {
            f.write(0, GICD + 0xf00, 2 << 24 | 5); // SGI 5 to self (CPU 0)
            assertTrue(f.irq(0));
            assertEquals(5, f.gic.readRegister(GicFrame.CPU_INTERFACE, 0, 0x0c), "GICC_IAR as the guest would read it");
            assertEquals(5, f.gic.readRegister(GicFrame.CPU_INTERFACE, 0, 0x0c), "still pending: nothing acknowledged");
            assertEquals(0xff, f.gic.readRegister(GicFrame.CPU_INTERFACE, 0, 0x14), "GICC_RPR: nothing active");
            assertEquals(1023, f.gic.readRegister(GicFrame.CPU_INTERFACE, 1, 0x0c), "CPU 1 has nothing pending");
            assertTrue(f.irq(0));
            assertEquals(5, f.read(0, GICC + 0x0c), "the guest's read acknowledges");
            assertEquals(1023, f.gic.readRegister(GicFrame.CPU_INTERFACE, 0, 0x0c));
        }
    }

    @Test
    void userspaceWritesActAsTheNamedCpu() {
        try (GicFixture f = new GicFixture(2, 2)) {
            f.gic.writeRegister(GicFrame.DISTRIBUTOR, 1, 0x400, 0x80); // GICD_IPRIORITYR0 of CPU 1's bank
            assertEquals(0x80, f.read(1, GICD + 0x400));
            assertEquals(0, f.read(0, GICD + 0x400), "banked: CPU 0's SGI 0 priority is untouched");
            assertEquals(0x80, f.gic.readRegister(GicFrame.DISTRIBUTOR, 1, 0x400));
        }
    }

    @Test
    void theInterruptCountIsConfigurable() {
        GicV2 gic = new GicV2(1, 64);
        assertEquals(64, gic.interruptCount());
        assertEquals(1, gic.readRegister(GicFrame.DISTRIBUTOR, 0, 0x004) & 0x1f, "ITLinesNumber: 64 INTIDs");
        assertThrows(IllegalArgumentException.class, () -> gic.setLevel(64, true));
        assertThrows(IllegalArgumentException.class, () -> new GicV2(1, 100));
    }

    @Test
    void framesGoWhereTheyArePlaced() {
        try (PhysicalMemory mem = new PhysicalMemory()) {
            GicV2 gic = new GicV2(1, 96);
            for (MmioWindow w : gic.mmioWindows(0x1000_0000L, 0x2000_0000L)) {
                mem.addMmio(w.name(), w.base(), w.size(), w.handler());
            }
            assertEquals(0x43b, mem.read(0x1000_0008L, 4), "GICD_IIDR");
            assertEquals(0x2043b, mem.read(0x2000_00fcL, 4), "GICC_IIDR");
        }
    }

    @Test
    void resetRestoresResetValuesAndDropsLines() {
        try (GicFixture f = enabled(2)) {
            f.write(0, GICD + 0x821, 1, 2);
            f.write(0, GICD + 0x104, 2);
            f.gic.setLevel(33, true);
            assertTrue(f.irq(1));
            f.gic.reset();
            assertFalse(f.irq(1));
            assertEquals(0, f.read(0, GICD));
            assertEquals(0, f.read(1, GICC));
            assertEquals(0, f.read(0, GICD + 0x820));
            assertEquals(0xffff, f.read(1, GICD + 0x100));
            assertEquals(1, f.read(1, GICC + 0x1c));
            assertEquals(1 << 1, f.read(0, GICD + 0x204)); // the input is still high: pending
        }
    }

    @Test
    void raisedLineWakesWfiAndRequestsAnExitWhenIrqsAreUnmasked() throws Exception {
        try (GicFixture f = enabled(2)) {
            var cpu1 = f.cpus.get(1);
            Thread sleeper = Thread.ofPlatform().start(() -> cpu1.waitForInterrupt(0)); // no timeout
            while (sleeper.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            f.write(0, GICD + 0xf00, 1 << 1 << 16 | 2);
            sleeper.join(5000);
            assertFalse(sleeper.isAlive());
            assertEquals(0, cpu1.exitRequest); // PSTATE.I masked: no exit requested
            cpu1.daif = 0;
            cpu1.updateInterrupts();
            assertTrue((cpu1.takeExitRequest() & Cpu.EXIT_INTERRUPT) != 0);
        }
    }

    @Test
    void accessErrors() {
        try (GicFixture f = enabled(2)) {
            var e = assertThrows(BusError.class, () -> f.read(0, GICD + 0x102, 4));
            assertEquals(GICD + 0x102, e.address());
            assertThrows(BusError.class, () -> f.read(0, GICD + 0x1000)); // 4 KiB frame
            assertThrows(BusError.class, () -> f.read(7, GICD + 0x100)); // not a CPU
            assertThrows(IllegalArgumentException.class, () -> f.gic.setLevel(31, true));
            assertThrows(IllegalArgumentException.class, () -> f.gic.setLevel(288, true));
            assertThrows(IllegalArgumentException.class, () -> f.gic.setPrivateLevel(0, 15, true));
            assertThrows(IllegalArgumentException.class, () -> f.gic.setPrivateLevel(2, 27, true));
            assertEquals(0x0101_0101L, f.read(BusMaster.NONE, GICD + 0x800)); // host: CPU 0
        }
    }

    @Test
    void aNewCpuObjectTakesOverTheLines() {
        try (GicFixture f = enabled(1)) {
            f.write(0, GICD + 0xf00, 2 << 24 | 1);
            Cpu old = f.cpus.get(0);
            assertTrue(old.irqLine);
            Cpu fresh = new Cpu(0, CpuModel.CORTEX_A57, new CpuMemory(f.mem)); // power-on creates a new Cpu
            f.gic.connect(0, fresh);
            assertTrue(fresh.irqLine); // current level driven at once
            f.cpus.set(0, fresh);
            assertEquals(1, f.read(0, GICC + 0x0c));
            assertFalse(fresh.irqLine);
            assertTrue(old.irqLine); // the old object is no longer driven
        }
    }

    @Test
    void spiLineDrivesItsSpi() {
        try (GicFixture f = enabled(1)) {
            f.write(0, GICD + 0x104, 2);
            f.write(0, GICD + 0x821, 1, 1);
            var uart = f.gic.spiLine(1); // PL011: SPI 1 = INTID 33
            uart.set(true);
            assertTrue(f.irq(0));
            assertEquals(33, f.read(0, GICC + 0x0c));
            uart.set(false);
            f.write(0, GICC + 0x10, 33);
            assertFalse(f.irq(0));
            assertThrows(IllegalArgumentException.class, () -> f.gic.spiLine(256));
            f.gic.spiLine(255);
        }
    }

    private static List<Boolean> lines(GicFixture f) {
        return f.cpus.stream().map(c -> c.irqLine).toList();
    }
}
