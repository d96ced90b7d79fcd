package dev.armature.devices.gic;

import dev.armature.accel.interp.Interpreter;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.DecodeCache;
import dev.armature.memory.BusMaster;
import dev.armature.memory.PhysicalMemory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A guest program (sgi-and-spi.S) programs the GICv2, sends itself an SGI and takes an SPI, through the
 * interpreter: MMIO to the distributor and CPU interface, IRQ exception entry when PSTATE.I is cleared, IAR/EOIR
 * in the handler, ERET.
 */
class GicV2GuestTest {
    private static final long RAM = 0x4000_0000L;

    @Test
    void guestTakesAnSgiAndAnSpi() throws IOException {
        try (PhysicalMemory mem = new PhysicalMemory()) {
            mem.addRam("ram", RAM, 0x1_0000);
            mem.writeBytes(RAM, image());
            GicV2 gic = new GicV2(1, GicFixture.V2_IRQS);
            List<MmioWindow> windows = gic.mmioWindows(GicFixture.GICD, GicFixture.GICC);
            for (MmioWindow w : windows) {
                mem.addMmio(w.name(), w.base(), w.size(), w.handler());
            }
            Cpu cpu = new Cpu(0, CpuModel.CORTEX_A57, new CpuMemory(mem));
            cpu.pc = RAM;
            gic.connect(0, cpu);
            Interpreter interp = new Interpreter(new DecodeCache(CpuModel.CORTEX_A57));
            BusMaster.set(0);
            try {
                interp.run(cpu, 10_000);
                assertEquals(1, cpu.x(20), "interrupts taken after the SGI");
                assertEquals(5, cpu.x(21), "IAR of the SGI: INTID 5 from CPU 0");

                gic.setSpiLevel(1, true); // a pulse on the edge-triggered SPI 1 (INTID 33)
                gic.setSpiLevel(1, false);
                interp.run(cpu, 10_000);
                assertEquals(2, cpu.x(20));
                assertEquals(33, cpu.x(22));
                assertEquals(0x600d, cpu.x(19));
                assertEquals(0xff, windows.get(1).handler().read(0x14, 4)); // idle again
            } finally {
                BusMaster.set(BusMaster.NONE);
            }
        }
    }

    private static byte[] image() throws IOException {
        try (InputStream in = GicV2GuestTest.class.getResourceAsStream("sgi-and-spi.bin")) {
            return in.readAllBytes();
        }
    }
}
