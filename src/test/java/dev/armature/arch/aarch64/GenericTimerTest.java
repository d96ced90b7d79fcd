package dev.armature.arch.aarch64;

import static dev.armature.arch.aarch64.SysRegs.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GenericTimerTest {
    private static final int CNTV_TVAL = key(3, 3, 14, 3, 0);
    private static final int CNTV_CTL = key(3, 3, 14, 3, 1);
    private static final int CNTV_CVAL = key(3, 3, 14, 3, 2);
    private static final int CNTP_TVAL = key(3, 3, 14, 2, 0);
    private static final int CNTP_CTL = key(3, 3, 14, 2, 1);
    private static final int CNTVOFF_EL2 = key(3, 4, 14, 0, 3);

    /** A vCPU whose counter runs 16 ns (one tick) per instruction of {@code insns}. */
    private static TestMachine deterministic(CpuModel model, AtomicLong insns) {
        TestMachine m = new TestMachine(model);
        SystemCounter counter = new SystemCounter();
        counter.setDeterministic(insns::get, 16);
        m.cpu.sys.timer.setCounter(counter);
        return m;
    }

    @Test
    void virtualTimerCountsDownAndAsserts() {
        AtomicLong insns = new AtomicLong(1000);
        try (TestMachine m = deterministic(CpuModel.CORTEX_A57, insns)) {
            SysRegs s = m.cpu.sys;
            List<String> events = new ArrayList<>();
            s.timer.setListener((intid, level) -> events.add(intid + "=" + level));
            assertEquals(1000, s.read(SysRegs.CNTVCT_EL0));
            s.write(CNTV_TVAL, 100);
            assertEquals(1100, s.read(CNTV_CVAL));
            s.write(CNTV_CTL, 1);
            assertEquals(1, s.read(CNTV_CTL)); // enabled, ISTATUS clear
            assertEquals(100 * 16, s.timer.nanosUntilNextDeadline());
            insns.addAndGet(40);
            assertEquals(60, s.read(CNTV_TVAL));
            insns.addAndGet(60);
            assertEquals(0, s.read(CNTV_TVAL));
            assertEquals(5, s.read(CNTV_CTL)); // ISTATUS
            assertTrue(s.timer.virtualTimerAsserted());
            assertEquals(0, s.timer.nanosUntilNextDeadline());
            s.timer.update(); // the run loop polls in deterministic mode
            assertEquals(List.of("27=true"), events);
            insns.addAndGet(5);
            assertEquals(0xffff_fffbL, s.read(CNTV_TVAL)); // -5 as a 32-bit value
            s.write(CNTV_CTL, 3); // IMASK: condition still met, output deasserted
            assertEquals(7, s.read(CNTV_CTL));
            assertFalse(s.timer.virtualTimerAsserted());
            assertEquals(List.of("27=true", "27=false"), events);
            assertEquals(Long.MAX_VALUE, s.timer.nanosUntilNextDeadline());
        }
    }

    @Test
    void physicalTimerAndNegativeTval() {
        AtomicLong insns = new AtomicLong(500);
        try (TestMachine m = deterministic(CpuModel.CORTEX_A57, insns)) {
            SysRegs s = m.cpu.sys;
            List<Integer> raised = new ArrayList<>();
            s.timer.setListener((intid, level) -> {
                if (level) {
                    raised.add(intid);
                }
            });
            s.write(CNTP_CTL, 1);
            s.write(CNTP_TVAL, -10L); // already in the past: asserts at once
            assertEquals(List.of(30), raised);
            assertTrue(s.timer.physicalTimerAsserted());
            s.write(CNTP_CTL, 0);
            assertEquals(0, s.read(CNTP_CTL)); // disabled: ISTATUS reads 0
            assertFalse(s.timer.physicalTimerAsserted());
        }
    }

    @Test
    void virtualOffsetFromEl2() {
        AtomicLong insns = new AtomicLong(10_000);
        try (TestMachine m = deterministic(CpuModel.CORTEX_A57.withEl2(true), insns)) {
            m.cpu.setMode(2, true);
            m.cpu.sys.write(CNTVOFF_EL2, 4000);
            assertEquals(6000, m.cpu.sys.read(SysRegs.CNTVCT_EL0));
            assertEquals(10_000, m.cpu.sys.read(SysRegs.CNTPCT_EL0));
        }
    }

    @Test
    void hostTimeAlarmRaisesTheOutputWithoutPolling() throws Exception {
        try (TestMachine m = new TestMachine(CpuModel.CORTEX_A57)) {
            SysRegs s = m.cpu.sys;
            java.util.concurrent.CountDownLatch fired = new java.util.concurrent.CountDownLatch(1);
            s.timer.setListener((intid, level) -> {
                if (intid == GenericTimer.INTID_VIRTUAL && level) {
                    fired.countDown();
                }
            });
            s.write(CNTV_TVAL, 62_500 * 5); // 5 ms
            s.write(CNTV_CTL, 1);
            assertTrue(fired.await(5, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(s.timer.virtualTimerAsserted());
        }
    }
    @Test
    void hostTimeAlarmStillArmedWhileAnotherTimerIsAsserted() throws Exception {
        try (TestMachine m = new TestMachine(CpuModel.CORTEX_A57)) {
            SysRegs s = m.cpu.sys;
            java.util.concurrent.CountDownLatch fired = new java.util.concurrent.CountDownLatch(1);
            s.timer.setListener((intid, level) -> {
                if (intid == GenericTimer.INTID_VIRTUAL && level) {
                    fired.countDown();
                }
            });
            s.write(CNTP_TVAL, 0);
            s.write(CNTP_CTL, 1); // the physical timer's output is high from now on
            assertTrue(s.timer.physicalTimerAsserted());
            s.write(CNTV_TVAL, 62_500 * 5); // 5 ms
            s.write(CNTV_CTL, 1);
            assertTrue(fired.await(5, java.util.concurrent.TimeUnit.SECONDS));
        }
    }
}
