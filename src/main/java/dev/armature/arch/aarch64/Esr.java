package dev.armature.arch.aarch64;

/** ESR_ELx exception classes (Arm ARM D17.2.37) and syndrome helpers. */
public final class Esr {
    public static final int EC_UNKNOWN = 0x00;
    public static final int EC_WFX = 0x01;
    public static final int EC_FP_ACCESS = 0x07;
    public static final int EC_ILLEGAL_STATE = 0x0e;
    public static final int EC_SVC64 = 0x15;
    public static final int EC_HVC64 = 0x16;
    public static final int EC_SMC64 = 0x17;
    public static final int EC_SYSREG = 0x18;
    public static final int EC_IABT_LOWER = 0x20;
    public static final int EC_IABT_SAME = 0x21;
    public static final int EC_PC_ALIGN = 0x22;
    public static final int EC_DABT_LOWER = 0x24;
    public static final int EC_DABT_SAME = 0x25;
    public static final int EC_SP_ALIGN = 0x26;
    public static final int EC_FP_EXC64 = 0x2c;
    public static final int EC_SERROR = 0x2f;
    public static final int EC_BRK64 = 0x3c;

    /** Fault status codes (DFSC/IFSC). */
    public static final int FSC_ADDR_SIZE_L0 = 0x00;
    public static final int FSC_TRANSLATION_L0 = 0x04;
    public static final int FSC_ACCESS_FLAG_L0 = 0x08;
    public static final int FSC_PERMISSION_L0 = 0x0c;
    public static final int FSC_SYNC_EXTERNAL = 0x10;
    /** Synchronous external abort on a translation table walk, level 0 (add the level). */
    public static final int FSC_SYNC_EXTERNAL_WALK_L0 = 0x14;
    public static final int FSC_ALIGNMENT = 0x21;

    /** Data abort ISS bits. */
    public static final int ISS_WNR = 1 << 6;
    public static final int ISS_S1PTW = 1 << 7;
    public static final int ISS_CM = 1 << 8;

    /** IL: the trapped instruction was 32 bits (always, for A64). */
    public static final long IL = 1L << 25;

    private Esr() {
    }

    public static String className(int ec) {
        return switch (ec) {
            case EC_UNKNOWN -> "undefined instruction";
            case EC_WFX -> "WFI/WFE trap";
            case EC_FP_ACCESS -> "FP/SIMD access trap";
            case EC_ILLEGAL_STATE -> "illegal execution state";
            case EC_SVC64 -> "SVC";
            case EC_HVC64 -> "HVC";
            case EC_SMC64 -> "SMC";
            case EC_SYSREG -> "system register trap";
            case EC_IABT_LOWER, EC_IABT_SAME -> "instruction abort";
            case EC_PC_ALIGN -> "PC alignment fault";
            case EC_DABT_LOWER, EC_DABT_SAME -> "data abort";
            case EC_SP_ALIGN -> "SP alignment fault";
            case EC_SERROR -> "SError";
            case EC_BRK64 -> "BRK";
            default -> "exception";
        };
    }
}
