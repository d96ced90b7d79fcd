package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;

import java.lang.invoke.VarHandle;

/**
 * Load-acquire and store-release: LDAR*, LDAPR* (v8.3 RCpc) and STLR*. They must be naturally aligned.
 *
 * <p>Mapping to the Java memory model: Arm's LDAR/STLR are RCsc (a STLR followed by a LDAR may not be
 * reordered), so STLR is a release fence, the store, then a full fence; LDAR is the load then an acquire fence.
 * LDAPR (RCpc) needs only the acquire half and gets the same code, which is stronger than required.
 */
public final class LoadStoreOrdered {
    private LoadStoreOrdered() {
    }

    /** LDAR*, LDAPR*. */
    public static final class LoadAcquire extends LoadStoreInsn {
        private final int rt;
        private final int rn;
        private final int size;

        public LoadAcquire(String text, int rt, int rn, int size) {
            super(text);
            this.rt = rt;
            this.rn = rn;
            this.size = size;
        }

        @Override
        public void exec(Cpu cpu) {
            long va = cpu.r[rn];
            cpu.memory.checkAligned(va, size, CpuMemory.READ);
            long value = cpu.read(va, size);
            VarHandle.acquireFence();
            cpu.r[rt] = value;
        }
    }

    /** STLR*. */
    public static final class StoreRelease extends LoadStoreInsn {
        private final int rt;
        private final int rn;
        private final int size;

        public StoreRelease(String text, int rt, int rn, int size) {
            super(text);
            this.rt = rt;
            this.rn = rn;
            this.size = size;
        }

        @Override
        public void exec(Cpu cpu) {
            long va = cpu.r[rn];
            cpu.memory.checkAligned(va, size, CpuMemory.WRITE);
            VarHandle.releaseFence();
            cpu.write(va, size, cpu.r[rt]);
            VarHandle.fullFence();
        }
    }
}
