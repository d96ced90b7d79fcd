package dev.armature.accel.tcg;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The translator's encoding classes (which exits may be chained, where stores need a validity check). */
class TbTranslatorTest {
    private static final int[] DIRECT_BRANCHES = {
            0x14000002, // b 8
            0x94000002, // bl c
            0x54000040, // b.eq 10
            0xb4000040, // cbz x0, 14
            0x35000041, // cbnz w1, 18
            0xb6400042, // tbz x2, #40, 1c
            0x37080043, // tbnz w3, #1, 20
    };
    private static final int[] OTHER_EXITS = {
            0xd61f0020, // br x1
            0xd63f0040, // blr x2
            0xd65f03c0, // ret
            0xd69f03e0, // eret
            0xd4000001, // svc #0x0
            0xd51b4200, // msr nzcv, x0
    };
    private static final int[] MEMORY_WRITERS = {
            0xf9000020, // str x0, [x1]
            0xf9400020, // ldr x0, [x1]       (same group: checked too)
            0xa9bf07e0, // stp x0, x1, [sp, #-16]!
            0x3d800000, // str q0, [x0]
            0xc8027c20, // stxr w2, x0, [x1]
            0xf8200041, // ldadd x0, x1, [x2]
            0xd50b7420, // dc zva, x0
            0xd50b7520, // ic ivau, x0
    };
    private static final int[] NON_WRITERS = {
            0x91000400, // add x0, x0, #0x1
            0xd53b4200, // mrs x0, nzcv
            0xd51b4200, // msr nzcv, x0
            0x14000002, // b 8
    };

    @Test
    void directBranchesAreTheChainableExits() {
        for (int w : DIRECT_BRANCHES) {
            assertEquals(true, TbTranslator.isDirectBranch(w), Integer.toHexString(w));
        }
        for (int w : OTHER_EXITS) {
            assertEquals(false, TbTranslator.isDirectBranch(w), Integer.toHexString(w));
        }
    }

    @Test
    void plainIntegerDataProcessingNeedsNoPcStores() {
        var decode = new dev.armature.arch.aarch64.DecodeCache(dev.armature.arch.aarch64.CpuModel.MAX);
        int[] plain = {
                0x91000400, // add x0, x0, #0x1
                0xf1000421, // subs x1, x1, #0x1
                0xd2807d01, // mov x1, #0x3e8
                0x8b010000, // add x0, x0, x1
                0x9ac10800, // udiv x0, x0, x1
                0x9a9f17e0, // cset x0, eq
                0x93c10400, // extr x0, x0, x1, #1
        };
        int[] needPc = {
                0x10000242, // adr x2, 48
                0x90000002, // adrp x2, 0
                0x54ffffc1, // b.ne (branch)
                0xf9400022, // ldr x2, [x1]  (may fault)
                0xd53b4200, // mrs x0, nzcv
                0x1e202800, // fadd s0, s0, s0 (FP access may trap)
                0xd4000001, // svc #0
        };
        for (int w : plain) {
            assertEquals(true, TbTranslator.isPlainAlu(w, decode.get(w)), Integer.toHexString(w));
        }
        for (int w : needPc) {
            assertEquals(false, TbTranslator.isPlainAlu(w, decode.get(w)), Integer.toHexString(w));
        }
    }

    @Test
    void onlyInstructionsThatMayReachOtherCodeMakeTheContextCurrent() {
        var decode = new dev.armature.arch.aarch64.DecodeCache(dev.armature.arch.aarch64.CpuModel.MAX);
        int[] stayInside = {
                0x91000400, // add x0, x0, #0x1
                0xf1000421, // subs x1, x1, #0x1
                0x10000242, // adr x2, 48
                0x90000002, // adrp x2, 0
                0x54ffffc1, // b.ne
                0x94000002, // bl c
                0xd61f0020, // br x1
                0xd63f0040, // blr x2
                0xd65f03c0, // ret
        };
        int[] callOut = {
                0xf9400022, // ldr x2, [x1]     (a device access may read the counter)
                0xf9000020, // str x0, [x1]
                0xd53be042, // mrs x2, cntvct_el0
                0xd503207f, // wfi
                0xd4000001, // svc #0
                0xd65f0bff, // retaa            (pointer authentication may fault)
                0xd71f0820, // braa x1, x0
                0x1e202800, // fadd s0, s0, s0  (FP access may trap)
                0x00000000, // udf #0
        };
        for (int w : stayInside) {
            assertEquals(false, TbTranslator.mayCallOut(w, decode.get(w)), Integer.toHexString(w));
        }
        for (int w : callOut) {
            assertEquals(true, TbTranslator.mayCallOut(w, decode.get(w)), Integer.toHexString(w));
        }
    }

    @Test
    void memoryWritersGetAValidityCheck() {
        for (int w : MEMORY_WRITERS) {
            assertEquals(true, TbTranslator.mayStore(w), Integer.toHexString(w));
        }
        for (int w : NON_WRITERS) {
            assertEquals(false, TbTranslator.mayStore(w), Integer.toHexString(w));
        }
    }
}
