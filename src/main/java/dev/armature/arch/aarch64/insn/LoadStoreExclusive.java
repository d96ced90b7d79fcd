package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;

import java.lang.invoke.VarHandle;

/**
 * Load/store exclusive: LDXR/LDAXR/STXR/STLXR (B, H, W, X) and LDXP/LDAXP/STXP/STLXP (W and X pairs).
 *
 * <p>Multi-threaded guests (one host thread per vCPU): a load-exclusive records address, size and the value
 * read in the vCPU's local monitor; a store-exclusive succeeds only if the monitor is open for the same address
 * and size and memory still holds the recorded value, and then stores with a host compare-and-swap on RAM. So a
 * store by another vCPU between the two makes it fail, except one that writes back the same value (the ABA case,
 * which lock-free algorithms built on LL/SC tolerate; QEMU accepts the same). The monitor is cleared by every
 * store-exclusive and by exception entry/return. Exclusive accesses must be naturally aligned (alignment fault
 * otherwise) and, for the store, RAM (an external abort otherwise).
 *
 * <p>Ordering: the host CAS is sequentially consistent, which covers STLXR's release; LDAXR adds an acquire
 * fence after its load.
 */
public final class LoadStoreExclusive {
    private LoadStoreExclusive() {
    }

    /** LDXR*, LDAXR*. */
    public static final class LoadExclusive extends LoadStoreInsn {
        private final int rt;
        private final int rn;
        private final int size;
        private final boolean acquire;

        public LoadExclusive(String text, int rt, int rn, int size, boolean acquire) {
            super(text);
            this.rt = rt;
            this.rn = rn;
            this.size = size;
            this.acquire = acquire;
        }

        @Override
        public void exec(Cpu cpu) {
            long va = cpu.r[rn];
            cpu.memory.checkAligned(va, size, CpuMemory.READ);
            long value = cpu.read(va, size);
            if (acquire) {
                VarHandle.acquireFence();
            }
            cpu.exclusiveAddress = va;
            cpu.exclusiveSize = size;
            cpu.exclusiveValue = value;
            cpu.r[rt] = value;
        }
    }

    /** STXR*, STLXR*: Ws = 0 if the store happened, 1 if not. */
    public static final class StoreExclusive extends LoadStoreInsn {
        private final int rs;
        private final int rt;
        private final int rn;
        private final int size;

        public StoreExclusive(String text, int rs, int rt, int rn, int size) {
            super(text);
            this.rs = rs;
            this.rt = rt;
            this.rn = rn;
            this.size = size;
        }

        @Override
        public void exec(Cpu cpu) {
            long[] r = cpu.r;
            long va = r[rn];
            cpu.memory.checkAligned(va, size, CpuMemory.WRITE);
            long status = 1;
            if (cpu.exclusiveAddress == va && cpu.exclusiveSize == size) {
                long expected = cpu.exclusiveValue;
                if (cpu.memory.compareAndExchange(va, size, expected, r[rt]) == expected) {
                    status = 0;
                    cpu.memory.observeExclusiveStore(va, size, r[rt], 0);
                }
            }
            cpu.exclusiveAddress = -1;
            r[rs] = status;
        }
    }

    /**
     * LDXP, LDAXP. A pair of W registers is one 64-bit exclusive access (Rt from the lower address); a pair of X
     * registers one 128-bit access, read atomically.
     */
    public static final class LoadExclusivePair extends LoadStoreInsn {
        private final int rt;
        private final int rt2;
        private final int rn;
        /** Register size: 4 or 8. */
        private final int size;
        private final boolean acquire;

        public LoadExclusivePair(String text, int rt, int rt2, int rn, int size, boolean acquire) {
            super(text);
            this.rt = rt;
            this.rt2 = rt2;
            this.rn = rn;
            this.size = size;
            this.acquire = acquire;
        }

        @Override
        public void exec(Cpu cpu) {
            long va = cpu.r[rn];
            CpuMemory memory = cpu.memory;
            memory.checkAligned(va, 2 * size, CpuMemory.READ);
            long first;
            long second;
            if (size == 8) {
                memory.observeAtomicRead(va, 16);
                first = memory.atomicReadPair(va, CpuMemory.READ);
                second = memory.pairHigh();
                memory.observeAtomicPair(va, first, second, false, 0, 0);
                cpu.exclusiveValueHigh = second;
                cpu.exclusiveValue = first;
            } else {
                long both = cpu.read(va, 8);
                first = both & 0xffff_ffffL;
                second = both >>> 32;
                cpu.exclusiveValue = both;
            }
            if (acquire) {
                VarHandle.acquireFence();
            }
            cpu.exclusiveAddress = va;
            cpu.exclusiveSize = 2 * size;
            cpu.r[rt2] = second;
            cpu.r[rt] = first;
        }
    }

    /** STXP, STLXP: Ws = 0 if the store happened, 1 if not. */
    public static final class StoreExclusivePair extends LoadStoreInsn {
        private final int rs;
        private final int rt;
        private final int rt2;
        private final int rn;
        /** Register size: 4 or 8. */
        private final int size;

        public StoreExclusivePair(String text, int rs, int rt, int rt2, int rn, int size) {
            super(text);
            this.rs = rs;
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
            long status = 1;
            if (cpu.exclusiveAddress == va && cpu.exclusiveSize == 2 * size) {
                long expected = cpu.exclusiveValue;
                if (size == 8) {
                    long expectedHigh = cpu.exclusiveValueHigh;
                    long foundLow = memory.compareAndExchangePair(va, expected, expectedHigh, r[rt], r[rt2]);
                    if (foundLow == expected && memory.pairHigh() == expectedHigh) {
                        status = 0;
                        memory.observeExclusiveStore(va, 16, r[rt], r[rt2]);
                    }
                } else {
                    long value = (r[rt] & 0xffff_ffffL) | r[rt2] << 32;
                    if (memory.compareAndExchange(va, 8, expected, value) == expected) {
                        status = 0;
                        memory.observeExclusiveStore(va, 8, value, 0);
                    }
                }
            }
            cpu.exclusiveAddress = -1;
            r[rs] = status;
        }
    }
}
