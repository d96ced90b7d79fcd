package dev.armature.arch.aarch64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.armature.memory.PhysicalMemory;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;

/**
 * The soft TLB's host-address entries and the lifetime of the RAM they point to (see {@link CpuMemory}): a
 * caller-owned backing segment (Linux user mode's, freed by the garbage collector) stays reachable while any entry
 * names it, even after its region is unmapped and the entry flushed, and becomes collectable once its slots are
 * refilled.
 */
class CpuMemoryTest {
    private static final long RAM = 0x4000_0000L;
    private static final long USER = 0x8000_0000L; // same TLB slot as RAM: page numbers equal modulo 256
    private static final long PAGE = 4096;

    @Test
    void entriesKeepUnmappedCallerOwnedBackingAliveUntilTheirSlotsAreReused() throws Exception {
        try (PhysicalMemory phys = new PhysicalMemory()) {
            phys.addRam("ram", RAM, 2 * PAGE);
            Cpu cpu = new Cpu(0, CpuModel.CORTEX_A57, new CpuMemory(phys)); // EL1, MMU off: VA = PA
            CpuMemory mem = cpu.memory;
            WeakReference<MemorySegment> backing = mapUserPage(phys);
            mem.write(USER + 8, 8, 0x1122_3344_5566_7788L); // fills the WRITE entry
            assertEquals(0x7788, mem.read(USER + 8, 2)); // fills the READ entry

            // Unmapped but not yet flushed (another vCPU's munmap waits for this one's flush): the stale entries
            // still reach the old page, which must still be there.
            phys.remove("user");
            collectGarbage(backing, false);
            assertNotNull(backing.get(), "the TLB entries keep the backing reachable");
            assertEquals(0x1122_3344_5566_7788L, mem.read(USER + 8, 8));

            mem.flushTlb();
            SyncException fault = assertThrows(SyncException.class, () -> mem.read(USER + 8, 8));
            assertEquals(Esr.EC_DABT_SAME, fault.ec, "an unmapped address is a data abort");
            collectGarbage(backing, false);
            assertNotNull(backing.get(), "a flush leaves the owners: an address taken before it stays mapped");

            mem.write(RAM, 8, 1); // the same slots now name other RAM
            assertEquals(1, mem.read(RAM, 8));
            collectGarbage(backing, true);
            assertNull(backing.get(), "once no entry names it, the GC may free unmapped user memory");
        }
    }

    /** Maps a page of caller-owned, GC-freed RAM at {@link #USER} (as user mode's mmap does) and forgets it. */
    private static WeakReference<MemorySegment> mapUserPage(PhysicalMemory phys) {
        MemorySegment seg = Arena.ofAuto().allocate(PAGE, PAGE);
        phys.addRam("user", USER, seg);
        return new WeakReference<>(seg);
    }

    private static void collectGarbage(WeakReference<?> ref, boolean untilCleared) throws InterruptedException {
        for (int i = 0; i < 20 && (ref.get() != null || !untilCleared); i++) {
            System.gc();
            Thread.sleep(10);
            if (!untilCleared && i == 2) {
                return;
            }
        }
    }
}
