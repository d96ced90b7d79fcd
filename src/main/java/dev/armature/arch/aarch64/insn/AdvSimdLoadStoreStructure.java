package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.FpAccess;

/**
 * AdvSIMD load/store structures: LD1..LD4/ST1..ST4 (multiple structures), their single-lane forms, and
 * LD1R..LD4R (load and replicate), each with an optional post-index. The post-index adds X[m] + {@code postImm}:
 * the decoder sets m = XZR with the immediate (the bytes transferred) when Rm is 31, or m with 0.
 *
 * <p>Register numbers wrap modulo 32 ("v31, v0"). Element e of a register is at byte e * esize of its 128 bits,
 * little-endian across {@code v[2t]} (bytes 0..7) and {@code v[2t+1]} (bytes 8..15).
 */
public final class AdvSimdLoadStoreStructure {
    private AdvSimdLoadStoreStructure() {
    }

    /** Reads the {@code bytes}-wide element at byte offset {@code offset} (a multiple of bytes) of V[t]. */
    static long element(long[] v, int t, int offset, int bytes) {
        long half = v[2 * t + (offset >>> 3)];
        return bytes == 8 ? half : (half >>> ((offset & 7) * 8)) & ((1L << (8 * bytes)) - 1);
    }

    /** Writes the {@code bytes}-wide element at byte offset {@code offset} of V[t], keeping the other bytes. */
    static void setElement(long[] v, int t, int offset, int bytes, long value) {
        int i = 2 * t + (offset >>> 3);
        if (bytes == 8) {
            v[i] = value;
        } else {
            int shift = (offset & 7) * 8;
            long mask = ((1L << (8 * bytes)) - 1) << shift;
            v[i] = (v[i] & ~mask) | ((value << shift) & mask);
        }
    }

    /**
     * LD1-LD4/ST1-ST4 (multiple structures): {@code rpt} repetitions of {@code selem}-element structures over
     * registers of {@code regBytes} (8 or 16) with elements of {@code ebytes}. LD1/ST1 (selem 1) move whole
     * registers, which in little-endian order is a plain copy of 8-byte chunks.
     */
    public static final class Multiple extends LoadStoreInsn {
        private final boolean load;
        private final int vt;
        private final int rpt;
        private final int selem;
        private final int regBytes;
        private final int ebytes;
        private final int rn;
        private final boolean writeback;
        private final int rm;
        private final long postImm;

        public Multiple(String text, boolean load, int vt, int rpt, int selem, int regBytes, int ebytes, int rn,
                boolean writeback, int rm, long postImm) {
            super(text);
            this.load = load;
            this.vt = vt;
            this.rpt = rpt;
            this.selem = selem;
            this.regBytes = regBytes;
            this.ebytes = ebytes;
            this.rn = rn;
            this.writeback = writeback;
            this.rm = rm;
            this.postImm = postImm;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            long[] v = cpu.v;
            long address = cpu.r[rn];
            if (selem == 1) {
                for (int r = 0; r < rpt; r++) {
                    int t = (vt + r) & 31;
                    long va = address + (long) r * regBytes;
                    if (load) {
                        long low = cpu.read(va, 8);
                        long high = regBytes == 16 ? cpu.read(va + 8, 8) : 0;
                        v[2 * t] = low;
                        v[2 * t + 1] = high;
                    } else {
                        cpu.write(va, 8, v[2 * t]);
                        if (regBytes == 16) {
                            cpu.write(va + 8, 8, v[2 * t + 1]);
                        }
                    }
                }
            } else {
                if (load && regBytes == 8) {
                    for (int s = 0; s < selem; s++) {
                        v[2 * ((vt + s) & 31) + 1] = 0; // a 64-bit register write clears the upper half
                    }
                }
                long offset = 0;
                for (int e = 0; e < regBytes; e += ebytes) {
                    for (int s = 0; s < selem; s++) {
                        int t = (vt + s) & 31;
                        if (load) {
                            setElement(v, t, e, ebytes, cpu.read(address + offset, ebytes));
                        } else {
                            cpu.write(address + offset, ebytes, element(v, t, e, ebytes));
                        }
                        offset += ebytes;
                    }
                }
            }
            if (writeback) {
                cpu.r[rn] = address + cpu.r[rm] + postImm;
            }
        }
    }

    /** LD1-LD4/ST1-ST4 (single structure): lane {@code index} of {@code selem} consecutive registers. */
    public static final class Single extends LoadStoreInsn {
        private final boolean load;
        private final int vt;
        private final int selem;
        private final int ebytes;
        private final int index;
        private final int rn;
        private final boolean writeback;
        private final int rm;
        private final long postImm;

        public Single(String text, boolean load, int vt, int selem, int ebytes, int index, int rn, boolean writeback,
                int rm, long postImm) {
            super(text);
            this.load = load;
            this.vt = vt;
            this.selem = selem;
            this.ebytes = ebytes;
            this.index = index;
            this.rn = rn;
            this.writeback = writeback;
            this.rm = rm;
            this.postImm = postImm;
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            long[] v = cpu.v;
            long address = cpu.r[rn];
            int lane = index * ebytes;
            for (int s = 0; s < selem; s++) {
                int t = (vt + s) & 31;
                long va = address + (long) s * ebytes;
                if (load) {
                    setElement(v, t, lane, ebytes, cpu.read(va, ebytes));
                } else {
                    cpu.write(va, ebytes, element(v, t, lane, ebytes));
                }
            }
            if (writeback) {
                cpu.r[rn] = address + cpu.r[rm] + postImm;
            }
        }
    }

    /** LD1R-LD4R: each of {@code selem} registers gets one element replicated to all lanes (upper half zeroed
     * for a 64-bit arrangement). */
    public static final class Replicate extends LoadStoreInsn {
        private final int vt;
        private final int selem;
        private final int ebytes;
        private final boolean quad;
        private final int rn;
        private final boolean writeback;
        private final int rm;
        private final long postImm;

        public Replicate(String text, int vt, int selem, int ebytes, boolean quad, int rn, boolean writeback, int rm,
                long postImm) {
            super(text);
            this.vt = vt;
            this.selem = selem;
            this.ebytes = ebytes;
            this.quad = quad;
            this.rn = rn;
            this.writeback = writeback;
            this.rm = rm;
            this.postImm = postImm;
        }

        /** The 64-bit pattern of {@code element} repeated in every {@code bytes}-wide lane. */
        public static long replicate(long element, int bytes) {
            return switch (bytes) {
                case 1 -> (element & 0xffL) * 0x0101_0101_0101_0101L;
                case 2 -> (element & 0xffffL) * 0x0001_0001_0001_0001L;
                case 4 -> (element & 0xffff_ffffL) * 0x0000_0001_0000_0001L;
                default -> element;
            };
        }

        @Override
        public void exec(Cpu cpu) {
            FpAccess.check(cpu);
            long[] v = cpu.v;
            long address = cpu.r[rn];
            for (int s = 0; s < selem; s++) {
                int t = (vt + s) & 31;
                long pattern = replicate(cpu.read(address + (long) s * ebytes, ebytes), ebytes);
                v[2 * t] = pattern;
                v[2 * t + 1] = quad ? pattern : 0;
            }
            if (writeback) {
                cpu.r[rn] = address + cpu.r[rm] + postImm;
            }
        }
    }
}
