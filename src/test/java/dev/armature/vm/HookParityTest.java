package dev.armature.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armature.memory.Region;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Each hook kind sees the same events in the same order under the interpreter and the translator, on the same
 * guest code: run once cold and then often enough for the translator to run it from translated blocks
 * (hot=1 in the foreground, and in the background as by default: the default threshold is far beyond what a
 * unit test's guest runs).
 */
class HookParityTest {
    private static final long CODE = 0x1_0000;
    private static final long DATA = 0x2_0000;
    private static final long LAZY = 0x7000_0000L;
    private static final long RETURN = 0xdead_0000L;
    private static final int RUNS = 60; // the loop block runs 240 times, the others 60: all beyond hot=1

    /** The guest: a load/add/store loop, MRS/MSR, SVC, UDF, a load from unmapped memory, byte/halfword accesses. */
    private static final int[] GUEST = {
        0xd2800002, // 00 mov  x2, #0
        0xf8627823, // 04 1: ldr x3, [x1, x2, lsl #3]
        0x8b020063, // 08 add  x3, x3, x2
        0xf8227823, // 0c str  x3, [x1, x2, lsl #3]
        0x91000442, // 10 add  x2, x2, #1
        0xf100105f, // 14 cmp  x2, #4
        0x54ffff61, // 18 b.ne 1b
        0xd53bd045, // 1c mrs  x5, tpidr_el0
        0x910004a5, // 20 add  x5, x5, #1
        0xd51bd045, // 24 msr  tpidr_el0, x5
        0xd4000841, // 28 svc  #0x42
        0x00000007, // 2c udf  #7
        0xf94000c7, // 30 ldr  x7, [x6]
        0x39400c28, // 34 ldrb w8, [x1, #3]
        0x79004428, // 38 strh w8, [x1, #34]
        0xd65f03c0, // 3c ret
    };

    enum Kind { CODE, CODE_RANGE, BLOCK, MEMORY, FAULT, INVALID, EXCEPTION, SYSREG }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void sameEventsUnderBothAccelerators(Kind kind) {
        List<String> interp = run("interp", kind);
        assertEquals(expectedFirstRun(kind), interp.subList(0, expectedFirstRun(kind).size()), "first run");
        List<String> report = new ArrayList<>();
        assertEquals(interp, run("tcg,hot=1,background=off", kind, report), "translated in the foreground");
        Matcher m = Pattern.compile("(\\d+) interpreted, (\\d+) translated").matcher(report.getFirst());
        assertTrue(m.find(), report.getFirst());
        assertTrue(Long.parseLong(m.group(2)) > 10 * Long.parseLong(m.group(1)),
                "mostly translated code ran: " + m.group());
        assertEquals(interp, run("tcg,hot=1", kind), "translated in the background");
    }

    /** What the first run reports: checked against the guest by hand, so the comparison cannot pass vacuously. */
    private static List<String> expectedFirstRun(Kind kind) {
        List<String> e = new ArrayList<>();
        switch (kind) {
            case CODE -> {
                e.add("code 0x10000");
                for (int i = 0; i < 4; i++) {
                    for (int pc = 0x10004; pc <= 0x10018; pc += 4) {
                        e.add(String.format("code 0x%x", pc));
                    }
                }
                for (int pc : new int[] {0x1001c, 0x10020, 0x10024, 0x10028, 0x1002c, 0x10030, 0x10030, 0x10034,
                        0x10038, 0x1003c}) {
                    e.add(String.format("code 0x%x", pc));
                }
                e.add("end END_ADDRESS");
            }
            case CODE_RANGE -> {
                for (int i = 0; i < 4; i++) {
                    e.add("code 0x10008");
                    e.add("code 0x1000c");
                }
                e.add("end END_ADDRESS");
            }
            case BLOCK -> e.addAll(List.of("block 0x10000+7", "block 0x10004+6", "block 0x10004+6",
                    "block 0x10004+6", "block 0x1001c+3", "block 0x10028+1", "block 0x1002c+1", "block 0x10030+4",
                    "block 0x10030+4", "end END_ADDRESS"));
            case MEMORY -> {
                e.add("FETCH 0x10000/4=0xd2800002");
                for (int i = 0; i < 4; i++) {
                    long a = DATA + 8 * i;
                    e.add("FETCH 0x10004/4=0xf8627823");
                    e.add(String.format("READ 0x%x/8=0x0", a));
                    e.add(String.format("READ_AFTER 0x%x/8=0x%x", a, 100 + i));
                    e.add("FETCH 0x10008/4=0x8b020063");
                    e.add("FETCH 0x1000c/4=0xf8227823");
                    e.add(String.format("WRITE 0x%x/8=0x%x", a, 100 + 2 * i));
                    e.add(String.format("WRITE_AFTER 0x%x/8=0x%x", a, 100 + 2 * i));
                    e.add("FETCH 0x10010/4=0x91000442");
                    e.add("FETCH 0x10014/4=0xf100105f");
                    e.add("FETCH 0x10018/4=0x54ffff61");
                }
            }
            case FAULT -> e.addAll(List.of("fault UNMAPPED READ 0x70000000/8 pc=0x10030 esr=0x96000010",
                    "end END_ADDRESS"));
            case INVALID -> e.addAll(List.of("invalid 0x1002c word=0x7", "end END_ADDRESS"));
            case EXCEPTION -> e.addAll(List.of("exception ec=0x15 iss=0x42 pc=0x1002c",
                    "exception ec=0x0 iss=0x0 pc=0x1002c", "end EXIT_REQUEST"));
            case SYSREG -> e.addAll(List.of("sysreg TPIDR_EL0 read=true value=0x0",
                    "sysreg TPIDR_EL0 read=false value=0x1", "end END_ADDRESS"));
        }
        return e;
    }

    /** Runs the guest RUNS times from the same state with only {@code kind}'s hook installed; returns its events. */
    private static List<String> run(String accel, Kind kind) {
        return run(accel, kind, new ArrayList<>());
    }

    /** Also adds the accelerator's report to {@code report}. */
    private static List<String> run(String accel, Kind kind, List<String> report) {
        List<String> events = new ArrayList<>();
        try (Vm vm = Vm.builder().accel(accel).build()) {
            vm.mapRam(CODE, 0x1000, Region.PROT_READ | Region.PROT_EXEC);
            vm.mapRam(DATA, 0x1000, Region.PROT_READ | Region.PROT_WRITE);
            vm.writePhysical(CODE, words(GUEST));
            byte[] data = new byte[64];
            for (int i = 0; i < 4; i++) {
                ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putLong(8 * i, 100 + i);
            }
            Vcpu cpu = vm.createVcpu(0);
            cpu.init(Set.of());
            cpu.setReg(Reg.x(1), DATA);
            cpu.setReg(Reg.x(6), LAZY);
            cpu.setReg(Reg.x(30), RETURN);
            cpu.setReg(Reg.PC, CODE);
            install(vm, kind, events);
            VcpuContext start = cpu.saveContext();
            for (int r = 0; r < RUNS; r++) {
                cpu.restoreContext(start);
                vm.writePhysical(DATA, data);
                cpu.setSysReg("TPIDR_EL0", 0);
                ExitReason why = cpu.start(CODE, RETURN);
                events.add("end " + why);
                if (kind == Kind.FAULT && vm.memory().find(LAZY) != null) {
                    vm.unmap(LAZY, 0x1000); // fault again next run
                }
            }
            report.add(vm.acceleratorReport());
        }
        return events;
    }

    private static void install(Vm vm, Kind kind, List<String> events) {
        // Without their own hook, the SVC, UDF and unmapped load would derail the guest: handle them silently.
        if (kind != Kind.EXCEPTION) {
            vm.addInterruptHook(0, -1, (v, e) -> {
                if (kind == Kind.INVALID && e.ec() == 0) {
                    return HookAction.DELIVER;
                }
                return HookAction.RESUME;
            });
        }
        if (kind != Kind.INVALID && kind != Kind.EXCEPTION) {
            vm.addInvalidInstructionHook(0, -1, (v, address, word) -> skip(v));
        }
        if (kind != Kind.FAULT) {
            vm.addFaultHook(0, -1, (v, f) -> mapLazy(vm));
        }
        switch (kind) {
            case CODE -> vm.addCodeHook(0, -1, (v, address, word) -> events.add(String.format("code 0x%x", address)));
            case CODE_RANGE -> vm.addCodeHook(CODE + 8, CODE + 0xc, // the add and the store of the loop
                    (v, address, word) -> events.add(String.format("code 0x%x", address)));
            case BLOCK -> vm.addBlockHook(0, -1, (v, address, n) ->
                    events.add(String.format("block 0x%x+%d", address, n)));
            case MEMORY -> vm.addMemoryHook(EnumSet.allOf(MemoryHook.Access.class), CODE, DATA + 0xfff,
                    (v, access, address, size, value) ->
                            events.add(String.format("%s 0x%x/%d=0x%x", access, address, size, value)));
            case FAULT -> vm.addFaultHook(0, -1, (v, f) -> {
                events.add(String.format("fault %s %s 0x%x/%d pc=0x%x esr=0x%x", f.kind(), f.access(), f.address(),
                        f.size(), f.pc(), f.esr()));
                return mapLazy(vm);
            });
            case INVALID -> vm.addInvalidInstructionHook(0, -1, (v, address, word) -> {
                events.add(String.format("invalid 0x%x word=0x%x", address, word));
                return skip(v);
            });
            case EXCEPTION -> vm.addInterruptHook(0, -1, (v, e) -> {
                events.add(String.format("exception ec=0x%x iss=0x%x pc=0x%x", e.ec(), e.iss(), e.pc()));
                return e.ec() == 0x15 ? HookAction.RESUME : HookAction.STOP; // SVC emulated; stop at the UDF
            });
            case SYSREG -> vm.addSysRegHook((v, reg, read, value) ->
                    events.add(String.format("sysreg %s read=%s value=0x%x", reg.name(), read, value)));
        }
    }

    /**
     * Atomic read-modify-writes, compare-and-swaps (failing and succeeding), exclusive loads and stores (one with
     * the monitor closed) and their pairs, at the sizes 1 to 16. Encodings from aarch64-linux-gnu-as
     * (-march=armv8.1-a).
     */
    private static final int[] ATOMIC_GUEST = {
        0x91002029, // 00 add   x9, x1, #8
        0x9100402c, // 04 add   x12, x1, #16
        0xd28000a2, // 08 mov   x2, #5
        0xf8220023, // 0c ldadd x2, x3, [x1]
        0xb8228124, // 10 swp   w2, w4, [x9]
        0xd2800024, // 14 mov   x4, #1
        0xc8a47c25, // 18 cas   x4, x5, [x1]              fails: memory holds 105
        0xc8a47c25, // 1c cas   x4, x5, [x1]              x4 = 105 now: stores x5
        0x48267d8a, // 20 casp  x6, x7, x10, x11, [x12]
        0xc85f7c2d, // 24 ldxr  x13, [x1]
        0x910005ad, // 28 add   x13, x13, #1
        0xc80e7c2d, // 2c stxr  w14, x13, [x1]
        0xc80e7c2d, // 30 stxr  w14, x13, [x1]            fails: the monitor is closed
        0xc87f4590, // 34 ldxp  x16, x17, [x12]
        0xc82e4191, // 38 stxp  w14, x17, x16, [x12]
        0x887fc590, // 3c ldaxp w16, w17, [x12]
        0x882ec191, // 40 stlxp w14, w17, w16, [x12]
        0x78220123, // 44 ldaddh w2, w3, [x9]
        0x38223123, // 48 ldsetb w2, w3, [x9]
        0xd65f03c0, // 4c ret
    };

    @org.junit.jupiter.api.Test
    void atomicAndExclusiveAccessesReportTheirReadsAndTheStoresThatHappened() {
        List<String> interp = runAtomics("interp");
        long d = DATA;
        List<String> expected = new ArrayList<>();
        rmw(expected, d, 8, 100, 105);                 // ldadd: 100 + 5
        rmw(expected, d + 8, 4, 101, 5);               // swp
        expected.add(access("READ", d, 8, 0));         // cas expecting 1 finds 105: no store
        expected.add(access("READ_AFTER", d, 8, 105));
        rmw(expected, d, 8, 105, 0x55);                // cas expecting 105 stores x5
        expected.add(access("READ", d + 16, 8, 0));    // casp: two halves, then both stores
        expected.add(access("READ_AFTER", d + 16, 8, 102));
        expected.add(access("READ", d + 24, 8, 0));
        expected.add(access("READ_AFTER", d + 24, 8, 103));
        write(expected, d + 16, 8, 0xaa);
        write(expected, d + 24, 8, 0xbb);
        expected.add(access("READ", d, 8, 0));         // ldxr
        expected.add(access("READ_AFTER", d, 8, 0x55));
        write(expected, d, 8, 0x56);                   // stxr succeeds; the second reports nothing
        expected.add(access("READ", d + 16, 8, 0));    // ldxp of X registers: two halves
        expected.add(access("READ_AFTER", d + 16, 8, 0xaa));
        expected.add(access("READ", d + 24, 8, 0));
        expected.add(access("READ_AFTER", d + 24, 8, 0xbb));
        write(expected, d + 16, 8, 0xbb);              // stxp x17, x16
        write(expected, d + 24, 8, 0xaa);
        expected.add(access("READ", d + 16, 8, 0));    // ldaxp of W registers: one 8-byte access
        expected.add(access("READ_AFTER", d + 16, 8, 0xbb));
        write(expected, d + 16, 8, 0xbb_0000_0000L);   // stlxp w17 (0), w16 (0xbb)
        rmw(expected, d + 8, 2, 5, 10);                // ldaddh
        rmw(expected, d + 8, 1, 10, 15);               // ldsetb
        expected.add("end END_ADDRESS");
        assertEquals(expected, interp.subList(0, expected.size()), "first run");
        assertEquals(interp, runAtomics("tcg,hot=1,background=off"), "translated in the foreground");
        assertEquals(interp, runAtomics("tcg"), "translated in the background");
    }

    private static void rmw(List<String> events, long address, int size, long old, long stored) {
        events.add(access("READ", address, size, 0));
        events.add(access("READ_AFTER", address, size, old));
        write(events, address, size, stored);
    }

    private static void write(List<String> events, long address, int size, long value) {
        events.add(access("WRITE", address, size, value));
        events.add(access("WRITE_AFTER", address, size, value));
    }

    private static String access(String access, long address, int size, long value) {
        return String.format("%s 0x%x/%d=0x%x", access, address, size, value);
    }

    /** Runs ATOMIC_GUEST RUNS times from the same state with a hook on every data access; returns its events. */
    private static List<String> runAtomics(String accel) {
        List<String> events = new ArrayList<>();
        try (Vm vm = Vm.builder().accel(accel).build()) {
            vm.mapRam(CODE, 0x1000, Region.PROT_READ | Region.PROT_EXEC);
            vm.mapRam(DATA, 0x1000, Region.PROT_READ | Region.PROT_WRITE);
            vm.writePhysical(CODE, words(ATOMIC_GUEST));
            byte[] data = new byte[32];
            for (int i = 0; i < 4; i++) {
                ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putLong(8 * i, 100 + i);
            }
            Vcpu cpu = vm.createVcpu(0);
            cpu.init(Set.of());
            cpu.setReg(Reg.x(1), DATA);
            cpu.setReg(Reg.x(5), 0x55);
            cpu.setReg(Reg.x(6), 102);
            cpu.setReg(Reg.x(7), 103);
            cpu.setReg(Reg.x(10), 0xaa);
            cpu.setReg(Reg.x(11), 0xbb);
            cpu.setReg(Reg.x(30), RETURN);
            vm.addMemoryHook(EnumSet.range(MemoryHook.Access.READ, MemoryHook.Access.WRITE_AFTER), DATA, DATA + 0xfff,
                    (v, access, address, size, value) -> events.add(access(access.name(), address, size, value)));
            VcpuContext start = cpu.saveContext();
            for (int r = 0; r < RUNS; r++) {
                cpu.restoreContext(start);
                vm.writePhysical(DATA, data);
                events.add("end " + cpu.start(CODE, RETURN));
            }
            assertEquals(0xf, vm.readPhysical(DATA + 8, 1)[0], "the last ldsetb's result is in memory");
        }
        return events;
    }

    /** Which hook changes a callback makes ({@link #hooksChangedFromCallbacksTakeEffectAtTheNextBlock}). */
    enum Change { FROM_CODE_HOOK, FROM_MEMORY_HOOK }

    /**
     * Hooks added and removed from inside callbacks apply at the vCPU's next block boundary — the end of the block,
     * or before the next hooked instruction — identically under both accelerators, and a removed hook is not
     * called again.
     */
    @ParameterizedTest
    @EnumSource(Change.class)
    void hooksChangedFromCallbacksTakeEffectAtTheNextBlock(Change change) {
        List<String> interp = runChanging("interp", change);
        List<String> e = new ArrayList<>();
        switch (change) {
            case FROM_CODE_HOOK -> {
                // The code hook adds a block hook and a write hook at 0x10008 of the first block: they apply before
                // the next hooked instruction, which starts a block there. It removes itself and the block hook at
                // the third 0x10014; the write hook stays.
                e.addAll(List.of("code 0x10000", "code 0x10004", "code 0x10008", "block 0x1000c+4", "code 0x1000c",
                        "WRITE 0x20000/8=0x64", "code 0x10010", "code 0x10014", "code 0x10018"));
                for (int i = 1; i <= 2; i++) {
                    e.addAll(List.of("block 0x10004+6", "code 0x10004", "code 0x10008", "code 0x1000c",
                            String.format("WRITE 0x%x/8=0x%x", DATA + 8 * i, 100 + 2 * i), "code 0x10010",
                            "code 0x10014"));
                    if (i == 1) {
                        e.add("code 0x10018");
                    }
                }
                e.add("WRITE 0x20018/8=0x6a");
                e.add("WRITE 0x20022/2=0x0"); // strh of byte 3 of the first doubleword
            }
            case FROM_MEMORY_HOOK -> {
                // The write hook adds a code hook and removes itself at the first store: the rest of the block runs
                // as it started, the code hook fires from the next block (the loop's second iteration).
                e.add("WRITE 0x20000/8=0x64");
                for (int i = 1; i < 4; i++) {
                    for (int pc = 0x10004; pc <= 0x10018; pc += 4) {
                        e.add(String.format("code 0x%x", pc));
                    }
                }
                for (int pc : new int[] {0x1001c, 0x10020, 0x10024, 0x10028, 0x1002c, 0x10030, 0x10030, 0x10034,
                        0x10038, 0x1003c}) {
                    e.add(String.format("code 0x%x", pc));
                }
            }
        }
        e.add("end END_ADDRESS");
        assertEquals(e, interp.subList(0, e.size()), "first run");
        assertEquals(interp, runChanging("tcg,hot=1,background=off", change), "translated in the foreground");
        assertEquals(interp, runChanging("tcg", change), "translated in the background");
    }

    /**
     * Straight-line code longer than a translation block: a code hook added by a memory hook's callback at the first
     * instruction applies from the end of the block it is in, instruction 128 (the maximum TB length), under both
     * accelerators; the interpreter's blocks have the translator's maximum length too.
     */
    @Test
    void hookChangesInLongStraightLineCodeApplyAtTheTranslationBlockEnd() {
        int[] guest = new int[202];
        guest[0] = 0xf9000022; // str x2, [x1]
        Arrays.fill(guest, 1, 201, 0x91000463); // add x3, x3, #1
        guest[201] = 0xd65f03c0; // ret
        List<String> expected = new ArrayList<>(List.of("WRITE 0x20000/8=0x0"));
        for (int i = 128; i <= 201; i++) {
            expected.add(String.format("code 0x%x", CODE + 4L * i));
        }
        expected.add("end END_ADDRESS");
        for (String accel : List.of("interp", "tcg,hot=1,background=off")) {
            List<String> events = new ArrayList<>();
            try (Vm vm = Vm.builder().accel(accel).build()) {
                vm.mapRam(CODE, 0x1000, Region.PROT_READ | Region.PROT_EXEC);
                vm.mapRam(DATA, 0x1000, Region.PROT_READ | Region.PROT_WRITE);
                vm.writePhysical(CODE, words(guest));
                Vcpu cpu = vm.createVcpu(0);
                cpu.init(Set.of());
                cpu.setReg(Reg.x(1), DATA);
                cpu.setReg(Reg.x(30), RETURN);
                Hook[] self = new Hook[1];
                self[0] = vm.addMemoryHook(Set.of(MemoryHook.Access.WRITE), DATA, DATA + 0xfff,
                        (v, access, address, size, value) -> {
                            events.add(String.format("%s 0x%x/%d=0x%x", access, address, size, value));
                            vm.addCodeHook(0, -1, (v2, pc, word) -> events.add(String.format("code 0x%x", pc)));
                            self[0].remove();
                        });
                events.add("end " + cpu.start(CODE, RETURN));
                assertEquals(200, cpu.getReg(Reg.x(3)), accel);
            }
            assertEquals(expected, events, accel);
        }
    }

    /** Runs GUEST RUNS times, each with a fresh hook that changes hooks from its callback as {@code change} says. */
    private static List<String> runChanging(String accel, Change change) {
        List<String> events = new ArrayList<>();
        try (Vm vm = Vm.builder().accel(accel).build()) {
            vm.mapRam(CODE, 0x1000, Region.PROT_READ | Region.PROT_EXEC);
            vm.mapRam(DATA, 0x1000, Region.PROT_READ | Region.PROT_WRITE);
            vm.writePhysical(CODE, words(GUEST));
            byte[] data = new byte[64];
            for (int i = 0; i < 4; i++) {
                ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putLong(8 * i, 100 + i);
            }
            Vcpu cpu = vm.createVcpu(0);
            cpu.init(Set.of());
            cpu.setReg(Reg.x(1), DATA);
            cpu.setReg(Reg.x(6), LAZY);
            cpu.setReg(Reg.x(30), RETURN);
            vm.addInterruptHook(0, -1, (v, ev) -> HookAction.RESUME);
            vm.addInvalidInstructionHook(0, -1, (v, address, word) -> skip(v));
            vm.addFaultHook(0, -1, (v, f) -> mapLazy(vm));
            CodeHook code = (v, address, word) -> events.add(String.format("code 0x%x", address));
            MemoryHook write = (v, access, address, size, value) ->
                    events.add(String.format("%s 0x%x/%d=0x%x", access, address, size, value));
            VcpuContext start = cpu.saveContext();
            for (int r = 0; r < RUNS; r++) {
                cpu.restoreContext(start);
                vm.writePhysical(DATA, data);
                List<Hook> added = new ArrayList<>();
                Hook[] self = new Hook[1];
                int[] calls = new int[1];
                switch (change) {
                    case FROM_CODE_HOOK -> self[0] = vm.addCodeHook(CODE, CODE + 0x3c, (v, address, word) -> {
                        code.onInstruction(v, address, word);
                        if (address == CODE + 8 && added.isEmpty()) {
                            added.add(vm.addBlockHook(0, -1, (v2, a, n) ->
                                    events.add(String.format("block 0x%x+%d", a, n))));
                            added.add(vm.addMemoryHook(Set.of(MemoryHook.Access.WRITE), DATA, DATA + 0xfff, write));
                        }
                        if (address == CODE + 0x14 && ++calls[0] == 3) {
                            self[0].remove();
                            added.getFirst().remove();
                        }
                    });
                    case FROM_MEMORY_HOOK -> self[0] = vm.addMemoryHook(Set.of(MemoryHook.Access.WRITE), DATA,
                            DATA + 0xfff, (v, access, address, size, value) -> {
                                write.onAccess(v, access, address, size, value);
                                added.add(vm.addCodeHook(0, -1, code));
                                self[0].remove();
                            });
                }
                events.add("end " + cpu.start(CODE, RETURN));
                self[0].remove();
                added.forEach(Hook::remove);
                if (vm.memory().find(LAZY) != null) {
                    vm.unmap(LAZY, 0x1000);
                }
            }
        }
        return events;
    }

    private static HookAction skip(Vcpu v) {
        v.setReg(Reg.PC, v.getReg(Reg.PC) + 4);
        return HookAction.RESUME;
    }

    private static HookAction mapLazy(Vm vm) {
        vm.mapRam(LAZY, 0x1000, Region.PROT_READ);
        return HookAction.RESUME;
    }

    private static byte[] words(int[] words) {
        ByteBuffer b = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) {
            b.putInt(w);
        }
        return b.array();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void hookedRunsLeaveTheSameState(Kind kind) {
        // Sanity: the guest really ran to its end (the stores landed), whatever hook was installed.
        assertTrue(run("interp", kind).contains("end " + (kind == Kind.EXCEPTION ? "EXIT_REQUEST" : "END_ADDRESS")));
    }
}
