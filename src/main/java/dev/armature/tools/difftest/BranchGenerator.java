package dev.armature.tools.difftest;

import java.util.random.RandomGenerator;

/**
 * Short sequences mixing flag-setting and other integer instructions with forward branches: every target lies
 * after its branch and no further than the end of the sequence (where the epilogue starts), so every case
 * terminates. Register-indirect branches get their target from an ADR just before them.
 */
final class BranchGenerator {
    private BranchGenerator() {
    }

    /** Words for a sequence; the register inputs are adjusted in {@code x}. */
    static int[] words(RandomGenerator r, long[] x) {
        int n = 3 + r.nextInt(6);
        // First the layout: which slots hold an ADR + indirect branch pair. No branch may target the second
        // word of a pair, or it would jump with a stale register.
        int[] kinds = new int[n];
        boolean[] indirect = new boolean[n + 1];
        for (int i = 0; i < n; i++) {
            kinds[i] = r.nextInt(10);
            if (kinds[i] == 0) {
                if (i + 1 < n) {
                    indirect[i + 1] = true;
                    kinds[++i] = -1;
                } else {
                    kinds[i] = 9;
                }
            }
        }
        int[] w = new int[n];
        for (int i = 0; i < n; i++) {
            if (kinds[i] == -1) {
                continue;
            }
            if (kinds[i] == 0) { // ADR Xr, target; BR/BLR/RET Xr
                int reg = r.nextInt(31);
                int target = forwardTarget(r, i + 1, n, indirect);
                w[i] = adr(reg, (target - i) * 4);
                int op = r.nextInt(3); // BR, BLR, RET
                w[i + 1] = (op == 0 ? 0xd61f_0000 : op == 1 ? 0xd63f_0000 : 0xd65f_0000) | reg << 5;
                continue;
            }
            int off = forwardTarget(r, i, n, indirect) - i;
            w[i] = switch (kinds[i]) {
                case 1 -> 0x1400_0000 | off; // B
                case 2 -> 0x9400_0000 | off; // BL
                case 3, 4 -> 0x5400_0000 | off << 5 | r.nextInt(16); // B.cond (including AL and NV)
                case 5 -> { // CBZ/CBNZ
                    int rt = r.nextInt(31);
                    if (r.nextInt(3) == 0) {
                        x[rt] = r.nextBoolean() ? 0 : 1L << 32; // zero, or zero in the low word only
                    }
                    yield r.nextInt(2) << 31 | 0x3400_0000 | r.nextInt(2) << 24 | off << 5 | rt;
                }
                case 6 -> { // TBZ/TBNZ
                    int bit = r.nextInt(64);
                    yield (bit >> 5) << 31 | 0x3600_0000 | r.nextInt(2) << 24 | (bit & 31) << 19 | off << 5
                            | r.nextInt(32);
                }
                case 7, 8 -> AluGenerator.flagSetting(r);
                default -> AluGenerator.word(r);
            };
        }
        return w;
    }

    /** A target index in (from, n] that is not the second word of an ADR + branch pair (n always qualifies). */
    private static int forwardTarget(RandomGenerator r, int from, int n, boolean[] indirect) {
        while (true) {
            int t = from + 1 + r.nextInt(n - from);
            if (!indirect[t]) {
                return t;
            }
        }
    }

    private static int adr(int rd, int offset) {
        return (offset & 3) << 29 | 0b10000 << 24 | ((offset >> 2) & 0x7ffff) << 5 | rd;
    }
}
