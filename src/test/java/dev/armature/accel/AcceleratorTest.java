package dev.armature.accel;

import dev.armature.accel.interp.Interpreter;
import dev.armature.accel.tcg.TcgEngine;
import dev.armature.accel.tcg.TcgExecutor;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.DecodeCache;
import dev.armature.memory.PhysicalMemory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AcceleratorTest {
    private final PhysicalMemory phys = new PhysicalMemory();
    private final DecodeCache decodeCache = new DecodeCache(CpuModel.CORTEX_A57);

    @Test
    void createsTheNamedAccelerator() {
        Accelerator tcg = Accelerator.create("tcg,hot=3", phys, decodeCache);
        assertEquals(3, assertInstanceOf(TcgEngine.class, tcg).config().hot());
        assertInstanceOf(TcgExecutor.class, tcg.newExecutor());
        assertTrue(tcg.report().contains("TB count"));
        assertInstanceOf(Interpreter.class, Accelerator.create("interp", phys, decodeCache).newExecutor());
    }

    @Test
    void rejectsUnknownAcceleratorsClearly() {
        var e = assertThrows(IllegalArgumentException.class, () -> Accelerator.create("kvm", phys, decodeCache));
        assertTrue(e.getMessage().contains("kvm") && e.getMessage().contains("tcg"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Accelerator.create("interp,x=1", phys, decodeCache));
        assertTrue(e.getMessage().contains("interp"), e.getMessage());
    }
}
