package dev.armature.tools.difftest;

import dev.armature.loader.ElfWriter;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A static ELF that runs many test cases in sequence. Each case: a prologue loads its input state from a table
 * (scratch window contents, NZCV, SP, X0..X30), then its words run, then an epilogue stashes X0 in TPIDR_EL0,
 * stores X0..X30, NZCV and SP into a record just below the scratch window and writes the record (and the
 * window, if the case uses memory) to stdout with the write system call. After the last case: exit_group(0).
 *
 * <p>Record layout (little-endian 64-bit words): case index, X0..X30, NZCV, SP — {@link #RECORD} bytes. The
 * window follows for cases that use memory, then V0..V31, FPCR and FPSR ({@link #VECTORS} bytes) for cases that
 * use the SIMD&amp;FP registers (their prologue loads V0..V31, FPCR and FPSR too).
 */
public final class BatchProgram {
    public static final long TEXT = 0x40_0000;
    public static final long DATA = 0x1000_0000;
    public static final long WINDOW = DATA + 0x1000;
    public static final int WINDOW_SIZE = 1024;
    public static final int RECORD = 8 * 34;
    static final long OUTBUF = WINDOW - RECORD;
    private static final long TABLE = DATA + 0x2000;
    /** V0..V31, then FPCR and FPSR as 64-bit words. */
    public static final int VECTORS = 32 * 16 + 16;
    /**
     * V0..V31 are dumped right after the window, so record, window and vectors leave in one write; a case that
     * uses no memory dumps them at the window's place.
     */
    static final long VECTOR_DUMP = WINDOW + WINDOW_SIZE;
    private static final int TABLE_VECTORS = 8 * 33 + WINDOW_SIZE;
    private static final int TABLE_FP_STATUS = TABLE_VECTORS + VECTORS - 16;
    private static final int TABLE_ENTRY = TABLE_VECTORS + VECTORS;

    private final List<Integer> code = new ArrayList<>();
    private final ByteArrayOutputStream table = new ByteArrayOutputStream();
    private final List<TestCase> cases = new ArrayList<>();
    private final List<Long> testPcs = new ArrayList<>();

    /** Address the next case's test words will have (generators need it for PC-relative forms). */
    public long nextTestPc(boolean usesMemory, boolean usesVectors) {
        return TEXT + ElfWriter.codeOffset() + 4L * (code.size() + prologueLength(usesMemory, usesVectors));
    }

    public List<TestCase> cases() {
        return cases;
    }

    /** True if {@code pc} is one of case {@code index}'s own words (not its prologue or epilogue). */
    public boolean inTestWords(int index, long pc) {
        long first = testPcs.get(index);
        return pc >= first && pc < first + 4L * cases.get(index).words().length;
    }

    public void add(TestCase c) {
        long entry = TABLE + (long) TABLE_ENTRY * cases.size();
        int index = cases.size();
        cases.add(c);
        ByteBuffer t = ByteBuffer.allocate(TABLE_ENTRY).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 31; i++) {
            t.putLong(8 * i, c.x()[i]);
        }
        t.putLong(248, c.nzcv() & 0xffff_ffffL).putLong(256, c.sp());
        if (c.usesMemory()) {
            t.put(264, c.window());
        }
        if (c.usesVectors()) {
            for (int i = 0; i < 64; i++) {
                t.putLong(TABLE_VECTORS + 8 * i, c.v()[i]);
            }
            t.putLong(TABLE_FP_STATUS, c.fpcr() & 0xffff_ffffL).putLong(TABLE_FP_STATUS + 8, c.fpsr() & 0xffff_ffffL);
        }
        table.writeBytes(t.array());

        int before = code.size();
        mov32(30, entry);
        if (c.usesMemory()) {
            emit(addImm(28, 30, 264));
            mov32(29, WINDOW);
            for (int i = 0; i < WINDOW_SIZE / 16; i++) {
                emit(ldpPost(0, 1, 28, 16));
                emit(stpPost(0, 1, 29, 16));
            }
        }
        if (c.usesVectors()) { // x28 points at the vector table now (after the window copy)
            if (!c.usesMemory()) {
                emit(addImm(28, 30, TABLE_VECTORS));
            }
            for (int i = 0; i < 32; i += 2) {
                emit(0xacc1_0000 | (i + 1) << 10 | 28 << 5 | i); // ldp qi, qi+1, [x28], #32
            }
            emit(ldrImm(0, 30, TABLE_FP_STATUS));
            emit(0xd51b_4400); // msr fpcr, x0
            emit(ldrImm(0, 30, TABLE_FP_STATUS + 8));
            emit(0xd51b_4420); // msr fpsr, x0
        }
        emit(ldrImm(0, 30, 248));
        emit(0xd51b_4200); // msr nzcv, x0
        emit(ldrImm(0, 30, 256));
        emit(addImm(31, 0, 0)); // mov sp, x0
        for (int i = 0; i < 30; i += 2) {
            emit(ldpOffset(i, i + 1, 30, 8 * i));
        }
        emit(ldrImm(30, 30, 240));
        if (code.size() - before != prologueLength(c.usesMemory(), c.usesVectors())) {
            throw new IllegalStateException("prologue length changed");
        }
        testPcs.add(TEXT + ElfWriter.codeOffset() + 4L * code.size());
        for (int w : c.words()) {
            emit(w);
        }
        emit(0xd51b_d040); // msr tpidr_el0, x0
        mov32(0, OUTBUF);
        for (int i = 1; i < 31; i += 2) {
            emit(stpOffset(i, i + 1, 0, 8 + 8 * i)); // X1..X30 at 16..255
        }
        emit(0xd53b_d041); // mrs x1, tpidr_el0
        emit(strImm(1, 0, 8));
        emit(0xd53b_4201); // mrs x1, nzcv
        emit(strImm(1, 0, 256));
        emit(addImm(1, 31, 0)); // mov x1, sp
        emit(strImm(1, 0, 264));
        if (c.usesVectors()) {
            mov32(1, c.usesMemory() ? VECTOR_DUMP : WINDOW);
            for (int i = 0; i < 32; i += 2) {
                emit(0xac81_0000 | (i + 1) << 10 | 1 << 5 | i); // stp qi, qi+1, [x1], #32
            }
            emit(0xd53b_4402); // mrs x2, fpcr
            emit(0xd53b_4423); // mrs x3, fpsr
            emit(stpOffset(2, 3, 1, 0));
        }
        emit(movz(1, index));
        emit(strImm(1, 0, 0));
        emit(addImm(1, 0, 0)); // x1 = record
        emit(movz(2, outputSize(c)));
        emit(movz(0, 1));
        emit(movz(8, 64));
        emit(0xd400_0001); // svc #0: write(1, record, len)
    }

    private static int prologueLength(boolean usesMemory, boolean usesVectors) {
        return 2 + (usesMemory ? 1 + 2 + 2 * (WINDOW_SIZE / 16) : 0) + (usesVectors ? (usesMemory ? 0 : 1) + 16 + 4 : 0)
                + 4 + 15 + 1;
    }

    /** The finished ELF image, running every case once. */
    public byte[] elf() {
        return elf(1);
    }

    /**
     * The finished ELF image, running the whole sequence of cases {@code passes} times (so a translator sees the
     * code hot); each pass writes every record again. The pass counter lives in the first data word.
     */
    public byte[] elf(int passes) {
        List<Integer> all = new ArrayList<>(code);
        int loop = all.size();
        all.add(movz(0, (int) DATA & 0xffff));
        all.add(0xf2a0_0000 | ((int) (DATA >>> 16) & 0xffff) << 5); // movk x0, #hi, lsl 16
        all.add(ldrImm(1, 0, 0));
        all.add(0xf100_0421); // subs x1, x1, #1
        all.add(strImm(1, 0, 0));
        all.add(0x5400_0040); // b.eq .+8: done
        all.add(0x1400_0000 | (-(all.size()) & 0x3ff_ffff)); // b to the first case
        if (all.size() - loop != 7) {
            throw new IllegalStateException("pass loop length changed");
        }
        all.add(movz(0, 0));
        all.add(movz(8, 94));
        all.add(0xd400_0001); // exit_group(0)
        ByteBuffer b = ByteBuffer.allocate(4 * all.size()).order(ByteOrder.LITTLE_ENDIAN);
        all.forEach(b::putInt);
        byte[] data = table.toByteArray();
        long dataSize = (TABLE - DATA) + data.length;
        byte[] full = new byte[(int) dataSize];
        System.arraycopy(data, 0, full, (int) (TABLE - DATA), data.length);
        ByteBuffer.wrap(full).order(ByteOrder.LITTLE_ENDIAN).putLong(0, passes);
        return ElfWriter.executable(TEXT, b.array(), DATA, full, dataSize, TEXT + ElfWriter.codeOffset());
    }

    /** Offset of V0 in one case's output (V0..V31, then FPCR and FPSR), for cases that use vectors. */
    public static int vectorOffset(TestCase c) {
        return RECORD + (c.usesMemory() ? WINDOW_SIZE : 0);
    }

    /** Output bytes one case produces. */
    public static int outputSize(TestCase c) {
        return RECORD + (c.usesMemory() ? WINDOW_SIZE : 0) + (c.usesVectors() ? VECTORS : 0);
    }

    private void emit(int w) {
        code.add(w);
    }

    private void mov32(int rd, long value) {
        emit(movz(rd, (int) value & 0xffff));
        emit(0xf2a0_0000 | ((int) (value >>> 16) & 0xffff) << 5 | rd); // movk xd, #hi, lsl 16
    }

    private static int movz(int rd, int imm16) {
        return 0xd280_0000 | imm16 << 5 | rd;
    }

    private static int addImm(int rd, int rn, int imm12) {
        return 0x9100_0000 | imm12 << 10 | rn << 5 | rd;
    }

    private static int ldrImm(int rt, int rn, int offset) {
        return 0xf940_0000 | (offset / 8) << 10 | rn << 5 | rt;
    }

    private static int strImm(int rt, int rn, int offset) {
        return 0xf900_0000 | (offset / 8) << 10 | rn << 5 | rt;
    }

    private static int ldpOffset(int rt, int rt2, int rn, int offset) {
        return 0xa940_0000 | ((offset / 8) & 0x7f) << 15 | rt2 << 10 | rn << 5 | rt;
    }

    private static int stpOffset(int rt, int rt2, int rn, int offset) {
        return 0xa900_0000 | ((offset / 8) & 0x7f) << 15 | rt2 << 10 | rn << 5 | rt;
    }

    private static int ldpPost(int rt, int rt2, int rn, int offset) {
        return 0xa8c0_0000 | ((offset / 8) & 0x7f) << 15 | rt2 << 10 | rn << 5 | rt;
    }

    private static int stpPost(int rt, int rt2, int rn, int offset) {
        return 0xa880_0000 | ((offset / 8) & 0x7f) << 15 | rt2 << 10 | rn << 5 | rt;
    }
}
