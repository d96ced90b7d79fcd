package dev.armature.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armature.memory.MmioHandler;
import dev.armature.memory.Region;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The embedding API on a bare VM, under the interpreter and the translator (hot=1: translated at once). */
class EmbeddingApiTest {
    private static final long CODE = 0x1_0000;
    private static final long DATA = 0x2_0000;
    private static final long MMIO = 0x900_0000;
    private static final long RETURN = 0xdead_0000L;
    private static final int RET = 0xd65f03c0;
    private static final int RWX = Region.PROT_ALL;

    private static Vm vm(String accel, int... code) {
        Vm vm = Vm.builder().accel(accel).build();
        vm.mapRam(CODE, 0x1000, Region.PROT_READ | Region.PROT_EXEC);
        vm.mapRam(DATA, 0x2000, Region.PROT_READ | Region.PROT_WRITE);
        vm.writePhysical(CODE, words(code));
        return vm;
    }

    private static Vcpu vcpu(Vm vm) {
        Vcpu cpu = vm.createVcpu(0);
        cpu.init(Set.of());
        cpu.setReg(Reg.x(30), RETURN);
        return cpu;
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg,hot=1,background=off"})
    void countStopsAtExactlyThatManyInstructions(String accel) {
        try (Vm vm = vm(accel, 0x91000400, 0x17ffffff)) { // 1: add x0, x0, #1; b 1b
            Vcpu cpu = vcpu(vm);
            assertEquals(ExitReason.BUDGET, cpu.start(CODE, Vcpu.NO_END, Duration.ZERO, 1001));
            assertEquals(501, cpu.getReg(Reg.x(0)));
            assertEquals(CODE + 4, cpu.getReg(Reg.PC));
            assertEquals(ExitReason.BUDGET, cpu.start(CODE + 4, Vcpu.NO_END, Duration.ZERO, 2000));
            assertEquals(1501, cpu.getReg(Reg.x(0)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg,hot=1,background=off"})
    void endAddressInsideStraightLineCode(String accel) {
        int add = 0x91000400; // add x0, x0, #1
        try (Vm vm = vm(accel, add, add, add, add, RET)) {
            Vcpu cpu = vcpu(vm);
            for (int i = 1; i <= 60; i++) { // often enough to be translated
                assertEquals(ExitReason.END_ADDRESS, cpu.start(CODE, CODE + 8));
                assertEquals(2 * i, cpu.getReg(Reg.x(0)));
                assertEquals(CODE + 8, cpu.getReg(Reg.PC));
            }
            assertEquals(ExitReason.END_ADDRESS, cpu.start(CODE + 8, RETURN));
            assertEquals(122, cpu.getReg(Reg.x(0)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg,hot=1,background=off"})
    void timeoutAndStopEndAnEndlessLoop(String accel) throws Exception {
        try (Vm vm = vm(accel, 0x14000000)) { // b .
            Vcpu cpu = vcpu(vm);
            assertEquals(ExitReason.TIMEOUT, cpu.start(CODE, Vcpu.NO_END, Duration.ofMillis(20), 0));
            assertEquals(CODE, cpu.getReg(Reg.PC));
            Thread stopper = Thread.ofPlatform().start(() -> {
                while (!cpu.isRunning()) {
                    Thread.onSpinWait();
                }
                cpu.stop();
            });
            assertEquals(ExitReason.EXIT_REQUEST, cpu.start(CODE, RETURN));
            stopper.join();
            cpu.stop(); // while not running: no effect on the next start
            assertEquals(ExitReason.BUDGET, cpu.start(CODE, RETURN, Duration.ZERO, 10));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg,hot=1,background=off"})
    void mmioCallbacksSeeTheAccesses(String accel) {
        // ldr w0, [x1]; str w0, [x1, #4]; ret
        try (Vm vm = vm(accel, 0xb9400020, 0xb9000420, RET)) {
            List<String> log = new ArrayList<>();
            vm.mapMmio(MMIO, 0x1000, new MmioHandler() {
                @Override
                public long read(long offset, int size) {
                    log.add("read " + offset + "/" + size);
                    return 0x1234;
                }

                @Override
                public void write(long offset, int size, long value) {
                    log.add("write " + offset + "/" + size + "=" + Long.toHexString(value));
                }
            });
            Vcpu cpu = vcpu(vm);
            cpu.setReg(Reg.x(1), MMIO);
            assertEquals(ExitReason.END_ADDRESS, cpu.start(CODE, RETURN));
            assertEquals(List.of("read 0/4", "write 4/4=1234"), log);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg,hot=1,background=off"})
    void writeToReadOnlyPageIsAProtectionFault(String accel) {
        try (Vm vm = vm(accel, 0xf9000020, RET)) { // str x0, [x1]; ret
            vm.protect(DATA + 0x1000, 0x1000, Region.PROT_READ);
            List<Fault> faults = new ArrayList<>();
            vm.addFaultHook(0, -1, (v, f) -> {
                faults.add(f);
                return HookAction.STOP;
            });
            Vcpu cpu = vcpu(vm);
            cpu.setReg(Reg.x(1), DATA + 0x1008);
            assertEquals(ExitReason.EXIT_REQUEST, cpu.start(CODE, RETURN));
            assertEquals(CODE, cpu.getReg(Reg.PC), "stopped at the store");
            assertEquals(List.of(new Fault(Fault.Kind.PROTECTION, MemoryHook.Access.WRITE, DATA + 0x1008, 8, CODE,
                    0x9600_004fL)), faults); // DABT same EL, IL, WnR, permission fault level 3
            vm.protect(DATA + 0x1000, 0x1000, Region.PROT_READ | Region.PROT_WRITE);
            cpu.setReg(Reg.x(0), 7);
            assertEquals(ExitReason.END_ADDRESS, cpu.start(CODE, RETURN));
            assertEquals(7, ByteBuffer.wrap(vm.readPhysical(DATA + 0x1008, 8)).order(ByteOrder.LITTLE_ENDIAN)
                    .getLong());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg,hot=1,background=off"})
    void hostPatchedCodeRunsWithoutACacheFlush(String accel) {
        try (Vm vm = vm(accel, 0xd2800020, RET)) { // mov x0, #1; ret
            Vcpu cpu = vcpu(vm);
            for (int i = 0; i < 3; i++) {
                cpu.start(CODE, RETURN);
                assertEquals(1, cpu.getReg(Reg.x(0)));
            }
            vm.writePhysical(CODE, words(0xd2800040)); // mov x0, #2
            cpu.start(CODE, RETURN);
            assertEquals(2, cpu.getReg(Reg.x(0)));
            cpu.writeVirtual(CODE, words(0xd2800060)); // mov x0, #3
            cpu.start(CODE, RETURN);
            assertEquals(3, cpu.getReg(Reg.x(0)));
            assertArrayEquals(words(0xd2800060, RET), cpu.readVirtual(CODE, 8));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg,hot=1,background=off"})
    void registersOfEveryKind(String accel) {
        // mrs x0, tpidr_el0; orr v0.16b, v1.16b, v1.16b; ret
        try (Vm vm = vm(accel, 0xd53bd040, 0x4ea11c20, RET)) {
            Vcpu cpu = vcpu(vm);
            cpu.setSysReg("CPACR_EL1", 3L << 20); // FP/SIMD enabled at EL1
            cpu.setReg(Reg.sysreg(3, 3, 13, 0, 2), 0xabcd); // TPIDR_EL0 by encoding
            assertEquals("TPIDR_EL0", Reg.sysreg(3, 3, 13, 0, 2).name());
            cpu.setVector(1, 0x1111_2222_3333_4444L, 0x5555_6666_7777_8888L);
            cpu.setReg(Reg.FPCR, 0x0300_0000); // DN and FZ
            assertEquals(ExitReason.END_ADDRESS, cpu.start(CODE, RETURN));
            assertEquals(0xabcd, cpu.getReg(Reg.x(0)));
            assertArrayEquals(new long[] {0x1111_2222_3333_4444L, 0x5555_6666_7777_8888L}, cpu.getVector(0));
            assertEquals(0x0300_0000, cpu.getReg(Reg.FPCR));
            assertEquals(0xabcd, cpu.getSysReg("tpidr_el0"));
            assertEquals(0x3c5, cpu.getReg(Reg.PSTATE));
            assertThrows(KvmException.class, () -> cpu.getReg(Reg.v(0)), "128-bit: getVector");
            assertEquals(Errno.ENOENT, assertThrows(KvmException.class, () -> Reg.sysreg("NO_SUCH_EL1")).errno());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg,hot=1,background=off"})
    void contextAndSnapshotRestoreTheStart(String accel) {
        // str x0, [x1]; add x0, x0, #1; ret
        try (Vm vm = vm(accel, 0xf9000020, 0x91000400, RET)) {
            Vcpu cpu = vcpu(vm);
            cpu.setReg(Reg.x(0), 5);
            cpu.setReg(Reg.x(1), DATA);
            cpu.setReg(Reg.PC, CODE);
            VcpuContext context = cpu.saveContext();
            VmSnapshot snapshot = vm.saveSnapshot();
            cpu.start(CODE, RETURN);
            assertEquals(6, cpu.getReg(Reg.x(0)));
            assertEquals(5, vm.readPhysical(DATA, 1)[0]);
            cpu.restoreContext(context);
            assertEquals(5, cpu.getReg(Reg.x(0)));
            assertEquals(CODE, cpu.getReg(Reg.PC));
            cpu.setReg(Reg.x(0), 9);
            vm.restoreSnapshot(snapshot);
            assertEquals(5, cpu.getReg(Reg.x(0)));
            assertEquals(0, vm.readPhysical(DATA, 1)[0], "RAM as it was");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg,hot=1,background=off"})
    void interruptHookSeesAnIrq(String accel) {
        try (Vm vm = vm(accel, 0x14000000)) { // b .
            Vcpu cpu = vcpu(vm);
            List<ExceptionEvent> events = new ArrayList<>();
            vm.addInterruptHook(0, -1, (v, e) -> {
                events.add(e);
                return HookAction.STOP;
            });
            cpu.setReg(Reg.PSTATE, 0x5); // EL1h, interrupts unmasked
            cpu.cpu().setInterruptLines(true, false);
            assertEquals(ExitReason.EXIT_REQUEST, cpu.start(CODE, RETURN));
            assertEquals(List.of(new ExceptionEvent(0x80, CODE, 0, 0, false)), events);
            assertTrue(events.getFirst().isInterrupt());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg,hot=1,background=off"})
    void parallelVcpusEachSeeTheirOwnHookCalls(String accel) throws Exception {
        int iterations = 3000;
        try (Vm vm = vm(accel,
                0xd2800022, // mov   x2, #1
                0xf8220024, // 1: ldadd x2, x4, [x1]
                0xc85f7c24, // 2: ldxr x4, [x1]
                0x91000484, // add   x4, x4, #1
                0xc8057c24, // stxr  w5, x4, [x1]
                0x35ffffa5, // cbnz  w5, 2b
                0xf1000463, // subs  x3, x3, #1
                0x54ffff41, // b.ne  1b
                RET)) {
            int[] subs = new int[4]; // each vCPU's own slot: written by its own thread only
            vm.addCodeHook(CODE + 0x18, CODE + 0x18, (v, address, word) -> subs[v.id()]++);
            List<Vcpu> cpus = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Vcpu cpu = vm.createVcpu(i);
                cpu.init(Set.of());
                cpu.setReg(Reg.x(1), DATA);
                cpu.setReg(Reg.x(3), iterations);
                cpu.setReg(Reg.x(30), RETURN);
                cpus.add(cpu);
            }
            List<Thread> threads = new ArrayList<>();
            ExitReason[] why = new ExitReason[4];
            for (Vcpu cpu : cpus) {
                threads.add(Thread.ofPlatform().start(() -> why[cpu.id()] = cpu.start(CODE, RETURN)));
            }
            for (Thread t : threads) {
                t.join();
            }
            for (int i = 0; i < 4; i++) {
                assertEquals(ExitReason.END_ADDRESS, why[i]);
                assertEquals(iterations, subs[i], "vCPU " + i);
            }
            assertEquals(4L * 2 * iterations, ByteBuffer.wrap(vm.readPhysical(DATA, 8)).order(ByteOrder.LITTLE_ENDIAN)
                    .getLong());
        }
    }

    @Test
    void mappingErrorsNameTheProblem() {
        try (Vm vm = vm("interp", RET)) {
            assertEquals(Errno.EEXIST, assertThrows(KvmException.class, () -> vm.mapRam(CODE, 0x1000, RWX)).errno());
            assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> vm.mapRam(0x5_0010, 0x1000, RWX))
                    .errno());
            assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> vm.unmap(0x5_0000, 0x1000)).errno());
            assertEquals(Errno.EINVAL, assertThrows(KvmException.class, () -> vm.protect(DATA, 0x1000, 8)).errno());
            assertEquals(Errno.EFAULT, assertThrows(KvmException.class, () -> vm.readPhysical(0x5_0000, 4))
                    .errno());
            vm.unmap(DATA + 0x1000, 0x1000); // the second page of a two-page mapping
            assertEquals(Errno.EFAULT, assertThrows(KvmException.class, () -> vm.readPhysical(DATA + 0x1000, 4))
                    .errno());
            vm.writePhysical(DATA + 0xff8, words(1, 2)); // the first page is still there
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg,hot=1,background=off"})
    void hooksFollowTheVcpuThroughAReset(String accel) {
        try (Vm vm = vm(accel, 0xd2800020, RET)) { // mov x0, #1; ret
            List<Long> seen = new ArrayList<>();
            vm.addCodeHook(CODE, CODE, (v, address, word) -> seen.add(address));
            Vcpu cpu = vcpu(vm);
            cpu.start(CODE, RETURN);
            cpu.init(Set.of()); // KVM_ARM_VCPU_INIT again: a fresh Cpu
            cpu.setReg(Reg.x(30), RETURN);
            cpu.start(CODE, RETURN);
            assertEquals(List.of(CODE, CODE), seen);
        }
    }

    @Test
    void hooksCannotChangeFromAnotherThreadWhileAVcpuRuns() throws Exception {
        try (Vm vm = vm("interp", 0x14000000)) { // 1: b 1b
            Vcpu cpu = vcpu(vm);
            Hook hook = vm.addBlockHook(0, -1, (v, a, n) -> { });
            Thread runner = Thread.ofPlatform().start(() -> cpu.start(CODE, RETURN));
            while (!cpu.isRunning()) {
                Thread.onSpinWait();
            }
            KvmException added = assertThrows(KvmException.class, () -> vm.addCodeHook(0, -1, (v, a, w) -> { }));
            KvmException removed = assertThrows(KvmException.class, hook::remove);
            cpu.stop();
            runner.join();
            assertEquals(Errno.EBUSY, added.errno());
            assertEquals(Errno.EBUSY, removed.errno());
            hook.remove(); // now it may
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg,hot=1,background=off"})
    void aCallbackMayChangeHooksWhileAnotherVcpuRuns(String accel) throws Exception {
        // vCPU 1 spins at 0; vCPU 0's code hook at 4 adds a code hook on the spin loop, which vCPU 1 installs at
        // its next block boundary: called there, it stops vCPU 1. A second start of vCPU 0 alone adds a block hook
        // that fires from the next block.
        try (Vm vm = vm(accel, 0x14000000, RET)) { // 0: b 0b (vCPU 1);  4: ret (vCPU 0)
            Vcpu spinner = vm.createVcpu(1);
            spinner.init(Set.of());
            Vcpu cpu = vcpu(vm);
            List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
            boolean[] first = {true};
            vm.addCodeHook(CODE + 4, CODE + 4, (v, address, word) -> {
                if (first[0]) {
                    first[0] = false;
                    vm.addCodeHook(CODE, CODE, (v2, a, w) -> {
                        events.add("spin hook on vCPU " + v2.id());
                        v2.stop();
                    });
                } else {
                    vm.addBlockHook(0, -1, (v2, a, n) -> events.add("block on vCPU " + v2.id()));
                }
            });
            ExitReason[] spun = new ExitReason[1];
            Thread other = Thread.ofPlatform().start(() -> spun[0] = spinner.start(CODE, RETURN));
            while (!spinner.isRunning()) {
                Thread.onSpinWait();
            }
            assertEquals(ExitReason.END_ADDRESS, cpu.start(CODE + 4, RETURN));
            other.join();
            assertEquals(ExitReason.EXIT_REQUEST, spun[0]);
            assertEquals(List.of("spin hook on vCPU 1"), events);
            events.clear();
            // The RET's block has run when the block hook is applied, and no block follows before the end address.
            assertEquals(ExitReason.END_ADDRESS, cpu.start(CODE + 4, RETURN));
            assertEquals(List.of(), events);
            assertEquals(ExitReason.END_ADDRESS, cpu.start(CODE + 4, RETURN)); // it fires for the RET's block
            assertEquals(List.of("block on vCPU 0"), events);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "tcg,hot=1,background=off"})
    void fourVcpusChangingHooksFromTheirCallbacksLoseNoUpdate(String accel) throws Exception {
        // Four vCPUs count with LDADD and LDXR/STXR; every 50th iteration each one's code hook adds or removes a
        // memory hook and a block hook, so instrumentation changes while the others run. Nothing deadlocks or
        // throws, no increment is lost, and each vCPU reaches its end address.
        int iterations = 1000;
        try (Vm vm = vm(accel,
                0xd2800022, // mov   x2, #1
                0xf8220024, // 1: ldadd x2, x4, [x1]
                0xc85f7c24, // 2: ldxr x4, [x1]
                0x91000484, // add   x4, x4, #1
                0xc8057c24, // stxr  w5, x4, [x1]
                0x35ffffa5, // cbnz  w5, 2b
                0xf1000463, // subs  x3, x3, #1
                0x54ffff41, // b.ne  1b
                RET)) {
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.atomic.AtomicLong accesses = new java.util.concurrent.atomic.AtomicLong();
            List<Vcpu> cpus = new ArrayList<>();
            Hook[][] toggled = new Hook[4][];
            for (int i = 0; i < 4; i++) {
                Vcpu c = vm.createVcpu(i);
                c.init(Set.of());
                c.setReg(Reg.x(1), DATA);
                c.setReg(Reg.x(3), iterations);
                c.setReg(Reg.x(30), RETURN);
                cpus.add(c);
            }
            vm.addCodeHook(CODE + 0x18, CODE + 0x18, (v, address, word) -> {
                try {
                    if (v.getReg(Reg.x(3)) % 50 != 0) {
                        return;
                    }
                    Hook[] mine = toggled[v.id()];
                    if (mine == null) {
                        toggled[v.id()] = new Hook[] {
                            vm.addMemoryHook(Set.of(MemoryHook.Access.WRITE_AFTER), DATA, DATA + 7,
                                    (v2, a, address2, size, value) -> accesses.incrementAndGet()),
                            vm.addBlockHook(CODE, CODE + 0x20, (v2, a, n) -> { })};
                    } else {
                        for (Hook h : mine) {
                            h.remove();
                        }
                        toggled[v.id()] = null;
                    }
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            });
            List<Thread> threads = new ArrayList<>();
            ExitReason[] why = new ExitReason[4];
            for (Vcpu c : cpus) {
                threads.add(Thread.ofPlatform().start(() -> why[c.id()] = c.start(CODE, RETURN)));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(List.of(), failures);
            assertEquals(List.of(ExitReason.END_ADDRESS, ExitReason.END_ADDRESS, ExitReason.END_ADDRESS,
                    ExitReason.END_ADDRESS), List.of(why));
            assertEquals(4L * 2 * iterations, u64(vm.readPhysical(DATA, 8)));
            assertTrue(accesses.get() > 0, "the memory hooks saw stores while installed");
        }
    }

    private static long u64(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    static byte[] words(int... words) {
        ByteBuffer b = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) {
            b.putInt(w);
        }
        return b.array();
    }
}
