package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;
import dev.armature.arch.aarch64.fp.FpCore;
import dev.armature.arch.aarch64.insn.AdvSimdFpConvertPrecision;
import dev.armature.arch.aarch64.insn.AdvSimdFpReduce;
import dev.armature.arch.aarch64.insn.AdvSimdFpThreeSame;
import dev.armature.arch.aarch64.insn.AdvSimdFpThreeSame.Op;
import dev.armature.arch.aarch64.insn.AdvSimdFpTwoRegMisc;
import dev.armature.arch.aarch64.insn.AdvSimdFpTwoRegMisc.UnaryOp;

/**
 * Decodes the floating-point encodings inside the Advanced SIMD groups (vector and scalar), single and double
 * precision. The half precision forms (FEAT_FP16) and later extensions (FMLAL, FCMLA, FRINT32...) are UNDEFINED.
 */
final class AdvSimdFpDecoder {
    /** Three same FP by U:a (a = bit 23) and opcode[2:0]. */
    private static final Op[][] THREE_SAME = {
        {Op.FMAXNM, Op.FMLA, Op.FADD, Op.FMULX, Op.FCMEQ, null, Op.FMAX, Op.FRECPS},
        {Op.FMINNM, Op.FMLS, Op.FSUB, null, null, null, Op.FMIN, Op.FRSQRTS},
        {Op.FMAXNM, null, Op.FADD, Op.FMUL, Op.FCMGE, Op.FACGE, Op.FMAX, Op.FDIV},
        {Op.FMINNM, null, Op.FABD, null, Op.FCMGT, Op.FACGT, Op.FMIN, null}};
    private static final String[] SHAPES = {"2s", "4s", null, "2d"};

    private AdvSimdFpDecoder() {
    }

    /** VFPExpandImm: the 8-bit FP immediate as an N-bit (32 or 64) IEEE value. */
    static long expandFpImm(int imm8, int n) {
        int e = n == 32 ? 8 : 11;
        int f = n - e - 1;
        long sign = imm8 >>> 7 & 1;
        long b6 = imm8 >>> 6 & 1;
        long exp = (b6 ^ 1) << (e - 1) | (b6 == 1 ? ((1L << (e - 3)) - 1) << 2 : 0) | (imm8 >>> 4 & 3);
        long frac = (long) (imm8 & 0xf) << (f - 4);
        return sign << (n - 1) | exp << f | frac;
    }

    private static String vreg(int r, boolean sz, boolean q) {
        return "v" + r + "." + SHAPES[(sz ? 2 : 0) + (q ? 1 : 0)];
    }

    private static String sreg(int r, boolean sz) {
        return (sz ? "d" : "s") + r;
    }

    /** The integer by-element instruction, or the FP one when {@code integer} is null. */
    static Insn indexedOr(int word, Insn integer) {
        if (integer != null) {
            return integer;
        }
        boolean scalar = (word & (1 << 28)) != 0;
        boolean q = (word & (1 << 30)) != 0;
        int u = (word >>> 29) & 1;
        int opcode = (word >>> 12) & 0xf;
        boolean sz = (word & (1 << 22)) != 0;
        int l = (word >>> 21) & 1;
        int h = (word >>> 11) & 1;
        if ((word & (1 << 23)) == 0 || (u == 1 && opcode != 9) || sz && (l == 1 || !q && !scalar)) {
            return new Undefined(word);
        }
        Op op = opcode == 1 ? Op.FMLA : opcode == 5 ? Op.FMLS : u == 1 ? Op.FMULX : Op.FMUL;
        int index = sz ? h : h << 1 | l;
        int d = word & 31;
        int n = (word >>> 5) & 31;
        int m = (word >>> 16) & 31;
        int fmt = sz ? FpCore.D : FpCore.S;
        String el = "v" + m + "." + (sz ? "d" : "s") + "[" + index + "]";
        String name = op.name().toLowerCase();
        String text = scalar ? name + " " + sreg(d, sz) + ", " + sreg(n, sz) + ", " + el
                : name + " " + vreg(d, sz, q) + ", " + vreg(n, sz, q) + ", " + el;
        return new AdvSimdFpThreeSame(text, op, fmt, d, n, m, scalar ? FpCore.bits(fmt) : q ? 128 : 64, false, index);
    }

    static Insn threeSame(int word, boolean scalar) {
        boolean q = (word & (1 << 30)) != 0;
        int u = (word >>> 29) & 1;
        int a = (word >>> 23) & 1;
        boolean sz = (word & (1 << 22)) != 0;
        int opcode = (word >>> 11) & 7;
        Op op = THREE_SAME[u << 1 | a][opcode];
        if (op == null || !scalar && sz && !q) {
            return new Undefined(word);
        }
        boolean pairwise = u == 1 && (opcode == 0 || opcode == 6 || opcode == 2 && a == 0);
        if (scalar && !(op == Op.FMULX || op == Op.FCMEQ || op == Op.FRECPS || op == Op.FRSQRTS
                || op == Op.FCMGE || op == Op.FACGE || op == Op.FABD || op == Op.FCMGT || op == Op.FACGT)) {
            return new Undefined(word);
        }
        int d = word & 31;
        int n = (word >>> 5) & 31;
        int m = (word >>> 16) & 31;
        int fmt = sz ? FpCore.D : FpCore.S;
        String name = (pairwise ? op.name() + "P" : op.name()).toLowerCase();
        String text = scalar ? name + " " + sreg(d, sz) + ", " + sreg(n, sz) + ", " + sreg(m, sz)
                : name + " " + vreg(d, sz, q) + ", " + vreg(n, sz, q) + ", " + vreg(m, sz, q);
        return new AdvSimdFpThreeSame(text, op, fmt, d, n, m, scalar ? FpCore.bits(fmt) : q ? 128 : 64, pairwise, -1);
    }

    static Insn twoRegMisc(int word, boolean scalar) {
        boolean q = (word & (1 << 30)) != 0;
        int u = (word >>> 29) & 1;
        int a = (word >>> 23) & 1;
        boolean sz = (word & (1 << 22)) != 0;
        int opcode = (word >>> 12) & 0x1f;
        int d = word & 31;
        int n = (word >>> 5) & 31;
        if ((opcode == 0x16 || opcode == 0x17) && a == 0) {
            return convertPrecision(word, scalar, q, u, sz, opcode, d, n);
        }
        int rmode = 0;
        UnaryOp op = null;
        switch (opcode) {
            case 0x18, 0x19 -> {
                if (!scalar) {
                    int k = (opcode & 1) << 2 | u << 1 | a;
                    op = new UnaryOp[] {UnaryOp.FRINTN, UnaryOp.FRINTP, UnaryOp.FRINTA, null, UnaryOp.FRINTM, UnaryOp.FRINTZ, UnaryOp.FRINTX,
                        UnaryOp.FRINTI}[k];
                }
            }
            case 0x1a, 0x1b -> {
                op = u == 0 ? UnaryOp.FCVTS : UnaryOp.FCVTU;
                rmode = opcode == 0x1a ? (a == 0 ? FpCore.RN : FpCore.RP) : (a == 0 ? FpCore.RM : FpCore.RZ);
            }
            case 0x1c -> {
                if (a == 0) {
                    op = u == 0 ? UnaryOp.FCVTS : UnaryOp.FCVTU;
                    rmode = FpCore.RA;
                } else if (!scalar && !sz) {
                    op = u == 0 ? UnaryOp.URECPE : UnaryOp.URSQRTE;
                }
            }
            case 0x1d -> op = a == 0 ? (u == 0 ? UnaryOp.SCVTF : UnaryOp.UCVTF) : u == 0 ? UnaryOp.FRECPE : UnaryOp.FRSQRTE;
            case 0x0c -> op = a == 1 ? (u == 0 ? UnaryOp.FCMGT0 : UnaryOp.FCMGE0) : null;
            case 0x0d -> op = a == 1 ? (u == 0 ? UnaryOp.FCMEQ0 : UnaryOp.FCMLE0) : null;
            case 0x0e -> op = a == 1 && u == 0 ? UnaryOp.FCMLT0 : null;
            case 0x0f -> op = a == 1 && !scalar ? (u == 0 ? UnaryOp.FABS : UnaryOp.FNEG) : null;
            case 0x1f -> op = a == 1 ? (u == 0 ? (scalar ? UnaryOp.FRECPX : null) : scalar ? null : UnaryOp.FSQRT) : null;
            default -> {
            }
        }
        if (op == null || !scalar && sz && !q) {
            return new Undefined(word);
        }
        int fmt = sz ? FpCore.D : FpCore.S;
        String name = switch (op) {
            case FCVTS, FCVTU -> "fcvt" + (rmode == FpCore.RA ? "a" : "npmz".charAt(rmode))
                    + (op == UnaryOp.FCVTS ? "s" : "u");
            case FCMGT0, FCMEQ0, FCMLT0, FCMGE0, FCMLE0 -> op.name().substring(0, 4).toLowerCase();
            default -> op.name().toLowerCase();
        };
        String zero = name.startsWith("fcm") ? ", #0.0" : "";
        String text = scalar ? name + " " + sreg(d, sz) + ", " + sreg(n, sz) + zero
                : name + " " + vreg(d, sz, q) + ", " + vreg(n, sz, q) + zero;
        return new AdvSimdFpTwoRegMisc(text, op, fmt, d, n, scalar ? FpCore.bits(fmt) : q ? 128 : 64, rmode, 0);
    }

    private static Insn convertPrecision(int word, boolean scalar, boolean q, int u, boolean sz, int opcode, int d,
            int n) {
        String two = q ? "2 " : " ";
        if (opcode == 0x17) {
            if (u == 1 || scalar) {
                return new Undefined(word);
            }
            int from = sz ? FpCore.S : FpCore.H;
            return new AdvSimdFpConvertPrecision("fcvtl" + two + "v" + d + (sz ? ".2d" : ".4s") + ", v" + n
                    + (sz ? (q ? ".4s" : ".2s") : (q ? ".8h" : ".4h")), from, from + 1, d, n, sz ? 2 : 4, q, false);
        }
        if (u == 1) {
            if (!sz) {
                return new Undefined(word);
            }
            if (scalar) {
                return new AdvSimdFpConvertPrecision("fcvtxn s" + d + ", d" + n, FpCore.D, FpCore.S, d, n, 1, false,
                        true);
            }
            return new AdvSimdFpConvertPrecision("fcvtxn" + two + "v" + d + (q ? ".4s" : ".2s") + ", v" + n + ".2d",
                    FpCore.D, FpCore.S, d, n, 2, q, true);
        }
        if (scalar) {
            return new Undefined(word);
        }
        int to = sz ? FpCore.S : FpCore.H;
        return new AdvSimdFpConvertPrecision("fcvtn" + two + "v" + d + (sz ? (q ? ".4s" : ".2s") : (q ? ".8h" : ".4h"))
                + ", v" + n + (sz ? ".2d" : ".4s"), to + 1, to, d, n, sz ? 2 : 4, q, false);
    }

    static Insn acrossLanes(int word) {
        boolean q = (word & (1 << 30)) != 0;
        int u = (word >>> 29) & 1;
        int a = (word >>> 23) & 1;
        boolean sz = (word & (1 << 22)) != 0;
        int opcode = (word >>> 12) & 0x1f;
        if (u == 0 || !q || sz || opcode != 0x0c && opcode != 0x0f) {
            return new Undefined(word);
        }
        Op op = opcode == 0x0c ? (a == 0 ? Op.FMAXNM : Op.FMINNM) : a == 0 ? Op.FMAX : Op.FMIN;
        int d = word & 31;
        int n = (word >>> 5) & 31;
        return new AdvSimdFpReduce(op.name().toLowerCase() + "v s" + d + ", v" + n + ".4s", op, FpCore.S, d, n, 4);
    }

    static Insn scalarPairwise(int word) {
        int u = (word >>> 29) & 1;
        int a = (word >>> 23) & 1;
        boolean sz = (word & (1 << 22)) != 0;
        int opcode = (word >>> 12) & 0x1f;
        Op op = null;
        if (u == 1) {
            op = switch (opcode) {
                case 0x0c -> a == 0 ? Op.FMAXNM : Op.FMINNM;
                case 0x0d -> a == 0 ? Op.FADD : null;
                case 0x0f -> a == 0 ? Op.FMAX : Op.FMIN;
                default -> null;
            };
        }
        if (op == null) {
            return new Undefined(word);
        }
        int d = word & 31;
        int n = (word >>> 5) & 31;
        return new AdvSimdFpReduce(op.name().toLowerCase() + "p " + sreg(d, sz) + ", v" + n + (sz ? ".2d" : ".2s"),
                op, sz ? FpCore.D : FpCore.S, d, n, 2);
    }

    static Insn shiftImmediate(int word, boolean scalar) {
        boolean q = (word & (1 << 30)) != 0;
        int u = (word >>> 29) & 1;
        int immh = (word >>> 19) & 0xf;
        int immhb = (word >>> 16) & 0x7f;
        int opcode = (word >>> 11) & 0x1f;
        if (immh < 4 || !scalar && immh >= 8 && !q) {
            return new Undefined(word);
        }
        boolean sz = immh >= 8;
        int fmt = sz ? FpCore.D : FpCore.S;
        int esize = FpCore.bits(fmt);
        int fbits = 2 * esize - immhb;
        UnaryOp op = opcode == 0x1c ? (u == 0 ? UnaryOp.SCVTF : UnaryOp.UCVTF) : u == 0 ? UnaryOp.FCVTS : UnaryOp.FCVTU;
        String name = opcode == 0x1c ? op.name().toLowerCase() : u == 0 ? "fcvtzs" : "fcvtzu";
        int d = word & 31;
        int n = (word >>> 5) & 31;
        String text = scalar ? name + " " + sreg(d, sz) + ", " + sreg(n, sz) + ", #" + fbits
                : name + " " + vreg(d, sz, q) + ", " + vreg(n, sz, q) + ", #" + fbits;
        return new AdvSimdFpTwoRegMisc(text, op, fmt, d, n, scalar ? esize : q ? 128 : 64, FpCore.RZ, fbits);
    }
}
