package dev.armature.accel.tcg;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.armature.accel.tcg.TcgTestMachine.CODE;
import static dev.armature.accel.tcg.TcgTestMachine.RAM;
import static dev.armature.accel.tcg.TcgTestMachine.VECTORS;
import static dev.armature.accel.tcg.TcgTestMachine.hot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Blocks translated together share one class, and each TB still runs its own block's code. */
class TbBatchTest {
    private static final long A = CODE;
    private static final long B = CODE + 8;
    private static final long C = CODE + 20;

    private static TcgTestMachine machine() {
        return new TcgTestMachine(
                0x91000400, // A: add x0, x0, #1
                0x14000001, //    b B
                0x91000821, // B: add x1, x1, #2
                0xf9400083, //    ldr x3, [x4]
                0x14000001, //    b C
                0x91000c42, // C: add x2, x2, #3
                0x17fffffa); //   b A
    }

    @Test
    void eachTbOfABatchRunsItsOwnBlock() {
        TcgTestMachine m = machine();
        m.cpu.r[4] = RAM + 0x2000;
        m.load(RAM + 0x2000, 0x1234);
        Tb[] tbs = m.engine(hot(1)).translate(List.of(new TbKey(C, C, 1), new TbKey(A, A, 1), new TbKey(B, B, 1)),
                null);
        assertSame(tbs[0].getClass(), tbs[1].getClass());
        assertSame(tbs[0].getClass(), tbs[2].getClass());
        TbContext ctx = new TbContext();
        ctx.limit = Long.MAX_VALUE;
        Tb a = tbs[1];
        Tb b = tbs[2];
        Tb c = tbs[0];
        m.cpu.pc = A;
        assertEquals(Tb.EXIT_NORMAL, a.exec(m.cpu, ctx));
        assertEquals(B, m.cpu.pc);
        assertEquals(Tb.EXIT_NORMAL, b.exec(m.cpu, ctx));
        assertEquals(C, m.cpu.pc);
        assertEquals(Tb.EXIT_NORMAL, c.exec(m.cpu, ctx));
        assertEquals(A, m.cpu.pc);
        assertEquals(List.of(1L, 2L, 3L, 0x1234L), List.of(m.cpu.r[0], m.cpu.r[1], m.cpu.r[2], m.cpu.r[3]));
        assertEquals(7, ctx.icount);
    }

    @Test
    void aFaultInABatchMemberIsPreciseAndCountsItsOwnInstructions() {
        TcgTestMachine m = machine();
        m.cpu.r[4] = 0x1_0000_0000L; // no RAM there: the load takes a synchronous external abort
        Tb[] tbs = m.engine(hot(1)).translate(List.of(new TbKey(A, A, 1), new TbKey(B, B, 1), new TbKey(C, C, 1)),
                null);
        TbContext ctx = new TbContext();
        ctx.limit = Long.MAX_VALUE;
        m.cpu.pc = B;
        assertEquals(Tb.EXIT_EXCEPTION, tbs[1].exec(m.cpu, ctx));
        assertEquals(B + 4, m.cpu.sys.elrEl1);
        assertEquals(VECTORS + 0x200, m.cpu.pc);
        assertEquals(2, m.cpu.r[1]);
        assertEquals(2, ctx.icount);
    }
}
