package dev.armature.accel.tcg;

import dev.armature.arch.aarch64.Cpu;

/**
 * What a translation block is looked up by: the physical address of its first instruction (what SMC tracking and
 * the global cache index), the virtual address it was entered at (generated code stores guest PCs, so the same
 * physical code mapped at two virtual addresses gets two TBs) and the CPU state the translation depends on.
 *
 * <p>Translated code only calls the instructions' own semantics, which read PSTATE at run time, so the code itself
 * depends on no CPU state. The flags hold the exception level anyway because the virtual-to-physical mapping that
 * made {@code va} reach {@code pa} belongs to the EL's translation regime.
 */
public record TbKey(long pa, long va, int flags) {
    /**
     * The translation-relevant state of {@code cpu}, in {@link #flags} form. Fits in 12 bits: the executor's jump
     * cache stores it in the low bits of a page address.
     */
    public static int flagsOf(Cpu cpu) {
        return cpu.el;
    }
}
