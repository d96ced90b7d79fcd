package dev.armature.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.loader.KernelImage;
import dev.armature.memory.Region;
import dev.armature.vm.MemoryHook;
import dev.armature.vm.Vcpu;
import dev.armature.vm.Vm;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code virt} board built on a VM the embedder made with {@link Vm#builder()} and put hooks on first: the
 * guest runtime's self test boots on it, a code hook sees the entry point, a memory hook sees every byte the
 * guest writes to the PL011's data register (exactly the console output), and the vCPU's instruction count is
 * the machine's.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BoardOnEmbedderVmTest {
    private static final Path SELFTEST = Path.of("guest/images/selftest.flat");
    /** The image's link address (its Image header places it there), where the boot stub jumps. */
    private static final long ENTRY = VirtMemoryMap.RAM_BASE + 0x20_0000;

    private static VirtConfig config() {
        return new VirtConfig(128L << 20, 1, CpuModel.CORTEX_A57, 2, false, 1, VirtConfig.VirtioSerial.TESTDEV,
                VirtConfig.Dma.NONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg,hot=1,background=off"})
    void selftestBootsOnTheEmbeddersVmWithItsHooks(String accel) throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(SELFTEST), "guest/images/selftest.flat is not in this checkout");
        VirtConfig config = config();
        Vm vm = Vm.builder().accel(accel).cpuModel(config.effectiveCpuModel()).build();
        List<Long> entries = Collections.synchronizedList(new ArrayList<>());
        vm.addCodeHook(ENTRY, ENTRY, (vcpu, address, word) -> entries.add(address));
        ByteArrayOutputStream uartWrites = new ByteArrayOutputStream();
        vm.addMemoryHook(Set.of(MemoryHook.Access.WRITE), VirtMemoryMap.UART_BASE, VirtMemoryMap.UART_BASE + 3,
                (vcpu, access, address, size, value) -> uartWrites.write((int) value));
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        DebugLog log = new DebugLog(EnumSet.of(DebugLog.Item.SUMMARY), new PrintStream(summary, true));
        try (VirtBoard board = new VirtBoard(vm, config, new VirtBoard.Boot(
                KernelImage.identify(Files.readAllBytes(SELFTEST)), null, "hello smp=1", null), serial, false, log)) {
            assertTrue(board.vm() == vm, "the board runs on the embedder's VM");
            assertEquals(0, board.run() >> 1, "the self test passes (exit status 1 = code 0)");
            String console = serial.toString(StandardCharsets.ISO_8859_1);
            assertTrue(console.contains("SUMMARY"), console);
            assertEquals(console, uartWrites.toString(StandardCharsets.ISO_8859_1),
                    "the memory hook saw each byte written to UARTDR");
            assertEquals(List.of(ENTRY), entries, "the entry point ran once");
            assertTrue(vm.acceleratorReport().isEmpty() == accel.equals("interp"), "the VM's own accelerator ran");
            Matcher m = Pattern.compile("(\\d+) instructions").matcher(summary.toString());
            assertTrue(m.find(), summary.toString());
            Vcpu vcpu = vm.vcpus().getFirst();
            assertEquals(Long.parseLong(m.group(1)), vcpu.instructions(), "Vcpu.instructions() on a board VM");
            assertTrue(vcpu.instructions() > 10_000, "the self test runs many instructions: " + vcpu.instructions());
        }
        assertTrue(vm.isClosed(), "closing the board closed the VM");
    }

    @Test
    void aVmThatDoesNotFitTheBoardIsRefusedAndLeftAlone() {
        VirtConfig config = config();
        VirtBoard.Boot boot = new VirtBoard.Boot(new KernelImage.Raw(new byte[16]), null, "", null);
        try (Vm max = Vm.builder().build()) { // CPU model "max", not the board's Cortex-A57
            BootException e = assertThrows(BootException.class, () -> new VirtBoard(max, config, boot, null, false,
                    DebugLog.OFF));
            assertTrue(e.getMessage().contains("CPU model"), e.getMessage());
            max.mapRam(0x1000, 0x1000, Region.PROT_READ); // still open and usable
        }
        try (Vm small = Vm.builder().ipaBits(36).cpuModel(config.effectiveCpuModel()).build()) {
            BootException e = assertThrows(BootException.class, () -> new VirtBoard(small, config, boot, null, false,
                    DebugLog.OFF));
            assertTrue(e.getMessage().contains("36-bit"), e.getMessage());
        }
        try (Vm used = Vm.builder().cpuModel(config.effectiveCpuModel()).build()) {
            used.mapRam(0x1000, 0x1000, Region.PROT_READ);
            BootException e = assertThrows(BootException.class, () -> new VirtBoard(used, config, boot, null, false,
                    DebugLog.OFF));
            assertTrue(e.getMessage().contains("fresh"), e.getMessage());
        }
    }
}
