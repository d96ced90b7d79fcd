package dev.armature.arch.aarch64.insn;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.Insn;

/** SYS (and its aliases IC, DC, AT, TLBI): handed to {@link dev.armature.arch.aarch64.SysRegs#sysOp}. */
public final class SystemInstruction extends Insn {
    private final int key;
    private final int rt;

    /** @param key 1&lt;&lt;14 | op1&lt;&lt;11 | CRn&lt;&lt;7 | CRm&lt;&lt;3 | op2 */
    public SystemInstruction(int key, int rt) {
        this.key = key;
        this.rt = rt;
    }

    @Override
    public void exec(Cpu cpu) {
        cpu.sys.sysOp(key, cpu.r[rt]);
    }

    @Override
    public boolean endsBlock() {
        return true; // TLB and instruction-cache maintenance may change what the following code means
    }

    @Override
    public String toString() {
        return String.format("sys #%d, c%d, c%d, #%d, %s", (key >>> 11) & 7, (key >>> 7) & 15, (key >>> 3) & 15,
                key & 7, Reg.x(rt));
    }
}
