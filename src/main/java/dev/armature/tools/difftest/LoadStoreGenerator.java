package dev.armature.tools.difftest;

import java.util.random.RandomGenerator;

/**
 * Loads and stores whose every access lies in the scratch window: the generator picks the encoding first, then
 * sets the base (and index) registers so the address lands inside. SP as base stays 16-byte aligned (Linux sets
 * SCTLR_EL1.SA0, qemu-user does not check it). Forms the Arm ARM calls CONSTRAINED UNPREDICTABLE (writeback
 * into a transfer register, LDP into one register twice, a store-exclusive status register that overlaps) are
 * never generated.
 */
final class LoadStoreGenerator {
    private static final long WINDOW = BatchProgram.WINDOW;
    private static final int WINDOW_SIZE = BatchProgram.WINDOW_SIZE;

    private LoadStoreGenerator() {
    }

    enum Form {
        UNSIGNED_IMM, UNSCALED, POST_INDEX, PRE_INDEX, UNPRIVILEGED, REGISTER, LITERAL, PAIR, EXCLUSIVE,
        EXCLUSIVE_PAIR, CLEARED_EXCLUSIVE, ACQUIRE_RELEASE
    }

    /** CLREX #15. */
    static final int CLREX = 0xd503_3f5f;

    /** A case's words; sets the base/index registers in {@code x} and returns the new SP through {@code sp[0]}. */
    static int[] words(RandomGenerator r, long[] x, long[] sp, long pc) {
        Form[] forms = Form.values();
        return words(r, forms[r.nextInt(forms.length)], x, sp, pc);
    }

    static int[] words(RandomGenerator r, Form f, long[] x, long[] sp, long pc) {
        return switch (f) {
            case UNSIGNED_IMM, UNSCALED, POST_INDEX, PRE_INDEX, UNPRIVILEGED -> new int[] {single(r, f, x, sp)};
            case REGISTER -> new int[] {registerOffset(r, x, sp)};
            case LITERAL -> new int[] {literal(r, pc)};
            case PAIR -> new int[] {pair(r, x, sp)};
            case EXCLUSIVE -> exclusive(r, x, sp, false);
            case EXCLUSIVE_PAIR -> exclusive(r, x, sp, true);
            case CLEARED_EXCLUSIVE -> { // LDXR, CLREX, STXR: the store must fail (status 1, memory unchanged)
                int[] pair = exclusive(r, x, sp, r.nextBoolean());
                yield new int[] {pair[0], CLREX, pair[1]};
            }
            case ACQUIRE_RELEASE -> new int[] {acquireRelease(r, x, sp)};
        };
    }

    /** size (0..3) and opc for a single-register load/store: STR, LDR, LDRS to 64, LDRS to 32. */
    private static int[] sizeOpc(RandomGenerator r) {
        while (true) {
            int size = r.nextInt(4);
            int opc = r.nextInt(4);
            if (opc == 2 && size == 3 || opc == 3 && size >= 2) {
                continue; // PRFM, unallocated
            }
            return new int[] {size, opc};
        }
    }

    /**
     * Sets base register {@code rn} (31 = SP, kept 16-byte aligned) so that [base + offset, + accessBytes) lies in
     * the window and the base is a multiple of {@code align}; false if impossible.
     */
    static boolean placeBase(RandomGenerator r, int rn, long offset, int accessBytes, int align, long[] x,
                              long[] sp) {
        long lo = WINDOW - offset;
        long hi = WINDOW + WINDOW_SIZE - accessBytes - offset; // inclusive range for the base
        int baseAlign = rn == 31 ? 16 : align;
        long first = Math.ceilDiv(lo, baseAlign) * baseAlign;
        if (first > hi) {
            return false;
        }
        long count = (hi - first) / baseAlign + 1;
        long base = first + baseAlign * (long) r.nextInt((int) Math.min(count, Integer.MAX_VALUE));
        if (rn == 31) {
            sp[0] = base;
        } else {
            x[rn] = base;
        }
        return true;
    }

    private static int single(RandomGenerator r, Form f, long[] x, long[] sp) {
        while (true) {
            int[] so = sizeOpc(r);
            int size = so[0];
            int opc = so[1];
            int rn = r.nextInt(32);
            int rt = r.nextInt(32);
            boolean writeback = f == Form.POST_INDEX || f == Form.PRE_INDEX;
            if (writeback && rt == rn && rn != 31) {
                continue;
            }
            int word;
            long offset;
            if (f == Form.UNSIGNED_IMM) {
                int imm12 = r.nextInt(WINDOW_SIZE >> size);
                offset = (long) imm12 << size;
                word = size << 30 | 0x3900_0000 | opc << 22 | imm12 << 10 | rn << 5 | rt;
            } else {
                int imm9 = r.nextInt(512) - 256;
                int mode = switch (f) {
                    case UNSCALED -> 0;
                    case POST_INDEX -> 1;
                    case UNPRIVILEGED -> 2;
                    default -> 3;
                };
                offset = f == Form.POST_INDEX ? 0 : imm9;
                word = size << 30 | 0x3800_0000 | opc << 22 | (imm9 & 0x1ff) << 12 | mode << 10 | rn << 5 | rt;
            }
            int align = r.nextInt(3) == 0 ? 1 : 1 << size; // mostly aligned, sometimes not at all
            if (placeBase(r, rn, offset, 1 << size, align, x, sp)) {
                return word;
            }
        }
    }

    private static int registerOffset(RandomGenerator r, long[] x, long[] sp) {
        while (true) {
            int[] so = sizeOpc(r);
            int size = so[0];
            int opc = so[1];
            int rn = r.nextInt(32);
            int rm = r.nextInt(31);
            if (rm == rn) {
                continue;
            }
            int option = new int[] {2, 3, 6, 7}[r.nextInt(4)]; // UXTW, LSL, SXTW, SXTX
            int s = r.nextInt(2);
            int shift = s == 1 ? size : 0;
            long index = r.nextInt(WINDOW_SIZE >> shift) - (option == 2 ? 0 : (WINDOW_SIZE >> shift) / 2);
            long offset = index << shift;
            if (!placeBase(r, rn, offset, 1 << size, 1, x, sp)) {
                continue;
            }
            long upper = r.nextLong() & 0xffff_ffff_0000_0000L; // ignored by the W extends
            x[rm] = option == 2 || option == 6 ? upper | (index & 0xffff_ffffL) : index;
            return size << 30 | 0x3820_0800 | opc << 22 | rm << 16 | option << 13 | s << 12 | rn << 5
                    | r.nextInt(32);
        }
    }

    /** LDR/LDRSW (literal) reading earlier code: the same bytes in both emulators. */
    private static int literal(RandomGenerator r, long pc) {
        int opc = r.nextInt(3); // LDR W, LDR X, LDRSW
        return opc << 30 | 0x1800_0000 | backwardLiteral(r, pc) << 5 | r.nextInt(32);
    }

    /** An imm19 field pointing back into already emitted code (never before the text segment). */
    static int backwardLiteral(RandomGenerator r, long pc) {
        long back = Math.min(pc - BatchProgram.TEXT, 4000) / 4;
        int imm19 = -(int) (back == 0 ? 0 : r.nextLong(back + 1));
        return imm19 & 0x7ffff;
    }

    private static int pair(RandomGenerator r, long[] x, long[] sp) {
        while (true) {
            int opc = r.nextInt(3); // 32-bit, LDPSW, 64-bit
            int load = opc == 1 ? 1 : r.nextInt(2);
            int mode = r.nextInt(4); // non-temporal offset, post, offset, pre
            if (opc == 1 && mode == 0) {
                continue; // no LDNPSW
            }
            int rn = r.nextInt(32);
            int rt = r.nextInt(32);
            int rt2 = r.nextInt(32);
            boolean writeback = mode == 1 || mode == 3;
            if (load == 1 && rt == rt2 || writeback && rn != 31 && (rn == rt || rn == rt2)) {
                continue;
            }
            int scale = opc == 2 ? 3 : 2;
            int imm7 = r.nextInt(128) - 64;
            long offset = mode == 1 ? 0 : (long) imm7 << scale;
            int align = r.nextInt(3) == 0 ? 1 : 1 << scale;
            if (placeBase(r, rn, offset, 2 << scale, align, x, sp)) {
                return opc << 30 | 0x2800_0000 | mode << 23 | load << 22 | (imm7 & 0x7f) << 15 | rt2 << 10
                        | rn << 5 | rt;
            }
        }
    }

    private static int exclusiveWord(int size, int o2, int l, int o1, int rs, int o0, int rt2, int rn, int rt) {
        return size << 30 | 0x0800_0000 | o2 << 23 | l << 22 | o1 << 21 | rs << 16 | o0 << 15 | rt2 << 10
                | rn << 5 | rt;
    }

    /** A load-exclusive and a store-exclusive to the same aligned address (so the store succeeds in both). */
    private static int[] exclusive(RandomGenerator r, long[] x, long[] sp, boolean pair) {
        while (true) {
            int size = pair ? 2 + r.nextInt(2) : r.nextInt(4);
            int bytes = (1 << size) * (pair ? 2 : 1);
            int rn = r.nextInt(32);
            int lt = r.nextInt(31);
            int lt2 = pair ? r.nextInt(31) : 31;
            int st = r.nextInt(32);
            int st2 = pair ? r.nextInt(32) : 31;
            int rs = r.nextInt(32);
            if (lt == rn || pair && (lt2 == rn || lt2 == lt)) {
                continue; // the load must not clobber the base the store uses
            }
            if (rs == st || pair && rs == st2 || rs == rn && rn != 31) {
                continue;
            }
            if (!placeBase(r, rn, 0, bytes, bytes, x, sp)) {
                continue;
            }
            int o1 = pair ? 1 : 0;
            return new int[] {
                exclusiveWord(size, 0, 1, o1, 31, r.nextInt(2), lt2, rn, lt),
                exclusiveWord(size, 0, 0, o1, rs, r.nextInt(2), st2, rn, st),
            };
        }
    }

    private static int acquireRelease(RandomGenerator r, long[] x, long[] sp) {
        int size = r.nextInt(4);
        int rn = r.nextInt(32);
        placeBase(r, rn, 0, 1 << size, 1 << size, x, sp);
        return exclusiveWord(size, 1, r.nextInt(2), 0, 31, 1, 31, rn, r.nextInt(32)); // STLR / LDAR
    }
}
