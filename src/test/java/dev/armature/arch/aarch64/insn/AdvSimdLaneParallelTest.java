package dev.armature.arch.aarch64.insn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.armature.arch.aarch64.Simd;
import dev.armature.arch.aarch64.Swar;
import dev.armature.arch.aarch64.insn.AdvSimdThreeSame.Op;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The lane-parallel (SWAR) forms agree with the element-by-element definitions, lane boundaries included. */
class AdvSimdLaneParallelTest {
    private static final Op[] OPS = {Op.ADD, Op.SUB, Op.CMEQ, Op.CMTST, Op.CMHI, Op.CMHS, Op.CMGT, Op.CMGE, Op.UMIN,
        Op.UMAX, Op.SMIN, Op.SMAX};

    /** Random words biased to lanes of 0, 1, the sign bit, all ones and equal lanes. */
    private static long operand(SplittableRandom r, int esize, long other) {
        long x = 0;
        for (int i = 0; i < 64 / esize; i++) {
            long lane = switch (r.nextInt(6)) {
                case 0 -> 0;
                case 1 -> 1;
                case 2 -> 1L << (esize - 1);
                case 3 -> -1L;
                case 4 -> Simd.lane(other, 0, i, esize);
                default -> r.nextLong();
            };
            x |= Simd.place(lane, i, esize);
        }
        return x;
    }

    @Test
    void threeSameMatchesTheElementDefinitions() {
        SplittableRandom r = new SplittableRandom(3);
        for (int esize = 8; esize <= 32; esize *= 2) {
            long h = Swar.high(esize);
            for (int k = 0; k < 20000; k++) {
                long a = operand(r, esize, 0);
                long b = operand(r, esize, a);
                for (Op op : OPS) {
                    long expected = 0;
                    for (int i = 0; i < 64 / esize; i++) {
                        long e = AdvSimdThreeSame.apply(op, null, Simd.lane(a, 0, i, esize),
                                Simd.lane(b, 0, i, esize), 0, esize);
                        expected |= Simd.place(e, i, esize);
                    }
                    assertEquals(expected, AdvSimdThreeSame.swar(op, a, b, esize, h),
                            op + " esize " + esize + " " + Long.toHexString(a) + ", " + Long.toHexString(b));
                }
            }
        }
    }

    @Test
    void compactEvenGathersTheEvenLanes() {
        assertEquals(0x0000_0000_6644_2200L, Swar.compactEven(0x0066_0044_0022_0000L, 8));
        assertEquals(0x0000_0000_4444_2222L, Swar.compactEven(0x0000_4444_0000_2222L, 16));
        assertEquals(0x0000_0000_1234_5678L, Swar.compactEven(0x0000_0000_1234_5678L, 32));
    }
}
