package dev.armature.arch.aarch64.insn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.armature.arch.aarch64.Condition;
import dev.armature.arch.aarch64.CpuTestSupport;
import org.junit.jupiter.api.Test;

/** Conditions, conditional select and conditional compare. Encodings from GNU as. */
class ConditionalTest {
    private static final int N = 8;
    private static final int Z = 4;
    private static final int C = 2;
    private static final int V = 1;

    private final CpuTestSupport t = new CpuTestSupport();

    /** ConditionHolds(cond) as the Arm ARM writes it: the base condition from cond[3:1], inverted by cond[0]. */
    private static boolean armArmConditionHolds(int cond, int flags) {
        boolean n = (flags & N) != 0;
        boolean z = (flags & Z) != 0;
        boolean c = (flags & C) != 0;
        boolean v = (flags & V) != 0;
        boolean result = switch (cond >>> 1) {
            case 0 -> z; // EQ or NE
            case 1 -> c; // CS or CC
            case 2 -> n; // MI or PL
            case 3 -> v; // VS or VC
            case 4 -> c && !z; // HI or LS
            case 5 -> n == v; // GE or LT
            case 6 -> n == v && !z; // GT or LE
            default -> true; // AL
        };
        return (cond & 1) == 1 && cond != 0xf ? !result : result;
    }

    /** The vCPU's ConditionHolds agrees with the Arm ARM's for every condition and each of the 16 flag sets. */
    @Test
    void conditionHoldsMatchesTheArmArmForAllFlags() {
        for (int cond = 0; cond < 16; cond++) {
            for (int flags = 0; flags < 16; flags++) {
                t.nzcv(flags);
                assertEquals(armArmConditionHolds(cond, flags), Condition.of(cond).holds(t.cpu),
                        "cond " + cond + " flags " + flags);
            }
        }
    }

    @Test
    void conditionsByHand() {
        for (int flags = 0; flags < 16; flags++) {
            t.nzcv(flags);
            assertEquals(true, Condition.AL.holds(t.cpu), "AL");
            assertEquals(true, Condition.NV.holds(t.cpu), "NV behaves as AL");
        }
        assertEquals(true, Condition.GE.holds(t.nzcv(N | V).cpu), "GE with N = V = 1");
        assertEquals(false, Condition.GE.holds(t.nzcv(N).cpu), "GE with N != V");
        assertEquals(true, Condition.HI.holds(t.nzcv(C).cpu), "HI");
        assertEquals(false, Condition.HI.holds(t.nzcv(C | Z).cpu), "HI needs Z clear");
        assertEquals(true, Condition.LE.holds(t.nzcv(Z).cpu), "LE by Z");
        assertEquals(true, Condition.LE.holds(t.nzcv(V).cpu), "LE by N != V");
        assertEquals(false, Condition.LE.holds(t.nzcv(0).cpu), "LE");
    }

    private long select(int word, int flags, long x1, long x2) {
        t.x(1, x1).x(2, x2).nzcv(flags).run(word);
        return t.x(0);
    }

    @Test
    void conditionalSelect() {
        assertEquals(1, select(0x9a820020, Z, 1, 2)); // csel x0, x1, x2, eq
        assertEquals(2, select(0x9a820020, 0, 1, 2));
        assertEquals(0, select(0x1a821420, Z, 1, 0xffff_ffffL)); // csinc w0, w1, w2, ne: wraps at 32 bits
        assertEquals(5, select(0x1a821420, 0, 0x1_0000_0005L, 0));
        assertEquals(1, select(0xda82b020, N, 1, 2)); // csinv x0, x1, x2, lt
        assertEquals(~2L, select(0xda82b020, N | V, 1, 2));
        assertEquals(0xffff_ffffL, select(0x5a82a420, N, 7, 1)); // csneg w0, w1, w2, ge
        assertEquals(7, select(0x5a82a420, 0, 7, 1));
        assertEquals(1, select(0x9a9f97e0, C, 0, 0)); // cset x0, hi
        assertEquals(0, select(0x9a9f97e0, C | Z, 0, 0));
        assertEquals(0xffff_ffffL, select(0x5a9f83e0, 0, 0, 0)); // csetm w0, ls
        assertEquals(-9, select(0xda815420, N, 9, 0)); // cneg x0, x1, mi
        assertEquals(9, select(0xda815420, 0, 9, 0));
    }

    @Test
    void conditionalCompare() {
        t.x(1, 3).x(2, 3).nzcv(Z).run(0xfa42002f); // ccmp x1, x2, #0xf, eq
        assertEquals(Z | C, t.nzcv());
        t.x(1, 3).x(2, 3).nzcv(0).run(0xfa42002f);
        assertEquals(0xf, t.nzcv());
        t.x(1, 0xffff_fffbL).nzcv(0).run(0x3a451822); // ccmn w1, #5, #2, ne
        assertEquals(Z | C, t.nzcv());
        t.nzcv(Z).run(0x3a451822);
        assertEquals(C, t.nzcv());
        t.x(1, 31).nzcv(N).run(0xfa5fe820); // ccmp x1, #31, #0, al
        assertEquals(Z | C, t.nzcv());
        t.x(1, 0).nzcv(0).run(0xfa5fe820);
        assertEquals(N, t.nzcv());
    }

    @Test
    void reservedEncodingsAreUndefined() {
        t.run(0xda42002f); // ccmp with S = 0
        assertEquals(0, t.exception.ec);
        t.run(0xfa42042f); // ccmp with o2 = 1
        assertEquals(0, t.exception.ec);
        t.run(0x9a820820); // csel with op2 = 10
        assertEquals(0, t.exception.ec);
        t.run(0xba820020); // csel with S = 1
        assertEquals(0, t.exception.ec);
    }
}
