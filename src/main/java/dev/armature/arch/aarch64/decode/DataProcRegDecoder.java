package dev.armature.arch.aarch64.decode;

import static dev.armature.arch.aarch64.decode.RegisterOperands.sp;
import static dev.armature.arch.aarch64.decode.RegisterOperands.zr;
import static dev.armature.arch.aarch64.decode.RegisterOperands.zrDest;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Feature;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;
import dev.armature.arch.aarch64.insn.AddSubCarry;
import dev.armature.arch.aarch64.insn.AddSubExtended;
import dev.armature.arch.aarch64.insn.AddSubShifted;
import dev.armature.arch.aarch64.insn.ConditionalCompare;
import dev.armature.arch.aarch64.insn.ConditionalSelect;
import dev.armature.arch.aarch64.insn.DataProcessing1Source;
import dev.armature.arch.aarch64.insn.DataProcessing2Source;
import dev.armature.arch.aarch64.insn.DataProcessing3Source;
import dev.armature.arch.aarch64.insn.LogicalShifted;
import dev.armature.arch.aarch64.insn.ShiftedRegister;

/**
 * Decodes data processing on registers (op0 = x101), ARMv8.0-A: op1 = bit 28, op2 = bits[24:21],
 * op3 = bits[15:10]. Later-architecture encodings in this space (RMIF, SETF, PAuth, ...) are UNDEFINED.
 */
public final class DataProcRegDecoder {
    private static final ShiftedRegister.Shift[] SHIFTS = ShiftedRegister.Shift.values();
    private static final LogicalShifted.Op[] LOGICAL_OPS = LogicalShifted.Op.values();
    private static final DataProcessing2Source.Op[] DIV_SHIFT_OPS = {
        null, null, DataProcessing2Source.Op.UDIV, DataProcessing2Source.Op.SDIV, null, null, null, null,
        DataProcessing2Source.Op.LSLV, DataProcessing2Source.Op.LSRV, DataProcessing2Source.Op.ASRV,
        DataProcessing2Source.Op.RORV};

    private DataProcRegDecoder() {
    }

    public static Insn decode(int word, CpuModel model) {
        int op2 = (word >>> 21) & 0xf;
        if ((word & (1 << 28)) == 0) {
            if ((op2 & 8) == 0) {
                return logicalShifted(word);
            }
            return (op2 & 1) == 0 ? addSubShifted(word) : addSubExtended(word);
        }
        return switch (op2) {
            case 0 -> addSubCarry(word);
            case 2 -> conditionalCompare(word);
            case 4 -> conditionalSelect(word);
            case 6 -> (word & (1 << 30)) != 0 ? oneSource(word) : twoSource(word, model);
            case 8, 9, 10, 11, 12, 13, 14, 15 -> threeSource(word);
            default -> new Undefined(word);
        };
    }

    private static Insn logicalShifted(int word) {
        boolean sf = word < 0;
        int amount = (word >>> 10) & 0x3f;
        if (!sf && amount >= 32) {
            return new Undefined(word);
        }
        return LogicalShifted.create(LOGICAL_OPS[(word >>> 29) & 3], sf, zrDest(word, 0), zr(word, 5), zr(word, 16),
                SHIFTS[(word >>> 22) & 3], amount, (word & (1 << 21)) != 0);
    }

    private static Insn addSubShifted(int word) {
        boolean sf = word < 0;
        int shift = (word >>> 22) & 3;
        int amount = (word >>> 10) & 0x3f;
        if (shift == 3 || (!sf && amount >= 32)) {
            return new Undefined(word);
        }
        return AddSubShifted.create(sf, (word & (1 << 30)) != 0, (word & (1 << 29)) != 0, zrDest(word, 0),
                zr(word, 5), zr(word, 16), SHIFTS[shift], amount);
    }

    private static Insn addSubExtended(int word) {
        int opt = (word >>> 22) & 3;
        int imm3 = (word >>> 10) & 7;
        if (opt != 0 || imm3 > 4) {
            return new Undefined(word);
        }
        boolean setFlags = (word & (1 << 29)) != 0;
        int rd = setFlags ? zrDest(word, 0) : sp(word, 0);
        return AddSubExtended.create(word < 0, (word & (1 << 30)) != 0, setFlags, rd, sp(word, 5), zr(word, 16),
                (word >>> 13) & 7, imm3);
    }

    private static Insn addSubCarry(int word) {
        if (((word >>> 10) & 0x3f) != 0) {
            return new Undefined(word); // RMIF, SETF8/16 (ARMv8.4) share this op2
        }
        return AddSubCarry.create(word < 0, (word & (1 << 30)) != 0, (word & (1 << 29)) != 0, zrDest(word, 0),
                zr(word, 5), zr(word, 16));
    }

    private static Insn conditionalCompare(int word) {
        // S must be 1, o2 (bit 10) and o3 (bit 4) must be 0.
        if ((word & (1 << 29)) == 0 || (word & (1 << 10)) != 0 || (word & (1 << 4)) != 0) {
            return new Undefined(word);
        }
        boolean sf = word < 0;
        boolean compareNegative = (word & (1 << 30)) == 0;
        int cond = (word >>> 12) & 0xf;
        int nzcv = word & 0xf;
        if ((word & (1 << 11)) != 0) {
            return ConditionalCompare.immediate(sf, compareNegative, zr(word, 5), (word >>> 16) & 31, cond, nzcv);
        }
        return ConditionalCompare.register(sf, compareNegative, zr(word, 5), zr(word, 16), cond, nzcv);
    }

    private static Insn conditionalSelect(int word) {
        int op2 = (word >>> 10) & 3;
        if ((word & (1 << 29)) != 0 || op2 > 1) {
            return new Undefined(word);
        }
        int op = ((word >>> 29) & 2) | op2; // op:op2
        return new ConditionalSelect(word < 0, op, zrDest(word, 0), zr(word, 5), zr(word, 16), (word >>> 12) & 0xf);
    }

    private static Insn oneSource(int word) {
        boolean sf = word < 0;
        int opcode = (word >>> 10) & 0x3f;
        if ((word & (1 << 29)) != 0 || ((word >>> 16) & 31) != 0 || opcode > 5) {
            return new Undefined(word);
        }
        DataProcessing1Source.Op op = switch (opcode) {
            case 0 -> DataProcessing1Source.Op.RBIT;
            case 1 -> DataProcessing1Source.Op.REV16;
            case 2 -> sf ? DataProcessing1Source.Op.REV32 : DataProcessing1Source.Op.REV;
            case 3 -> sf ? DataProcessing1Source.Op.REV : null;
            case 4 -> DataProcessing1Source.Op.CLZ;
            default -> DataProcessing1Source.Op.CLS;
        };
        if (op == null) {
            return new Undefined(word);
        }
        return DataProcessing1Source.create(op, sf, zrDest(word, 0), zr(word, 5));
    }

    private static Insn twoSource(int word, CpuModel model) {
        boolean sf = word < 0;
        int opcode = (word >>> 10) & 0x3f;
        if ((word & (1 << 29)) != 0) {
            return new Undefined(word);
        }
        int rd = zrDest(word, 0);
        int rn = zr(word, 5);
        int rm = zr(word, 16);
        if ((opcode & 0x38) == 0x10) { // 010xxx: CRC32{C}{B,H,W,X}
            int sz = opcode & 3;
            if (!model.has(Feature.CRC32) || sf != (sz == 3)) {
                return new Undefined(word);
            }
            return DataProcessing2Source.crc32((opcode & 4) != 0, sz, rd, rn, rm);
        }
        DataProcessing2Source.Op op = opcode < DIV_SHIFT_OPS.length ? DIV_SHIFT_OPS[opcode] : null;
        if (op == null) {
            return new Undefined(word);
        }
        return DataProcessing2Source.create(op, sf, rd, rn, rm);
    }

    private static Insn threeSource(int word) {
        boolean sf = word < 0;
        int op54 = (word >>> 29) & 3;
        int op31 = (word >>> 21) & 7;
        boolean o0 = (word & (1 << 15)) != 0;
        if (op54 != 0 || (!sf && op31 != 0)) {
            return new Undefined(word);
        }
        int rd = zrDest(word, 0);
        int rn = zr(word, 5);
        int rm = zr(word, 16);
        int ra = zr(word, 10);
        return switch (op31) {
            case 0 -> DataProcessing3Source.multiplyAdd(sf, o0, rd, rn, rm, ra);
            case 1 -> DataProcessing3Source.multiplyAddLong(true, o0, rd, rn, rm, ra);
            case 5 -> DataProcessing3Source.multiplyAddLong(false, o0, rd, rn, rm, ra);
            case 2 -> o0 ? new Undefined(word) : DataProcessing3Source.multiplyHigh(true, rd, rn, rm);
            case 6 -> o0 ? new Undefined(word) : DataProcessing3Source.multiplyHigh(false, rd, rn, rm);
            default -> new Undefined(word);
        };
    }
}
