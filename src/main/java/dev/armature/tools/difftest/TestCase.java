package dev.armature.tools.difftest;

/**
 * One differential test case: the instruction words to run and the state they start from. {@code window} is the
 * initial content of the scratch window, or null when the case does not touch memory (then the window is
 * neither initialised nor compared).
 *
 * @param x    X0..X30
 * @param sp   SP_EL0
 * @param nzcv NZCV in bits 31..28
 */
public record TestCase(String kind, int[] words, long[] x, long sp, int nzcv, byte[] window) {
    public boolean usesMemory() {
        return window != null;
    }
}
