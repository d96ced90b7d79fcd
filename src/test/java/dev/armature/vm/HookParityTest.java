package dev.armature.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armature.memory.Region;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Each hook kind sees the same events in the same order under the interpreter and the translator, on the same
 * guest code: run once cold and then often enough for the translator to run it from translated blocks
 * (hot=1 in the foreground, and the default background translation).
 */
class HookParityTest {
    private static final long CODE = 0x1_0000;
    private static final long DATA = 0x2_0000;
    private static final long LAZY = 0x7000_0000L;
    private static final long RETURN = 0xdead_0000L;
    private static final int RUNS = 60; // beyond the default hot threshold (50)

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
        assertEquals(interp, run("tcg", kind), "translated in the background");
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
