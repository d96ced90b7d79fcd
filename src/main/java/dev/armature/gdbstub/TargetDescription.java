package dev.armature.gdbstub;

/**
 * The target description GDB reads with {@code qXfer:features:read:target.xml}: GDB's standard AArch64 features
 * {@code org.gnu.gdb.aarch64.core} (x0-x30, sp, pc, cpsr) and {@code org.gnu.gdb.aarch64.fpu} (v0-v31 as a union
 * of vector views, fpsr, fpcr). Register numbers follow the order here, which is also the {@code g} packet's.
 */
final class TargetDescription {
    /** Register numbers. */
    static final int SP = 31;
    static final int PC = 32;
    static final int CPSR = 33;
    static final int V0 = 34;
    static final int FPSR = 66;
    static final int FPCR = 67;
    static final int COUNT = 68;

    static final String XML = build();

    private TargetDescription() {
    }

    /** Size in bytes of register {@code n}. */
    static int size(int n) {
        if (n < CPSR) {
            return 8;
        }
        return n >= V0 && n < FPSR ? 16 : 4;
    }

    private static String build() {
        StringBuilder x = new StringBuilder("""
                <?xml version="1.0"?>
                <!DOCTYPE target SYSTEM "gdb-target.dtd">
                <target version="1.0">
                <architecture>aarch64</architecture>
                <feature name="org.gnu.gdb.aarch64.core">
                """);
        for (int i = 0; i <= 30; i++) {
            x.append(reg("x" + i, 64, "int"));
        }
        x.append(reg("sp", 64, "data_ptr")).append(reg("pc", 64, "code_ptr")).append(reg("cpsr", 32, "int"));
        x.append("""
                </feature>
                <feature name="org.gnu.gdb.aarch64.fpu">
                <vector id="v2d" type="ieee_double" count="2"/>
                <vector id="v2u" type="uint64" count="2"/>
                <vector id="v4f" type="ieee_single" count="4"/>
                <vector id="v4u" type="uint32" count="4"/>
                <vector id="v8u" type="uint16" count="8"/>
                <vector id="v16u" type="uint8" count="16"/>
                <union id="vreg">
                <field name="d" type="v2d"/>
                <field name="s" type="v4f"/>
                <field name="ud" type="v2u"/>
                <field name="us" type="v4u"/>
                <field name="uh" type="v8u"/>
                <field name="ub" type="v16u"/>
                <field name="q" type="uint128"/>
                </union>
                """);
        for (int i = 0; i < 32; i++) {
            x.append(reg("v" + i, 128, "vreg"));
        }
        x.append(reg("fpsr", 32, "int")).append(reg("fpcr", 32, "int"));
        return x.append("</feature>\n</target>\n").toString();
    }

    private static String reg(String name, int bits, String type) {
        return "<reg name=\"" + name + "\" bitsize=\"" + bits + "\" type=\"" + type + "\"/>\n";
    }
}
