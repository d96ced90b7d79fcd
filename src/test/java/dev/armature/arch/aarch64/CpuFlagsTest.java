package dev.armature.arch.aarch64;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * PSTATE.NZCV's unpacked fields ({@link Cpu#nf}, {@link Cpu#zf}, {@link Cpu#cf}, {@link Cpu#vf}) against the packed
 * register form, and {@link Alu}'s flag computations against the Arm ARM's AddWithCarry() written with unbounded
 * integers.
 */
class CpuFlagsTest {
    private static final long[] EDGES = {0, 1, 2, -1, -2, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1,
        0x7fff_ffffL, 0x8000_0000L, 0xffff_ffffL, 0x1_0000_0000L, 0xffff_ffff_7fff_ffffL, 0xffff_ffff_8000_0000L,
        0x1_ffff_ffffL, 0x1234_5678_9abc_def0L, 0x8765_4321_0fed_cba9L};

    private final Cpu cpu = new CpuTestSupport().cpu;

    @Test
    void packedFormRoundTripsForAll16FlagSets() {
        for (int flags = 0; flags < 16; flags++) {
            cpu.setNzcv(flags << 28 | 0x0abc_def1); // bits below 28 are not flags and are ignored
            assertEquals(flags << 28, cpu.nzcv(), "flags " + flags);
            assertEquals((flags & 8) != 0, cpu.flagN());
            assertEquals((flags & 4) != 0, cpu.flagZ());
            assertEquals((flags & 2) != 0, cpu.flagC());
            assertEquals((flags & 1) != 0, cpu.flagV());
            cpu.setNzcv(false, false, false, false);
            cpu.setNzcv((flags & 8) != 0, (flags & 4) != 0, (flags & 2) != 0, (flags & 1) != 0);
            assertEquals(flags << 28, cpu.nzcv(), "setNzcv(boolean...) " + flags);
            cpu.setPstate(0x3c5 | (long) (flags << 28) & 0xf000_0000L);
            assertEquals(flags << 28, cpu.nzcv(), "setPstate " + flags);
            assertEquals(0x3c5 | (long) (flags << 28) & 0xf000_0000L, cpu.pstate(), "pstate " + flags);
        }
    }

    @Test
    void aResetVcpuHasAllFlagsClear() {
        assertEquals(0, cpu.nzcv());
        assertEquals(false, cpu.flagZ());
    }

    /** AddWithCarry(x, y, carry_in) from the Arm ARM, on N-bit operands, as packed NZCV. */
    private static int armArmAddWithCarry(long x, long y, int carry, int bits) {
        BigInteger mod = BigInteger.ONE.shiftLeft(bits);
        BigInteger ux = BigInteger.valueOf(x).mod(mod);
        BigInteger uy = BigInteger.valueOf(y).mod(mod);
        BigInteger unsignedSum = ux.add(uy).add(BigInteger.valueOf(carry));
        BigInteger sx = ux.testBit(bits - 1) ? ux.subtract(mod) : ux;
        BigInteger sy = uy.testBit(bits - 1) ? uy.subtract(mod) : uy;
        BigInteger signedSum = sx.add(sy).add(BigInteger.valueOf(carry));
        BigInteger result = unsignedSum.mod(mod);
        BigInteger signedResult = result.testBit(bits - 1) ? result.subtract(mod) : result;
        boolean n = result.testBit(bits - 1);
        boolean z = result.signum() == 0;
        boolean c = !result.equals(unsignedSum);
        boolean v = !signedResult.equals(signedSum);
        return (n ? 8 : 0) << 28 | (z ? 4 : 0) << 28 | (c ? 2 : 0) << 28 | (v ? 1 : 0) << 28;
    }

    @Test
    void addWithCarry64MatchesTheArmArm() {
        for (long a : EDGES) {
            for (long b : EDGES) {
                for (int carry = 0; carry <= 1; carry++) {
                    for (long bb : new long[] {b, ~b}) { // ~b: the SUBS/SBCS operand
                        long r = Alu.addWithCarry64(cpu, a, bb, carry);
                        String what = Long.toHexString(a) + " + " + Long.toHexString(bb) + " + " + carry;
                        assertEquals(a + bb + carry, r, what);
                        assertEquals(armArmAddWithCarry(a, bb, carry, 64), cpu.nzcv(), what);
                    }
                }
            }
        }
    }

    @Test
    void addWithCarry32MatchesTheArmArm() {
        for (long a : EDGES) {
            for (long b : EDGES) {
                for (int carry = 0; carry <= 1; carry++) {
                    for (long bb : new long[] {b, ~b}) {
                        long r = Alu.addWithCarry32(cpu, (int) a, (int) bb, carry);
                        String what = Long.toHexString(a) + " + " + Long.toHexString(bb) + " + " + carry + " (W)";
                        assertEquals((a + bb + carry) & 0xffff_ffffL, r, what);
                        assertEquals(armArmAddWithCarry(a, bb, carry, 32), cpu.nzcv(), what);
                    }
                }
            }
        }
    }

    /**
     * The immediate forms' flags ({@link Alu#immediateCarry64} and the others: C and V from the top bits, given
     * b's) against the Arm ARM, for operands of either sign: both ADDS immediate's (b = imm, top bit clear) and
     * SUBS immediate's (b = NOT(imm), top bit set), and the edges, where a wrong choice of formula shows.
     */
    @Test
    void addImmediateMatchesTheArmArm() {
        for (long a : EDGES) {
            for (long b : EDGES) {
                for (int carry = 0; carry <= 1; carry++) {
                    for (long bb : new long[] {b, ~b}) {
                        String what = Long.toHexString(a) + " + " + Long.toHexString(bb) + " + " + carry;
                        long r = a + bb + carry;
                        Alu.setFlags(cpu, r, Alu.immediateCarry64(a, bb, r), Alu.immediateOverflow64(a, bb, r));
                        assertEquals(armArmAddWithCarry(a, bb, carry, 64), cpu.nzcv(), what);
                        int w = (int) r;
                        Alu.setFlags(cpu, w, Alu.immediateCarry32((int) a, (int) bb, w),
                                Alu.immediateOverflow32((int) a, (int) bb, w));
                        assertEquals(armArmAddWithCarry(a, bb, carry, 32), cpu.nzcv(), what + " (W)");
                    }
                }
            }
        }
    }

    @Test
    void thirtyTwoBitFlagsIgnoreTheUpperHalf() {
        // 0x7fffffff + 1 on W registers is 0x80000000: negative and an overflow, whatever bits 63:32 held.
        Alu.addWithCarry32(cpu, (int) 0xffff_ffff_7fff_ffffL, 1, 0);
        assertEquals(0x9000_0000, cpu.nzcv());
        // 0xffffffff + 1 is zero with a carry out on W registers.
        Alu.addWithCarry32(cpu, (int) 0x1_ffff_ffffL, 1, 0);
        assertEquals(0x6000_0000, cpu.nzcv());
        Alu.setFlags(cpu, (int) 0xffff_ffff_0000_0000L, 0, 0);
        assertEquals(0x4000_0000, cpu.nzcv(), "W result 0 although the X value is not");
        Alu.setFlags(cpu, 0x8000_0000, 0, 0);
        assertEquals(0x8000_0000, cpu.nzcv());
        Alu.setFlags(cpu, 0x8000_0000L, 0, 0);
        assertEquals(0, cpu.nzcv(), "bit 31 is not N on 64 bits");
        Alu.setFlags(cpu, 0x1_0000_0000L, 0, 0);
        assertEquals(0, cpu.nzcv(), "nonzero above bit 31 is not Z on 64 bits");
    }

    @Test
    void logicalFlagsClearCarryAndOverflow() {
        cpu.setNzcv(0x3000_0000);
        Alu.setFlags(cpu, Long.MIN_VALUE, 0, 0);
        assertEquals(0x8000_0000, cpu.nzcv());
        cpu.setNzcv(0x3000_0000);
        Alu.setFlags(cpu, 0, 0, 0);
        assertEquals(0x4000_0000, cpu.nzcv());
    }
}
