package dev.armature.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.loader.KernelImage;
import dev.armature.vm.Errno;
import dev.armature.vm.HookAction;
import dev.armature.vm.KvmException;
import dev.armature.vm.MemoryHook;
import dev.armature.vm.Vm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hooks on the {@code virt} board's VM ({@link VirtBoard#vm()}): the machine's vCPU threads run with the VM's
 * accelerator, so code, block, memory-write and exception hooks see the same events under the interpreter and
 * the translator, and the board's PSCI firmware still handles the guest's HVC behind an exception hook.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BoardHooksTest {
    /**
     * The guest (raw image at RAM + 0x80000, EL1): stores 1..5 as doublewords from DATA (post-indexed) and as
     * halfwords 0x100 past each next doubleword, then PSCI SYSTEM_OFF (HVC). Encodings from aarch64-linux-gnu-as.
     */
    private static final int[] GUEST = {
        0xd2a8c00a, // mov  x10, #0x46000000
        0xd2800001, // mov  x1, #0
        0xd28000a2, // mov  x2, #5
        0x91000421, // 1: add x1, x1, #1
        0xf8008541, // str  x1, [x10], #8
        0x79020141, // strh w1, [x10, #0x100]
        0xf1000442, // subs x2, x2, #1
        0x54ffff81, // b.ne 1b
        0x52800100, // mov  w0, #8
        0x72b08000, // movk w0, #0x8400, lsl #16      SYSTEM_OFF (0x84000008)
        0xd4000002, // hvc  #0
        0x14000000, // 2: b 2b
    };
    private static final long ENTRY = 0x4008_0000L;
    /** The last instruction hooked (the HVC): what runs after the power-off request is not compared. */
    private static final long LAST = ENTRY + 0x28;
    private static final long DATA = 0x4600_0000L;

    @Test
    void hooksOnTheBoardsVmSeeTheSameEventsUnderBothAccelerators() throws Exception {
        List<String> interp = run("interp");
        List<String> tcg = run("tcg,hot=1,background=off");
        assertEquals(interp, tcg);

        List<String> expected = new ArrayList<>();
        // The first block: entry to the B.NE (8 instructions), then the loop body 4 times, then up to the HVC.
        expected.add(block(ENTRY, 8));
        for (int pc = 0; pc < 8; pc++) {
            expected.add(code(ENTRY + 4L * pc, GUEST[pc]));
            if (pc == 4 || pc == 5) {
                expected.add(write(pc == 4 ? DATA : DATA + 0x108, pc == 4 ? 8 : 2, 1));
            }
        }
        for (int i = 2; i <= 5; i++) {
            expected.add(block(ENTRY + 0xc, 5));
            for (int pc = 3; pc < 8; pc++) {
                expected.add(code(ENTRY + 4L * pc, GUEST[pc]));
                if (pc == 4) {
                    expected.add(write(DATA + 8L * (i - 1), 8, i));
                } else if (pc == 5) {
                    expected.add(write(DATA + 8L * i + 0x100, 2, i));
                }
            }
        }
        expected.add(block(ENTRY + 0x20, 3));
        for (int pc = 8; pc < 11; pc++) {
            expected.add(code(ENTRY + 4L * pc, GUEST[pc]));
        }
        // EC 0x16: HVC in AArch64; its preferred return address is the next instruction.
        expected.add(String.format("exception pc=%x ec=%x", LAST + 4, 0x16));
        assertEquals(expected, tcg);
    }

    @Test
    void theAcceleratorIsFixedOnceAVcpuHasRun() throws Exception {
        try (VirtBoard board = newBoard()) {
            assertThrows(KvmException.class, () -> board.vm().useAccelerator("qemu"));
            board.machine().useAccelerator("tcg");
            assertEquals(0, board.run());
            KvmException e = assertThrows(KvmException.class, () -> board.vm().useAccelerator("interp"));
            assertEquals(Errno.EBUSY, e.errno());
        }
    }

    /** Runs the guest on a board under {@code accel} with hooks on its VM; returns the events in order. */
    private static List<String> run(String accel) throws Exception {
        try (VirtBoard board = newBoard()) {
            Vm vm = board.vm();
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            vm.addCodeHook(ENTRY, LAST, (vcpu, address, word) -> events.add(code(address, word)));
            vm.addBlockHook(ENTRY, LAST, (vcpu, address, n) -> events.add(block(address, n)));
            vm.addMemoryHook(Set.of(MemoryHook.Access.WRITE), DATA, DATA + 0xfff,
                    (vcpu, access, address, size, value) -> events.add(write(address, size, value)));
            vm.addInterruptHook(ENTRY, LAST + 4, (vcpu, event) -> {
                events.add(String.format("exception pc=%x ec=%x", event.pc(), event.ec()));
                return HookAction.DELIVER; // the firmware behind the hook handles the PSCI call
            });
            board.machine().useAccelerator(accel);
            assertEquals(0, board.run(), "SYSTEM_OFF ends the run with status 0");
            assertTrue(board.vm().acceleratorReport().isEmpty() == accel.equals("interp"),
                    "the machine ran with the VM's accelerator: " + accel);
            return List.copyOf(events);
        }
    }

    private static VirtBoard newBoard() throws BootException {
        ByteBuffer image = ByteBuffer.allocate(GUEST.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : GUEST) {
            image.putInt(w);
        }
        VirtConfig config = new VirtConfig(128L << 20, 1, CpuModel.CORTEX_A57, 2, false, 1,
                VirtConfig.VirtioSerial.TESTDEV, VirtConfig.Dma.NONE);
        return new VirtBoard(config, new VirtBoard.Boot(new KernelImage.Raw(image.array()), null, "", null),
                null, false, DebugLog.OFF);
    }

    private static String code(long address, int word) {
        return String.format("code %x %08x", address, word);
    }

    private static String block(long address, int n) {
        return String.format("block %x %d", address, n);
    }

    private static String write(long address, int size, long value) {
        return String.format("write %x %d %x", address, size, value);
    }
}
