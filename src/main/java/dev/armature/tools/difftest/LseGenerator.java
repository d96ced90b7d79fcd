package dev.armature.tools.difftest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.random.RandomGenerator;

/**
 * ARMv8.1 LSE atomics on aligned addresses in the scratch window: LD&lt;op&gt; (ADD, CLR, EOR, SET, SMAX, SMIN,
 * UMAX, UMIN), SWP, CAS and CASP with every acquire/release variant. Compare values match memory half the time,
 * so both the success and the failure paths of CAS run.
 */
final class LseGenerator {
    private LseGenerator() {
    }

    static int[] words(RandomGenerator r, long[] x, long[] sp, byte[] window) {
        int kind = r.nextInt(4);
        int rn = r.nextInt(32);
        if (kind <= 1) { // LD<op> / SWP
            int size = r.nextInt(4);
            long addr = base(r, rn, 1 << size, x, sp);
            boolean swp = kind == 1;
            int rs = r.nextInt(32);
            int rt = r.nextInt(32);
            return new int[] {size << 30 | 0x3820_0000 | r.nextInt(2) << 23 | r.nextInt(2) << 22 | rs << 16
                    | (swp ? 1 << 15 : 0) | (swp ? 0 : r.nextInt(8)) << 12 | rn << 5 | rt};
        }
        if (kind == 2) { // CAS{A,L,AL}{B,H,,}
            int size = r.nextInt(4);
            long addr = base(r, rn, 1 << size, x, sp);
            int rs = r.nextInt(31);
            if (rs != rn && r.nextBoolean()) { // a matching compare value (upper bits beyond the size random)
                long upper = size == 3 ? 0 : r.nextLong() << (8 << size);
                x[rs] = read(window, addr, 1 << size) | upper;
            }
            return new int[] {size << 30 | 0x08a0_7c00 | r.nextInt(2) << 22 | rs << 16 | r.nextInt(2) << 15 | rn << 5
                    | r.nextInt(32)};
        }
        int sz = r.nextInt(2); // CASP: pairs of W or X registers
        int bytes = 4 << sz;
        long addr = base(r, rn, 2 * bytes, x, sp);
        int rs = 2 * r.nextInt(15);
        int rt = 2 * r.nextInt(16);
        if (rs != rn && rs + 1 != rn && r.nextBoolean()) {
            x[rs] = read(window, addr, bytes);
            x[rs + 1] = read(window, addr + bytes, bytes);
        }
        return new int[] {sz << 30 | 0x0820_7c00 | r.nextInt(2) << 22 | rs << 16 | r.nextInt(2) << 15 | rn << 5 | rt};
    }

    /** Points register {@code rn} (or SP) at an address aligned to {@code align} in the window. */
    private static long base(RandomGenerator r, int rn, int align, long[] x, long[] sp) {
        int step = Math.max(align, rn == 31 ? 16 : 1);
        long addr = BatchProgram.WINDOW + (long) step * r.nextInt(BatchProgram.WINDOW_SIZE / step);
        if (rn == 31) {
            sp[0] = addr;
        } else {
            x[rn] = addr;
        }
        return addr;
    }

    private static long read(byte[] window, long addr, int bytes) {
        ByteBuffer b = ByteBuffer.wrap(window).order(ByteOrder.LITTLE_ENDIAN);
        int off = (int) (addr - BatchProgram.WINDOW);
        return switch (bytes) {
            case 1 -> b.get(off) & 0xffL;
            case 2 -> b.getShort(off) & 0xffffL;
            case 4 -> b.getInt(off) & 0xffff_ffffL;
            default -> b.getLong(off);
        };
    }
}
