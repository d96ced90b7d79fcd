package dev.armature.arch.aarch64.fp;

import static dev.armature.arch.aarch64.fp.FpCore.D;
import static dev.armature.arch.aarch64.fp.FpCore.DZC;
import static dev.armature.arch.aarch64.fp.FpCore.H;
import static dev.armature.arch.aarch64.fp.FpCore.IDC;
import static dev.armature.arch.aarch64.fp.FpCore.IOC;
import static dev.armature.arch.aarch64.fp.FpCore.IXC;
import static dev.armature.arch.aarch64.fp.FpCore.OFC;
import static dev.armature.arch.aarch64.fp.FpCore.S;
import static dev.armature.arch.aarch64.fp.FpCore.UFC;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.memory.PhysicalMemory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** FpCore against values worked out from the Arm ARM's FP pseudocode (FPRound, FPProcessNaNs, ...). */
class FpCoreTest {
    private static final int FZ = 1 << 24;
    private static final int DN = 1 << 25;
    private static final int AHP = 1 << 26;
    private static final long ONE_S = 0x3f80_0000L;
    private static final long MAX_S = 0x7f7f_ffffL;
    private static final long INF_S = 0x7f80_0000L;
    private static final long QNAN_S = 0x7fc0_0000L;
    private final Cpu cpu = new Cpu(0, CpuModel.MAX, new CpuMemory(new PhysicalMemory()));

    private Cpu mode(int rmode, int extra) {
        cpu.fpcr = rmode << 22 | extra;
        cpu.fpsr = 0;
        return cpu;
    }

    private void expect(long bits, int flags, long actual) {
        assertEquals(Long.toHexString(bits), Long.toHexString(actual));
        assertEquals(Integer.toHexString(flags), Integer.toHexString(cpu.fpsr));
    }

    @Test
    void addRoundsInEveryMode() {
        long tiny = 0x3380_0000L; // 2^-24: half an ulp of 1.0
        expect(ONE_S, IXC, FpCore.add(mode(FpCore.RN, 0), ONE_S, tiny, S, false));
        expect(ONE_S + 1, IXC, FpCore.add(mode(FpCore.RP, 0), ONE_S, tiny, S, false));
        expect(ONE_S, IXC, FpCore.add(mode(FpCore.RM, 0), ONE_S, tiny, S, false));
        expect(ONE_S, IXC, FpCore.add(mode(FpCore.RZ, 0), ONE_S, tiny, S, false));
        // 1 + 3*2^-24 is 1.5 ulp: ties to even rounds up to 2 ulp.
        expect(ONE_S + 2, IXC, FpCore.add(mode(FpCore.RN, 0), ONE_S, 0x3440_0000L, S, false));
        // Negative result in RM rounds away from zero.
        expect(0xbf80_0001L, IXC, FpCore.add(mode(FpCore.RM, 0), 0xbf80_0000L, 0xb380_0000L, S, false));
    }

    @Test
    void exactZeroSumTakesItsSignFromTheRoundingMode() {
        expect(0, 0, FpCore.add(mode(FpCore.RN, 0), ONE_S, ONE_S, S, true));
        expect(0x8000_0000L, 0, FpCore.add(mode(FpCore.RM, 0), ONE_S, ONE_S, S, true));
        expect(0x8000_0000L, 0, FpCore.add(mode(FpCore.RN, 0), 0x8000_0000L, 0x8000_0000L, S, false));
        expect(0x8000_0000L, 0, FpCore.add(mode(FpCore.RM, 0), 0, 0x8000_0000L, S, false));
    }

    @Test
    void overflowDependsOnMode() {
        expect(INF_S, OFC | IXC, FpCore.add(mode(FpCore.RN, 0), MAX_S, MAX_S, S, false));
        expect(MAX_S, OFC | IXC, FpCore.add(mode(FpCore.RZ, 0), MAX_S, MAX_S, S, false));
        expect(MAX_S, OFC | IXC, FpCore.mul(mode(FpCore.RM, 0), MAX_S, 0x4000_0000L, S));
        expect(0xff7f_ffffL, OFC | IXC, FpCore.mul(mode(FpCore.RP, 0), MAX_S, 0xc000_0000L, S));
    }

    @Test
    void underflowIsTinyBeforeRoundingAndInexact() {
        long minNormal = 0x0080_0000L;
        // Exact subnormal result: no UFC.
        expect(0x0040_0000L, 0, FpCore.mul(mode(FpCore.RN, 0), minNormal, 0x3f00_0000L, S));
        // Inexact tiny result: UFC and IXC.
        expect(0x0000_0001L, UFC | IXC, FpCore.mul(mode(FpCore.RN, 0), 0x0000_0003L, 0x3f00_0000L, S) - 1);
        // Rounds up to the smallest normal, still tiny before rounding: UFC.
        expect(minNormal, UFC | IXC, FpCore.mul(mode(FpCore.RP, 0), 0x007f_ffffL, 0x3f80_0001L, S));
        // FZ flushes a tiny result to zero with UFC only.
        expect(0, UFC, FpCore.mul(mode(FpCore.RN, FZ), minNormal, 0x3f00_0000L, S));
    }

    @Test
    void flushToZeroInputsSetIdc() {
        expect(ONE_S, IDC, FpCore.add(mode(FpCore.RN, FZ), ONE_S, 0x0000_0001L, S, false));
        expect(0x8000_0000L, IDC, FpCore.add(mode(FpCore.RN, FZ), 0x8000_0001L, 0x8000_0000L, S, false));
        // Subnormal divisor flushed to zero divides by zero.
        expect(INF_S, IDC | DZC, FpCore.div(mode(FpCore.RN, FZ), ONE_S, 0x0000_0010L, S));
    }

    @Test
    void nanPropagation() {
        long snan = 0x7f80_0001L;
        long qnan = 0x7fc0_0002L;
        expect(0x7fc0_0001L, IOC, FpCore.add(mode(FpCore.RN, 0), qnan, snan, S, false));
        expect(qnan, 0, FpCore.add(mode(FpCore.RN, 0), qnan, 0x7fc0_0003L, S, false));
        expect(QNAN_S, IOC, FpCore.add(mode(FpCore.RN, DN), qnan, snan, S, false));
        expect(QNAN_S, 0, FpCore.add(mode(FpCore.RN, DN), ONE_S, qnan, S, false));
        // FSUB does not negate a NaN operand.
        expect(0xffc0_0002L, 0, FpCore.add(mode(FpCore.RN, 0), ONE_S, 0xffc0_0002L, S, true));
        expect(QNAN_S, IOC, FpCore.add(mode(FpCore.RN, 0), INF_S, INF_S, S, true));
        expect(QNAN_S, IOC, FpCore.mul(mode(FpCore.RN, 0), INF_S, 0x8000_0000L, S));
        expect(QNAN_S, IOC, FpCore.sqrt(mode(FpCore.RN, 0), 0xbf80_0000L, S));
        expect(0x8000_0000L, 0, FpCore.sqrt(mode(FpCore.RN, 0), 0x8000_0000L, S));
    }

    @Test
    void fusedMultiplyAdd() {
        // inf * 0 + qNaN is the default NaN with IOC (FPMulAdd's special case).
        expect(QNAN_S, IOC, FpCore.mulAdd(mode(FpCore.RN, 0), 0x7fc0_0005L, INF_S, 0, S));
        // The addend's signalling NaN wins over the multiplicands'.
        expect(0x7fc0_0007L, IOC, FpCore.mulAdd(mode(FpCore.RN, 0), 0x7f80_0007L, 0x7f80_0009L, ONE_S, S));
        // (1 + 2^-52)^2 - 1 = 2^-51 + 2^-104 needs 54 bits: one rounding, no intermediate one.
        long a = Double.doubleToLongBits(1 + 0x1p-52);
        long minusOne = Double.doubleToLongBits(-1.0);
        expect(Double.doubleToLongBits(0x1p-51), IXC, FpCore.mulAdd(mode(FpCore.RN, 0), minusOne, a, a, D));
        expect(Double.doubleToLongBits(0x1p-51 + 0x1p-103), IXC, FpCore.mulAdd(mode(FpCore.RP, 0), minusOne, a, a,
                D));
        // (1 + 2^-52)(1 - 2^-53) - 1 = 2^-53 - 2^-105 is exact.
        expect(Double.doubleToLongBits(0x1p-53 - 0x1p-105), 0, FpCore.mulAdd(mode(FpCore.RN, 0), minusOne, a,
                Double.doubleToLongBits(1 - 0x1p-53), D));
    }

    @Test
    void divideAndSqrt() {
        expect(INF_S | 0x8000_0000L, DZC, FpCore.div(mode(FpCore.RN, 0), 0xbf80_0000L, 0, S));
        expect(0x3eaa_aaabL, IXC, FpCore.div(mode(FpCore.RN, 0), ONE_S, 0x4040_0000L, S));
        expect(0x3eaa_aaaaL, IXC, FpCore.div(mode(FpCore.RZ, 0), ONE_S, 0x4040_0000L, S));
        expect(0x3fb5_04f3L, IXC, FpCore.sqrt(mode(FpCore.RN, 0), 0x4000_0000L, S));
        expect(0x3fb5_04f4L, IXC, FpCore.sqrt(mode(FpCore.RP, 0), 0x4000_0000L, S));
        expect(0x3fb5_04f3L, IXC, FpCore.sqrt(mode(FpCore.RM, 0), 0x4000_0000L, S));
        expect(0x4040_0000L, 0, FpCore.sqrt(mode(FpCore.RN, 0), 0x4110_0000L, S));
    }

    @Test
    void minMaxAndCompare() {
        expect(0, 0, FpCore.maxMin(mode(FpCore.RN, 0), 0x8000_0000L, 0, S, true, false));
        expect(0x8000_0000L, 0, FpCore.maxMin(mode(FpCore.RN, 0), 0, 0x8000_0000L, S, false, false));
        expect(ONE_S, 0, FpCore.maxMin(mode(FpCore.RN, 0), QNAN_S, ONE_S, S, true, true));
        // A signalling NaN is not ignored: it is quietened.
        expect(0x7fc0_0001L, IOC, FpCore.maxMin(mode(FpCore.RN, 0), QNAN_S, 0x7f80_0001L, S, false, true));
        assertEquals(0x3000_0000, FpCore.compare(mode(FpCore.RN, 0), QNAN_S, ONE_S, S, false));
        assertEquals(0, cpu.fpsr);
        assertEquals(0x3000_0000, FpCore.compare(mode(FpCore.RN, 0), QNAN_S, ONE_S, S, true));
        assertEquals(IOC, cpu.fpsr);
        assertEquals(0x6000_0000, FpCore.compare(mode(FpCore.RN, 0), 0x8000_0000L, 0, S, false));
        assertEquals(0x8000_0000, FpCore.compare(mode(FpCore.RN, 0), 0xbf80_0000L, 0, S, false));
        assertEquals(0x2000_0000, FpCore.compare(mode(FpCore.RN, 0), INF_S, MAX_S, S, false));
    }

    @Test
    void conversionsToIntegers() {
        expect(0, IOC, FpCore.toFixed(mode(FpCore.RN, 0), QNAN_S, S, 0, false, 32, FpCore.RZ));
        expect(0x7fff_ffffL, IOC, FpCore.toFixed(mode(FpCore.RN, 0), 0x4f00_0000L, S, 0, false, 32, FpCore.RZ));
        expect(0x8000_0000L, 0, FpCore.toFixed(mode(FpCore.RN, 0), 0xcf00_0000L, S, 0, false, 32, FpCore.RZ));
        expect(0, IOC, FpCore.toFixed(mode(FpCore.RN, 0), 0xbf80_0000L, S, 0, true, 64, FpCore.RZ));
        expect(0, IXC, FpCore.toFixed(mode(FpCore.RN, 0), 0xbf00_0000L, S, 0, true, 64, FpCore.RN));
        expect(-1L, IXC, FpCore.toFixed(mode(FpCore.RN, 0), 0xbf00_0000L, S, 0, false, 64, FpCore.RA));
        expect(2, IXC, FpCore.toFixed(mode(FpCore.RN, 0), 0x4020_0000L, S, 0, false, 64, FpCore.RN));
        expect(3, IXC, FpCore.toFixed(mode(FpCore.RN, 0), 0x4020_0000L, S, 0, false, 64, FpCore.RA));
        expect(0x8000_0000_0000_0000L, 0, FpCore.toFixed(mode(FpCore.RN, 0), 0x5f00_0000L, S, 0, true, 64,
                FpCore.RZ));
        expect(0x28, 0, FpCore.toFixed(mode(FpCore.RN, 0), 0x4120_0000L, S, 2, false, 32, FpCore.RZ));
    }

    @Test
    void conversionsFromIntegers() {
        expect(0x4b80_0000L, IXC, FpCore.fromFixed(mode(FpCore.RN, 0), (1 << 24) + 1, false, 0, S, FpCore.RN));
        expect(0x4b80_0001L, IXC, FpCore.fromFixed(mode(FpCore.RP, 0), (1 << 24) + 1, false, 0, S, FpCore.RP));
        expect(0x5f00_0000L, 0, FpCore.fromFixed(mode(FpCore.RN, 0), Long.MIN_VALUE, true, 0, S, FpCore.RN));
        expect(0xdf00_0000L, 0, FpCore.fromFixed(mode(FpCore.RN, 0), Long.MIN_VALUE, false, 0, S, FpCore.RN));
        expect(0x3e80_0000L, 0, FpCore.fromFixed(mode(FpCore.RN, 0), 1, false, 2, S, FpCore.RN));
    }

    @Test
    void precisionConversions() {
        expect(INF_S, OFC | IXC, FpCore.convert(mode(FpCore.RN, 0), Double.doubleToLongBits(1e300), D, S));
        expect(0x7fc0_0010L, IOC, FpCore.convert(mode(FpCore.RN, 0), 0x7ff0_0002_0000_0000L, D, S));
        expect(0x3c00, 0, FpCore.convert(mode(FpCore.RN, 0), ONE_S, S, H));
        expect(0x7c00, OFC | IXC, FpCore.convert(mode(FpCore.RN, 0), 0x4780_0000L, S, H));
        // Alternative half precision: exponent 31 is a number, overflow saturates with IOC.
        expect(0x7fff, IOC, FpCore.convert(mode(FpCore.RN, AHP), 0x4880_0000L, S, H));
        expect(0x4780_0000L, 0, FpCore.convert(mode(FpCore.RN, AHP), 0x7c00, H, S));
        expect(0, IOC, FpCore.convert(mode(FpCore.RN, AHP), QNAN_S, S, H));
        expect(0, IDC, FpCore.convert(mode(FpCore.RN, FZ), 1, D, S));
    }

    @Test
    void roundToIntegral() {
        expect(0x4000_0000L, 0, FpCore.roundInt(mode(FpCore.RN, 0), 0x4020_0000L, S, FpCore.RN, false));
        expect(0x4040_0000L, IXC, FpCore.roundInt(mode(FpCore.RN, 0), 0x4020_0000L, S, FpCore.RA, true));
        expect(0x8000_0000L, 0, FpCore.roundInt(mode(FpCore.RN, 0), 0xbe80_0000L, S, FpCore.RP, false));
        expect(0xbf80_0000L, 0, FpCore.roundInt(mode(FpCore.RN, 0), 0xbe80_0000L, S, FpCore.RM, false));
    }

    /** The fast path (RN, IXC already set) must give the slow path's value and add no flag beyond IXC. */
    @Test
    void fastPathAgreesWithExactPath() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 20000; i++) {
            int fmt = random.nextBoolean() ? S : D;
            long[] x = new long[3];
            for (int k = 0; k < 3; k++) {
                x[k] = fmt == S ? random.nextLong() & 0xffff_ffffL : random.nextLong();
                if (random.nextInt(4) == 0) {
                    // Nearby exponents make additions cancel and products stay in range.
                    x[k] = fmt == S ? x[k] & 0x807f_ffffL | 0x3f00_0000L : x[k] & 0x800f_ffff_ffff_ffffL | 0x3ff0_0000_0000_0000L;
                }
            }
            for (int op = 0; op < 6; op++) {
                long slow = apply(op, mode(FpCore.RN, 0), x, fmt);
                int slowFlags = cpu.fpsr;
                cpu.fpsr = IXC;
                long fast = apply(op, cpu, x, fmt);
                assertEquals(slow, fast, "op " + op + " on " + Long.toHexString(x[0]) + ", " + Long.toHexString(x[1])
                        + ", " + Long.toHexString(x[2]));
                assertEquals(slowFlags | IXC, cpu.fpsr);
            }
        }
    }

    private static long apply(int op, Cpu cpu, long[] x, int fmt) {
        return switch (op) {
            case 0 -> FpCore.add(cpu, x[0], x[1], fmt, false);
            case 1 -> FpCore.mul(cpu, x[0], x[1], fmt);
            case 2 -> FpCore.div(cpu, x[0], x[1], fmt);
            case 3 -> FpCore.sqrt(cpu, x[0], fmt);
            case 4 -> FpCore.mulAdd(cpu, x[0], x[1], x[2], fmt);
            default -> fmt == D ? FpCore.convert(cpu, x[0], D, S) : FpCore.convert(cpu, x[0], S, D);
        };
    }
}
