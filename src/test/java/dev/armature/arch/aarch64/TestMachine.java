package dev.armature.arch.aarch64;

import dev.armature.memory.PhysicalMemory;

/** A vCPU on a RAM-only physical space, with a translation table builder, for system-level unit tests. */
final class TestMachine implements AutoCloseable {
    static final long RAM = 0x4000_0000L;
    static final long RAM_SIZE = 32L << 20;

    // Descriptor bits.
    static final long AF = 1L << 10;
    static final long AP_EL0 = 1L << 6;   // AP[1]: EL0 access
    static final long AP_RO = 1L << 7;    // AP[2]: read-only
    static final long NG = 1L << 11;
    static final long PXN = 1L << 53;
    static final long UXN = 1L << 54;
    static final long SH_INNER = 3L << 8;

    final PhysicalMemory phys = new PhysicalMemory();
    final Cpu cpu;
    private long nextTable = RAM + (16L << 20); // tables live in the upper half of RAM

    TestMachine(CpuModel model) {
        this(model, 0);
    }

    TestMachine(CpuModel model, int index) {
        phys.addRam("ram", RAM, RAM_SIZE);
        cpu = new Cpu(index, model, new CpuMemory(phys));
    }

    /** Another vCPU sharing this machine's physical memory. */
    Cpu addCpu(int index) {
        return new Cpu(index, cpu.model, new CpuMemory(phys));
    }

    /** Places an instruction word at {@code pc} (physical = virtual while the MMU is off) and points the PC there. */
    void placeInsn(long pc, int word) {
        phys.write(pc, 4, word & 0xffff_ffffL);
        cpu.pc = pc;
    }

    /** A stage-1 table tree for one granule and input size, built in RAM. */
    final class Tables {
        final int granule;
        final int inputBits;
        final int stride;
        final int startLevel;
        final long root;

        Tables(int granule, int inputBits) {
            this.granule = granule;
            this.inputBits = inputBits;
            this.stride = granule - 3;
            this.startLevel = 4 - (inputBits - granule + stride - 1) / stride;
            this.root = allocate();
        }

        private long allocate() {
            long size = 1L << granule;
            nextTable = (nextTable + size - 1) & -size;
            long t = nextTable;
            nextTable += size;
            phys.writeBytes(t, new byte[(int) size]);
            return t;
        }

        private int shift(int level) {
            return granule + (3 - level) * stride;
        }

        private long index(long va, int level) {
            int bits = level == startLevel ? inputBits - shift(level) : stride;
            return (va >>> shift(level)) & ((1L << bits) - 1);
        }

        /** The address of the descriptor for {@code va} at {@code level}, creating the tables above it. */
        long entry(long va, int level) {
            long table = root;
            for (int l = startLevel; l < level; l++) {
                long at = table + index(va, l) * 8;
                long d = phys.read(at, 8);
                if ((d & 3) != 3) {
                    d = allocate() | 3;
                    phys.write(at, 8, d);
                }
                table = d & 0x0000_ffff_ffff_f000L & -(1L << granule);
            }
            return table + index(va, level) * 8;
        }

        /** Maps a block (level &lt; 3) or page (level 3) with the given attribute bits. */
        void map(long va, long pa, int level, long attrs) {
            phys.write(entry(va, level), 8, pa | attrs | (level == 3 ? 3 : 1));
        }

        long tcrT0() {
            int tg = granule == 16 ? 1 : granule == 14 ? 2 : 0;
            return (64 - inputBits) | (long) tg << 14;
        }

        long tcrT1() {
            int tg = granule == 16 ? 3 : granule == 14 ? 1 : 2;
            return (long) (64 - inputBits) << 16 | (long) tg << 30;
        }
    }

    Tables tables(int granule, int inputBits) {
        return new Tables(granule, inputBits);
    }

    /** Turns the EL1&amp;0 MMU on with TTBR0 = {@code t} and the given extra TCR bits (IPS 48 bits by default). */
    void enable(Tables t, long tcrExtra) {
        SysRegs s = cpu.sys;
        s.write(SysRegs.MAIR_EL1, 0x44_ff_00L); // Attr0 Device-nGnRnE, Attr1 Normal WB, Attr2 Normal NC
        s.write(SysRegs.TCR_EL1, t.tcrT0() | 5L << 32 | 1L << 23 | tcrExtra); // EPD1 unless tcrExtra sets T1
        s.write(SysRegs.TTBR0_EL1, t.root);
        s.write(SysRegs.SCTLR_EL1, s.sctlrEl1 | 1);
    }

    static SyncException expectFault(Runnable r) {
        try {
            r.run();
        } catch (SyncException e) {
            return e;
        }
        throw new AssertionError("expected a synchronous exception");
    }

    @Override
    public void close() {
        phys.close();
    }
}
