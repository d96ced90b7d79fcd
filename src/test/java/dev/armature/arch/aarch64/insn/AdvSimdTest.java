package dev.armature.arch.aarch64.insn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Decoder;
import dev.armature.arch.aarch64.Esr;
import dev.armature.arch.aarch64.Undefined;
import org.junit.jupiter.api.Test;

/**
 * Advanced SIMD and FMOV instructions compilers emit everywhere, with expected values worked out by hand from
 * the Arm ARM; words from aarch64-linux-gnu-as. Includes the cases the qemu differential test caught.
 */
class AdvSimdTest {
    private final LoadStoreTestSupport t = new LoadStoreTestSupport(CpuModel.MAX);

    private AdvSimdTest v(int n, long hi, long lo) {
        t.cpu.v[2 * n] = lo;
        t.cpu.v[2 * n + 1] = hi;
        return this;
    }

    private void assertV(int n, long hi, long lo) {
        assertNull(t.exception);
        assertEquals(Long.toHexString(hi) + ":" + Long.toHexString(lo),
                Long.toHexString(t.cpu.v[2 * n + 1]) + ":" + Long.toHexString(t.cpu.v[2 * n]));
    }

    @Test
    void fmovBetweenGeneralAndVectorRegisters() {
        v(1, 0x1111_2222_3333_4444L, 0x5555_6666_7777_8888L);
        t.run(0x9eae0020); // fmov x0, v1.d[1]
        assertEquals(0x1111_2222_3333_4444L, t.x(0));
        v(2, -1, 0x1234);
        t.x(3, 0xabcdL).run(0x9eaf0062); // fmov v2.d[1], x3: the low half is kept
        assertV(2, 0xabcd, 0x1234);
        t.x(5, 0x4000_0000_0000_0000L).run(0x9e6700a4); // fmov d4, x5: upper half zeroed
        v(4, -1, 0);
        t.run(0x9e6700a4);
        assertV(4, 0, 0x4000_0000_0000_0000L);
        v(7, -1, 0xdead_beef_3f80_0000L);
        t.run(0x1e2600e6); // fmov w6, s7
        assertEquals(0x3f80_0000L, t.x(6));
        t.run(0x1e709008); // fmov d8, #-2.5
        assertV(8, 0, 0xc004_0000_0000_0000L);
    }

    @Test
    void dupInsAndMoves() {
        t.x(10, 0x1234_5678_9abc_def0L).run(0x4e020d49); // dup v9.8h, w10
        assertV(9, 0xdef0_def0_def0_def0L, 0xdef0_def0_def0_def0L);
        v(12, 0xaaaa_aaaa_bbbb_bbbbL, 0);
        t.run(0x4e1c058b); // dup v11.4s, v12.s[3]
        assertV(11, 0xaaaa_aaaa_aaaa_aaaaL, 0xaaaa_aaaa_aaaa_aaaaL);
        v(14, 0x8100_0000_0000_0000L, 0);
        t.run(0x0e1f3dcd); // umov w13, v14.b[15]
        assertEquals(0x81, t.x(13));
        v(16, 0x0000_8001_0000_0000L, 0);
        t.run(0x4e1a2e0f); // smov x15, v16.h[6]
        assertEquals(0xffff_ffff_ffff_8001L, t.x(15));
        v(17, 0x1111_1111_1111_1111L, 0x2222_2222_2222_2222L);
        t.x(18, 0xffff_ffff_0bad_cafeL).run(0x4e141e51); // mov v17.s[2], w18
        assertV(17, 0x1111_1111_0bad_cafeL, 0x2222_2222_2222_2222L);
        v(20, 5, 0x77);
        v(19, 1, 2);
        t.run(0x6e180693); // mov v19.d[1], v20.d[0]
        assertV(19, 0x77, 2);
    }

    /** The abc bits of the 8-bit immediate are bits 18:16 (a bug the qemu comparison caught). */
    @Test
    void modifiedImmediates() {
        t.run(0x4f054455); // movi v21.4s, #0xa2, lsl #16
        assertV(21, 0x00a2_0000_00a2_0000L, 0x00a2_0000_00a2_0000L);
        t.run(0x6f02a756); // mvni v22.8h, #0x5a, lsl #8
        assertV(22, 0xa5ff_a5ff_a5ff_a5ffL, 0xa5ff_a5ff_a5ff_a5ffL);
        v(23, -1, 0x1234_5678_9abc_def0L);
        t.run(0x6f0717f7); // bic v23.4s, #0xff
        assertV(23, 0xffff_ff00_ffff_ff00L, 0x1234_5600_9abc_de00L);
        t.run(0x6f05e4b8); // movi v24.2d, #0xff00ff0000ff00ff
        assertV(24, 0xff00_ff00_00ff_00ffL, 0xff00_ff00_00ff_00ffL);
        t.run(0x6f06f419); // fmov v25.2d, #-0.125
        assertV(25, 0xbfc0_0000_0000_0000L, 0xbfc0_0000_0000_0000L);
    }

    @Test
    void acrossLanesAndCount() {
        v(27, 0xff00_0000_0000_0001L, 0x0303_0000_0000_0007L);
        t.run(0x4e205b7a); // cnt v26.16b, v27.16b
        assertV(26, 0x0800_0000_0000_0001L, 0x0202_0000_0000_0003L);
        v(29, 0x8080_8080_8080_8080L, 0x8080_8080_8080_8081L);
        t.run(0x4e31bbbc); // addv b28, v29.16b: 16 * 0x80 + 1 = 0x801, low byte 1
        assertV(28, 0, 1);
        v(1, -1, -1);
        t.run(0x6e303820); // uaddlv h0, v1.16b: 16 * 255
        assertV(0, 0, 16 * 255);
        v(3, 0x8000_0000_0000_0005L, 0x0000_0009_ffff_ffffL);
        t.run(0x6eb1a862); // uminv s2, v3.4s
        assertV(2, 0, 5);
    }

    @Test
    void tableLookupsAndPermutes() {
        v(5, 0x0f0e_0d0c_0b0a_0908L, 0x0706_0504_0302_0100L);
        v(6, 0x1f1e_1d1c_1b1a_1918L, 0x1716_1514_1312_1110L);
        v(7, 0x2000_ff1f_1000_0f01L, 0x0001_0203_0405_0607L);
        t.run(0x4e0720a4); // tbl v4.16b, {v5.16b, v6.16b}, v7.16b: out-of-range indices give 0
        assertV(4, 0x0000_001f_1000_0f01L, 0x0001_0203_0405_0607L);
        v(8, 0, 0xaaaa_aaaa_aaaa_aaaaL);
        v(9, 0, 0x0706_0504_0302_0100L);
        v(10, 0, 0x1000_0000_0000_0003L);
        t.run(0x0e0a1128); // tbx v8.8b, {v9.16b}, v10.8b: out-of-range lanes keep Vd
        assertV(8, 0, 0xaa00_0000_0000_0003L);
        v(12, 0x0f0e_0d0c_0b0a_0908L, 0x0706_0504_0302_0100L);
        v(13, 0x1f1e_1d1c_1b1a_1918L, 0x1716_1514_1312_1110L);
        t.run(0x6e0d198b); // ext v11.16b, v12.16b, v13.16b, #3
        assertV(11, 0x1211_100f_0e0d_0c0bL, 0x0a09_0807_0605_0403L);
        v(15, 0, 0x0706_0504_0302_0100L);
        v(16, 0, 0x1716_1514_1312_1110L);
        t.run(0x0e1039ee); // zip1 v14.8b, v15.8b, v16.8b
        assertV(14, 0, 0x1303_1202_1101_1000L);
        v(18, 0x0000_0003_0000_0002L, 0x0000_0001_0000_0000L);
        v(19, 0x0000_0013_0000_0012L, 0x0000_0011_0000_0010L);
        t.run(0x4e935a51); // uzp2 v17.4s, v18.4s, v19.4s
        assertV(17, 0x0000_0013_0000_0011L, 0x0000_0003_0000_0001L);
    }

    @Test
    void compareMaxPairwiseAndShifts() {
        v(24, 0x0102_0304_0506_0708L, 0x1122_3344_5566_7788L);
        v(25, 0x0102_0300_0506_0008L, 0x1122_3344_5566_7788L);
        t.run(0x6e398f17); // cmeq v23.16b, v24.16b, v25.16b
        assertV(23, 0xffff_ff00_ffff_00ffL, -1);
        v(27, 0x8000_0000_0000_0000L, 5);
        v(28, 0x7fff_ffff_ffff_ffffL, 5);
        t.run(0x6efc377a); // cmhi v26.2d, v27.2d, v28.2d (unsigned)
        assertV(26, -1, 0);
        v(30, 0, 0x0102_0304_0506_0708L);
        v(31, 0xff00_0000_0000_0000L, 0);
        t.run(0x6e3fa7dd); // umaxp v29.16b, v30.16b, v31.16b
        assertV(29, 0xff00_0000_0000_0000L, 0x0000_0000_0204_0608L);
        v(1, 0x80ff_0102_0304_0506L, 0);
        t.run(0x6f08a420); // uxtl2 v0.8h, v1.16b
        assertV(0, 0x0080_00ff_0001_0002L, 0x0003_0004_0005_0006L);
        v(3, 0x1230_4560_7890_abc0L, 0xfff0_0010_0020_0030L);
        t.run(0x0f0c8462); // shrn v2.8b, v3.8h, #4
        assertV(2, 0, 0x2356_89bc_ff01_0203L);
        v(4, 0x1111_1111_1111_1111L, 0x2222_2222_2222_2222L);
        v(5, 0xaabb_ccdd_eeff_0011L, 0x0102_0304_0506_0708L);
        t.run(0x6f4854a4); // sli v4.2d, v5.2d, #8
        assertV(4, 0xbbcc_ddee_ff00_1111L, 0x0203_0405_0607_0822L);
        v(6, 0x1234_5678_9abc_def0L, 0x1111_2222_3333_4444L);
        t.run(0x6f2044e6); // sri v6.4s, v7.4s, #32: Vd unchanged
        assertV(6, 0x1234_5678_9abc_def0L, 0x1111_2222_3333_4444L);
    }

    @Test
    void reverseNarrowAndLongMultiplies() {
        v(9, 0x0f0e_0d0c_0b0a_0908L, 0x0706_0504_0302_0100L);
        t.run(0x4e200928); // rev64 v8.16b, v9.16b
        assertV(8, 0x0809_0a0b_0c0d_0e0fL, 0x0001_0203_0405_0607L);
        v(10, 0x5555, 0x6666);
        v(11, 0x0001_0002_0003_0004L, 0x1005_2006_3007_4008L);
        t.run(0x4e21296a); // xtn2 v10.16b, v11.8h: the lower half is kept
        assertV(10, 0x0102_0304_0506_0708L, 0x6666);
        v(13, 0, 0xffff_ffff_0000_0002L);
        v(14, 0, 0xffff_ffff_0000_0003L);
        t.run(0x2eaec1ac); // umull v12.2d, v13.2s, v14.2s
        assertV(12, 0xffff_fffe_0000_0001L, 6);
        v(16, 0, 0x0000_0000_0000_80ffL);
        v(17, 0, 0x0000_0000_0000_03ffL);
        t.run(0x0e31e20f); // pmull v15.8h, v16.8b, v17.8b
        // 0xff (x) 0xff = 0x5555; 0x80 (x) 0x03 = 0x180
        assertV(15, 0, 0x0180_5555L);
        v(18, 0, 1);
        v(19, 0x0000_0004_0000_0003L, 0x0000_0002_0000_0001L);
        v(20, 0x0000_000a_0000_0000L, 0);
        t.run(0x6fb40a72); // mla v18.4s, v19.4s, v20.s[3]
        assertV(18, 0x0000_0028_0000_001eL, 0x0000_0014_0000_000bL);
        v(22, 0, 0x7f);
        v(23, 0, 0x01);
        t.run(0x5e370ed5); // sqadd b21, b22, b23 saturates and sets QC
        assertV(21, 0, 0x7f);
        assertEquals(1 << 27, t.cpu.fpsr & (1 << 27));
    }

    /** FABD is element-wise (an encoding neighbour of the pairwise ops: caught by the qemu comparison). */
    @Test
    void fabdIsNotPairwise() {
        v(25, Double.doubleToLongBits(1.0), Double.doubleToLongBits(-3.0));
        v(26, Double.doubleToLongBits(4.0), Double.doubleToLongBits(2.0));
        t.run(0x6efad738); // fabd v24.2d, v25.2d, v26.2d
        assertV(24, Double.doubleToLongBits(3.0), Double.doubleToLongBits(5.0));
    }

    /** ADDP has no scalar three-same form (caught by the qemu comparison); scalar ADDP Dd, Vn.2D exists. */
    @Test
    void scalarAddpOnlyInThePairwiseGroup() {
        assertTrue(Decoder.decode(0x5ee3bdcb, CpuModel.MAX) instanceof Undefined);
        t.run(0x5ee3bdcb);
        assertEquals(Esr.EC_UNKNOWN, t.exception.ec);
        v(1, 5, -2);
        t.run(0x5ef1b820); // addp d0, v1.2d
        assertV(0, 0, 3);
    }

    @Test
    void fpAccessTrapComesFirst() {
        t.cpu.sys.cpacrEl1 = 0;
        t.run(0x4e205b7a);
        assertEquals(Esr.EC_FP_ACCESS, t.exception.ec);
    }
}
