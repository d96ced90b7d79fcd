package dev.armature.tools.difftest;

import java.util.random.RandomGenerator;

/**
 * SIMD&amp;FP register loads and stores into the scratch window: B/H/S/D/Q registers with unsigned-offset,
 * unscaled, pre/post-index and register-offset addressing, LDP/STP/LDNP/STNP of S/D/Q, LDR literal, and the
 * structure forms LD1-LD4/ST1-ST4 (multiple registers and single lane), LD1R-LD4R, with and without
 * post-index. Accesses need no alignment (normal memory).
 */
final class SimdLoadStoreGenerator {
    private SimdLoadStoreGenerator() {
    }

    static int[] words(RandomGenerator r, long[] x, long[] sp, long pc) {
        return new int[] {switch (r.nextInt(7)) {
            case 0 -> unsignedOffset(r, x, sp);
            case 1 -> indexed(r, x, sp);
            case 2 -> registerOffset(r, x, sp);
            case 3 -> pair(r, x, sp);
            case 4 -> (r.nextInt(3) << 30) | 0x1c00_0000 | LoadStoreGenerator.backwardLiteral(r, pc) << 5
                    | r.nextInt(32); // LDR S/D/Q (literal)
            case 5 -> multipleStructures(r, x, sp);
            default -> singleStructure(r, x, sp);
        }};
    }

    /** {size, opc, bytes} of a single-register SIMD&amp;FP load or store: B, H, S, D or Q. */
    private static int[] sizeOpc(RandomGenerator r) {
        int load = r.nextInt(2);
        int kind = r.nextInt(5);
        return kind == 4 ? new int[] {0, 2 | load, 16} : new int[] {kind, load, 1 << kind};
    }

    private static int unsignedOffset(RandomGenerator r, long[] x, long[] sp) {
        while (true) {
            int[] so = sizeOpc(r);
            int imm12 = r.nextInt(BatchProgram.WINDOW_SIZE / so[2]);
            int rn = r.nextInt(32);
            if (LoadStoreGenerator.placeBase(r, rn, (long) imm12 * so[2], so[2], 1, x, sp)) {
                return so[0] << 30 | 0x3d00_0000 | so[1] << 22 | imm12 << 10 | rn << 5 | r.nextInt(32);
            }
        }
    }

    private static int indexed(RandomGenerator r, long[] x, long[] sp) {
        while (true) {
            int[] so = sizeOpc(r);
            int imm9 = r.nextInt(512) - 256;
            int mode = new int[] {0, 1, 3}[r.nextInt(3)]; // unscaled, post-index, pre-index
            int rn = r.nextInt(32);
            if (LoadStoreGenerator.placeBase(r, rn, mode == 1 ? 0 : imm9, so[2], 1, x, sp)) {
                return so[0] << 30 | 0x3c00_0000 | so[1] << 22 | (imm9 & 0x1ff) << 12 | mode << 10 | rn << 5
                        | r.nextInt(32);
            }
        }
    }

    private static int registerOffset(RandomGenerator r, long[] x, long[] sp) {
        while (true) {
            int[] so = sizeOpc(r);
            int rn = r.nextInt(32);
            int rm = r.nextInt(31);
            if (rm == rn) {
                continue;
            }
            int option = new int[] {2, 3, 6, 7}[r.nextInt(4)]; // UXTW, LSL, SXTW, SXTX
            int s = r.nextInt(2);
            int shift = s == 1 ? Integer.numberOfTrailingZeros(so[2]) : 0;
            int span = BatchProgram.WINDOW_SIZE >> shift;
            long index = r.nextInt(span) - (option == 2 ? 0 : span / 2);
            if (!LoadStoreGenerator.placeBase(r, rn, index << shift, so[2], 1, x, sp)) {
                continue;
            }
            long upper = r.nextLong() & 0xffff_ffff_0000_0000L; // ignored by the W extends
            x[rm] = option == 2 || option == 6 ? upper | (index & 0xffff_ffffL) : index;
            return so[0] << 30 | 0x3c20_0800 | so[1] << 22 | rm << 16 | option << 13 | s << 12 | rn << 5
                    | r.nextInt(32);
        }
    }

    private static int pair(RandomGenerator r, long[] x, long[] sp) {
        while (true) {
            int opc = r.nextInt(3); // S, D, Q
            int bytes = 4 << opc;
            int load = r.nextInt(2);
            int mode = r.nextInt(4); // non-temporal, post-index, offset, pre-index
            int rt = r.nextInt(32);
            int rt2 = r.nextInt(32);
            if (load == 1 && rt == rt2) {
                continue;
            }
            int imm7 = r.nextInt(128) - 64;
            int rn = r.nextInt(32);
            if (LoadStoreGenerator.placeBase(r, rn, mode == 1 ? 0 : (long) imm7 * bytes, 2 * bytes, 1, x, sp)) {
                return opc << 30 | 0x2c00_0000 | mode << 23 | load << 22 | (imm7 & 0x7f) << 15 | rt2 << 10
                        | rn << 5 | rt;
            }
        }
    }

    /** Post-index: Rm = 31 means "by the transfer size"; otherwise by a register ≠ Rn with any value. */
    private static int postIndexRegister(RandomGenerator r, int rn, long[] x) {
        if (r.nextBoolean()) {
            return 31;
        }
        while (true) {
            int rm = r.nextInt(31);
            if (rm != rn) {
                x[rm] = Inputs.value(r);
                return rm;
            }
        }
    }

    private static final int[][] MULTIPLE = { // opcode, registers, elements per structure
        {0b0000, 4, 4}, {0b0010, 4, 1}, {0b0100, 3, 3}, {0b0110, 3, 1}, {0b0111, 1, 1}, {0b1000, 2, 2},
        {0b1010, 2, 1}};

    private static int multipleStructures(RandomGenerator r, long[] x, long[] sp) {
        while (true) {
            int[] op = MULTIPLE[r.nextInt(MULTIPLE.length)];
            int q = r.nextInt(2);
            int size = r.nextInt(4);
            if (size == 3 && q == 0 && op[2] > 1) {
                continue; // reserved
            }
            int bytes = op[1] * (q == 1 ? 16 : 8);
            int rn = r.nextInt(32);
            if (!LoadStoreGenerator.placeBase(r, rn, 0, bytes, 1, x, sp)) {
                continue;
            }
            int l = r.nextInt(2);
            int word = q << 30 | 0x0c00_0000 | l << 22 | op[0] << 12 | size << 10 | rn << 5 | r.nextInt(32);
            return r.nextBoolean() ? word : word | 1 << 23 | postIndexRegister(r, rn, x) << 16;
        }
    }

    private static int singleStructure(RandomGenerator r, long[] x, long[] sp) {
        while (true) {
            int q = r.nextInt(2);
            int s = r.nextInt(2);
            int size = r.nextInt(4);
            int group = r.nextInt(4); // B, H, S/D, replicate
            int l = group == 3 ? 1 : r.nextInt(2);
            int elementBytes;
            if (group == 0) {
                elementBytes = 1;
            } else if (group == 1) {
                if ((size & 1) != 0) {
                    continue;
                }
                elementBytes = 2;
            } else if (group == 2) {
                if (size >= 2 || size == 1 && s == 1) {
                    continue;
                }
                elementBytes = size == 0 ? 4 : 8;
            } else {
                if (s != 0) {
                    continue;
                }
                elementBytes = 1 << size;
            }
            int selemLow = r.nextInt(2); // opcode<0>
            int rBit = r.nextInt(2);
            int selem = (selemLow << 1 | rBit) + 1;
            int rn = r.nextInt(32);
            if (!LoadStoreGenerator.placeBase(r, rn, 0, selem * elementBytes, 1, x, sp)) {
                continue;
            }
            int opcode = group << 1 | selemLow;
            int word = q << 30 | 0x0d00_0000 | l << 22 | rBit << 21 | opcode << 13 | s << 12 | size << 10 | rn << 5
                    | r.nextInt(32);
            return r.nextBoolean() ? word : word | 1 << 23 | postIndexRegister(r, rn, x) << 16;
        }
    }
}
