package dev.armature.arch.aarch64;

/**
 * The 16 condition codes of B.cond, CSEL, CCMP, FCSEL, FCCMP and ConditionHolds() from the Arm ARM, each testing
 * NZCV in {@link Cpu}'s unpacked form with one or two compares.
 *
 * <p>One constant per code, not a switch over the code: instructions keep their decoded condition in a final
 * field, so translated code (calling them on constant receivers) sees a constant condition of a known class and
 * inlines its few bytecodes; a 16-way switch is too big for the JIT to inline at every condition.
 */
public enum Condition {
    EQ("eq") {
        @Override
        public boolean holds(long nf, long zf, int cf, long vf) {
            return zf == 0;
        }
    },
    NE("ne") {
        @Override
        public boolean holds(long nf, long zf, int cf, long vf) {
            return zf != 0;
        }
    },
    CS("hs") {
        @Override
        public boolean holds(long nf, long zf, int cf, long vf) {
            return cf != 0;
        }
    },
    CC("lo") {
        @Override
        public boolean holds(long nf, long zf, int cf, long vf) {
            return cf == 0;
        }
    },
    MI("mi") {
        @Override
        public boolean holds(long nf, long zf, int cf, long vf) {
            return nf < 0;
        }
    },
    PL("pl") {
        @Override
        public boolean holds(long nf, long zf, int cf, long vf) {
            return nf >= 0;
        }
    },
    VS("vs") {
        @Override
        public boolean holds(long nf, long zf, int cf, long vf) {
            return vf < 0;
        }
    },
    VC("vc") {
        @Override
        public boolean holds(long nf, long zf, int cf, long vf) {
            return vf >= 0;
        }
    },
    HI("hi") {
        @Override
        public boolean holds(long nf, long zf, int cf, long vf) {
            return cf != 0 & zf != 0;
        }
    },
    LS("ls") {
        @Override
        public boolean holds(long nf, long zf, int cf, long vf) {
            return cf == 0 | zf == 0;
        }
    },
    /** N == V: the sign bits of nf and vf agree. */
    GE("ge") {
        @Override
        public boolean holds(long nf, long zf, int cf, long vf) {
            return (nf ^ vf) >= 0;
        }
    },
    LT("lt") {
        @Override
        public boolean holds(long nf, long zf, int cf, long vf) {
            return (nf ^ vf) < 0;
        }
    },
    GT("gt") {
        @Override
        public boolean holds(long nf, long zf, int cf, long vf) {
            return zf != 0 & (nf ^ vf) >= 0;
        }
    },
    LE("le") {
        @Override
        public boolean holds(long nf, long zf, int cf, long vf) {
            return zf == 0 | (nf ^ vf) < 0;
        }
    },
    AL("al") {
        @Override
        public boolean holds(long nf, long zf, int cf, long vf) {
            return true;
        }
    },
    /** Behaves as AL in AArch64. */
    NV("nv") {
        @Override
        public boolean holds(long nf, long zf, int cf, long vf) {
            return true;
        }
    };

    private static final Condition[] BY_CODE = values();

    private final String mnemonic;

    Condition(String mnemonic) {
        this.mnemonic = mnemonic;
    }

    /** The condition with 4-bit code {@code cond} (bits above 3 are ignored). */
    public static Condition of(int cond) {
        return BY_CODE[cond & 15];
    }

    /** ConditionHolds(cond) for the vCPU's current PSTATE.NZCV. */
    public final boolean holds(Cpu cpu) {
        return holds(cpu.nf, cpu.zf, cpu.cf, cpu.vf);
    }

    /**
     * ConditionHolds(cond) for NZCV in {@link Cpu}'s unpacked form ({@link Cpu#nf}, {@link Cpu#zf}, {@link
     * Cpu#cf}, {@link Cpu#vf}), wherever they are kept: translated code passes the locals it keeps them in
     * ({@link FlagSetting}).
     */
    public abstract boolean holds(long nf, long zf, int cf, long vf);

    /** The disassembler's name: eq, ne, hs, lo, ... */
    public String mnemonic() {
        return mnemonic;
    }
}
