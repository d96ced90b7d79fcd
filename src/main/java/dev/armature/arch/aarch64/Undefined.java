package dev.armature.arch.aarch64;

/** An encoding that is unallocated, or beyond the CPU model's features: executes as UNDEFINED. */
public final class Undefined extends Insn {
    private final int word;

    public Undefined(int word) {
        this.word = word;
    }

    @Override
    public void exec(Cpu cpu) {
        throw SyncException.undefined(cpu.pc);
    }

    @Override
    public boolean endsBlock() {
        return true;
    }

    @Override
    public String toString() {
        return String.format("udf (.word 0x%08x)", word);
    }
}
