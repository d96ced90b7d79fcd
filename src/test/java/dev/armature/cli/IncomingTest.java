package dev.armature.cli;

import dev.armature.loader.KernelImage;
import dev.armature.machine.DebugLog;
import dev.armature.machine.VirtBoard;
import dev.armature.machine.VirtConfig;
import dev.armature.vm.Reg;
import dev.armature.vm.Vcpu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code -incoming file:PATH}: the VM is built from the options, the snapshot loaded, then the vCPUs start. */
class IncomingTest {
    /**
     * Prints "r" if X0 is 1 (the context the snapshot's CPU_ON gave it) or "b" (booted: X0 is the DTB address),
     * then a newline, then powers off. Encodings from aarch64-linux-gnu-as.
     */
    private static final int[] GUEST = {
        0xd2a12001, // mov  x1, #0x9000000    PL011
        0xf100041f, // cmp  x0, #1
        0x52800c42, // mov  w2, #'b'
        0x52800e43, // mov  w3, #'r'
        0x1a820062, // csel w2, w3, w2, eq
        0xb9000022, // str  w2, [x1]
        0x52800142, // mov  w2, #'\n'
        0xb9000022, // str  w2, [x1]
        0x52b08000, // mov  w0, #0x84000000
        0x72800100, // movk w0, #8            PSCI SYSTEM_OFF
        0xd4000002, // hvc  #0
        0x14000000, // b    .
    };

    @TempDir
    Path dir;

    private record Run(int status, String console, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main main = new Main(new ByteArrayInputStream(new byte[0]), out, new PrintStream(err, true,
                StandardCharsets.UTF_8));
        int status = Main.run(main, args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A snapshot of a VM with the default options whose CPU0 was powered on at the guest's entry, X0 = 1. */
    private Path snapshot(Path kernel) throws Exception {
        byte[] image = Files.readAllBytes(kernel);
        try (VirtBoard b = new VirtBoard(VirtConfig.defaults(), new VirtBoard.Boot(new KernelImage.Raw(image), null,
                "", null), null, false, DebugLog.OFF)) {
            b.bootPlan().load(b.memory());
            long entry = b.bootPlan().blobs().stream().filter(x -> x.what().equals("kernel")).findFirst()
                    .orElseThrow().address();
            Vcpu boot = b.vm().vcpus().getFirst(); // runnable since its init, as with KVM
            boot.setReg(Reg.PC, entry);
            boot.setReg(Reg.x(0), 1);
            Path file = dir.resolve("vm.snap");
            b.machine().saveSnapshot(file);
            return file;
        }
    }

    private Path kernel() throws Exception {
        ByteBuffer image = ByteBuffer.allocate(GUEST.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : GUEST) {
            image.putInt(w);
        }
        return Files.write(dir.resolve("guest.bin"), image.array());
    }

    @Test
    void startsFromTheSnapshotInsteadOfBooting() throws Exception {
        Path k = kernel();
        Path snap = snapshot(k);
        Run booted = run("-display", "none", "-serial", "stdio", "-kernel", k.toString());
        assertEquals("b\n", booted.console(), booted.err());
        Run resumed = run("-display", "none", "-serial", "stdio", "-kernel", k.toString(), "-incoming", "file:" + snap);
        assertEquals("r\n", resumed.console(), resumed.err());
        assertEquals(0, resumed.status());
    }

    @Test
    void badSnapshotsAndSchemesAreRefusedWithOneMessage() throws Exception {
        Path k = kernel();
        Path snap = snapshot(k);
        Run smp = run("-display", "none", "-kernel", k.toString(), "-smp", "2", "-incoming", "file:" + snap);
        assertEquals(1, smp.status());
        assertEquals("armature: -incoming: snapshot does not match this VM: snapshot has 1 vCPU, this VM has 2\n",
                smp.err());
        Path missing = dir.resolve("missing.snap");
        Run none = run("-display", "none", "-kernel", k.toString(), "-incoming", "file:" + missing);
        assertEquals("armature: -incoming: " + missing + ": no such file\n", none.err());
        Run exec = run("-display", "none", "-kernel", k.toString(), "-incoming", "exec:cat");
        assertEquals(2, exec.status());
        assertEquals("armature: -incoming exec:cat: unsupported migration URI (use file:PATH or tcp:HOST:PORT)",
                exec.err().lines().findFirst().orElseThrow());
        Run port = run("-display", "none", "-kernel", k.toString(), "-incoming", "tcp:127.0.0.1:99999");
        assertEquals(2, port.status());
        assertEquals("armature: -incoming tcp:127.0.0.1:99999: bad port '99999'",
                port.err().lines().findFirst().orElseThrow());
    }
}
