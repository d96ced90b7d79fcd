package dev.armature.examples;

import dev.armature.loader.KernelImage;
import dev.armature.machine.DebugLog;
import dev.armature.machine.VirtBoard;
import dev.armature.machine.VirtConfig;
import dev.armature.machine.VirtMemoryMap;
import dev.armature.vm.MemoryHook;
import dev.armature.vm.Vm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Example: boot a guest image on the {@code virt} board built on the embedder's own VM, with a memory hook
 * (installed before the board existed) that captures what the guest writes to the PL011's data register.
 */
public final class BootOnBoard {
    /** What a boot gave: the exit status, the console text the hook saw, and the instructions the vCPU ran. */
    public record Result(int status, String console, long instructions) {
    }

    private BootOnBoard() {
    }

    /** Boots {@code image} (a guest/images/*.flat) under {@code accel} with {@code bootargs}. */
    public static Result boot(Path image, String accel, String bootargs) throws Exception {
        VirtConfig config = VirtConfig.defaults(); // 128 MiB, one Cortex-A57, GICv2
        Vm vm = Vm.builder().accel(accel).cpuModel(config.effectiveCpuModel()).build();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        long uartDr = VirtMemoryMap.UART_BASE; // UARTDR, offset 0
        vm.addMemoryHook(Set.of(MemoryHook.Access.WRITE), uartDr, uartDr + 3,
                (vcpu, access, address, size, value) -> console.write((int) value));
        VirtBoard.Boot boot = new VirtBoard.Boot(KernelImage.identify(Files.readAllBytes(image)), null, bootargs,
                null);
        try (VirtBoard board = new VirtBoard(vm, config, boot, null, false, DebugLog.OFF)) {
            int status = board.run();
            return new Result(status, console.toString(StandardCharsets.ISO_8859_1),
                    vm.vcpus().getFirst().instructions());
        }
    }

    public static void main(String[] args) throws Exception {
        Result r = boot(Path.of(args.length > 0 ? args[0] : "guest/images/selftest.flat"),
                args.length > 1 ? args[1] : "tcg", "");
        System.out.print(r.console());
        System.out.printf("exit status %d after %d instructions%n", r.status(), r.instructions());
    }
}
