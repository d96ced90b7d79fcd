package dev.armature.gdbstub;

import dev.armature.cli.InProcessEmulator;
import dev.armature.testutil.RspClient;
import dev.armature.testutil.Tools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The GDB stub driven by the real {@code gdb-multiarch} (booting {@code selftest.flat}, with the {@code .elf}
 * as symbol file) and by hand-written packets for what a batch GDB cannot do (Ctrl-C, malformed packets).
 */
class GdbStubTest {
    private static final String FLAT = "guest/images/selftest.flat";
    private static final String ELF = "guest/images/selftest.elf";

    @Test
    void gdbSessionUnderTheTranslator() throws Exception {
        if (!Tools.available("gdb-multiarch")) {
            System.out.println("GdbStubTest: skipped, gdb-multiarch is not installed");
            Assumptions.abort("gdb-multiarch is not installed");
        }
        int port = InProcessEmulator.freePort();
        try (InProcessEmulator emu = new InProcessEmulator("-display", "none", "-serial", "stdio", "-accel", "tcg",
                "-kernel", FLAT, "-smp", "4", "-m", "256", "-S", "-gdb", "tcp::" + port)) {
            InProcessEmulator.awaitListening(port);
            Tools.Result r = Tools.run("gdb-multiarch", "-batch", "-nx",
                    "-ex", "set architecture aarch64", "-ex", "file " + ELF,
                    "-ex", "target remote :" + port,
                    "-ex", "info registers pc", // -S: still at the reset entry
                    "-ex", "break main", "-ex", "continue",
                    "-ex", "info registers pc", "-ex", "print nr_cpus",
                    "-ex", "stepi", "-ex", "info registers pc",
                    "-ex", "set $saved = $x0", "-ex", "set $x0 = 0x1234", "-ex", "print/x $x0",
                    "-ex", "set $x0 = $saved",
                    "-ex", "watch tests", "-ex", "continue",
                    "-ex", "delete", "-ex", "rwatch tests", "-ex", "continue",
                    "-ex", "delete", "-ex", "awatch tests", "-ex", "continue",
                    "-ex", "delete", "-ex", "hbreak check_printf", "-ex", "continue",
                    "-ex", "info threads",
                    "-ex", "detach");
            String o = r.stdout() + r.stderr();
            assertTrue(o.contains("pc             0x40000000"), o);
            assertTrue(o.contains("hit Breakpoint 1, main"), o);
            assertTrue(Pattern.compile("pc +0x[0-9a-f]+ +0x[0-9a-f]+ <main>").matcher(o).find(), o);
            assertTrue(o.contains("$1 = 4"), o);
            assertTrue(Pattern.compile("pc +0x[0-9a-f]+ +0x[0-9a-f]+ <main\\+4>").matcher(o).find(), o);
            assertTrue(o.contains("$2 = 0x1234"), o);
            assertTrue(o.contains("hit Hardware watchpoint 2: tests"), o);
            assertTrue(o.contains("Old value = 0") && o.contains("New value = 1"), o);
            assertTrue(o.contains("hit Hardware read watchpoint 3: tests"), o);
            assertTrue(o.contains("hit Hardware access (read/write) watchpoint 4: tests"), o);
            assertTrue(o.contains("hit Breakpoint 5, check_printf"), o);
            // By check_printf the secondaries ran their PSCI CPU_ON test: four threads, all listed.
            for (int t = 1; t <= 4; t++) {
                assertTrue(o.contains("Thread " + t + " (CPU#" + (t - 1)), o);
            }
            assertTrue(o.contains("detached"), o);
            // After detaching, the guest runs to its end and passes.
            assertEquals(0, emu.awaitExit(60), emu.errors());
            assertTrue(emu.console().contains("SUMMARY: "), emu.console());
            assertFalse(emu.console().contains("FAIL"), emu.console());
        }
    }

    @Test
    void packetsByHandUnderTheInterpreter() throws Exception {
        int port = InProcessEmulator.freePort();
        try (InProcessEmulator emu = new InProcessEmulator("-display", "none", "-serial", "none", "-accel",
                "interp", "-kernel", FLAT, "-smp", "2", "-S", "-gdb", "tcp::" + port);
             Socket s = connect(port)) {
            RspClient rsp = new RspClient(s);
            assertTrue(rsp.ask("qSupported:multiprocess+;xmlRegisters=i386")
                    .contains("PacketSize=4000;qXfer:features:read+;vContSupported+"));
            assertEquals("T05thread:1;", rsp.ask("?"));
            String xml = rsp.ask("qXfer:features:read:target.xml:0,3fff");
            assertTrue(xml.startsWith("l<?xml"), xml);
            assertTrue(xml.contains("org.gnu.gdb.aarch64.core") && xml.contains("org.gnu.gdb.aarch64.fpu"), xml);
            assertTrue(xml.contains("name=\"v31\"") && xml.contains("name=\"fpcr\""), xml);
            assertEquals("E00", rsp.ask("qXfer:features:read:other.xml:0,100"));
            assertEquals("m1,2", rsp.ask("qfThreadInfo"));
            assertEquals("l", rsp.ask("qsThreadInfo"));
            assertEquals("OK", rsp.ask("T2"));
            assertEquals("E01", rsp.ask("T3"));
            assertEquals("1", rsp.ask("qAttached"));
            String g = rsp.ask("g");
            assertEquals(2 * (33 * 8 + 4 + 32 * 16 + 4 + 4), g.length());
            assertEquals("0000004000000000", g.substring(32 * 16, 33 * 16)); // pc = 0x40000000
            assertEquals("0000004000000000", rsp.ask("p20"));
            // Memory through the (MMU off) regime and physically: the first instruction of the image.
            String insn = rsp.ask("m40000000,4");
            assertEquals(8, insn.length());
            assertEquals("OK", rsp.ask("Qqemu.PhyMemMode:1"));
            assertEquals(insn, rsp.ask("m40000000,4"));
            assertEquals("E14", rsp.ask("m0,4")); // flash is not mapped
            assertEquals("OK", rsp.ask("Qqemu.PhyMemMode:0"));
            assertEquals("OK", rsp.ask("P0=efbeadde00000000"));
            assertEquals("efbeadde00000000", rsp.ask("p0"));
            assertEquals("E01", rsp.ask("p99"));
            assertEquals("", rsp.ask("qNoSuchThing"));
            for (String bad : new String[] {"M40000000,2:zz", "m40000000", "Z0", "pxyz", "G00", "vCont;s:zz",
                    "cnothex"}) {
                assertEquals("E01", rsp.ask(bad), bad);
            }
            assertEquals("OK", rsp.ask("Hg2"));
            assertEquals("QC2", rsp.ask("qC"));
            assertEquals("0000000000000000", rsp.ask("p20")); // CPU#1 is still off
            assertEquals("OK", rsp.ask("Hg1"));
            // Step CPU 0 once, then break at the instruction after the next one.
            assertEquals("T05thread:1;", rsp.ask("vCont;s:1"));
            assertEquals("0400004000000000", rsp.ask("p20"));
            assertEquals("OK", rsp.ask("Z0,40000008,4"));
            assertEquals("T05thread:1;", rsp.ask("vCont;c"));
            assertEquals("0800004000000000", rsp.ask("p20"));
            assertEquals("OK", rsp.ask("z0,40000008,4"));
            // Stepping a powered-off vCPU ends at once, and it stays where it is.
            assertEquals("T05thread:2;", rsp.ask("vCont;s:2"));
            assertEquals("OK", rsp.ask("Hg1"));
            assertEquals("0800004000000000", rsp.ask("p20"));
            // Run free, then interrupt with Ctrl-C.
            rsp.send("c");
            Thread.sleep(300);
            s.getOutputStream().write(3);
            assertTrue(rsp.receive().matches("T02thread:[12];"));
            assertEquals("OK", rsp.ask("D"));
            assertEquals(0, emu.awaitExit(60), emu.errors());
        }
    }

    @Test
    void theEndOfTheRunIsReportedAsAnExit() throws Exception {
        int port = InProcessEmulator.freePort();
        try (InProcessEmulator emu = new InProcessEmulator("-display", "none", "-serial", "none", "-kernel", FLAT,
                "-S", "-gdb", "tcp::" + port);
             Socket s = connect(port)) {
            RspClient rsp = new RspClient(s);
            assertEquals("T05thread:1;", rsp.ask("?"));
            rsp.send("c");
            assertEquals("W00", rsp.receive()); // the guest powered off (PSCI SYSTEM_OFF): exit status 0
            assertEquals(0, emu.awaitExit(60), emu.errors());
        }
    }

    private static Socket connect(int port) throws Exception {
        InProcessEmulator.awaitListening(port);
        return new Socket("127.0.0.1", port);
    }
}
