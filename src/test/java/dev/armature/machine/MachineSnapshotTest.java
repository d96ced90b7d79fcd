package dev.armature.machine;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.SysReg;
import dev.armature.devices.gic.GicFrame;
import dev.armature.devices.gic.InterruptController;
import dev.armature.devices.psci.PowerController;
import dev.armature.loader.KernelImage;
import dev.armature.memory.PhysicalMemory;
import dev.armature.migration.SectionId;
import dev.armature.migration.Snapshot;
import dev.armature.migration.SnapshotException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Snapshot round trips of a running 4-vCPU guest through a file: the full architectural state (registers,
 * system registers, GIC registers, timers relative to the counter, power states, RAM) is the same after the
 * restore; bad streams are refused leaving the target as it was; power states follow the MP_STATE rules.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MachineSnapshotTest {
    /**
     * The guest (raw image, EL1, GICv2). CPU0 counts boots at DATA; on the first boot it programs the GIC
     * distributor and CPU interface (CTLR, ISENABLER1, IPRIORITYR10, ISPENDR1, PMR), arms the virtual timer
     * 2^40 ticks ahead, and powers on CPUs 1 and 2 (PSCI CPU_ON, context = index). CPU 3 stays off. After a reset
     * CPU0 starts no one. Each running CPU n then loops incrementing the counter at DATA + 8 + 8n (and X6).
     * Encodings from aarch64-linux-gnu-as.
     */
    private static final int[] GUEST = {
        0xd2a8c00a, // mov  x10, #0x46000000
        0xf9400141, // ldr  x1, [x10]
        0x91000421, // add  x1, x1, #1
        0xf9000141, // str  x1, [x10]
        0xf100043f, // cmp  x1, #1
        0x54000461, // b.ne cpu0
        0xd2a1000b, // mov  x11, #0x8000000          GICD
        0x5280002c, // mov  w12, #1
        0xb900016c, // str  w12, [x11]                GICD_CTLR
        0x52bfffec, // mov  w12, #0xffff0000
        0xb901056c, // str  w12, [x11, #0x104]        GICD_ISENABLER1
        0x5294140c, // mov  w12, #0xa0a0
        0x72b4140c, // movk w12, #0xa0a0, lsl #16
        0xb904296c, // str  w12, [x11, #0x428]        GICD_IPRIORITYR10
        0x52a0002c, // mov  w12, #0x10000
        0xb902056c, // str  w12, [x11, #0x204]        GICD_ISPENDR1
        0x9140416b, // add  x11, x11, #0x10, lsl #12  GICC
        0x5280002c, // mov  w12, #1
        0xb900016c, // str  w12, [x11]                GICC_CTLR
        0x52801e0c, // mov  w12, #0xf0
        0xb900056c, // str  w12, [x11, #4]            GICC_PMR
        0xd53be047, // mrs  x7, cntvct_el0
        0xd2c02009, // mov  x9, #0x10000000000
        0x8b0900e7, // add  x7, x7, x9
        0xd51be347, // msr  cntv_cval_el0, x7
        0xd2800028, // mov  x8, #1
        0xd51be328, // msr  cntv_ctl_el0, x8
        0xd518d08a, // msr  tpidr_el1, x10
        0x52800060, // mov  w0, #3
        0x72b88000, // movk w0, #0xc400, lsl #16      CPU_ON (SMC64/HVC64)
        0xd2800021, // mov  x1, #1
        0x10000142, // adr  x2, secondary
        0xd2800023, // mov  x3, #1
        0xd4000002, // hvc  #0
        0x52800060, // mov  w0, #3
        0x72b88000, // movk w0, #0xc400, lsl #16
        0xd2800041, // mov  x1, #2
        0x10000082, // adr  x2, secondary
        0xd2800043, // mov  x3, #2
        0xd4000002, // hvc  #0
        0xd2800000, // cpu0: mov x0, #0
        0xd2a8c00a, // secondary: mov x10, #0x46000000
        0x91002144, // add  x4, x10, #8
        0x8b000c84, // add  x4, x4, x0, lsl #3
        0xf9400085, // 1: ldr x5, [x4]
        0x910004a5, // add  x5, x5, #1
        0xf9000085, // str  x5, [x4]
        0x91000cc6, // add  x6, x6, #3
        0x17fffffc, // b    1b
    };
    /** With GICv3, instructions 16-20 (the GICC writes) become ICC_PMR_EL1 = 0xf0 and ICC_IGRPEN1_EL1 = 1. */
    private static final int[] GICV3_CPU_INTERFACE = {
        0x52801e0c, // mov  w12, #0xf0
        0xd518460c, // msr  icc_pmr_el1, x12
        0xd280002c, // mov  x12, #1
        0xd518ccec, // msr  icc_igrpen1_el1, x12
        0xd503201f, // nop
    };
    private static final long SECONDARY = 0xa4;
    private static final long DATA = 0x4600_0000L;
    /** Registers whose value is the time: compared through the timers' distance to the counter instead. */
    private static final Set<String> TIME_REGISTERS = Set.of("CNTPCT_EL0", "CNTVCT_EL0", "CNTP_TVAL_EL0",
            "CNTV_TVAL_EL0", "CNTHP_TVAL_EL2");

    @TempDir
    Path dir;
    private final List<VirtBoard> boards = new ArrayList<>();

    private final List<Thread> runs = new ArrayList<>();

    @AfterEach
    void closeBoards() throws InterruptedException {
        boards.forEach(b -> b.machine().exit(0));
        for (Thread t : runs) {
            t.join(); // the run has stopped its vCPUs: RAM can go
        }
        boards.forEach(VirtBoard::close);
    }

    private VirtBoard board(int smp) throws BootException {
        return board(smp, 2);
    }

    private VirtBoard board(int smp, int gicVersion) throws BootException {
        VirtBoard b = newBoard(smp, gicVersion);
        boards.add(b);
        return b;
    }

    /** A board holding {@link #GUEST}, not started. */
    static VirtBoard newBoard(int smp, int gicVersion) throws BootException {
        int[] guest = GUEST.clone();
        if (gicVersion == 3) {
            System.arraycopy(GICV3_CPU_INTERFACE, 0, guest, 16, GICV3_CPU_INTERFACE.length);
        }
        ByteBuffer image = ByteBuffer.allocate(guest.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : guest) {
            image.putInt(w);
        }
        VirtConfig config = new VirtConfig(128L << 20, smp, CpuModel.CORTEX_A57, gicVersion, false, 1,
                VirtConfig.VirtioSerial.TESTDEV, VirtConfig.Dma.NONE);
        return new VirtBoard(config, new VirtBoard.Boot(new KernelImage.Raw(image.array()), null, "", null),
                null, false, DebugLog.OFF);
    }

    /** Runs the board on a thread of its own (several boards run at once: not the common pool). */
    private void start(VirtBoard b) {
        runs.add(Thread.ofPlatform().daemon(true).name("board-run").start(() -> {
            try {
                b.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            Thread.sleep(2);
        }
    }

    static long counter(VirtBoard b, int cpu) {
        return b.memory().read(DATA + 8 + 8L * cpu, 8);
    }

    private static long kernelAddress(VirtBoard b) {
        return b.bootPlan().blobs().stream().filter(x -> x.what().equals("kernel")).findFirst().orElseThrow()
                .address();
    }

    /** A running guest with CPUs 0-2 counting and CPU 3 off. */
    private VirtBoard runningGuest() throws Exception {
        return runningGuest(2);
    }

    private VirtBoard runningGuest(int gicVersion) throws Exception {
        VirtBoard a = board(4, gicVersion);
        start(a);
        await(() -> counter(a, 0) > 1000 && counter(a, 1) > 1000 && counter(a, 2) > 1000);
        return a;
    }

    @ParameterizedTest(name = "GICv{0}")
    @ValueSource(ints = {2, 3})
    void runningSmpGuestRoundTripsWithTheSameArchitecturalState(int gicVersion) throws Exception {
        VirtBoard a = runningGuest(gicVersion);
        Path file = dir.resolve("vm.snap");
        Map<String, String> before = captureAndSave(a, file);

        long savedCount = Snapshot.read(file).require(SectionId.COUNTER, 0).input().readLong();
        Thread.sleep(300); // the file lies around; the guest's time must not see that

        VirtBoard b = board(4, gicVersion);
        long t0 = System.nanoTime();
        b.machine().loadSnapshot(file);
        long count = b.machine().cpu(0).sys.timer.physicalCount();
        long elapsedTicks = (System.nanoTime() - t0) / 16 + 1;
        assertTrue(count >= savedCount && count - savedCount <= elapsedTicks,
                "the counter continues from " + savedCount + ": " + count + " after " + elapsedTicks + " ticks");
        // With CVAL restored too (in the state below), each timer is as far from firing as when saved.
        assertSameState(before, capture(b), "restored VM");

        // Runs on from the saved PCs: the counters continue from their saved values, CPU 3 stays off.
        long[] saved = {counter(b, 0), counter(b, 1), counter(b, 2)};
        start(b);
        await(() -> counter(b, 0) > saved[0] + 1000 && counter(b, 1) > saved[1] + 1000
                && counter(b, 2) > saved[2] + 1000);
        assertEquals(0, counter(b, 3));
        assertEquals(PowerController.AFFINITY_OFF, b.machine().affinityInfo(3));
        assertEquals(1, b.memory().read(DATA, 8), "restored, not booted");
    }

    static void assertSameState(Map<String, String> expected, Map<String, String> actual, String what) {
        List<String> diffs = new ArrayList<>();
        for (String k : expected.keySet()) {
            if (!expected.get(k).equals(actual.get(k))) {
                diffs.add(k + ": " + expected.get(k) + " -> " + actual.get(k));
            }
        }
        for (String k : actual.keySet()) {
            if (!expected.containsKey(k)) {
                diffs.add(k + ": (none) -> " + actual.get(k));
            }
        }
        assertTrue(diffs.isEmpty(), what + ": " + diffs);
    }

    /** Captures the state with the vCPUs paused, and saves the snapshot in the same pause. */
    private Map<String, String> captureAndSave(VirtBoard a, Path file) throws Exception {
        Machine m = a.machine();
        return m.whilePaused(() -> {
            Map<String, String> state = capture(a);
            m.saveSnapshot(file);
            return state;
        });
    }

    /**
     * The architectural state of the whole VM, as names and values: power states; every on vCPU's registers and
     * readable system registers (the time itself excepted); each CPU's view of the GIC registers; a RAM hash.
     */
    static Map<String, String> capture(VirtBoard b) {
        Map<String, String> s = new LinkedHashMap<>();
        Machine m = b.machine();
        for (int i = 0; i < b.config().smp(); i++) {
            s.put("cpu" + i + ".power", String.valueOf(m.affinityInfo(i)));
            Cpu c = m.cpu(i);
            if (m.affinityInfo(i) != PowerController.AFFINITY_ON) {
                continue; // an off vCPU's registers are not observable: CPU_ON starts it from reset
            }
            for (int n = 0; n < 31; n++) {
                s.put("cpu" + i + ".x" + n, Long.toHexString(c.x(n)));
            }
            for (int el = 0; el < 4; el++) {
                s.put("cpu" + i + ".sp_el" + el, Long.toHexString(c.spOf(el)));
            }
            s.put("cpu" + i + ".pc", Long.toHexString(c.pc));
            s.put("cpu" + i + ".pstate", Long.toHexString(c.pstate()));
            for (int n = 0; n < c.v.length; n++) {
                s.put("cpu" + i + ".v" + n, Long.toHexString(c.v[n]));
            }
            s.put("cpu" + i + ".fpcr", Integer.toHexString(c.fpcr));
            s.put("cpu" + i + ".fpsr", Integer.toHexString(c.fpsr));
            for (SysReg r : c.sys.available()) {
                if (r.reader() != null && !TIME_REGISTERS.contains(r.name()) && !r.name().contains("_IAR")) {
                    s.put("cpu" + i + "." + r.name(), Long.toHexString(r.reader().read(c)));
                }
            }
            s.put("cpu" + i + ".irq", c.irqLine + "/" + c.fiqLine);
        }
        PhysicalMemory mem = b.memory();
        captureGic(s, b.interruptController(), b.config().smp());
        s.put("ram.sha256", ramHash(mem, b.config().ramSize()));
        return s;
    }

    /**
     * The GIC's registers as userspace reads them (side-effect free, so the acknowledge registers too): the
     * distributor as each CPU sees it (banked registers), each GICv2 CPU interface, each GICv3 redistributor.
     */
    private static void captureGic(Map<String, String> s, InterruptController gic, int cpus) {
        for (int i = 0; i < cpus; i++) {
            for (int off = 0; off < 0x1000; off += 4) {
                s.put("cpu" + i + ".gicd+" + Integer.toHexString(off),
                        Integer.toHexString(gic.readRegister(GicFrame.DISTRIBUTOR, i, off)));
            }
            if (gic.version() == 2) {
                for (int off = 0; off < 0x100; off += 4) {
                    s.put("cpu" + i + ".gicc+" + Integer.toHexString(off),
                            Integer.toHexString(gic.readRegister(GicFrame.CPU_INTERFACE, i, off)));
                }
            } else {
                s.put("gicr" + i + ".waker", Integer.toHexString(gic.readRegister(GicFrame.REDISTRIBUTOR, i, 0x14)));
                for (int off = 0x1_0080; off < 0x1_0420; off += 4) {
                    s.put("gicr" + i + ".sgi+" + Integer.toHexString(off),
                            Integer.toHexString(gic.readRegister(GicFrame.REDISTRIBUTOR, i, off)));
                }
                s.put("gicr" + i + ".icfgr1",
                        Integer.toHexString(gic.readRegister(GicFrame.REDISTRIBUTOR, i, 0x1_0c04)));
            }
        }
        if (gic.version() == 3) {
            for (int off = 0x6100; off < 0x6800; off += 4) {
                s.put("gicd+" + Integer.toHexString(off),
                        Integer.toHexString(gic.readRegister(GicFrame.DISTRIBUTOR, 0, off)));
            }
        }
    }

    private static String ramHash(PhysicalMemory mem, long size) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (long off = 0; off < size; off += 1 << 20) {
                MemorySegment chunk = mem.ramSlice(VirtMemoryMap.RAM_BASE + off, 1 << 20);
                d.update(chunk.asByteBuffer());
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void snapshotCarriesMpStatesAndOnlyNonZeroPages() throws Exception {
        VirtBoard a = runningGuest();
        Path file = dir.resolve("vm.snap");
        a.machine().saveSnapshot(file);
        Snapshot s = Snapshot.read(file);
        var in = s.require(SectionId.MP_STATE, 0).input();
        assertEquals(4, in.readInt());
        assertArrayEquals(new int[] {0, 0, 0, 5}, new int[] {in.readInt(), in.readInt(), in.readInt(), in.readInt()},
                "KVM_MP_STATE_RUNNABLE for CPUs 0-2, KVM_MP_STATE_STOPPED for CPU 3");
        assertTrue(s.require(SectionId.CPU, 3).input().readBoolean(), "CPU 3 never ran: its reset state is saved");
        // 128 MiB of RAM, of which the image, the DTB and the data page are not zero.
        assertTrue(Files.size(file) < 2 << 20, "only non-zero pages are saved: " + Files.size(file));
    }

    @Test
    void corruptTruncatedAndMismatchedSnapshotsAreRefusedLeavingTheTargetAsItWas() throws Exception {
        VirtBoard a = runningGuest();
        Path good = dir.resolve("good.snap");
        a.machine().saveSnapshot(good);
        byte[] bytes = Files.readAllBytes(good);

        VirtBoard target = runningGuest(); // a running VM whose state must survive the refusals
        VirtBoard two = board(2);
        record Case(String name, byte[] data, VirtBoard into, String message) {
        }
        byte[] corrupt = bytes.clone();
        corrupt[bytes.length / 2] ^= 0x40;
        byte[] badTrailer = bytes.clone();
        badTrailer[bytes.length - 1] ^= 1;
        List<Case> cases = List.of(
                new Case("corrupt", corrupt, target, "fails its checksum"),
                new Case("truncated", java.util.Arrays.copyOf(bytes, bytes.length - 100), target, "truncated"),
                new Case("trailer", badTrailer, target, "the stream checksum does not match"),
                new Case("empty", new byte[0], target, "not an Armature snapshot"),
                new Case("vcpus", bytes, two, "snapshot has 4 vCPUs, this VM has 2"));
        for (Case c : cases) {
            Path f = dir.resolve(c.name + ".snap");
            Files.write(f, c.data);
            checkRefusal(c.into, f, c.message);
        }
        // The running target was not disturbed either: it still runs its own guest.
        long c1 = counter(target, 1);
        await(() -> counter(target, 1) > c1 + 1000);
    }

    /** Loads {@code f} into {@code b} (paused, to compare states) expecting a refusal naming {@code message}. */
    private void checkRefusal(VirtBoard b, Path f, String message) throws Exception {
        b.machine().whilePaused(() -> {
            Map<String, String> before = capture(b);
            SnapshotException e = assertThrows(SnapshotException.class, () -> b.machine().loadSnapshot(f));
            assertTrue(e.getMessage().contains(message), f.getFileName() + ": " + e.getMessage());
            assertSameState(before, capture(b), f.getFileName() + ": the target VM changed");
            return null;
        });
    }

    @Test
    void aVcpuPoweredOnButNeverRunResumesAtItsEntry() throws Exception {
        VirtBoard a = board(4);
        long entry = kernelAddress(a) + SECONDARY;
        // Not running: CPU_ON makes vCPU 2 RUNNABLE with its entry and context, and it has not run yet.
        a.bootPlan().load(a.memory());
        assertEquals(0, a.machine().cpuOn(2, entry, 3));
        Path file = dir.resolve("fresh.snap");
        a.machine().saveSnapshot(file);

        VirtBoard b = board(4);
        b.machine().loadSnapshot(file);
        assertEquals(PowerController.AFFINITY_ON, b.machine().affinityInfo(0), "the boot vCPU: runnable since init");
        assertEquals(PowerController.AFFINITY_OFF, b.machine().affinityInfo(1));
        assertEquals(PowerController.AFFINITY_ON, b.machine().affinityInfo(2));
        assertEquals(entry, b.machine().cpu(2).pc);
        start(b);
        await(() -> counter(b, 3) > 1000); // context 3 selects counter 3
        assertEquals(0, counter(b, 0), "CPU0 was off in the snapshot: the run does not boot it");
        assertEquals(0, b.memory().read(DATA, 8));
    }

    @Test
    void systemResetAfterRestoreUsesTheBoardDefaultsNotTheMigratedPowerStates() throws Exception {
        VirtBoard a = runningGuest();
        Path file = dir.resolve("vm.snap");
        a.machine().saveSnapshot(file);

        VirtBoard b = board(4);
        b.machine().loadSnapshot(file);
        start(b);
        long c1 = counter(b, 1);
        await(() -> counter(b, 1) > c1 + 1000);
        b.machine().systemReset();
        await(() -> b.memory().read(DATA, 8) == 2); // CPU0 booted again (the guest starts no one on a reboot)
        long c0 = counter(b, 0);
        await(() -> counter(b, 0) > c0 + 1000);
        for (int i = 1; i < 4; i++) {
            assertEquals(PowerController.AFFINITY_OFF, b.machine().affinityInfo(i), "CPU " + i);
        }
        long c2 = counter(b, 2);
        Thread.sleep(20);
        assertEquals(c2, counter(b, 2), "CPU 2 was on in the snapshot, but a reset powers it off");
    }

    @Test
    void aSnapshotThatCannotBeWrittenSaysWhyAndTheGuestRunsOn() throws Exception {
        VirtBoard a = runningGuest();
        Path file = dir.resolve("no/such/dir/vm.snap");
        SnapshotException e = assertThrows(SnapshotException.class, () -> a.machine().saveSnapshot(file));
        assertEquals("cannot write snapshot " + file + ": no such directory", e.getMessage());
        long c1 = counter(a, 1);
        await(() -> counter(a, 1) > c1 + 1000);
    }

    /** State the stream format does not carry yet blocks snapshots instead of being dropped. */
    @ParameterizedTest
    @ValueSource(strings = {"pci-testdev", "gicv2-virtualization"})
    void devicesWhoseStateIsNotSavedBlockSnapshots(String what, @TempDir Path dir) throws Exception {
        boolean pci = what.equals("pci-testdev");
        VirtConfig config = new VirtConfig(128L << 20, 1, CpuModel.CORTEX_A57, 2, !pci, 1,
                VirtConfig.VirtioSerial.NONE, VirtConfig.Dma.NONE, List.of(), pci);
        VirtBoard b = new VirtBoard(config, new VirtBoard.Boot(new KernelImage.Raw(new byte[16]), null, "", null),
                null, false, DebugLog.OFF);
        boards.add(b);
        Path file = dir.resolve("blocked.snap");
        SnapshotException e = assertThrows(SnapshotException.class, () -> b.machine().saveSnapshot(file));
        assertTrue(e.getMessage().contains(pci ? "pci-testdev" : "GICH/GICV"), e.getMessage());
        assertFalse(Files.exists(file), "nothing written");
    }
}
