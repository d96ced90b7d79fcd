package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;

/**
 * Atomic memory operations (ARMv8.1 LSE): LDADD, LDCLR, LDEOR, LDSET, LDSMAX, LDSMIN, LDUMAX, LDUMIN and SWP,
 * every size and A/L ordering, and the ST&lt;op&gt; aliases (Rt = XZR). Rt receives the old value (zero-extended).
 *
 * <p>Implemented as a compare-and-swap loop on the RAM segment (RAM only: an atomic to MMIO is an external
 * abort); the host CAS is sequentially consistent, which satisfies every ordering variant. The operation is a
 * field switched on inside the loop: the host CAS dominates an atomic's cost.
 */
public final class AtomicMemory extends LoadStoreInsn {
    public static final int ADD = 0;
    public static final int CLR = 1;
    public static final int EOR = 2;
    public static final int SET = 3;
    public static final int SMAX = 4;
    public static final int SMIN = 5;
    public static final int UMAX = 6;
    public static final int UMIN = 7;
    public static final int SWP = 8;

    private final int op;
    private final int rs;
    private final int rt;
    private final int rn;
    private final int size;

    public AtomicMemory(String text, int op, int rs, int rt, int rn, int size) {
        super(text);
        this.op = op;
        this.rs = rs;
        this.rt = rt;
        this.rn = rn;
        this.size = size;
    }

    /**
     * The value stored by operation {@code op} on memory value {@code old} and register value {@code operand},
     * both {@code size} bytes (old zero-extended; bits above the size in the result are ignored by the store).
     */
    public static long apply(int op, long old, long operand, int size) {
        int signShift = 64 - 8 * size;
        return switch (op) {
            case ADD -> old + operand;
            case CLR -> old & ~operand;
            case EOR -> old ^ operand;
            case SET -> old | operand;
            case SMAX -> (old << signShift >> signShift) >= (operand << signShift >> signShift) ? old : operand;
            case SMIN -> (old << signShift >> signShift) <= (operand << signShift >> signShift) ? old : operand;
            case UMAX -> Long.compareUnsigned(old, operand << signShift >>> signShift) >= 0 ? old : operand;
            case UMIN -> Long.compareUnsigned(old, operand << signShift >>> signShift) <= 0 ? old : operand;
            default -> operand; // SWP
        };
    }

    @Override
    public void exec(Cpu cpu) {
        long[] r = cpu.r;
        long va = r[rn];
        CpuMemory memory = cpu.memory;
        memory.checkAligned(va, size, CpuMemory.WRITE);
        memory.observeAtomicRead(va, size);
        long operand = r[rs];
        long old = memory.atomicRead(va, size);
        long value;
        while (true) {
            value = apply(op, old, operand, size);
            long found = memory.compareAndExchange(va, size, old, value);
            if (found == old) {
                break;
            }
            old = found;
        }
        memory.observeAtomic(va, size, old, true, value);
        r[rt] = old;
    }
}
