package dev.armature.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Guest RAM reached by host address: how vCPU soft-TLB entries access RAM (like the addend of QEMU's TLB). An
 * entry holds the host address of its page, so a hit is a tag compare, an add and one plain access through a
 * single always-alive segment spanning the host address space, whose only check (offset within it) the JIT
 * hoists; per-region segments would cost a liveness check of their arena and their own bounds check on every
 * access.
 *
 * <p>No check here can catch a stale address: the caller guarantees the backing memory is still mapped. The rule
 * (see {@link PhysicalMemory}) is that RAM backing is freed only when nothing can hold its address: the
 * {@link PhysicalMemory} arena when the VM is closed after its vCPU threads stopped, and caller-owned backing
 * (Linux user mode) by the garbage collector, which cannot free it while a TLB entry keeps a reference to its
 * segment. All accesses are little-endian; plain ones may be unaligned, atomic ones must be naturally aligned.
 */
public final class HostRam {
    /** Every host address: the global scope is never closed, so accesses check only the offset. */
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    // Plain accesses: the handles themselves, so the hit path inlines without going through the layouts.
    private static final VarHandle U8 = PhysicalMemory.U8.varHandle();
    private static final VarHandle U16 = PhysicalMemory.U16.varHandle();
    private static final VarHandle U32 = PhysicalMemory.U32.varHandle();
    private static final VarHandle U64 = PhysicalMemory.U64.varHandle();
    private static final VarHandle ATOMIC_INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle ATOMIC_LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private HostRam() {
    }

    /** Reads {@code size} (1, 2, 4, 8) little-endian bytes at host address {@code address}, zero-extended. */
    public static long load(long address, int size) {
        return switch (size) {
            case 1 -> (byte) U8.get(ALL, address) & 0xffL;
            case 2 -> (short) U16.get(ALL, address) & 0xffffL;
            case 4 -> (int) U32.get(ALL, address) & 0xffff_ffffL;
            case 8 -> (long) U64.get(ALL, address);
            default -> throw new IllegalArgumentException("access size " + size);
        };
    }

    /** Writes the low {@code size} (1, 2, 4, 8) bytes of {@code value} little-endian at host {@code address}. */
    public static void store(long address, int size, long value) {
        switch (size) {
            case 1 -> U8.set(ALL, address, (byte) value);
            case 2 -> U16.set(ALL, address, (short) value);
            case 4 -> U32.set(ALL, address, (int) value);
            case 8 -> U64.set(ALL, address, value);
            default -> throw new IllegalArgumentException("access size " + size);
        }
    }

    /** The little-endian word at {@code address} (an instruction fetch; unaligned allowed). */
    public static int loadInt(long address) {
        return (int) U32.get(ALL, address);
    }

    // ---- atomics: naturally aligned host addresses, sequentially consistent ----

    public static int getIntVolatile(long address) {
        return (int) ATOMIC_INT.getVolatile(ALL, address);
    }

    public static long getLongVolatile(long address) {
        return (long) ATOMIC_LONG.getVolatile(ALL, address);
    }

    public static void setLongVolatile(long address, long value) {
        ATOMIC_LONG.setVolatile(ALL, address, value);
    }

    public static int compareAndExchangeInt(long address, int expected, int value) {
        return (int) ATOMIC_INT.compareAndExchange(ALL, address, expected, value);
    }

    public static long compareAndExchangeLong(long address, long expected, long value) {
        return (long) ATOMIC_LONG.compareAndExchange(ALL, address, expected, value);
    }

    public static boolean compareAndSetInt(long address, int expected, int value) {
        return ATOMIC_INT.compareAndSet(ALL, address, expected, value);
    }
}
