package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;

/** SHA1C, SHA1P, SHA1M, SHA1H, SHA1SU0, SHA1SU1, SHA256H, SHA256H2, SHA256SU0, SHA256SU1. */
public final class CryptoSha extends SimdFpInsn {
    /** The instructions. */
    public enum Op { SHA1C, SHA1P, SHA1M, SHA1SU0, SHA256H, SHA256H2, SHA256SU1, SHA1H, SHA1SU1, SHA256SU0 }

    private final Op op;
    private final int d;
    private final int n;
    private final int m;

    public CryptoSha(String text, Op op, int d, int n, int m) {
        super(text);
        this.op = op;
        this.d = d;
        this.n = n;
        this.m = m;
    }

    private static int word(long lo, long hi, int e) {
        return (int) ((e < 2 ? lo : hi) >>> (32 * (e & 1)));
    }

    private static long pack(int a, int b) {
        return (a & 0xffff_ffffL) | (long) b << 32;
    }

    @Override
    public void exec(Cpu cpu) {
        FpAccess.check(cpu);
        long[] v = cpu.v;
        long dlo = v[2 * d];
        long dhi = v[2 * d + 1];
        long nlo = v[2 * n];
        long nhi = v[2 * n + 1];
        long mlo = v[2 * m];
        long mhi = v[2 * m + 1];
        switch (op) {
            case SHA1C, SHA1P, SHA1M -> sha1Hash(cpu, dlo, dhi, (int) nlo, mlo, mhi);
            case SHA1H -> {
                v[2 * d] = Integer.rotateLeft((int) nlo, 30) & 0xffff_ffffL;
                v[2 * d + 1] = 0;
            }
            case SHA1SU0 -> {
                v[2 * d] = dlo ^ dhi ^ mlo;
                v[2 * d + 1] = dhi ^ nlo ^ mhi;
            }
            case SHA1SU1 -> {
                long tlo = dlo ^ (nlo >>> 32 | nhi << 32);
                long thi = dhi ^ (nhi >>> 32);
                int t0 = (int) tlo;
                int w0 = Integer.rotateLeft(t0, 1);
                int w1 = Integer.rotateLeft((int) (tlo >>> 32), 1);
                int w2 = Integer.rotateLeft((int) thi, 1);
                int w3 = Integer.rotateLeft((int) (thi >>> 32), 1) ^ Integer.rotateLeft(t0, 2);
                v[2 * d] = pack(w0, w1);
                v[2 * d + 1] = pack(w2, w3);
            }
            case SHA256H -> sha256Hash(cpu, dlo, dhi, nlo, nhi, mlo, mhi, true);
            case SHA256H2 -> sha256Hash(cpu, nlo, nhi, dlo, dhi, mlo, mhi, false);
            case SHA256SU0 -> {
                // T = Vn<31:0> : Vd<127:32>
                long tlo = dlo >>> 32 | dhi << 32;
                long thi = dhi >>> 32 | nlo << 32;
                long rlo = 0;
                long rhi = 0;
                for (int e = 0; e < 4; e++) {
                    int elt = word(tlo, thi, e);
                    elt = Integer.rotateRight(elt, 7) ^ Integer.rotateRight(elt, 18) ^ (elt >>> 3);
                    long r = (elt + word(dlo, dhi, e)) & 0xffff_ffffL;
                    if (e < 2) {
                        rlo |= r << (32 * e);
                    } else {
                        rhi |= r << (32 * (e - 2));
                    }
                }
                v[2 * d] = rlo;
                v[2 * d + 1] = rhi;
            }
            case SHA256SU1 -> {
                // T0 = Vm<31:0> : Vn<127:32>; T1 = Vm<127:64>
                long t0lo = nlo >>> 32 | nhi << 32;
                long t0hi = nhi >>> 32 | mlo << 32;
                int r0 = su1(word(mhi, 0, 0)) + word(dlo, dhi, 0) + word(t0lo, t0hi, 0);
                int r1 = su1(word(mhi, 0, 1)) + word(dlo, dhi, 1) + word(t0lo, t0hi, 1);
                int r2 = su1(r0) + word(dlo, dhi, 2) + word(t0lo, t0hi, 2);
                int r3 = su1(r1) + word(dlo, dhi, 3) + word(t0lo, t0hi, 3);
                v[2 * d] = pack(r0, r1);
                v[2 * d + 1] = pack(r2, r3);
            }
        }
    }

    private static int su1(int x) {
        return Integer.rotateRight(x, 17) ^ Integer.rotateRight(x, 19) ^ (x >>> 10);
    }

    private void sha1Hash(Cpu cpu, long xlo, long xhi, int y, long wlo, long whi) {
        int x0 = (int) xlo;
        int x1 = (int) (xlo >>> 32);
        int x2 = (int) xhi;
        int x3 = (int) (xhi >>> 32);
        for (int e = 0; e < 4; e++) {
            int t = switch (op) {
                case SHA1C -> ((x2 ^ x3) & x1) ^ x3;
                case SHA1P -> x1 ^ x2 ^ x3;
                default -> (x1 & x2) | ((x1 | x2) & x3);
            };
            y = y + Integer.rotateLeft(x0, 5) + t + word(wlo, whi, e);
            x1 = Integer.rotateLeft(x1, 30);
            // <Y, X> = ROL(Y : X, 32)
            int top = x3;
            x3 = x2;
            x2 = x1;
            x1 = x0;
            x0 = y;
            y = top;
        }
        cpu.v[2 * d] = pack(x0, x1);
        cpu.v[2 * d + 1] = pack(x2, x3);
    }

    private void sha256Hash(Cpu cpu, long xlo, long xhi, long ylo, long yhi, long wlo, long whi, boolean part1) {
        int x0 = (int) xlo;
        int x1 = (int) (xlo >>> 32);
        int x2 = (int) xhi;
        int x3 = (int) (xhi >>> 32);
        int y0 = (int) ylo;
        int y1 = (int) (ylo >>> 32);
        int y2 = (int) yhi;
        int y3 = (int) (yhi >>> 32);
        for (int e = 0; e < 4; e++) {
            int chs = ((y1 ^ y2) & y0) ^ y2;
            int maj = (x0 & x1) | ((x0 | x1) & x2);
            int sigma1 = Integer.rotateRight(y0, 6) ^ Integer.rotateRight(y0, 11) ^ Integer.rotateRight(y0, 25);
            int sigma0 = Integer.rotateRight(x0, 2) ^ Integer.rotateRight(x0, 13) ^ Integer.rotateRight(x0, 22);
            int t = y3 + sigma1 + chs + word(wlo, whi, e);
            x3 = t + x3;
            y3 = t + sigma0 + maj;
            // <Y, X> = ROL(Y : X, 32)
            int xtop = x3;
            x3 = x2;
            x2 = x1;
            x1 = x0;
            x0 = y3;
            y3 = y2;
            y2 = y1;
            y1 = y0;
            y0 = xtop;
        }
        cpu.v[2 * d] = part1 ? pack(x0, x1) : pack(y0, y1);
        cpu.v[2 * d + 1] = part1 ? pack(x2, x3) : pack(y2, y3);
    }
}
