package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;

/** Data-transfer steps shared by the load/store families (and callable from translated code). */
public final class Transfer {
    private Transfer() {
    }

    /**
     * Extends a zero-extended loaded value: {@code signShift} = 64 - 8 * size for sign extension (0 for zero
     * extension), then {@code mask} keeps 32 bits for a W destination (-1 for X). Branch-free, so one class
     * serves LDRB/LDRH/LDR/LDRSB/LDRSH/LDRSW.
     */
    public static long extend(long value, int signShift, long mask) {
        return (value << signShift >> signShift) & mask;
    }

    /**
     * Loads a SIMD&amp;FP register (B/H/S/D: {@code size} 1..8 bytes, Q: 16) from {@code va}; a scalar load zeroes
     * the rest of the register. Both halves of a Q load are read before the register changes, so a fault on
     * the second leaves it intact.
     */
    public static void loadVector(Cpu cpu, long va, int vt, int size) {
        long[] v = cpu.v;
        if (size == 16) {
            long low = cpu.read(va, 8);
            long high = cpu.read(va + 8, 8);
            v[2 * vt] = low;
            v[2 * vt + 1] = high;
        } else {
            v[2 * vt] = cpu.read(va, size);
            v[2 * vt + 1] = 0;
        }
    }

    /** Stores the low {@code size} bytes (1..16) of a SIMD&amp;FP register at {@code va}. */
    public static void storeVector(Cpu cpu, long va, int vt, int size) {
        long[] v = cpu.v;
        if (size == 16) {
            cpu.write(va, 8, v[2 * vt]);
            cpu.write(va + 8, 8, v[2 * vt + 1]);
        } else {
            cpu.write(va, size, v[2 * vt]);
        }
    }
}
