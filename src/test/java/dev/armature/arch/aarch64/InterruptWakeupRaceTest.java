package dev.armature.arch.aarch64;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The interrupt line rising on another thread while the vCPU unmasks IRQs (ERET, MSR DAIFClr) must always leave
 * an exit request: each side stores (the line; DAIF) and then reads the other's state in {@link
 * Cpu#updateInterrupts}, and without a fence between the two on the vCPU's side both could read the old value
 * (store buffering) and the interrupt was lost until the line changed again. Many races in a row, each started
 * from a spin barrier so the two stores land within a few nanoseconds of each other.
 */
class InterruptWakeupRaceTest {
    private static final int ROUNDS = 1_000_000;
    private static final int MASKED = 0x3c0;
    private static final int IRQ_UNMASKED = 0x340;

    private final TestMachine m = new TestMachine(CpuModel.CORTEX_A57);
    private final Cpu cpu = m.cpu;

    @AfterEach
    void close() {
        m.close();
    }

    @Test
    void anUnmaskRacingALineRiseAlwaysRequestsTheExit() throws Exception {
        AtomicInteger start = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Thread controller = new Thread(() -> {
            for (int round = 1; round <= ROUNDS; round++) {
                while (start.get() != round) {
                    Thread.onSpinWait();
                }
                cpu.setInterruptLines(true, false);
                done.incrementAndGet();
            }
        });
        controller.setDaemon(true);
        controller.start();
        int lost = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            cpu.setInterruptLines(false, false);
            cpu.daif = MASKED;
            cpu.takeExitRequest();
            start.set(round);
            cpu.daif = IRQ_UNMASKED; // what ERET and MSR DAIFClr do before updateInterrupts
            cpu.updateInterrupts();
            while (done.get() != round) {
                Thread.onSpinWait();
            }
            if ((cpu.takeExitRequest() & Cpu.EXIT_INTERRUPT) == 0) {
                lost++;
            }
        }
        controller.join();
        assertEquals(0, lost, "interrupts left pending without an exit request");
    }
}
