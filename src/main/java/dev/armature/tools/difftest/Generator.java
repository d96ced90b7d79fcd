package dev.armature.tools.difftest;

import java.util.List;
import java.util.random.RandomGenerator;

/** Makes test cases of a class: random words plus the input state they need (base registers, window). */
public final class Generator {
    /** One case in this many of {@code fp} and {@code simd} is a raw word (see {@link #PROBE_KIND}). */
    static final int UNDEFINED_PROBE_RATE = 256;
    /** Kind of a raw SIMD&amp;FP data-processing word: allocated or not, both emulators must agree. */
    static final String PROBE_KIND = "simdfp-raw";

    /** The next case of class {@code cls} for {@code program} (its PC-relative forms use the program's layout). */
    public TestCase next(RandomGenerator r, InsnClass cls, BatchProgram program) {
        List<InsnClass> members = cls.members();
        InsnClass c = members.get(r.nextInt(members.size()));
        long[] x = Inputs.registers(r);
        long[] sp = {Inputs.sp(r)};
        int nzcv = Inputs.nzcv(r);
        return switch (c) {
            case ALU -> new TestCase("alu", new int[] {AluGenerator.word(r)}, x, sp[0], nzcv, null);
            case BRANCH -> new TestCase("branch", BranchGenerator.words(r, x), x, sp[0], nzcv, null);
            case LDST -> {
                int[] words = LoadStoreGenerator.words(r, x, sp, program.nextTestPc(true, false));
                yield new TestCase("ldst", words, x, sp[0], nzcv, window(r));
            }
            case SIMDLDST -> {
                int[] words = SimdLoadStoreGenerator.words(r, x, sp, program.nextTestPc(true, true));
                long[] v = new long[64];
                for (int i = 0; i < 64; i++) {
                    v[i] = r.nextLong();
                }
                yield new TestCase("simdldst", words, x, sp[0], nzcv, window(r), v);
            }
            case FP, SIMD -> {
                // A few raw words from the whole SIMD&FP data-processing space (op0 = x111): whatever qemu treats
                // as UNDEFINED (FP16, later extensions, unallocated) must be UNDEFINED in Armature too.
                boolean probe = r.nextInt(UNDEFINED_PROBE_RATE) == 0;
                int word = probe ? r.nextInt() | 0x0e00_0000
                        : c == InsnClass.FP ? FpGenerator.word(r) : SimdGenerator.word(r);
                yield new TestCase(probe ? PROBE_KIND : c.cliName(), new int[] {word}, x, sp[0], nzcv, null,
                        FpInputs.vectors(r), FpInputs.fpcr(r), FpInputs.fpsr(r));
            }
            case LSE -> {
                byte[] window = window(r);
                int[] words = LseGenerator.words(r, x, sp, window);
                yield new TestCase("lse", words, x, sp[0], nzcv, window);
            }
            case ALL -> throw new IllegalStateException("ALL is not a concrete class");
        };
    }

    private static byte[] window(RandomGenerator r) {
        byte[] w = new byte[BatchProgram.WINDOW_SIZE];
        r.nextBytes(w);
        return w;
    }
}
