package dev.armature.arch.aarch64;

/**
 * The 16 condition codes of B.cond, CSEL, CCMP, FCSEL, FCCMP and ConditionHolds() from the Arm ARM, each testing
 * {@link Cpu}'s unpacked NZCV fields with one or two compares.
 *
 * <p>One constant per code, not a switch over the code: instructions keep their decoded condition in a final
 * field, so translated code (calling them on constant receivers) sees a constant condition of a known class and
 * inlines its few bytecodes; a 16-way switch is too big for the JIT to inline at every condition.
 */
public enum Condition {
    EQ("eq") {
        @Override
        public boolean holds(Cpu cpu) {
            return cpu.zf == 0;
        }
    },
    NE("ne") {
        @Override
        public boolean holds(Cpu cpu) {
            return cpu.zf != 0;
        }
    },
    CS("hs") {
        @Override
        public boolean holds(Cpu cpu) {
            return cpu.cf != 0;
        }
    },
    CC("lo") {
        @Override
        public boolean holds(Cpu cpu) {
            return cpu.cf == 0;
        }
    },
    MI("mi") {
        @Override
        public boolean holds(Cpu cpu) {
            return cpu.nf < 0;
        }
    },
    PL("pl") {
        @Override
        public boolean holds(Cpu cpu) {
            return cpu.nf >= 0;
        }
    },
    VS("vs") {
        @Override
        public boolean holds(Cpu cpu) {
            return cpu.vf < 0;
        }
    },
    VC("vc") {
        @Override
        public boolean holds(Cpu cpu) {
            return cpu.vf >= 0;
        }
    },
    HI("hi") {
        @Override
        public boolean holds(Cpu cpu) {
            return cpu.cf != 0 & cpu.zf != 0;
        }
    },
    LS("ls") {
        @Override
        public boolean holds(Cpu cpu) {
            return cpu.cf == 0 | cpu.zf == 0;
        }
    },
    /** N == V: the sign bits of nf and vf agree. */
    GE("ge") {
        @Override
        public boolean holds(Cpu cpu) {
            return (cpu.nf ^ cpu.vf) >= 0;
        }
    },
    LT("lt") {
        @Override
        public boolean holds(Cpu cpu) {
            return (cpu.nf ^ cpu.vf) < 0;
        }
    },
    GT("gt") {
        @Override
        public boolean holds(Cpu cpu) {
            return cpu.zf != 0 & (cpu.nf ^ cpu.vf) >= 0;
        }
    },
    LE("le") {
        @Override
        public boolean holds(Cpu cpu) {
            return cpu.zf == 0 | (cpu.nf ^ cpu.vf) < 0;
        }
    },
    AL("al") {
        @Override
        public boolean holds(Cpu cpu) {
            return true;
        }
    },
    /** Behaves as AL in AArch64. */
    NV("nv") {
        @Override
        public boolean holds(Cpu cpu) {
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
    public abstract boolean holds(Cpu cpu);

    /** The disassembler's name: eq, ne, hs, lo, ... */
    public String mnemonic() {
        return mnemonic;
    }
}
