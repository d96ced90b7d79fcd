package dev.armature.devices.gic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Four threads, one per vCPU, send SGIs to each other and acknowledge/EOI their own when their IRQ line is
 * raised, sleeping in WFI otherwise.
 * Sender i uses SGI i and sends to a target again only once the target has acknowledged the previous one (so
 * no two sends coalesce into one pending state); every SGI sent must be received exactly once.
 */
class GicConcurrencyTest {
    private static final int CPUS = 4;
    private static final int ROUNDS = 2000;

    /** How a vCPU thread talks to its CPU interface. */
    private interface Port {
        void send(int from, int to, int sgi);

        /** Acknowledge; returns the IAR value (1023 if nothing). */
        int ack(int cpu);

        void eoi(int cpu, int iar);

        /** The sender of an acknowledged SGI. */
        int source(int iar);
    }

    @Test
    @Timeout(60)
    void gicV2SgisAreDeliveredExactlyOnce() throws Exception {
        try (GicFixture f = GicV2Test.enabled(CPUS)) {
            run(f, new Port() {
                @Override
                public void send(int from, int to, int sgi) {
                    f.write(from, GicFixture.GICD + 0xf00, 1 << to << 16 | sgi);
                }

                @Override
                public int ack(int cpu) {
                    return (int) f.read(cpu, GicFixture.GICC + 0x0c);
                }

                @Override
                public void eoi(int cpu, int iar) {
                    f.write(cpu, GicFixture.GICC + 0x10, iar);
                }

                @Override
                public int source(int iar) {
                    assertEquals(iar & 0xf, iar >> 10 & 7); // the source CPU bits agree with the SGI used
                    return iar >> 10 & 7;
                }
            });
        }
    }

    @Test
    @Timeout(60)
    void gicV3SgisAreDeliveredExactlyOnce() throws Exception {
        try (GicFixture f = GicV3Test.enabled(CPUS)) {
            run(f, new Port() {
                @Override
                public void send(int from, int to, int sgi) {
                    f.sys(from, IccRegisters.ICC_SGI1R_EL1, (long) sgi << 24 | 1L << to);
                }

                @Override
                public int ack(int cpu) {
                    return (int) f.sys(cpu, IccRegisters.ICC_IAR1_EL1);
                }

                @Override
                public void eoi(int cpu, int iar) {
                    f.sys(cpu, IccRegisters.ICC_EOIR1_EL1, iar);
                }

                @Override
                public int source(int iar) {
                    return iar;
                }
            });
        }
    }

    private static void run(GicFixture f, Port port) throws InterruptedException {
        AtomicIntegerArray outstanding = new AtomicIntegerArray(CPUS * CPUS); // [from * CPUS + to]
        int[][] sent = new int[CPUS][CPUS]; // [from][to], written by thread 'from'
        int[][] received = new int[CPUS][CPUS]; // [to][from], written by thread 'to'
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < CPUS; i++) {
            int me = i;
            threads.add(Thread.ofPlatform().name("vcpu" + me).start(() -> {
                try {
                    long lastProgress = System.nanoTime();
                    while (!done(me, sent, received)) {
                        boolean progress = false;
                        for (int t = 0; t < CPUS; t++) {
                            if (t != me && sent[me][t] < ROUNDS && outstanding.compareAndSet(me * CPUS + t, 0, 1)) {
                                port.send(me, t, me);
                                sent[me][t]++;
                                progress = true;
                            }
                        }
                        // Like a CPU, take interrupts only when the line says so. SGIs are private to their
                        // target, so a raised line must mean an SGI is there to acknowledge.
                        if (f.irq(me)) {
                            int iar = port.ack(me);
                            assertNotEquals(Gic.SPURIOUS, iar, "IRQ line high with nothing to acknowledge");
                            for (; iar != Gic.SPURIOUS; iar = port.ack(me)) {
                                int from = port.source(iar);
                                received[me][from]++;
                                outstanding.set(from * CPUS + me, 0);
                                port.eoi(me, iar);
                            }
                            progress = true;
                        }
                        if (progress) {
                            lastProgress = System.nanoTime();
                        } else if (System.nanoTime() - lastProgress > 10_000_000_000L) {
                            throw new AssertionError("CPU " + me + " stalled: a line update was lost");
                        } else {
                            f.cpus.get(me).waitForInterrupt(10_000_000);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertNull(failure.get());
        for (int from = 0; from < CPUS; from++) {
            for (int to = 0; to < CPUS; to++) {
                int expected = from == to ? 0 : ROUNDS;
                assertEquals(expected, sent[from][to]);
                assertEquals(expected, received[to][from], "SGIs from " + from + " to " + to);
            }
        }
        for (int c = 0; c < CPUS; c++) {
            assertFalse(f.irq(c));
            assertEquals(0xff, f.gic instanceof GicV3 ? f.sys(c, IccRegisters.ICC_RPR_EL1)
                    : f.read(c, GicFixture.GICC + 0x14));
        }
    }

    private static boolean done(int me, int[][] sent, int[][] received) {
        for (int o = 0; o < CPUS; o++) {
            if (o != me && (sent[me][o] < ROUNDS || received[me][o] < ROUNDS)) {
                return false;
            }
        }
        return true;
    }
}
