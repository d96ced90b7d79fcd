package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Feature;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;
import dev.armature.arch.aarch64.insn.AdvSimdLoadStoreStructure;

/**
 * Decodes the AdvSIMD load/store structure classes (Arm ARM C4.1.88: "Advanced SIMD load/store multiple
 * structures", "... single structure", with and without post-index): bit 31 = 0, bits 29:25 = 00110.
 */
final class AdvSimdLoadStoreDecoder {
    private static final String[] ARRANGEMENTS = {"8b", "16b", "4h", "8h", "2s", "4s", "1d", "2d"};
    private static final String[] LANE_SUFFIXES = {"b", "h", "s", "d"};

    private AdvSimdLoadStoreDecoder() {
    }

    static Insn decode(int word, CpuModel model) {
        boolean single = (word & 0x0100_0000) != 0;
        boolean post = (word & 0x0080_0000) != 0;
        if (!model.has(Feature.ASIMD) || (!single && (word & 0x0020_0000) != 0)
                || (!post && (word & 0x001f_0000) != 0)) {
            return new Undefined(word);
        }
        return single ? single(word, post) : multiple(word, post);
    }

    private static Insn multiple(int word, boolean post) {
        boolean quad = (word & 0x4000_0000) != 0;
        boolean load = (word & 0x0040_0000) != 0;
        int rm = (word >>> 16) & 31;
        int opcode = (word >>> 12) & 15;
        int size = (word >>> 10) & 3;
        int rn = (word >>> 5) & 31;
        int vt = word & 31;
        int rpt;
        int selem;
        switch (opcode) {
            case 0b0000 -> { rpt = 1; selem = 4; }
            case 0b0010 -> { rpt = 4; selem = 1; }
            case 0b0100 -> { rpt = 1; selem = 3; }
            case 0b0110 -> { rpt = 3; selem = 1; }
            case 0b0111 -> { rpt = 1; selem = 1; }
            case 0b1000 -> { rpt = 1; selem = 2; }
            case 0b1010 -> { rpt = 2; selem = 1; }
            default -> {
                return new Undefined(word);
            }
        }
        if (size == 3 && !quad && selem != 1) {
            return new Undefined(word);
        }
        int regBytes = quad ? 16 : 8;
        int registers = rpt * selem;
        String text = (load ? "ld" : "st") + selem + " " + registerList(vt, registers, ARRANGEMENTS[size * 2
                + (quad ? 1 : 0)]) + ", [" + LoadStoreDecoder.baseName(rn) + "]" + postText(post, rm,
                registers * regBytes);
        return new AdvSimdLoadStoreStructure.Multiple(text, load, vt, rpt, selem, regBytes, 1 << size, base(rn),
                post, rm, post && rm == 31 ? registers * regBytes : 0);
    }

    private static Insn single(int word, boolean post) {
        boolean quad = (word & 0x4000_0000) != 0;
        boolean load = (word & 0x0040_0000) != 0;
        boolean r = (word & 0x0020_0000) != 0;
        int rm = (word >>> 16) & 31;
        int opcode = (word >>> 13) & 7;
        boolean s = (word & 0x1000) != 0;
        int size = (word >>> 10) & 3;
        int rn = (word >>> 5) & 31;
        int vt = word & 31;
        int selem = ((opcode & 1) << 1 | (r ? 1 : 0)) + 1;
        int scale = opcode >>> 1;
        int q = quad ? 1 : 0;
        int sBit = s ? 1 : 0;
        int index;
        switch (scale) {
            case 3 -> {
                if (!load || s) {
                    return new Undefined(word);
                }
                int ebytes = 1 << size;
                String text = "ld" + selem + "r " + registerList(vt, selem, ARRANGEMENTS[size * 2 + q]) + ", ["
                        + LoadStoreDecoder.baseName(rn) + "]" + postText(post, rm, selem * ebytes);
                return new AdvSimdLoadStoreStructure.Replicate(text, vt, selem, ebytes, quad, base(rn), post, rm,
                        post && rm == 31 ? selem * ebytes : 0);
            }
            case 0 -> index = q << 3 | sBit << 2 | size;
            case 1 -> {
                if ((size & 1) != 0) {
                    return new Undefined(word);
                }
                index = q << 2 | sBit << 1 | size >>> 1;
            }
            default -> {
                if ((size & 2) != 0 || (size == 1 && s)) {
                    return new Undefined(word);
                }
                if (size == 0) {
                    index = q << 1 | sBit;
                } else {
                    index = q;
                    scale = 3;
                }
            }
        }
        int ebytes = 1 << scale;
        String text = (load ? "ld" : "st") + selem + " " + registerList(vt, selem, LANE_SUFFIXES[scale]) + "["
                + index + "], [" + LoadStoreDecoder.baseName(rn) + "]" + postText(post, rm, selem * ebytes);
        return new AdvSimdLoadStoreStructure.Single(text, load, vt, selem, ebytes, index, base(rn), post, rm,
                post && rm == 31 ? selem * ebytes : 0);
    }

    private static int base(int n) {
        return n == 31 ? Cpu.SP : n;
    }

    /** "{v1.4s}", "{v1.4s, v2.4s}", "{v1.4s-v4.4s}", or every register when the list wraps past v31. */
    private static String registerList(int vt, int count, String suffix) {
        StringBuilder b = new StringBuilder("{");
        if (count > 2 && vt + count - 1 < 32) {
            b.append('v').append(vt).append('.').append(suffix).append("-v").append(vt + count - 1).append('.')
                    .append(suffix);
        } else {
            for (int i = 0; i < count; i++) {
                b.append(i == 0 ? "" : ", ").append('v').append((vt + i) & 31).append('.').append(suffix);
            }
        }
        return b.append('}').toString();
    }

    private static String postText(boolean post, int rm, int bytes) {
        if (!post) {
            return "";
        }
        return rm == 31 ? ", #" + bytes : ", x" + rm;
    }
}
