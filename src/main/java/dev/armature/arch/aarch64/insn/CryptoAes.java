package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;

/** AESE, AESD (AddRoundKey, (Inv)ShiftRows, (Inv)SubBytes), AESMC, AESIMC ((Inv)MixColumns). */
public final class CryptoAes extends SimdFpInsn {
    /** The four instructions. */
    public enum Op { AESE, AESD, AESMC, AESIMC }

    private static final int[] SBOX = new int[256];
    private static final int[] INV_SBOX = new int[256];

    static {
        // S-box: multiplicative inverse in GF(2^8) (modulus x^8+x^4+x^3+x+1) followed by the affine map.
        for (int x = 0; x < 256; x++) {
            int inv = 0;
            for (int y = 1; y < 256 && x != 0; y++) {
                if (gmul(x, y) == 1) {
                    inv = y;
                    break;
                }
            }
            int s = inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63;
            SBOX[x] = s;
            INV_SBOX[s] = x;
        }
    }

    private final Op op;
    private final int d;
    private final int n;

    public CryptoAes(String text, Op op, int d, int n) {
        super(text);
        this.op = op;
        this.d = d;
        this.n = n;
    }

    private static int rotl8(int x, int k) {
        return ((x << k) | (x >>> (8 - k))) & 0xff;
    }

    /** Multiplication in GF(2^8) modulo the AES polynomial. */
    static int gmul(int a, int b) {
        int r = 0;
        for (int i = 0; i < 8; i++) {
            if ((b >>> i & 1) != 0) {
                r ^= a;
            }
            a = (a << 1) ^ ((a & 0x80) != 0 ? 0x11b : 0);
        }
        return r;
    }

    private static int byteAt(long lo, long hi, int i) {
        return (int) ((i < 8 ? lo : hi) >>> (8 * (i & 7))) & 0xff;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long lo = cpu.v[2 * n];
        long hi = cpu.v[2 * n + 1];
        long rlo = 0;
        long rhi = 0;
        switch (op) {
            case AESE, AESD -> {
                lo ^= cpu.v[2 * d];
                hi ^= cpu.v[2 * d + 1];
                boolean enc = op == Op.AESE;
                // Byte i of the state is row i % 4, column i / 4; ShiftRows moves row r left by r columns.
                for (int j = 0; j < 16; j++) {
                    int r = j & 3;
                    int c = j >>> 2;
                    int src = r + 4 * ((enc ? c + r : c - r + 4) & 3);
                    long b = (enc ? SBOX : INV_SBOX)[byteAt(lo, hi, src)];
                    if (j < 8) {
                        rlo |= b << (8 * j);
                    } else {
                        rhi |= b << (8 * (j - 8));
                    }
                }
            }
            default -> {
                boolean inverse = op == Op.AESIMC;
                for (int c = 0; c < 4; c++) {
                    int s0 = byteAt(lo, hi, 4 * c);
                    int s1 = byteAt(lo, hi, 4 * c + 1);
                    int s2 = byteAt(lo, hi, 4 * c + 2);
                    int s3 = byteAt(lo, hi, 4 * c + 3);
                    long col = inverse
                            ? mix(s0, s1, s2, s3, 14, 11, 13, 9) | mix(s1, s2, s3, s0, 14, 11, 13, 9) << 8
                                    | mix(s2, s3, s0, s1, 14, 11, 13, 9) << 16 | mix(s3, s0, s1, s2, 14, 11, 13, 9) << 24
                            : mix(s0, s1, s2, s3, 2, 3, 1, 1) | mix(s1, s2, s3, s0, 2, 3, 1, 1) << 8
                                    | mix(s2, s3, s0, s1, 2, 3, 1, 1) << 16 | mix(s3, s0, s1, s2, 2, 3, 1, 1) << 24;
                    if (c < 2) {
                        rlo |= col << (32 * c);
                    } else {
                        rhi |= col << (32 * (c - 2));
                    }
                }
            }
        }
        cpu.v[2 * d] = rlo;
        cpu.v[2 * d + 1] = rhi;
    }

    private static long mix(int a, int b, int c, int e, int ka, int kb, int kc, int ke) {
        return gmul(a, ka) ^ gmul(b, kb) ^ gmul(c, kc) ^ gmul(e, ke);
    }
}
