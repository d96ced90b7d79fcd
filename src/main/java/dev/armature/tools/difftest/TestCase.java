package dev.armature.tools.difftest;

/**
 * One differential test case: the instruction words to run and the state they start from. {@code window} is the
 * initial content of the scratch window, or null when the case does not touch memory (then the window is
 * neither initialised nor compared). {@code v} holds V0..V31 (low half at 2n, high at 2n+1) for cases that use
 * the SIMD&amp;FP registers, or null; such cases also start from {@code fpcr} and {@code fpsr} and dump all three.
 *
 * @param x    X0..X30
 * @param sp   SP_EL0
 * @param nzcv NZCV in bits 31..28
 */
public record TestCase(String kind, int[] words, long[] x, long sp, int nzcv, byte[] window, long[] v, int fpcr,
                       int fpsr) {
    public TestCase(String kind, int[] words, long[] x, long sp, int nzcv, byte[] window) {
        this(kind, words, x, sp, nzcv, window, null, 0, 0);
    }

    public TestCase(String kind, int[] words, long[] x, long sp, int nzcv, byte[] window, long[] v) {
        this(kind, words, x, sp, nzcv, window, v, 0, 0);
    }

    public boolean usesMemory() {
        return window != null;
    }

    public boolean usesVectors() {
        return v != null;
    }
}
