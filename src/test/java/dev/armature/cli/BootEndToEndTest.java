package dev.armature.cli;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Decoder;
import dev.armature.arch.aarch64.Undefined;
import dev.armature.testutil.Tools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Boots tiny hand-written guests through the whole stack (command line, loader, boot stub, vCPU threads, PL011,
 * PSCI) and checks their console output and exit status.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BootEndToEndTest {
    /** Prints the string at label msg to the PL011, one byte per store. Uses x1..x3. */
    private static final String PRINT = """
                ldr x1, =0x09000000
                adr x2, msg
            1:  ldrb w3, [x2], #1
                cbz w3, 2f
                str w3, [x1]
                b 1b
            2:
            """;
    private static final String SYSTEM_OFF = """
                ldr x0, =0x84000008
                hvc #0
                b .
            """;

    @TempDir
    static Path dir;

    @BeforeAll
    static void needToolchainAndBranches() {
        Assumptions.assumeTrue(Tools.available("aarch64-linux-gnu-as") && Tools.available("aarch64-linux-gnu-ld")
                && Tools.available("aarch64-linux-gnu-objcopy"), "aarch64-linux-gnu binutils are not installed");
        for (int word : new int[] {0x1400_0000, 0xd400_0002, 0xd61f_0080}) { // B, HVC #0, BR X4
            Assumptions.assumeFalse(Decoder.decode(word, CpuModel.CORTEX_A57) instanceof Undefined,
                    String.format("instruction 0x%08x is not implemented yet (branches/exception generation)", word));
        }
    }

    private record Run(int status, String console, String err) {
    }

    private static Run boot(String... args) {
        return bootWithInput("", args);
    }

    private static Run bootWithInput(String input, String... args) {
        List<String> a = new ArrayList<>(List.of("-display", "none", "-serial", "stdio"));
        a.addAll(List.of(args));
        return exactly(input, a.toArray(String[]::new));
    }

    /** Runs the command line {@code args} as given. */
    private static Run exactly(String input, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main main = new Main(new ByteArrayInputStream(input.getBytes(StandardCharsets.ISO_8859_1)), out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        int status = Main.run(main, args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Assembles {@code source}; returns an ELF linked at {@code address}, or its raw bytes when raw is set. */
    private static Path assemble(String name, String source, long address, boolean raw) throws Exception {
        Path s = dir.resolve(name + ".s");
        Path o = dir.resolve(name + ".o");
        Path elf = dir.resolve(name + ".elf");
        Files.writeString(s, ".text\n.global _start\n_start:\n" + source);
        check(Tools.run("aarch64-linux-gnu-as", "-o", o.toString(), s.toString()));
        check(Tools.run("aarch64-linux-gnu-ld", "-nostdlib", "-static", "-N", "-Ttext=0x" + Long.toHexString(address),
                "-o", elf.toString(), o.toString()));
        if (!raw) {
            return elf;
        }
        Path bin = dir.resolve(name + ".bin");
        check(Tools.run("aarch64-linux-gnu-objcopy", "-O", "binary", elf.toString(), bin.toString()));
        return bin;
    }

    private static void check(Tools.Result r) {
        assertEquals(0, r.exit(), r.stderr());
    }

    @Test
    void rawKernelPrintsAndPowersOff() throws Exception {
        Path k = assemble("hello", PRINT + SYSTEM_OFF + "msg: .asciz \"hello from armature\\n\"\n", 0x4008_0000L, true);
        Run r = boot("-kernel", k.toString());
        assertEquals("hello from armature\n", r.console(), r.err());
        assertEquals(0, r.status(), r.err());
    }

    @Test
    void bootStubPassesTheDtbInX0() throws Exception {
        // Prints "D" if x0 points at a DTB (magic d00dfeed, big-endian) at 0x44000000, the address QEMU uses.
        String src = """
                    ldr x4, =0x44000000
                    cmp x0, x4
                    b.ne 3f
                    ldr w5, [x0]
                    ldr w6, =0xedfe0dd0
                    cmp w5, w6
                    b.ne 3f
                """ + PRINT + "3:\n" + SYSTEM_OFF + "msg: .asciz \"D\"\n";
        Run r = boot("-kernel", assemble("dtb", src, 0x4008_0000L, true).toString());
        assertEquals("D", r.console(), r.err());
    }

    @Test
    void elfKernelIsEnteredAtItsEntry() throws Exception {
        Path k = assemble("elf", PRINT + SYSTEM_OFF + "msg: .asciz \"elf\\n\"\n", 0x4010_0000L, false);
        Run r = boot("-kernel", k.toString());
        assertEquals("elf\n", r.console(), r.err());
        assertEquals(0, r.status());
    }

    @Test
    void arm64ImageIsLoadedAtRamPlus2MiB() throws Exception {
        // Image header: code0 branches over the 64-byte header; text_offset 0, image_size, flags LE/4K.
        String src = """
                    b start
                    .long 0
                    .quad 0
                    .quad 0x10000
                    .quad 0xa
                    .quad 0, 0, 0
                    .ascii "ARM\\x64"
                    .long 0
                start:
                    adr x9, _start
                    ldr x10, =0x40200000
                    cmp x9, x10
                    b.ne 3f
                """ + PRINT + "3:\n" + SYSTEM_OFF + "msg: .asciz \"image at 0x40200000\\n\"\n";
        Run r = boot("-kernel", assemble("image", src, 0, true).toString());
        assertEquals("image at 0x40200000\n", r.console(), r.err());
    }

    @Test
    void secondaryCpuStartsWithPsciCpuOn() throws Exception {
        String src = """
                    ldr x0, =0xc4000003
                    mov x1, #1
                    adr x2, secondary
                    mov x3, #0x5a
                    hvc #0
                    cbnz x0, fail
                    b .
                secondary:
                    cmp x0, #0x5a
                    b.ne fail
                    mrs x7, mpidr_el1
                    and x7, x7, #0xff
                    cmp x7, #1
                    b.ne fail
                """ + PRINT + SYSTEM_OFF + """
                fail:
                    ldr x0, =0x84000008
                    hvc #0
                msg: .asciz "cpu1 up\\n"
                """;
        Run r = boot("-smp", "2", "-kernel", assemble("smp", src, 0x4008_0000L, true).toString());
        assertEquals("cpu1 up\n", r.console(), r.err());
    }

    @Test
    void systemResetRebootsUntilDone() throws Exception {
        // A counter in RAM outside the boot images survives reset; the images are reloaded.
        String src = """
                    ldr x4, =0x40400000
                    ldr w5, [x4]
                    add w5, w5, #1
                    str w5, [x4]
                    cmp w5, #3
                    b.eq 5f
                    ldr x0, =0x84000009
                    hvc #0
                    b .
                5:
                """ + PRINT + SYSTEM_OFF + "msg: .asciz \"third boot\\n\"\n";
        Path k = assemble("reset", src, 0x4008_0000L, true);
        Run r = boot("-kernel", k.toString());
        assertEquals("third boot\n", r.console(), r.err());
        assertEquals(0, r.status());
        Run once = boot("-no-reboot", "-kernel", k.toString());
        assertEquals("", once.console(), once.err());
        assertEquals(0, once.status());
    }

    @Test
    void consoleInputReachesTheUart() throws Exception {
        // Echoes received bytes until a newline: polls UARTFR.RXFE, reads UARTDR, writes it back.
        String src = """
                    ldr x1, =0x09000000
                1:  ldr w2, [x1, #0x18]
                    tbnz w2, #4, 1b
                    ldr w3, [x1]
                    str w3, [x1]
                    cmp w3, #10
                    b.ne 1b
                """ + SYSTEM_OFF;
        Run r = bootWithInput("typed\n", "-kernel", assemble("echo", src, 0x4008_0000L, true).toString());
        assertEquals("typed\n", r.console(), r.err());
        assertEquals(0, r.status());
    }

    @Test
    void ctrlAxQuitsInMultiplexedMode() throws Exception {
        Path k = assemble("spin", "b .\n", 0x4008_0000L, true);
        Run r = bootWithInput("\u0001x", "-nographic", "-kernel", k.toString());
        assertEquals(0, r.status());
        assertEquals("armature: terminated (Ctrl-A x)", r.err().strip());
    }

    @Test
    void debugLogRecordsInstructionsAndExceptions() throws Exception {
        Path k = assemble("log", PRINT + SYSTEM_OFF + "msg: .asciz \"x\"\n", 0x4008_0000L, true);
        Path log = dir.resolve("debug.log");
        Run r = boot("-d", "in_asm,int,summary", "-D", log.toString(), "-kernel", k.toString());
        assertEquals("x", r.console(), r.err());
        String text = Files.readString(log);
        assertTrue(text.contains("IN: cpu 0 0x0000000040000000: ldr x0"), text);
        assertTrue(text.contains("IN: cpu 0 0x0000000040080000: "), text);
        assertTrue(text.contains("Taking exception on CPU 0 at EL1: HVC"), text);
        assertTrue(text.contains("...handled by PSCI firmware"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("armature: 1 vCPU(s), ") && l.endsWith("exit status 0")),
                text);
    }

    /** The guest runtime's self test, run on Armature and on QEMU: same console output, same exit status. */
    @Test
    void guestSelftestMatchesQemu() throws Exception {
        Path image = Path.of("guest/images/selftest.flat");
        Assumptions.assumeTrue(Files.isRegularFile(image), "guest/images/selftest.flat is not in this checkout");
        Assumptions.assumeTrue(Tools.available("qemu-system-aarch64"), "qemu-system-aarch64 is not installed");
        String[] args = {"-nodefaults", "-machine", "virt", "-cpu", "cortex-a57", "-device", "virtio-serial-device",
            "-device", "virtconsole,chardev=ctd", "-chardev", "testdev,id=ctd", "-display", "none", "-serial", "stdio",
            "-smp", "2", "-kernel", image.toString(), "-append", "one 'two three'"};
        Run ours = exactly("", args);
        List<String> q = Tools.list("qemu-system-aarch64");
        q.addAll(List.of(args));
        Tools.Result qemu = Tools.run(q.toArray(String[]::new));
        assertEquals(qemu.stdout(), ours.console(), ours.err());
        assertEquals(qemu.exit(), ours.status());
    }

    /** kvm-unit-tests' arm/run command line, with pci-testdev and an environment initrd, output as QEMU's. */
    @Test
    void guestPciTestWithKvmUnitTestsCommandLineMatchesQemu() throws Exception {
        Path image = Path.of("guest/images/pci.flat");
        Assumptions.assumeTrue(Files.isRegularFile(image), "guest/images/pci.flat is not in this checkout");
        Assumptions.assumeTrue(Tools.available("qemu-system-aarch64"), "qemu-system-aarch64 is not installed");
        Path env = dir.resolve("env");
        Files.writeString(env, "QEMU_ACCEL=tcg\n");
        String[] args = {"-nodefaults", "-machine", "virt", "-accel", "tcg", "-cpu", "cortex-a57", "-device",
            "virtio-serial-device", "-device", "virtconsole,chardev=ctd", "-chardev", "testdev,id=ctd", "-device",
            "pci-testdev", "-display", "none", "-serial", "stdio", "-kernel", image.toString(), "-smp", "1",
            "-append", "", "-initrd", env.toString()};
        Run ours = exactly("", args);
        List<String> q = Tools.list("qemu-system-aarch64");
        q.addAll(List.of(args));
        Tools.Result qemu = Tools.run(q.toArray(String[]::new));
        assertTrue(qemu.stdout().contains("SUMMARY: 32 tests\n"), qemu.stdout());
        assertEquals(qemu.stdout(), ours.console(), ours.err());
        assertEquals(qemu.exit(), ours.status());
    }

    /** Vector table: IRQ from the current EL with SP_ELx (entry 5, offset 0x280) branches to irq; others hang. */
    private static final String VECTORS = """
                .balign 2048
            vectors:
                .rept 5
                b .
                .balign 128
                .endr
                b irq
            """;

    /** Arms the virtual timer (PPI 27) to fire at once, unmasks IRQs and waits for the interrupt. */
    private static final String ARM_TIMER_AND_WAIT = """
                mov x0, #100
                msr cntv_tval_el0, x0
                mov x0, #1
                msr cntv_ctl_el0, x0
                msr daifclr, #2
            1:  wfi
                b 1b
            """;

    @Test
    void timerInterruptThroughGicV2() throws Exception {
        String src = """
                    ldr x0, =vectors
                    msr vbar_el1, x0
                    ldr x1, =0x08000000
                    mov w2, #1
                    str w2, [x1]                // GICD_CTLR: enable
                    mov w2, #(1 << 27)
                    str w2, [x1, #0x100]        // GICD_ISENABLER0: PPI 27 (virtual timer)
                    ldr x1, =0x08010000
                    mov w2, #0xff
                    str w2, [x1, #0x4]          // GICC_PMR
                    mov w2, #1
                    str w2, [x1]                // GICC_CTLR: enable
                """ + ARM_TIMER_AND_WAIT + """
                irq:
                    ldr x1, =0x08010000
                    ldr w9, [x1, #0xc]          // GICC_IAR
                    cmp w9, #27
                    b.ne 3f
                    msr cntv_ctl_el0, xzr
                    str w9, [x1, #0x10]         // GICC_EOIR
                """ + PRINT + "3:\n" + SYSTEM_OFF + "msg: .asciz \"irq 27\\n\"\n" + VECTORS;
        Run r = boot("-kernel", assemble("gicv2", src, 0x4008_0000L, true).toString());
        assertEquals("irq 27\n", r.console(), r.err());
    }

    @Test
    void timerInterruptThroughGicV3SystemRegisters() throws Exception {
        String src = """
                    ldr x0, =vectors
                    msr vbar_el1, x0
                    ldr x1, =0x08000000
                    mov w2, #((1 << 4) | 2)
                    str w2, [x1]                // GICD_CTLR: ARE, EnableGrp1
                    ldr x1, =0x080a0000         // CPU0's redistributor
                    ldr w2, [x1, #0x14]
                    and w2, w2, #~2
                    str w2, [x1, #0x14]         // GICR_WAKER: clear ProcessorSleep
                    add x1, x1, #0x10000        // its SGI/PPI frame
                    mov w2, #(1 << 27)
                    str w2, [x1, #0x80]         // GICR_IGROUPR0: PPI 27 in group 1
                    str w2, [x1, #0x100]        // GICR_ISENABLER0
                    mov x2, #0xff
                    msr icc_pmr_el1, x2
                    mov x2, #1
                    msr icc_igrpen1_el1, x2
                """ + ARM_TIMER_AND_WAIT + """
                irq:
                    mrs x9, icc_iar1_el1
                    cmp x9, #27
                    b.ne 3f
                    msr cntv_ctl_el0, xzr
                    msr icc_eoir1_el1, x9
                """ + PRINT + "3:\n" + SYSTEM_OFF + "msg: .asciz \"irq 27\\n\"\n" + VECTORS;
        Run r = boot("-M", "virt,gic-version=3", "-kernel", assemble("gicv3", src, 0x4008_0000L, true).toString());
        assertEquals("irq 27\n", r.console(), r.err());
    }

    @Test
    void uartReceiveInterruptThroughGicV2() throws Exception {
        String src = """
                    ldr x0, =vectors
                    msr vbar_el1, x0
                    ldr x1, =0x08000000
                    mov w2, #1
                    str w2, [x1]                // GICD_CTLR: enable
                    mov w2, #(1 << 1)
                    str w2, [x1, #0x104]        // GICD_ISENABLER1: INTID 33 (SPI 1, the PL011)
                    mov w2, #1
                    strb w2, [x1, #0x821]       // GICD_ITARGETSR8 byte 1: INTID 33 to CPU0
                    ldr x1, =0x08010000
                    mov w2, #0xff
                    str w2, [x1, #0x4]          // GICC_PMR
                    mov w2, #1
                    str w2, [x1]                // GICC_CTLR: enable
                    ldr x1, =0x09000000
                    mov w2, #(1 << 4)
                    str w2, [x1, #0x38]         // UARTIMSC: RXIM
                    msr daifclr, #2
                1:  wfi
                    b 1b
                irq:
                    ldr x4, =0x08010000
                    ldr w9, [x4, #0xc]          // GICC_IAR
                    cmp w9, #33
                    b.ne 3f
                    ldr x1, =0x09000000
                    ldr w3, [x1]                // UARTDR: the byte (drains the FIFO, RX falls)
                    str w9, [x4, #0x10]         // GICC_EOIR
                    str w3, [x1]
                3:
                """ + SYSTEM_OFF + VECTORS;
        Run r = bootWithInput("z", "-kernel", assemble("uartirq", src, 0x4008_0000L, true).toString());
        assertEquals("z", r.console(), r.err());
    }

    @Test
    void virtualizationOnEntersAtEl2WithPsciOverSmc() throws Exception {
        String src = """
                    mrs x9, currentel
                    cmp x9, #(2 << 2)
                    b.ne 3f
                    mrs x10, spsel
                    cbz x10, 3f                 // EL2h: SP_EL2 selected
                """ + PRINT + """
                3:  ldr x0, =0x84000008
                    smc #0
                    b .
                msg: .asciz "EL2\\n"
                """;
        Path k = assemble("el2", src, 0x4008_0000L, true);
        Run r = boot("-M", "virt,virtualization=on", "-kernel", k.toString());
        assertEquals("EL2\n", r.console(), r.err());
        assertEquals(0, r.status());
        Path dtb = dir.resolve("el2.dtb");
        boot("-M", "virt,virtualization=on,dumpdtb=" + dtb, "-kernel", k.toString());
        byte[] method = dev.armature.machine.fdt.Fdt.decode(Files.readAllBytes(dtb)).root().child("psci")
                .property("method");
        assertEquals("smc\0", new String(method, StandardCharsets.US_ASCII));
    }

    @Test
    void noArgumentsBootsTheBundledDemo() {
        Assumptions.assumeTrue(Main.class.getResource(Main.DEMO_RESOURCE) != null,
                "the demo guest is not on the classpath (guest/images/demo.flat missing)");
        Run r = exactly("");
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        assertTrue(r.console().contains("linux,dummy-virt"), r.console());
        assertTrue(r.console().strip().endsWith("Powering off."), r.console());
    }
}
