package dev.armature.migration;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.SysReg;
import dev.armature.memory.PhysicalMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Completeness of the vCPU section, driven by the system register table: every register that can be written is
 * given a random value, and after a save and a load into a fresh Cpu every readable register reads the same.
 */
class CpuStateTest {
    private static final Set<String> TIME = Set.of("CNTPCT_EL0", "CNTVCT_EL0", "CNTP_TVAL_EL0", "CNTV_TVAL_EL0",
            "CNTHP_TVAL_EL2");
    private final PhysicalMemory mem = new PhysicalMemory();

    @AfterEach
    void close() {
        mem.close();
    }

    private Cpu cpu() {
        return new Cpu(0, CpuModel.MAX.withEl2(true), new CpuMemory(mem));
    }

    private static byte[] save(Cpu c) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        CpuState.save(c, new DataOutputStream(buf));
        return buf.toByteArray();
    }

    @Test
    void everyRegisterOfTheTableSurvivesSaveAndLoad() throws IOException {
        Random rnd = new Random(42);
        Cpu src = cpu();
        for (SysReg r : src.sys.available()) {
            if (r.writer() != null && !r.name().equals("SPSel")) {
                r.writer().write(src, rnd.nextLong());
            }
        }
        for (int n = 0; n < 31; n++) {
            src.setX(n, rnd.nextLong());
        }
        for (int i = 0; i < src.v.length; i++) {
            src.v[i] = rnd.nextLong();
        }
        src.setPstate(0x2000_0000L | 0x3c0 | 2 << 2 | 1); // EL2h
        for (int el = 0; el < 4; el++) {
            src.setSpOf(el, rnd.nextLong() & ~15);
        }
        src.pc = 0x4008_1234L;

        byte[] bytes = save(src);
        Cpu dst = cpu();
        Runnable apply = CpuState.load(new DataInputStream(new ByteArrayInputStream(bytes)), dst);
        assertEquals(0, dst.x(5), "load only reads; the action applies");
        apply.run();

        List<String> diffs = new ArrayList<>();
        for (SysReg r : src.sys.available()) {
            if (r.reader() != null && !TIME.contains(r.name())) {
                long a = r.reader().read(src);
                long b = r.reader().read(dst);
                if (a != b) {
                    diffs.add(String.format("%s: %x -> %x", r.name(), a, b));
                }
            }
        }
        assertTrue(diffs.isEmpty(), diffs.toString());
        assertArrayEquals(src.r, dst.r);
        assertArrayEquals(src.v, dst.v);
        assertEquals(src.pc, dst.pc);
        assertEquals(src.pstate(), dst.pstate());
        for (int el = 0; el < 4; el++) {
            assertEquals(src.spOf(el), dst.spOf(el), "SP_EL" + el);
        }
        assertArrayEquals(bytes, save(dst), "a restored vCPU saves the same bytes");
    }

    @Test
    void aPstateAtAnUnimplementedElIsRefused() throws IOException {
        Cpu src = cpu();
        src.setPstate(0x3c0 | 2 << 2 | 1); // EL2h: fine for MAX with EL2
        byte[] bytes = save(src);
        Cpu noEl2 = new Cpu(0, CpuModel.CORTEX_A57, new CpuMemory(mem));
        IOException e = assertThrows(IOException.class,
                () -> CpuState.load(new DataInputStream(new ByteArrayInputStream(bytes)), noEl2));
        assertEquals("vCPU 0: saved at EL2, this CPU model has EL0-EL1", e.getMessage());
    }
}
