package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;

/**
 * CAS, CASA, CASL, CASAL (B, H, W, X; ARMv8.1 LSE): if memory at Xn|SP equals Rs, store Rt; Rs receives the
 * value found (zero-extended). One host compare-and-swap on RAM, sequentially consistent, so it satisfies every
 * acquire/release variant. Naturally aligned only; RAM only (external abort otherwise).
 */
public final class CompareAndSwap extends LoadStoreInsn {
    private final int rs;
    /** Where the value found goes: Rs, or the write sink when Rs is XZR. */
    private final int rsOut;
    private final int rt;
    private final int rn;
    private final int size;

    public CompareAndSwap(String text, int rs, int rsOut, int rt, int rn, int size) {
        super(text);
        this.rs = rs;
        this.rsOut = rsOut;
        this.rt = rt;
        this.rn = rn;
        this.size = size;
    }

    @Override
    public void exec(Cpu cpu) {
        long[] r = cpu.r;
        long va = r[rn];
        CpuMemory memory = cpu.memory;
        memory.checkAligned(va, size, CpuMemory.WRITE);
        memory.observeAtomicRead(va, size);
        long expected = r[rs];
        long value = r[rt];
        long found = memory.compareAndExchange(va, size, expected, value);
        memory.observeAtomic(va, size, found, found == (size == 8 ? expected : expected & ((1L << 8 * size) - 1)),
                value);
        r[rsOut] = found;
    }
}
