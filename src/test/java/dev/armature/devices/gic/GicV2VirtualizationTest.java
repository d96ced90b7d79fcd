package dev.armature.devices.gic;

import dev.armature.arch.aarch64.Cpu;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GICH/GICV (GIC architecture v2, chapter 5): list registers driving the vCPU's virtual IRQ, acknowledge and
 * EOI through GICV, EOImode 1 with GICV_DIR, HW = 1 deactivating the physical interrupt, EOICount, and the
 * maintenance interrupt (PPI 9) from GICH_MISR.
 */
class GicV2VirtualizationTest {
    private static final long GICD = GicFixture.GICD;
    private static final long GICC = GicFixture.GICC;
    private static final long GICH = GicV2Virtualization.GICH_BASE;
    private static final long GICV = GicV2Virtualization.GICV_BASE;
    private static final int MAINTENANCE = 25;

    private GicFixture f;
    private GicV2Virtualization v;

    @BeforeEach
    void setUp() {
        f = new GicFixture(2, 2);
        v = new GicV2Virtualization((GicV2) f.gic);
        for (MmioWindow w : v.mmioWindows()) {
            f.mem.addMmio(w.name(), w.base(), w.size(), w.handler());
        }
        for (int c = 0; c < 2; c++) {
            v.connect(c, f.cpus.get(c));
        }
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private boolean virq(int cpu) {
        Cpu c = f.cpus.get(cpu);
        return c.virtualIrqLine;
    }

    /** A list register: pending, HW = 0, Group 0, 5-bit priority field {@code prio}. */
    private static long lr(int vid, int prio, int state) {
        return (long) state << 28 | (long) prio << 23 | vid;
    }

    private boolean maintenancePending(int cpu) {
        return (f.read(cpu, GICD + 0x200) >> MAINTENANCE & 1) != 0;
    }

    @Test
    void identificationAndResetValues() {
        assertEquals(0x9000_0003L, f.read(0, GICH + 0x04), "GICH_VTR: 4 list registers, 5 priority bits");
        assertEquals(0xfL, f.read(0, GICH + 0x30), "GICH_ELRSR0: all list registers free");
        assertEquals(2L, f.read(0, GICV + 0x08), "GICV_BPR resets to its minimum, 2");
        assertEquals(3L, f.read(0, GICV + 0x1c), "GICV_ABPR resets to its minimum, 3");
        assertEquals((2L << 21) | (3L << 18), f.read(0, GICH + 0x08), "GICH_VMCR mirrors them");
        assertEquals(0x0002_043bL, f.read(0, GICV + 0xfc), "GICV_IIDR");
        assertEquals(1023L, f.read(0, GICV + 0x0c), "nothing to acknowledge");
    }

    @Test
    void listRegisterDrivesTheVirtualIrqOfItsCpuOnly() {
        f.write(0, GICV + 0x04, 0xff);    // GICV_PMR
        f.write(0, GICV + 0x00, 1);       // GICV_CTLR.EnableGrp0
        f.write(0, GICH + 0x100, lr(42, 4, 1));
        assertFalse(virq(0), "GICH_HCR.En clear");
        f.write(0, GICH + 0x00, 1);
        assertTrue(virq(0));
        assertFalse(virq(1), "banked per CPU");
        assertEquals(0xf8L, f.read(0, GICV + 0x04), "PMR keeps 5 bits");
        assertEquals(42L, f.read(0, GICV + 0x18), "GICV_HPPIR");

        assertEquals(42L, f.read(0, GICV + 0x0c), "GICV_IAR");
        assertFalse(virq(0), "active: no longer signalled");
        assertEquals(2L, f.read(0, GICH + 0x100) >> 28 & 3, "LR state active");
        assertEquals(0x20L, f.read(0, GICV + 0x14), "GICV_RPR = the priority");
        assertEquals(1L << 4, f.read(0, GICH + 0xf0), "GICH_APR bit of priority 0x20");
        f.write(0, GICV + 0x10, 42);      // GICV_EOIR, EOImode 0: drop and deactivate
        assertEquals(0L, f.read(0, GICH + 0x100) >> 28 & 3, "LR invalid");
        assertEquals(0xffL, f.read(0, GICV + 0x14));
        assertEquals(0xfL, f.read(0, GICH + 0x30));
    }

    @Test
    void priorityMaskAndPreemption() {
        f.write(0, GICV + 0x00, 1);
        f.write(0, GICH + 0x00, 1);
        f.write(0, GICH + 0x100, lr(40, 8, 1));   // priority 0x40
        assertFalse(virq(0), "PMR 0 masks everything");
        f.write(0, GICV + 0x04, 0x48);
        assertTrue(virq(0));
        assertEquals(40L, f.read(0, GICV + 0x0c));
        f.write(0, GICH + 0x104, lr(41, 8, 1));   // same priority: cannot preempt
        assertFalse(virq(0));
        f.write(0, GICH + 0x108, lr(43, 2, 1));   // 0x10: preempts
        assertTrue(virq(0));
        assertEquals(43L, f.read(0, GICV + 0x0c));
        f.write(0, GICV + 0x10, 43);
        f.write(0, GICV + 0x10, 40);
        assertEquals(41L, f.read(0, GICV + 0x0c), "the waiting one now");
    }

    @Test
    void splitEoiAndHardwareInterrupts() {
        // A physical SPI 48, active on CPU 0, handed to the guest as a HW list register.
        f.write(0, GICD + 0x000, 1);
        f.write(0, GICD + 0x800 + 48, 1);
        f.write(0, GICD + 0x100 + 4, 1 << 16);
        f.write(0, GICC + 0x04, 0xff);
        f.write(0, GICC + 0x00, 1 | 0x200);      // EOImode 1 for the hypervisor
        f.write(0, GICD + 0x200 + 4, 1 << 16);   // GICD_ISPENDR1: SPI 48 pending
        assertEquals(48L, f.read(0, GICC + 0x0c));
        f.write(0, GICC + 0x10, 48);             // priority drop only
        assertEquals(1L, f.read(0, GICD + 0x300 + 4) >> 16 & 1, "still active physically");

        f.write(0, GICV + 0x04, 0xff);
        f.write(0, GICV + 0x00, 1 | 0x200);      // guest uses EOImode 1 too
        f.write(0, GICH + 0x00, 1);
        f.write(0, GICH + 0x100, 1L << 31 | 48L << 10 | lr(27, 4, 1));
        assertEquals(27L, f.read(0, GICV + 0x0c));
        f.write(0, GICV + 0x10, 27);             // drop only
        assertEquals(2L, f.read(0, GICH + 0x100) >> 28 & 3, "still active");
        f.write(0, GICV + 0x1000, 27);           // GICV_DIR
        assertEquals(0L, f.read(0, GICH + 0x100) >> 28 & 3);
        assertEquals(0L, f.read(0, GICD + 0x300 + 4) >> 16 & 1, "the physical SPI was deactivated with it");
    }

    @Test
    void maintenanceInterrupt() {
        f.write(0, GICV + 0x04, 0xff);
        f.write(0, GICV + 0x00, 1);
        f.write(0, GICH + 0x100, 1L << 19 | lr(30, 4, 1));   // EOI maintenance requested
        f.write(0, GICH + 0x00, 1);
        assertEquals(0L, f.read(0, GICH + 0x10), "GICH_MISR");
        assertFalse(maintenancePending(0));
        f.read(0, GICV + 0x0c);
        f.write(0, GICV + 0x10, 30);
        assertEquals(1L, f.read(0, GICH + 0x20), "GICH_EISR0: LR0");
        assertEquals(0xeL, f.read(0, GICH + 0x30), "LR0 is not free until the hypervisor clears EOI");
        assertEquals(1L, f.read(0, GICH + 0x10), "MISR.EOI");
        assertTrue(maintenancePending(0), "PPI 9 (INTID 25) pending on CPU 0");
        assertFalse(maintenancePending(1));
        f.write(0, GICH + 0x100, 0);
        assertFalse(maintenancePending(0));

        f.write(0, GICV + 0x10, 77);
        assertEquals(0L, f.read(0, GICH + 0x00) >>> 27, "EOIR with nothing active is ignored (as QEMU)");
        f.write(0, GICH + 0x100, lr(60, 4, 1));
        assertEquals(60L, f.read(0, GICV + 0x0c));
        f.write(0, GICH + 0x100, 0);             // the hypervisor takes it out of the list registers
        f.write(0, GICV + 0x10, 60);
        assertEquals(1L, f.read(0, GICH + 0x00) >>> 27, "GICH_HCR.EOICount");
        f.write(0, GICH + 0x00, 1L << 27 | 1 | 4); // LRENPIE, keeping the count (GICH_HCR.EOICount is RW)
        assertEquals(4L, f.read(0, GICH + 0x10), "MISR.LRENP");
        f.write(0, GICH + 0x00, 1 | 2 | 8);      // UIE, NPIE: no LR valid, none pending
        assertEquals(0xaL, f.read(0, GICH + 0x10));
        f.write(0, GICH + 0x00, 1 | 0x10 | 0x80);
        assertEquals(0x90L, f.read(0, GICH + 0x10), "VGrp0E (group 0 enabled), VGrp1D (group 1 disabled)");
        assertTrue(maintenancePending(0));
        f.write(0, GICH + 0x00, 0x10 | 0x80);
        assertFalse(maintenancePending(0), "only while GICH_HCR.En");
    }

    @Test
    void group1NeedsAckCtlOrTheAliasAndSgisCarryTheirSource() {
        f.write(0, GICV + 0x04, 0xff);
        f.write(0, GICV + 0x00, 3);
        f.write(0, GICH + 0x00, 1);
        f.write(0, GICH + 0x100, 1L << 30 | 3L << 10 | lr(5, 4, 1));   // Group 1 SGI 5 from CPU 3
        assertEquals(1022L, f.read(0, GICV + 0x0c), "Group 1 through GICV_IAR without AckCtl");
        assertEquals((3L << 10) | 5, f.read(0, GICV + 0x20), "GICV_AIAR, with the CPUID");
        f.write(0, GICV + 0x24, (3 << 10) | 5);  // GICV_AEOIR
        assertEquals(0L, f.read(0, GICH + 0x100) >> 28 & 3);
    }

    @Test
    void resetClearsTheInterface() {
        f.write(0, GICV + 0x04, 0xff);
        f.write(0, GICV + 0x00, 1);
        f.write(0, GICH + 0x00, 1);
        f.write(0, GICH + 0x100, lr(42, 4, 1));
        assertTrue(virq(0));
        v.reset();
        assertFalse(virq(0));
        assertEquals(0L, f.read(0, GICH + 0x100));
        assertEquals(0L, f.read(0, GICV + 0x04));
    }
}
