package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;

/**
 * CASP, CASPA, CASPL, CASPAL (W and X pairs; ARMv8.1 LSE): compares the pair &lt;Rs, Rs+1&gt; with memory and, if
 * equal, stores &lt;Rt, Rt+1&gt;; the first register of each pair is at the lower address. The pair found goes to
 * &lt;Rs, Rs+1&gt;. A W pair is one 64-bit host CAS; an X pair uses {@link CpuMemory#compareAndExchangePair}.
 */
public final class CompareAndSwapPair extends LoadStoreInsn {
    private final int rs;
    private final int rs2;
    private final int rsOut;
    private final int rs2Out;
    private final int rt;
    private final int rt2;
    private final int rn;
    /** Register size: 4 or 8. */
    private final int size;

    public CompareAndSwapPair(String text, int rs, int rs2, int rsOut, int rs2Out, int rt, int rt2, int rn,
            int size) {
        super(text);
        this.rs = rs;
        this.rs2 = rs2;
        this.rsOut = rsOut;
        this.rs2Out = rs2Out;
        this.rt = rt;
        this.rt2 = rt2;
        this.rn = rn;
        this.size = size;
    }

    @Override
    public void exec(Cpu cpu) {
        long[] r = cpu.r;
        long va = r[rn];
        CpuMemory memory = cpu.memory;
        memory.checkAligned(va, 2 * size, CpuMemory.WRITE);
        memory.observeAtomicRead(va, 2 * size);
        if (size == 8) {
            long expectedLow = r[rs];
            long expectedHigh = r[rs2];
            long low = r[rt];
            long high = r[rt2];
            long foundLow = memory.compareAndExchangePair(va, expectedLow, expectedHigh, low, high);
            long foundHigh = memory.pairHigh();
            memory.observeAtomicPair(va, foundLow, foundHigh, foundLow == expectedLow && foundHigh == expectedHigh,
                    low, high);
            r[rsOut] = foundLow;
            r[rs2Out] = foundHigh;
        } else {
            long expected = (r[rs] & 0xffff_ffffL) | r[rs2] << 32;
            long value = (r[rt] & 0xffff_ffffL) | r[rt2] << 32;
            long found = memory.compareAndExchange(va, 8, expected, value);
            memory.observeAtomic(va, 8, found, found == expected, value);
            r[rsOut] = found & 0xffff_ffffL;
            r[rs2Out] = found >>> 32;
        }
    }
}
