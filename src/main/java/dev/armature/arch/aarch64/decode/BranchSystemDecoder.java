package dev.armature.arch.aarch64.decode;

import static dev.armature.arch.aarch64.decode.RegisterOperands.zr;
import static dev.armature.arch.aarch64.decode.RegisterOperands.zrDest;

import dev.armature.arch.aarch64.Bits;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;
import dev.armature.arch.aarch64.insn.Barrier;
import dev.armature.arch.aarch64.insn.CompareAndBranch;
import dev.armature.arch.aarch64.insn.ConditionalBranch;
import dev.armature.arch.aarch64.insn.ExceptionGeneration;
import dev.armature.arch.aarch64.insn.Hint;
import dev.armature.arch.aarch64.insn.PstateAccess;
import dev.armature.arch.aarch64.insn.SystemInstruction;
import dev.armature.arch.aarch64.insn.SystemRegisterMove;
import dev.armature.arch.aarch64.insn.TestAndBranch;
import dev.armature.arch.aarch64.insn.UnconditionalBranchImmediate;
import dev.armature.arch.aarch64.insn.UnconditionalBranchRegister;

/**
 * Decodes branches, exception generation and system instructions (op0 = 101x), ARMv8.0-A. The class is
 * selected by bits[31:29] (and bits[25:24] within 110); encodings of later extensions (BC.cond, WFET, SB,
 * PAuth branches, TME, ...) are UNDEFINED.
 */
public final class BranchSystemDecoder {
    private BranchSystemDecoder() {
    }

    public static Insn decode(int word, CpuModel model) {
        return switch (word >>> 29) {
            case 0, 4 -> UnconditionalBranchImmediate.create(word < 0,
                    Bits.signExtend(word & 0x3ff_ffff, 26) << 2);
            case 1, 5 -> (word & (1 << 25)) == 0 ? compareAndBranch(word) : testAndBranch(word);
            case 2 -> conditionalBranch(word);
            case 6 -> switch ((word >>> 24) & 3) {
                case 0 -> exceptionGeneration(word);
                case 1 -> system(word);
                default -> branchRegister(word);
            };
            default -> new Undefined(word);
        };
    }

    private static long offset19(int word) {
        return Bits.signExtend((word >>> 5) & 0x7ffff, 19) << 2;
    }

    private static Insn compareAndBranch(int word) {
        return CompareAndBranch.create(word < 0, (word & (1 << 24)) != 0, zr(word, 0), offset19(word));
    }

    private static Insn testAndBranch(int word) {
        int bit = (word >>> 26) & 0x20 | (word >>> 19) & 0x1f;
        long offset = Bits.signExtend((word >>> 5) & 0x3fff, 14) << 2;
        return TestAndBranch.create((word & (1 << 24)) != 0, zr(word, 0), bit, offset);
    }

    private static Insn conditionalBranch(int word) {
        // bits[25:24] = 00 and o0 (bit 4) = 0 in ARMv8.0 (o0 = 1 is BC.cond, ARMv8.8).
        if ((word & 0x0300_0010) != 0) {
            return new Undefined(word);
        }
        return new ConditionalBranch(word & 0xf, offset19(word));
    }

    private static Insn exceptionGeneration(int word) {
        int opc = (word >>> 21) & 7;
        int op2ll = word & 0x1f; // op2:LL
        int imm16 = (word >>> 5) & 0xffff;
        if (opc == 0) {
            return switch (op2ll) {
                case 1 -> new ExceptionGeneration(ExceptionGeneration.Kind.SVC, imm16);
                case 2 -> new ExceptionGeneration(ExceptionGeneration.Kind.HVC, imm16);
                case 3 -> new ExceptionGeneration(ExceptionGeneration.Kind.SMC, imm16);
                default -> new Undefined(word);
            };
        }
        if (opc == 1 && op2ll == 0) {
            return new ExceptionGeneration(ExceptionGeneration.Kind.BRK, imm16);
        }
        // HLT: halting debug is not implemented, so it is UNDEFINED; DCPS1-3: UNDEFINED outside Debug state.
        return new Undefined(word);
    }

    private static Insn system(int word) {
        if ((word & 0x00c0_0000) != 0) {
            return new Undefined(word); // bits[23:22] must be 00
        }
        boolean read = (word & (1 << 21)) != 0;
        int op0 = (word >>> 19) & 3;
        int op1 = (word >>> 16) & 7;
        int crn = (word >>> 12) & 0xf;
        int crm = (word >>> 8) & 0xf;
        int op2 = (word >>> 5) & 7;
        int rt = word & 31;
        if (op0 >= 2) {
            int key = op0 << 14 | op1 << 11 | crn << 7 | crm << 3 | op2;
            return read ? SystemRegisterMove.read(key, zrDest(word, 0)) : SystemRegisterMove.write(key, zr(word, 0));
        }
        if (op0 == 1) {
            if (read) {
                return new Undefined(word); // SYSL: no SYSL operations are implemented
            }
            return new SystemInstruction(1 << 14 | op1 << 11 | crn << 7 | crm << 3 | op2, zr(word, 0));
        }
        if (read || rt != 31) {
            return new Undefined(word);
        }
        if (crn == 4) {
            return pstate(word, op1, crm, op2);
        }
        if (op1 != 3) {
            return new Undefined(word);
        }
        if (crn == 2) {
            return Hint.create(crm << 3 | op2);
        }
        if (crn == 3) {
            return switch (op2) {
                case 2 -> Barrier.clrex(crm);
                case 4 -> Barrier.memoryBarrier(true, crm);
                case 5 -> Barrier.memoryBarrier(false, crm);
                case 6 -> Barrier.isb(crm);
                default -> new Undefined(word); // SB, DSB nXS, TME and unallocated
            };
        }
        return new Undefined(word);
    }

    private static Insn pstate(int word, int op1, int crm, int op2) {
        if (op1 == 0 && op2 == 5) {
            return PstateAccess.spSel(crm);
        }
        if (op1 == 3 && op2 == 6) {
            return PstateAccess.daif(true, crm);
        }
        if (op1 == 3 && op2 == 7) {
            return PstateAccess.daif(false, crm);
        }
        return new Undefined(word); // PAN, UAO, DIT, SSBS, TCO, CFINV, ...: later than ARMv8.0
    }

    private static Insn branchRegister(int word) {
        int opc = (word >>> 21) & 0xf;
        int op2 = (word >>> 16) & 31;
        int op3 = (word >>> 10) & 0x3f;
        int rn = (word >>> 5) & 31;
        int op4 = word & 31;
        if (op2 != 31 || op3 != 0 || op4 != 0) {
            return new Undefined(word); // includes the PAuth forms
        }
        return switch (opc) {
            case 0 -> UnconditionalBranchRegister.branch(false, rn);
            case 1 -> UnconditionalBranchRegister.branch(true, rn);
            case 2 -> UnconditionalBranchRegister.ret(rn);
            case 4 -> rn == 31 ? UnconditionalBranchRegister.eret() : new Undefined(word);
            default -> new Undefined(word); // DRPS (Debug state only) and unallocated
        };
    }
}
