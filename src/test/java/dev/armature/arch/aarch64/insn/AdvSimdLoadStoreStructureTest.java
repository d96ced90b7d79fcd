package dev.armature.arch.aarch64.insn;

import static dev.armature.arch.aarch64.insn.LoadStoreTestSupport.DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Decoder;
import dev.armature.arch.aarch64.Esr;
import dev.armature.arch.aarch64.Undefined;
import org.junit.jupiter.api.Test;

/**
 * AdvSIMD structure loads/stores against qemu-aarch64: each case ran under QEMU with V registers preset to a
 * pattern, 256 bytes of (i * 7 + 3) with X0 pointing 32 bytes in, and X2 = 48; the expected text lists the V
 * registers that changed (hi:lo), X0's change and the changed 8-byte memory chunks (offsets from the old X0).
 */
class AdvSimdLoadStoreStructureTest {
    private static final String[][] QEMU_CASES = {
            {"0x4c407001", "v1=4c453e373029221b:140d06fff8f1eae3 x0+0"}, // ld1 {v1.16b}, [x0]
            {"0x4c408401", "v1=aea7928b766f5a53:3e37221b06ffeae3 v2=bcb5a099847d6861:4c453029140df8f1 x0+0"}, // ld2 {v1.8h, v2.8h}, [x0]
            {"0x0cdf4001", "v1=0000000000000000:76614c37220df8e3 v2=0000000000000000:7d68533e2914ffea v3=0000000000000000:846f5a45301b06f1 x0+24"}, // ld3 {v1.8b, v2.8b, v3.8b}, [x0], #24
            {"0x4cc20804", "v4=48413a33d8d1cac3:68615a53f8f1eae3 v5=645d564ff4ede6df:847d766f140d06ff v6=8079726b100902fb:a099928b3029221b v7=9c958e872c251e17:bcb5aea74c453e37 x0+48"}, // ld4 {v4.4s, v5.4s, v6.4s, v7.4s}, [x0], x2
            {"0x4c008801", "x0+0 m0=9a928a8299918981 m8=bab2aaa2b9b1a9a1 m16=dad2cac2d9d1c9c1 m24=faf2eae2f9f1e9e1"}, // st2 {v1.4s, v2.4s}, [x0]
            {"0x4c406c1e", "v0=2c251e17100902fb:f4ede6dfd8d1cac3 v30=4c453e373029221b:140d06fff8f1eae3 v31=bcb5aea7a099928b:847d766f68615a53 x0+0"}, // ld1 {v30.2d, v31.2d, v0.2d}, [x0]
            {"0x4d409001", "v1=f8f1eae3d9d1c9c1:b9b1a9a199918981 x0+0"}, // ld1 {v1.s}[3], [x0]
            {"0x4ddf7001", "v1=f9f1eae3d9d1c9c1:b9b1a9a199918981 v2=faf2f8f1dad2cac2:bab2aaa29a928a82 v3=fbf306ffdbd3cbc3:bbb3aba39b938b83 x0+6"}, // ld3 {v1.h, v2.h, v3.h}[6], [x0], #6
            {"0x4d202401", "x0+0 m0=140d06ffcccbcac9"}, // st4 {v1.b, v2.b, v3.b, v4.b}[9], [x0]
            {"0x4d40c401", "v1=eae3eae3eae3eae3:eae3eae3eae3eae3 x0+0"}, // ld1r {v1.8h}, [x0]
            {"0x0dffc801", "v1=0000000000000000:f8f1eae3f8f1eae3 v2=0000000000000000:140d06ff140d06ff x0+8"}, // ld2r {v1.2s, v2.2s}, [x0], #8
            {"0x4d60ec01", "v1=140d06fff8f1eae3:140d06fff8f1eae3 v2=4c453e373029221b:4c453e373029221b v3=847d766f68615a53:847d766f68615a53 v4=bcb5aea7a099928b:bcb5aea7a099928b x0+0"}, // ld4r {v1.2d, v2.2d, v3.2d, v4.2d}, [x0]
            {"0x0c9fa001", "x0+16 m0=b9b1a9a199918981 m8=bab2aaa29a928a82"}, // st1 {v1.8b, v2.8b}, [x0], #16
            {"0x4d408401", "v1=140d06fff8f1eae3:b9b1a9a199918981 x0+0"}, // ld1 {v1.d}[1], [x0]
            {"0x0d828401", "x0+48 m0=b9b1a9a199918981"}, // st1 {v1.d}[0], [x0], x2
            {"0x0c402001", "v1=0000000000000000:140d06fff8f1eae3 v2=0000000000000000:4c453e373029221b v3=0000000000000000:847d766f68615a53 v4=0000000000000000:bcb5aea7a099928b x0+0"}, // ld1 {v1.8b-v4.8b}, [x0]
    };

    private final LoadStoreTestSupport t = new LoadStoreTestSupport(CpuModel.CORTEX_A57);

    private static long preset(int register, int half) {
        long value = 0;
        for (int k = 7; k >= 0; k--) {
            int i = 16 * register + 8 * half + k;
            value = value << 8 | (((0x80 | (i / 16)) ^ ((i % 16) << 3)) & 0xff);
        }
        return value;
    }

    private String runCase(int word) {
        for (int n = 0; n < 32; n++) {
            t.cpu.v[2 * n] = preset(n, 0);
            t.cpu.v[2 * n + 1] = preset(n, 1);
        }
        for (int i = 0; i < 256; i++) {
            t.mem(DATA - 32 + i, 1, i * 7 + 3);
        }
        t.x(0, DATA).x(2, 48).run(word);
        assertNull(t.exception);
        StringBuilder diff = new StringBuilder();
        for (int n = 0; n < 32; n++) {
            if (t.cpu.v[2 * n] != preset(n, 0) || t.cpu.v[2 * n + 1] != preset(n, 1)) {
                diff.append(String.format(" v%d=%016x:%016x", n, t.cpu.v[2 * n + 1], t.cpu.v[2 * n]));
            }
        }
        diff.append(String.format(" x0%+d", t.x(0) - DATA));
        for (int i = 0; i < 256; i += 8) {
            long expected = 0;
            for (int k = 7; k >= 0; k--) {
                expected = expected << 8 | ((i + k) * 7 + 3) & 0xff;
            }
            long actual = t.mem(DATA - 32 + i, 8);
            if (actual != expected) {
                diff.append(String.format(" m%d=%016x", i - 32, actual));
            }
        }
        return diff.toString().trim();
    }

    @Test
    void matchesQemu() {
        for (String[] c : QEMU_CASES) {
            int word = Integer.parseUnsignedInt(c[0].substring(2), 16);
            assertEquals(c[1], runCase(word), c[0] + " " + Decoder.decode(word, CpuModel.CORTEX_A57));
        }
    }

    @Test
    void unallocatedAndTrapped() {
        assertInstanceOf(Undefined.class, Decoder.decode(0x0c400c01, CpuModel.MAX)); // LD4 .1d (size 3, Q 0)
        assertInstanceOf(Undefined.class, Decoder.decode(0x4d00c401, CpuModel.MAX)); // "ST1R" (replicate store)
        assertInstanceOf(Undefined.class, Decoder.decode(0x4d408c01, CpuModel.MAX)); // ld1 .d lane with S=1
        assertInstanceOf(Undefined.class, Decoder.decode(0x4c417001, CpuModel.MAX)); // no post-index, Rm != 0
        t.cpu.sys.cpacrEl1 = 0;
        t.x(0, DATA).run(0x4c407001); // ld1 {v1.16b}, [x0]
        assertEquals(Esr.EC_FP_ACCESS, t.exception.ec);
    }
}
